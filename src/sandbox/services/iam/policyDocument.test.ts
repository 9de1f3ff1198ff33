import { describe, expect, it } from "vitest";
import { effectiveTrust, validatePolicyDocument } from "./policyDocument.js";

const ROLE = "arn:aws:iam::111111111111:role/A";
const resolve = (arn: string) => (arn === ROLE ? "AROAAAAAAAAAAAAAAAAAA" : undefined);
const st = (s: object) => JSON.stringify({ Version: "2012-10-17", Statement: [s] });

describe("IAM policy document validation", () => {
  const cases: [string, string, "identity" | "trust", string][] = [
    ["not JSON", "{", "identity", "This policy contains invalid Json"],
    ["file:// forgotten", "trust-policy.json", "trust", "This policy contains invalid Json"],
    [
      "a trust policy granting a non-STS action",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "s3:GetObject" }],
      }),
      "trust",
      "AssumeRole policy may only specify STS AssumeRole actions.",
    ],
    [
      "a Sid with a dash",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "my-sid", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
      }),
      "identity",
      "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    ],
    [
      "duplicate Sids",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Sid: "A", Effect: "Deny", Action: "s3:PutObject", Resource: "*" },
        ],
      }),
      "identity",
      "Statement IDs (SID) in a single policy must be unique.",
    ],
    [
      "unknown top-level key",
      JSON.stringify({ Version: "2012-10-17", Foo: 1, Statement: [] }),
      "identity",
      "Syntax errors in policy.",
    ],
    [
      "bad version",
      JSON.stringify({
        Version: "2020-01-01",
        Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
      }),
      "identity",
      "The policy failed legacy parsing",
    ],
    [
      "no statement",
      JSON.stringify({ Version: "2012-10-17" }),
      "identity",
      "Missing required field Statement",
    ],
    ["no effect", st({ Action: "s3:*", Resource: "*" }), "identity", "Missing required field Effect"],
    [
      "bad effect",
      st({ Effect: "Allwo", Action: "s3:*", Resource: "*" }),
      "identity",
      "Invalid effect: Allwo",
    ],
    [
      "no action",
      st({ Effect: "Allow", Resource: "*" }),
      "identity",
      "Policy statement must contain actions.",
    ],
    [
      "action without vendor",
      st({ Effect: "Allow", Action: "GetRole", Resource: "*" }),
      "identity",
      "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ],
    [
      "principal in identity policy",
      st({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }),
      "identity",
      "Policy document should not specify a principal.",
    ],
    [
      "no resource",
      st({ Effect: "Allow", Action: "s3:*" }),
      "identity",
      "Policy statement must contain resources.",
    ],
    [
      "resource in trust",
      st({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Resource: "*" }),
      "trust",
      "Has prohibited field Resource",
    ],
    [
      "no principal in trust",
      st({ Effect: "Allow", Action: "sts:AssumeRole" }),
      "trust",
      "Missing required field Principal",
    ],
    [
      "missing role",
      st({
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:role/B" },
        Action: "sts:AssumeRole",
      }),
      "trust",
      'Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/B"',
    ],
    [
      "garbage principal",
      st({ Effect: "Allow", Principal: { AWS: "bob" }, Action: "sts:AssumeRole" }),
      "trust",
      'Invalid principal in policy: "AWS":"bob"',
    ],
  ];
  it.each(cases)("refuses %s", (_name, doc, kind, message) => {
    expect(() => validatePolicyDocument(doc, kind, resolve)).toThrow(message);
  });

  it("resolves role principals to unique ids and accepts accounts, roots, sessions and federated principals", () => {
    const doc = st({
      Effect: "Allow",
      Principal: {
        AWS: [
          ROLE,
          "222222222222",
          "arn:aws:iam::222222222222:root",
          "arn:aws:sts::1:assumed-role/R/s".replace("::1:", "::111111111111:"),
        ],
        Federated: "arn:aws:iam::1:oidc-provider/x",
      },
      Action: "sts:AssumeRole",
    });
    expect(validatePolicyDocument(doc, "trust", resolve)).toEqual({ [ROLE]: "AROAAAAAAAAAAAAAAAAAA" });
  });

  it("shows a stale principal as its old unique id", () => {
    const doc = st({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "sts:AssumeRole" });
    const ids = { [ROLE]: "AROAAAAAAAAAAAAAAAAAA" };
    expect(effectiveTrust(doc, ids, resolve)).toBe(doc);
    const stale = JSON.parse(effectiveTrust(doc, ids, () => "AROABBBBBBBBBBBBBBBBB"));
    expect(stale.Statement[0].Principal.AWS).toBe("AROAAAAAAAAAAAAAAAAAA");
  });
});
