/** The public surface of src/iam is locked: adding or removing an export is a deliberate change. */
import { describe, expect, it } from "vitest";
import * as iam from "./index.js";

describe("src/iam public API", () => {
  it("exports exactly these values", () => {
    expect(Object.keys(iam).sort()).toEqual(
      [
        "OPERATOR_NAMES",
        "PolicyError",
        "accountOfRootArn",
        "authorize",
        "closestAllow",
        "compileArnPattern",
        "compilePolicy",
        "compilePrincipal",
        "compileWildcard",
        "describeMismatch",
        "describePolicy",
        "describeStatement",
        "explainDecision",
        "hasWildcard",
        "isAccountId",
        "isArn",
        "normalizeContext",
        "parseArn",
        "parseOperator",
        "parsePolicy",
        "parseRoleArn",
        "parseRoleSessionArn",
        "roleArnOfSession",
        "sessionBelongsToRole",
        "wildcardMatch",
      ].sort(),
    );
  });
});
