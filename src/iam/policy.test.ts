import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { PolicyError } from "./errors.js";
import { parsePolicy } from "./policy.js";

function errorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error("expected a PolicyError");
}

describe("parsePolicy: normalisation", () => {
  it("normalises strings to lists, keeps Sid, Not* and conditions as strings", () => {
    const p = parsePolicy(
      {
        Version: "2012-10-17",
        Id: "trust",
        Statement: {
          Sid: "Web",
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/x", AWS: ["111111111111"] },
          NotAction: "iam:*",
          NotResource: ["arn:aws:s3:::secret/*"],
          Condition: {
            NumericLessThan: { "s3:max-keys": 10 },
            Bool: { "aws:SecureTransport": [true, "false"] },
          },
        },
      },
      "trust:r",
    );
    expect(p).toEqual({
      name: "trust:r",
      version: "2012-10-17",
      id: "trust",
      statements: [
        {
          index: 0,
          path: "Statement",
          sid: "Web",
          effect: "Allow",
          principal: {
            negated: false,
            entries: [
              { type: "Federated", value: "arn:aws:iam::111111111111:oidc-provider/x" },
              { type: "AWS", value: "111111111111" },
            ],
          },
          action: { negated: true, values: ["iam:*"] },
          resource: { negated: true, values: ["arn:aws:s3:::secret/*"] },
          conditions: [
            {
              operator: "NumericLessThan",
              key: "s3:max-keys",
              values: ["10"],
              path: 'Statement.Condition.NumericLessThan["s3:max-keys"]',
            },
            {
              operator: "Bool",
              key: "aws:SecureTransport",
              values: ["true", "false"],
              path: 'Statement.Condition.Bool["aws:SecureTransport"]',
            },
          ],
        },
      ],
    });
  });

  it('accepts JSON text and `Principal: "*"`', () => {
    const p = parsePolicy(
      JSON.stringify({
        Statement: [{ Effect: "Deny", Principal: "*", NotPrincipal: undefined, Action: "*" }],
      }),
    );
    expect(p.statements[0]?.principal).toEqual({ negated: false, entries: [{ type: "*", value: "*" }] });
    expect(p.statements[0]?.resource).toBeUndefined();
    expect(p.version).toBeUndefined();
  });

  it("keeps NotPrincipal negated", () => {
    const p = parsePolicy(
      { Statement: [{ Effect: "Deny", NotPrincipal: { AWS: "*" }, Action: "*" }] },
      "r",
      "resource",
    );
    expect(p.statements[0]?.principal?.negated).toBe(true);
  });

  it("accepts the documented edge forms", () => {
    expect(() =>
      parsePolicy({
        Version: "2008-10-17",
        Statement: [
          { Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:*/prod/*" },
          { Effect: "Allow", Action: "*", Resource: ["arn:aws:iam::*"] },
          { Effect: "Allow", Principal: { AWS: "AROAEXAMPLEID12345678" }, Action: "sts:AssumeRole" },
          {
            Effect: "Allow",
            Principal: { CanonicalUser: "79a59df900b949e55d96a1e698fbaced" },
            Action: "s3:*",
          },
          { Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { StringLike: {} } },
        ],
      }),
    ).not.toThrow();
  });
});

describe("parsePolicy: errors", () => {
  it("is an InputError with exit code 2, a code, the path and the policy name", () => {
    const e = errorOf(() =>
      parsePolicy(
        { Statement: [{ Effect: "Allow", Action: "*", Condition: { StringEquals: ["a"] } }] },
        "inline:x",
      ),
    );
    expect(e).toBeInstanceOf(InputError);
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe("IAM_POLICY_INVALID");
    expect(e.path).toBe("Statement[0].Condition.StringEquals");
    expect(e.policy).toBe("inline:x");
    expect(e.message).toBe(
      "Statement[0].Condition.StringEquals: expected an object of keys to values (policy inline:x)",
    );
    expect(e.oneLine()).toContain("fix the policy document");
  });

  it("names the first fault in document order", () => {
    const e = errorOf(() =>
      parsePolicy(
        {
          Statement: [
            { Effect: "Allow", Action: "*" },
            { Effect: "Maybe", Action: "nope" },
          ],
        },
        undefined,
        "identity",
      ),
    );
    expect(e.path).toBe("Statement[0]");
    expect(e.problem).toBe("needs Resource or NotResource");
  });

  it("refuses non-string Sid, Id and non-object statements", () => {
    expect(errorOf(() => parsePolicy({ Statement: [{ Sid: 1, Effect: "Allow", Action: "*" }] })).path).toBe(
      "Statement[0].Sid",
    );
    expect(errorOf(() => parsePolicy({ Id: 7, Statement: [] })).path).toBe("Id");
    expect(errorOf(() => parsePolicy({ Statement: [null] })).message).toBe(
      "Statement[0]: expected a statement object, got null",
    );
    expect(errorOf(() => parsePolicy(42)).message).toBe("(document): expected a policy object, got 42");
  });

  it("refuses Principal together with NotPrincipal, and odd principal values", () => {
    expect(
      errorOf(() =>
        parsePolicy({ Statement: [{ Effect: "Allow", Principal: "*", NotPrincipal: "*", Action: "*" }] }),
      ).problem,
    ).toBe("has both Principal and NotPrincipal; use one");
    expect(
      errorOf(() => parsePolicy({ Statement: [{ Effect: "Allow", Principal: {}, Action: "*" }] })).problem,
    ).toBe("expected at least one of AWS, Federated, Service, CanonicalUser");
    expect(
      errorOf(() =>
        parsePolicy({ Statement: [{ Effect: "Allow", Principal: { Service: [""] }, Action: "*" }] }),
      ).path,
    ).toBe("Statement[0].Principal.Service[0]");
    expect(
      errorOf(() => parsePolicy({ Statement: [{ Effect: "Allow", Principal: { AWS: [1] }, Action: "*" }] }))
        .message,
    ).toBe("Statement[0].Principal.AWS[0]: expected a string, got 1");
  });

  it("puts keys that are not identifiers in brackets", () => {
    const e = errorOf(() =>
      parsePolicy({
        Statement: [{ Effect: "Allow", Action: "*", Condition: { Bool: { "aws:SecureTransport": null } } }],
      }),
    );
    expect(e.path).toBe('Statement[0].Condition.Bool["aws:SecureTransport"]');
  });
});
