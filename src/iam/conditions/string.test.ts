import { describe, expect, it } from "vitest";
import { normalizeContext } from "../evaluate.js";
import type { ContextValue } from "../types.js";
import { compileCondition } from "./compile.js";

const fail = (path: string, problem: string): never => {
  throw new Error(`${path}: ${problem}`);
};
function holds(operator: string, values: string[], value: ContextValue | undefined): boolean {
  const c = compileCondition({ operator, key: "k", values, path: "k" }, operator, fail);
  return c.test(normalizeContext(value === undefined ? {} : { k: value }));
}

// [operator, policy values, request value (undefined = key absent), expected]
const table: Array<[string, string[], ContextValue | undefined, boolean]> = [
  ["StringEquals", ["a"], "a", true],
  ["StringEquals", ["a"], "A", false],
  ["StringEquals", ["a", "b"], "b", true],
  ["StringEquals", ["a*"], "abc", false],
  ["StringEquals", ["a*"], "a*", true],
  ["StringEquals", ["a"], undefined, false],
  ["StringEquals", [""], "", true],
  ["StringNotEquals", ["a"], "b", true],
  ["StringNotEquals", ["a", "b"], "b", false],
  ["StringNotEquals", ["a"], undefined, true],
  ["StringEqualsIgnoreCase", ["Platform"], "PLATFORM", true],
  ["StringEqualsIgnoreCase", ["Platform"], "platforms", false],
  ["StringNotEqualsIgnoreCase", ["Platform"], "platform", false],
  ["StringNotEqualsIgnoreCase", ["Platform"], "other", true],
  ["StringNotEqualsIgnoreCase", ["Platform"], undefined, true],
  ["StringLike", ["system:serviceaccount:argocd:*"], "system:serviceaccount:argocd:argocd-server", true],
  ["StringLike", ["system:serviceaccount:argocd:*"], "system:serviceaccount:krci:x", false],
  ["StringLike", ["cc-?"], "cc-1", true],
  ["StringLike", ["cc-?"], "cc-12", false],
  ["StringLike", ["A*"], "abc", false],
  ["StringLike", ["x", "y*"], "yes", true],
  ["StringLike", ["*"], "", true],
  ["StringLike", ["*"], undefined, false],
  ["StringNotLike", ["cc-*"], "dd-1", true],
  ["StringNotLike", ["cc-*", "dd-*"], "dd-1", false],
  ["StringNotLike", ["cc-*"], undefined, true],
];

describe("string operators", () => {
  it.each(table)("%s %j on %j is %s", (op, values, value, want) => {
    expect(holds(op, values, value)).toBe(want);
  });

  it("compares booleans and numbers in the context as their text", () => {
    expect(holds("StringEquals", ["true"], true)).toBe(true);
    expect(holds("StringEquals", ["10"], 10)).toBe(true);
  });
});
