import { describe, expect, it } from "vitest";
import { PolicyError } from "./errors.js";
import { authorize, normalizeContext } from "./evaluate.js";
import type { AuthorizeInput, RequestPrincipal } from "./types.js";

const A = "111111111111";
const B = "222222222222";
const session: RequestPrincipal = {
  kind: "aws",
  accountId: A,
  arn: `arn:aws:sts::${A}:assumed-role/Op/s`,
  roleArn: `arn:aws:iam::${A}:role/Op`,
};
const allowAssume = { Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] };
const trust = (principal: unknown) => ({
  Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }],
});

function assume(target: string, identity: unknown[], trustDoc: unknown | undefined): AuthorizeInput {
  const input: AuthorizeInput = {
    request: { principal: session, action: "sts:AssumeRole", resource: target },
    identityPolicies: identity.map((document, i) => ({ name: `inline:${i}`, document })),
    resourceAccount: target.split(":")[4] ?? "",
  };
  if (trustDoc !== undefined) input.resourcePolicy = { name: `trust:${target}`, document: trustDoc };
  return input;
}

describe("authorize: role trust", () => {
  const sameTarget = `arn:aws:iam::${A}:role/T`;
  const crossTarget = `arn:aws:iam::${B}:role/T`;
  const role = { AWS: `arn:aws:iam::${A}:role/Op` };
  const root = { AWS: `arn:aws:iam::${A}:root` };
  const other = { AWS: `arn:aws:iam::${A}:role/Other` };

  // [target, identity allows?, trust principal (undefined: no trust policy), decision, missing]
  it.each([
    [sameTarget, false, role, "Allowed", undefined],
    [sameTarget, true, role, "Allowed", undefined],
    [sameTarget, true, other, "ImplicitlyDenied", ["resource"]],
    [sameTarget, false, root, "ImplicitlyDenied", ["identity"]],
    [sameTarget, true, root, "Allowed", undefined],
    [sameTarget, true, undefined, "ImplicitlyDenied", ["resource"]],
    [crossTarget, true, role, "Allowed", undefined],
    [crossTarget, false, role, "ImplicitlyDenied", ["identity"]],
    [crossTarget, true, other, "ImplicitlyDenied", ["resource"]],
    [crossTarget, false, other, "ImplicitlyDenied", ["identity", "resource"]],
    [crossTarget, true, root, "Allowed", undefined],
    [crossTarget, true, undefined, "ImplicitlyDenied", ["resource"]],
  ] as Array<[string, boolean, unknown, string, string[] | undefined]>)(
    "%s identity=%s trust=%j → %s %j",
    (target, identity, principal, decision, missing) => {
      const d = authorize(assume(target, identity ? [allowAssume] : [], principal && trust(principal)));
      expect(d.decision).toBe(decision);
      if (missing) expect(d.decision === "ImplicitlyDenied" && d.missing).toEqual(missing);
    },
  );
});

describe("authorize: trace", () => {
  it("records every statement in order, with side, mismatch or principal match", () => {
    const target = `arn:aws:iam::${B}:role/T`;
    const d = authorize(
      assume(
        target,
        [
          {
            Statement: [
              { Sid: "Other", Effect: "Allow", Action: "s3:*", Resource: "*" },
              { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${B}:role/X` },
              { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" },
            ],
          },
        ],
        {
          Statement: [
            { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sts:AssumeRole" },
            {
              Effect: "Allow",
              Principal: { AWS: A },
              Action: "sts:AssumeRole",
              Condition: { Bool: { "aws:x": "true" } },
            },
            { Effect: "Allow", Principal: { AWS: A }, Action: "sts:AssumeRole" },
          ],
        },
      ),
    );
    expect(d.decision).toBe("Allowed");
    expect(d.trace).toEqual([
      {
        statement: { policy: "inline:0", index: 0, sid: "Other" },
        effect: "Allow",
        side: "identity",
        mismatch: { on: "action", expected: ["s3:*"], actual: "sts:AssumeRole" },
      },
      {
        statement: { policy: "inline:0", index: 1 },
        effect: "Allow",
        side: "identity",
        mismatch: { on: "resource", expected: [`arn:aws:iam::${B}:role/X`], actual: target },
      },
      { statement: { policy: "inline:0", index: 2 }, effect: "Allow", side: "identity" },
      {
        statement: { policy: `trust:${target}`, index: 0 },
        effect: "Allow",
        side: "resource",
        mismatch: {
          on: "principal",
          expected: [`arn:aws:iam::${B}:root`],
          actual: session.kind === "aws" ? session.arn : "",
        },
      },
      {
        statement: { policy: `trust:${target}`, index: 1 },
        effect: "Allow",
        side: "resource",
        mismatch: {
          on: "condition",
          failure: { operator: "Bool", key: "aws:x", expected: ["true"], actual: undefined },
        },
      },
      {
        statement: { policy: `trust:${target}`, index: 2 },
        effect: "Allow",
        side: "resource",
        principalMatch: "account",
      },
    ]);
    expect(d.decision === "Allowed" && d.allowedBy).toEqual([
      { policy: "inline:0", index: 2 },
      { policy: `trust:${target}`, index: 2 },
    ]);
    expect(d.request).toEqual({
      caller: session.kind === "aws" ? session.arn : "",
      action: "sts:AssumeRole",
      resource: target,
    });
  });

  it("marks NotAction / NotResource / NotPrincipal mismatches as negated", () => {
    const d = authorize({
      request: { principal: session, action: "sqs:SendMessage", resource: `arn:aws:sqs:eu-west-1:${A}:q` },
      identityPolicies: [
        { name: "i", document: { Statement: [{ Effect: "Allow", NotAction: "sqs:*", Resource: "*" }] } },
        {
          name: "j",
          document: { Statement: [{ Effect: "Allow", Action: "*", NotResource: "arn:aws:sqs:*:*:*" }] },
        },
      ],
      resourcePolicy: {
        name: "r",
        document: { Statement: [{ Effect: "Allow", NotPrincipal: { AWS: A }, Action: "*" }] },
      },
      resourceAccount: A,
    });
    expect(d.trace.map((t) => t.mismatch && "negated" in t.mismatch && t.mismatch.negated)).toEqual([
      true,
      true,
      true,
    ]);
  });
});

describe("authorize: callers without identity policies", () => {
  const provider = `arn:aws:iam::${A}:oidc-provider/oidc.example/id/X`;
  const role = `arn:aws:iam::${A}:role/Web`;
  const webTrust = {
    Statement: [
      { Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity" },
    ],
  };
  it("federated: the trust policy decides; identity allows do not count, denies do", () => {
    const base: AuthorizeInput = {
      request: {
        principal: { kind: "federated", provider },
        action: "sts:AssumeRoleWithWebIdentity",
        resource: role,
      },
      identityPolicies: [],
      resourcePolicy: { name: "trust", document: webTrust },
      resourceAccount: A,
    };
    expect(authorize(base).decision).toBe("Allowed");
    const noTrust = { ...base, resourcePolicy: { name: "trust", document: { Statement: [] } } };
    const withIdentity = {
      ...noTrust,
      identityPolicies: [
        { name: "i", document: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } },
      ],
    };
    expect(authorize(withIdentity)).toMatchObject({ decision: "ImplicitlyDenied", missing: ["resource"] });
    const denied = {
      ...base,
      identityPolicies: [
        { name: "i", document: { Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] } },
      ],
    };
    expect(authorize(denied).decision).toBe("ExplicitlyDenied");
  });
});

describe("authorize: errors and context", () => {
  it("refuses an identity policy that names a Principal, with the policy's name", () => {
    expect(() =>
      authorize({
        request: { principal: session, action: "sts:AssumeRole", resource: "arn:aws:iam::1:role/x" },
        identityPolicies: [{ name: "inline:bad", document: trust({ AWS: "*" }) }],
        resourceAccount: A,
      }),
    ).toThrow(
      new PolicyError(
        "Statement[0].Principal",
        "an identity-based policy cannot name a Principal",
        "inline:bad",
      ),
    );
  });

  it("normalises the context: lower-case keys, text values", () => {
    expect([
      ...normalizeContext({ "AWS:MultiFactorAuthPresent": true, "s3:max-keys": 10, "aws:TagKeys": ["a"] }),
    ]).toEqual([
      ["aws:multifactorauthpresent", "true"],
      ["s3:max-keys", "10"],
      ["aws:tagkeys", ["a"]],
    ]);
  });
});

describe("authorize: a limit (permissions boundary, session policy)", () => {
  const target = `arn:aws:iam::${B}:role/T`;
  const limit = (doc: unknown): AuthorizeInput => ({
    ...assume(target, [doc], undefined),
    limit: true,
  });

  it("allows sts:AssumeRole when an Allow applies, with no trust policy needed", () => {
    expect(authorize(limit(allowAssume)).decision).toBe("Allowed");
    // Without `limit` the same call is the identity side of a cross-account AssumeRole: no trust, refused.
    expect(authorize(assume(target, [allowAssume], undefined)).decision).toBe("ImplicitlyDenied");
  });

  it("refuses an action it does not allow, and an explicit Deny wins over its Allow", () => {
    const other = { Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
    expect(authorize(limit(other))).toMatchObject({ decision: "ImplicitlyDenied", missing: ["identity"] });
    const denies = {
      Statement: [
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Effect: "Deny", Action: "sts:AssumeRole", Resource: target },
      ],
    };
    expect(authorize(limit(denies))).toMatchObject({ decision: "ExplicitlyDenied" });
  });
});
