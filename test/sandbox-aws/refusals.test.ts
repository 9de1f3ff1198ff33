/**
 * What IAM refuses, refused with IAM's code and text, through the real aws CLI: policy documents (not JSON,
 * non-STS actions in a trust policy, Sids, Principal in an identity policy, no Principal in a trust policy) and
 * tags (aws: prefix, characters, keys equal but for case, more than 50). And what EKS refuses for EC2 node
 * access entries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { A, aws, awsTrust, B, CLUSTER_B, type Harness, startHarness } from "./helpers.js";

const skip = requireTools("test/sandbox-aws/refusals.test.ts", "aws");

const pA = ["--profile", `sandbox-${A}`];
const ADMIN = `arn:aws:iam::${A}:user/sandbox-admin`;
const errorOf = (stderr: string) =>
  /An error occurred \(([^)]+)\) when calling the \w+ operation: (.*)/.exec(stderr);

describe.skipIf(!!skip)("IAM refusals through the aws CLI", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const refused = async (args: string[]) => {
    const r = await aws(h.env, [...args, ...pA]);
    expect(r.code, r.stdout).not.toBe(0);
    const m = errorOf(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    return `${m![1]}: ${m![2]!.trim()}`;
  };
  const createRole = (name: string, trust: string, ...extra: string[]) =>
    refused(["iam", "create-role", "--role-name", name, "--assume-role-policy-document", trust, ...extra]);
  const trustWith = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

  it("refuses policy documents as IAM does", async () => {
    // `--assume-role-policy-document trust.json`: file:// forgotten, the CLI sends the file name.
    expect(await createRole("r1", "trust.json")).toBe(
      "MalformedPolicyDocument: This policy contains invalid Json",
    );
    expect(
      await createRole(
        "r2",
        trustWith({ Effect: "Allow", Principal: { AWS: ADMIN }, Action: "s3:GetObject" }),
      ),
    ).toBe("MalformedPolicyDocument: AssumeRole policy may only specify STS AssumeRole actions.");
    expect(await createRole("r3", trustWith({ Effect: "Allow", Action: "sts:AssumeRole" }))).toBe(
      "MalformedPolicyDocument: Missing required field Principal",
    );
    expect(
      await createRole(
        "r4",
        trustWith({ Sid: "not-alnum", Effect: "Allow", Principal: { AWS: ADMIN }, Action: "sts:AssumeRole" }),
      ),
    ).toBe(
      "MalformedPolicyDocument: Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    );
    // Session tags and source identity are STS actions a trust policy may grant.
    const ok = await aws(h.env, [
      "iam",
      "create-role",
      "--role-name",
      "tagged",
      "--assume-role-policy-document",
      trustWith({
        Effect: "Allow",
        Principal: { AWS: ADMIN },
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
      }),
      ...pA,
    ]);
    expect(ok.stderr).toBe("");
    const dupSid = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Same", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
        { Sid: "Same", Effect: "Allow", Action: "s3:PutObject", Resource: "*" },
      ],
    });
    const put = (doc: string) =>
      refused([
        "iam",
        "put-role-policy",
        "--role-name",
        "tagged",
        "--policy-name",
        "p",
        "--policy-document",
        doc,
      ]);
    expect(await put(dupSid)).toBe(
      "MalformedPolicyDocument: Statement IDs (SID) in a single policy must be unique.",
    );
    expect(
      await put(
        trustWith({ Effect: "Allow", Principal: { AWS: ADMIN }, Action: "s3:GetObject", Resource: "*" }),
      ),
    ).toBe("MalformedPolicyDocument: Policy document should not specify a principal.");
    expect(await put("policy.json")).toBe("MalformedPolicyDocument: This policy contains invalid Json");
    expect(
      (await aws(h.env, ["iam", "list-role-policies", "--role-name", "tagged", ...pA])).json().PolicyNames,
    ).toEqual([]);
  }, 180_000);

  it("refuses tags as IAM does", async () => {
    const trust = awsTrust(ADMIN);
    expect(await createRole("t1", trust, "--tags", "Key=aws:team,Value=x")).toMatch(
      /^InvalidInput: Tag keys starting with 'aws:' are reserved/,
    );
    expect(await createRole("t2", trust, "--tags", "Key=Team,Value=a", "Key=team,Value=b")).toBe(
      "InvalidInput: Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
    expect(await createRole("t3", trust, "--tags", "Key=bad#key,Value=x")).toMatch(
      /^ValidationError: 1 validation error detected: Value .* at 'tags\.member\.key' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    const many = Array.from({ length: 51 }, (_, i) => `Key=k${i},Value=v`);
    expect(await createRole("t4", trust, "--tags", ...many)).toMatch(/^ValidationError: .*tags.*50/);
    // Nothing was created by any of them.
    const roles = (await aws(h.env, ["iam", "list-roles", ...pA]))
      .json()
      .Roles.map((r: { RoleName: string }) => r.RoleName);
    expect(roles.filter((n: string) => /^t\d$/.test(n))).toEqual([]);
  }, 180_000);

  it("refuses EC2 node access entries as EKS does: same-account roles only, no kubernetesGroups", async () => {
    const pB = ["--profile", `sandbox-${B}`];
    const nodeTrust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    for (const [profile, account] of [
      [pA, A],
      [pB, B],
    ] as const) {
      const r = await aws(h.env, [
        "iam",
        "create-role",
        "--role-name",
        "Node",
        "--assume-role-policy-document",
        nodeTrust,
        ...profile,
      ]);
      expect(r.code, `${account}: ${r.stderr}`).toBe(0);
    }
    const entry = async (principal: string, type: string, ...extra: string[]) => {
      const r = await aws(h.env, [
        "eks",
        "create-access-entry",
        "--cluster-name",
        CLUSTER_B,
        "--principal-arn",
        principal,
        "--type",
        type,
        ...extra,
        ...pB,
      ]);
      if (r.code === 0) return r.json() as { accessEntry: { username: string; type: string } };
      const m = errorOf(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      return `${m![1]}: ${m![2]!.trim()}`;
    };
    expect(await entry(`arn:aws:iam::${A}:role/Node`, "EC2_LINUX")).toBe(
      `InvalidParameterException: The specified principalArn is invalid: access entries of type EC2_LINUX must use an IAM role of account ${B}`,
    );
    expect(await entry(`arn:aws:iam::${B}:user/sandbox-admin`, "EC2_WINDOWS")).toBe(
      "InvalidParameterException: The specified principalArn is invalid: access entries of type EC2_WINDOWS must use an IAM role",
    );
    expect(await entry(`arn:aws:iam::${B}:role/Node`, "EC2_LINUX", "--kubernetes-groups", "nodes")).toBe(
      "InvalidParameterException: kubernetesGroups is not supported for access entries of type EC2_LINUX",
    );
    expect(await entry(`arn:aws:iam::${B}:role/Node`, "EC2_LINUX")).toMatchObject({
      accessEntry: { type: "EC2_LINUX", username: "system:node:{{EC2PrivateDNSName}}" },
    });
  });
});
