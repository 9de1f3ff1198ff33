/**
 * Session tags and source identity on AssumeRole, through the real aws CLI: each is a permission of its own
 * (`sts:TagSession`, `sts:SetSourceIdentity`) that the role's trust policy must grant as well as sts:AssumeRole
 * ("Pass session tags in AWS STS" and "Monitor and control actions taken with assumed roles", IAM User Guide);
 * the session's tags are its aws:PrincipalTag keys, so `${aws:PrincipalTag/team}` in a policy reads them; a
 * transitive tag and the source identity go on along a role chain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { A, allow, aws, type Harness, startHarness } from "./helpers.js";

const skip = requireTools("test/sandbox-aws/sessionTags.test.ts", "aws");

const pA = ["--profile", `sandbox-${A}`];
const ADMIN = `arn:aws:iam::${A}:user/sandbox-admin`;
const ROLE = `arn:aws:iam::${A}:role/tagged`;
const errorOf = (stderr: string) =>
  /An error occurred \(([^)]+)\) when calling the \w+ operation: (.*)/.exec(stderr);

const trust = (principal: string, actions: string[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: actions }],
  });

describe.skipIf(!!skip)("session tags and source identity (aws CLI)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    for (const args of [
      [
        "iam",
        "create-role",
        "--role-name",
        "tagged",
        "--assume-role-policy-document",
        trust(ADMIN, ["sts:AssumeRole"]),
      ],
      // The role may read a role named after its session's `team` tag, and assume the next role of the chain.
      [
        "iam",
        "put-role-policy",
        "--role-name",
        "tagged",
        "--policy-name",
        "by-team",
        "--policy-document",
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "iam:GetRole",
              Resource: `arn:aws:iam::${A}:role/\${aws:PrincipalTag/team}`,
            },
            {
              Effect: "Allow",
              Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
              Resource: "*",
            },
          ],
        }),
      ],
      [
        "iam",
        "create-role",
        "--role-name",
        "ops",
        "--assume-role-policy-document",
        trust(ROLE, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]),
      ],
      [
        "iam",
        "put-role-policy",
        "--role-name",
        "ops",
        "--policy-name",
        "read",
        "--policy-document",
        allow("iam:GetRole", `arn:aws:iam::${A}:role/\${aws:PrincipalTag/team}`),
      ],
      [
        "iam",
        "create-role",
        "--role-name",
        "dev",
        "--assume-role-policy-document",
        trust(ADMIN, ["sts:AssumeRole"]),
      ],
    ]) {
      const r = await aws(h.env, [...args, ...pA]);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  const assume = (role: string, extra: string[], env: NodeJS.ProcessEnv = {}) =>
    aws(h.env, ["sts", "assume-role", "--role-arn", role, "--role-session-name", "s1", ...extra, ...pA], env);
  const refusal = async (p: Promise<{ code: number; stderr: string }>) => {
    const r = await p;
    expect(r.code).not.toBe(0);
    const m = errorOf(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    return `${m![1]}: ${m![2]!.trim()}`;
  };
  const asSession = (out: { Credentials: Record<string, string> }): NodeJS.ProcessEnv => ({
    // The profile gives the endpoint and region; credentials in the environment win over its keys.
    AWS_PROFILE: `sandbox-${A}`,
    AWS_ACCESS_KEY_ID: out.Credentials.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: out.Credentials.SecretAccessKey,
    AWS_SESSION_TOKEN: out.Credentials.SessionToken,
  });

  it("refuses tags and a source identity the trust policy does not grant, naming the action", async () => {
    expect(await refusal(assume(ROLE, ["--tags", "Key=team,Value=ops"]))).toBe(
      `AccessDenied: User: ${ADMIN} is not authorized to perform: sts:TagSession on resource: ${ROLE}`,
    );
    expect(await refusal(assume(ROLE, ["--source-identity", "alice"]))).toBe(
      `AccessDenied: User: ${ADMIN} is not authorized to perform: sts:SetSourceIdentity on resource: ${ROLE}`,
    );
    // Without either, the same trust policy lets the admin in.
    expect((await assume(ROLE, [])).code).toBe(0);
  });

  it("refuses malformed session tags and source identities", async () => {
    expect(await refusal(assume(ROLE, ["--tags", "Key=aws:team,Value=x"]))).toMatch(
      /^ValidationError: .*aws:/,
    );
    expect(await refusal(assume(ROLE, ["--tags", "Key=team,Value=a", "Key=TEAM,Value=b"]))).toMatch(
      /^InvalidParameterValue: Duplicate tag keys found/,
    );
    expect(
      await refusal(assume(ROLE, ["--tags", "Key=team,Value=a", "--transitive-tag-keys", "other"])),
    ).toMatch(/^InvalidParameterValue: The transitive tag key other/);
    expect(await refusal(assume(ROLE, ["--source-identity", "aws:me"]))).toMatch(/^ValidationError: .*aws:/);
  });

  it("once granted, the session's tags are its aws:PrincipalTag and chain on with the source identity", async () => {
    const grant = await aws(h.env, [
      "iam",
      "update-assume-role-policy",
      "--role-name",
      "tagged",
      "--policy-document",
      trust(ADMIN, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]),
      ...pA,
    ]);
    expect(grant.code, grant.stderr).toBe(0);
    const r = await assume(ROLE, [
      "--tags",
      "Key=team,Value=ops",
      "--transitive-tag-keys",
      "team",
      "--source-identity",
      "alice",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().SourceIdentity).toBe("alice");
    const session = asSession(r.json());
    // ${aws:PrincipalTag/team} is "ops": the role named ops is readable, the role named dev is not.
    const read = await aws(h.env, ["iam", "get-role", "--role-name", "ops"], session);
    expect(read.code, read.stderr).toBe(0);
    expect(await refusal(aws(h.env, ["iam", "get-role", "--role-name", "dev"], session))).toMatch(
      /^AccessDenied: .*iam:GetRole/,
    );

    // Chained: the transitive tag is inherited (so ops' own policy reads it) and cannot be overridden; the
    // source identity cannot be changed.
    const next = (extra: string[]) =>
      aws(
        h.env,
        [
          "sts",
          "assume-role",
          "--role-arn",
          `arn:aws:iam::${A}:role/ops`,
          "--role-session-name",
          "s2",
          ...extra,
        ],
        session,
      );
    expect(await refusal(next(["--tags", "Key=team,Value=dev"]))).toMatch(/^InvalidParameterValue: .*team/);
    expect(await refusal(next(["--source-identity", "bob"]))).toMatch(/^ValidationError: Source identity/);
    const chained = await next([]);
    expect(chained.code, chained.stderr).toBe(0);
    const opsSession = asSession(chained.json());
    expect((await aws(h.env, ["iam", "get-role", "--role-name", "ops"], opsSession)).code).toBe(0);
    expect((await aws(h.env, ["iam", "get-role", "--role-name", "dev"], opsSession)).code).not.toBe(0);
  });
});
