import { describe, expect, it } from "vitest";
import { authorize } from "./evaluate.js";
import { describeMismatch, describePolicy, explainDecision } from "./explain.js";
import type { Decision } from "./types.js";

const ISS = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const A = "111111111111";
const ROLE = `arn:aws:iam::${A}:role/AWSIRSA_prod_CDPipelineOperator`;

describe("explainDecision", () => {
  it("names the failing condition of the trust policy, as issue 3 asks", () => {
    const d = authorize({
      request: {
        principal: { kind: "federated", provider: `arn:aws:iam::${A}:oidc-provider/${ISS}` },
        action: "sts:AssumeRoleWithWebIdentity",
        resource: ROLE,
        context: { [`${ISS}:sub`]: "system:serviceaccount:krci:other", [`${ISS}:aud`]: "sts.amazonaws.com" },
      },
      identityPolicies: [],
      resourcePolicy: {
        name: `trust:${ROLE}`,
        document: {
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: `arn:aws:iam::${A}:oidc-provider/${ISS}` },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: { [`${ISS}:sub`]: "system:serviceaccount:krci:edp-cd-pipeline-operator" },
              },
            },
          ],
        },
      },
      resourceAccount: A,
    });
    expect(explainDecision(d)).toBe(
      `trust policy of ${ROLE} statement 0 requires StringEquals ${ISS}:sub in [system:serviceaccount:krci:edp-cd-pipeline-operator], got system:serviceaccount:krci:other`,
    );
  });

  it("picks the Allow statement that came closest (failed latest)", () => {
    const d: Decision = {
      decision: "ImplicitlyDenied",
      missing: ["identity"],
      trace: [
        {
          statement: { policy: "inline:a", index: 0 },
          effect: "Allow",
          side: "identity",
          mismatch: { on: "action", expected: ["s3:*"], actual: "sts:AssumeRole" },
        },
        {
          statement: { policy: "inline:a", index: 1, sid: "Assume" },
          effect: "Allow",
          side: "identity",
          mismatch: { on: "resource", expected: ["arn:aws:iam::2:role/X"], actual: "arn:aws:iam::2:role/Y" },
        },
        {
          statement: { policy: "inline:a", index: 2 },
          effect: "Deny",
          side: "identity",
          mismatch: {
            on: "condition",
            failure: { operator: "Bool", key: "k", expected: ["true"], actual: undefined },
          },
        },
      ],
    };
    expect(explainDecision(d)).toBe(
      "inline policy a statement 1 (Sid Assume) covers resources [arn:aws:iam::2:role/X], not arn:aws:iam::2:role/Y",
    );
  });

  it("says allowed and explicitly denied with the statements", () => {
    expect(
      explainDecision({
        decision: "Allowed",
        allowedBy: [
          { policy: "inline:x", index: 0 },
          { policy: "trust:arn:aws:iam::2:role/R", index: 1, sid: "A" },
        ],
        trace: [],
      }),
    ).toBe(
      "allowed by inline policy x statement 0 and trust policy of arn:aws:iam::2:role/R statement 1 (Sid A)",
    );
    expect(
      explainDecision({ decision: "ExplicitlyDenied", deniedBy: { policy: "guard", index: 3 }, trace: [] }),
    ).toBe("explicitly denied by policy guard statement 3");
  });

  it("falls back to the missing side when no statement came close", () => {
    expect(
      explainDecision({ decision: "ImplicitlyDenied", missing: ["identity", "resource"], trace: [] }),
    ).toBe("no identity policy allows the request; and no resource (trust) policy allows the request");
  });
});

describe("describePolicy / describeMismatch", () => {
  it.each([
    ["trust:arn:aws:iam::1:role/R", "trust policy of arn:aws:iam::1:role/R"],
    ["inline:assume-agent", "inline policy assume-agent"],
    ["managed:arn:aws:iam::aws:policy/X", "managed policy arn:aws:iam::aws:policy/X"],
    ["resource:arn:aws:sqs:eu-west-1:1:q", "resource policy of arn:aws:sqs:eu-west-1:1:q"],
    ["custom", "policy custom"],
    ["the trust policy of R", "the trust policy of R"],
  ])("%s → %s", (name, want) => {
    expect(describePolicy(name)).toBe(want);
  });

  it("shows absent and multivalued actual values", () => {
    const f = { operator: "ForAllValues:StringEquals", key: "aws:TagKeys", expected: ["a"] };
    expect(describeMismatch({ on: "condition", failure: { ...f, actual: undefined } })).toBe(
      "requires ForAllValues:StringEquals aws:TagKeys in [a], got no value (the key is absent from the request)",
    );
    expect(describeMismatch({ on: "condition", failure: { ...f, actual: ["a", "b"] } })).toBe(
      "requires ForAllValues:StringEquals aws:TagKeys in [a], got [a, b]",
    );
    expect(describeMismatch({ on: "principal", expected: ["1"], actual: "arn", negated: true })).toBe(
      "excludes principals [1] (NotPrincipal), which cover arn",
    );
  });
});
