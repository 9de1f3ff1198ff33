/**
 * What tools call, through the real aws CLI: the Terraform provider's ListInstanceProfilesForRole, role
 * descriptions, OIDC thumbprints, GetAccountAuthorizationDetails, the policy simulator answered by the
 * evaluator, GetSessionToken, permissions boundaries (stored and intersected with the role's policies) and the
 * AWS managed policies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { A, allow, aws, awsTrust, type Harness, startHarness } from "./helpers.js";

const skip = requireTools("test/sandbox-aws/served.test.ts", "aws");

const pA = ["--profile", `sandbox-${A}`];
const code = (stderr: string) => /An error occurred \(([^)]+)\)/.exec(stderr)?.[1];
const ADMIN = `arn:aws:iam::${A}:user/sandbox-admin`;

describe.skipIf(!!skip)("operations tools call, through the aws CLI", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const ok = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await aws(h.env, args, extra);
    expect(r.stderr, args.join(" ")).toBe("");
    expect(r.code).toBe(0);
    return r.stdout ? r.json() : undefined;
  };

  it("ListInstanceProfilesForRole, UpdateRoleDescription and OIDC thumbprints", async () => {
    await ok([
      "iam",
      "create-role",
      "--role-name",
      "tf",
      "--assume-role-policy-document",
      awsTrust(ADMIN),
      ...pA,
    ]);
    // (the CLI's paginator drops IsTruncated)
    expect(await ok(["iam", "list-instance-profiles-for-role", "--role-name", "tf", ...pA])).toEqual({
      InstanceProfiles: [],
    });
    const missing = await aws(h.env, [
      "iam",
      "list-instance-profiles-for-role",
      "--role-name",
      "nope",
      ...pA,
    ]);
    expect(code(missing.stderr)).toBe("NoSuchEntity");
    expect(missing.stderr).toContain("The role with name nope cannot be found.");

    const d = await ok([
      "iam",
      "update-role-description",
      "--role-name",
      "tf",
      "--description",
      "made by terraform",
      ...pA,
    ]);
    expect(d.Role.Description).toBe("made by terraform");
    expect((await ok(["iam", "get-role", "--role-name", "tf", ...pA])).Role.Description).toBe(
      "made by terraform",
    );

    const created = await ok([
      "iam",
      "create-open-id-connect-provider",
      "--url",
      "https://oidc.example.com/id/ABC",
      "--client-id-list",
      "sts.amazonaws.com",
      "--thumbprint-list",
      "a".repeat(40),
      ...pA,
    ]);
    const arn = created.OpenIDConnectProviderArn;
    await ok([
      "iam",
      "update-open-id-connect-provider-thumbprint",
      "--open-id-connect-provider-arn",
      arn,
      "--thumbprint-list",
      "b".repeat(40),
      "c".repeat(40),
      ...pA,
    ]);
    expect(
      (await ok(["iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn, ...pA]))
        .ThumbprintList,
    ).toEqual(["b".repeat(40), "c".repeat(40)]);
    const bad = await aws(h.env, [
      "iam",
      "update-open-id-connect-provider-thumbprint",
      "--open-id-connect-provider-arn",
      arn,
      "--thumbprint-list",
      "z".repeat(40),
      ...pA,
    ]);
    expect(code(bad.stderr)).toBe("ValidationError");
  }, 180_000);

  it("stores a permissions boundary and intersects it with the role's policies", async () => {
    const boundary = await ok([
      "iam",
      "create-policy",
      "--policy-name",
      "boundary",
      "--policy-document",
      allow("sts:GetCallerIdentity", "*"),
      ...pA,
    ]);
    const boundaryArn = boundary.Policy.Arn;
    const nope = await aws(h.env, [
      "iam",
      "create-role",
      "--role-name",
      "bounded",
      "--assume-role-policy-document",
      awsTrust(ADMIN),
      "--permissions-boundary",
      `arn:aws:iam::${A}:policy/missing`,
      ...pA,
    ]);
    expect(code(nope.stderr)).toBe("NoSuchEntity");
    expect(nope.stderr).toContain(
      `Scope ARN: arn:aws:iam::${A}:policy/missing does not exist or is not attachable.`,
    );
    await ok([
      "iam",
      "create-role",
      "--role-name",
      "bounded",
      "--assume-role-policy-document",
      awsTrust(ADMIN),
      "--permissions-boundary",
      boundaryArn,
      ...pA,
    ]);
    await ok([
      "iam",
      "put-role-policy",
      "--role-name",
      "bounded",
      "--policy-name",
      "p",
      "--policy-document",
      allow("iam:ListRoles", "*"),
      ...pA,
    ]);
    const role = (await ok(["iam", "get-role", "--role-name", "bounded", ...pA])).Role;
    expect(role.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: "Policy",
      PermissionsBoundaryArn: boundaryArn,
    });
    expect(
      (await ok(["iam", "get-policy", "--policy-arn", boundaryArn, ...pA])).Policy
        .PermissionsBoundaryUsageCount,
    ).toBe(1);
    const inUse = await aws(h.env, ["iam", "delete-policy", "--policy-arn", boundaryArn, ...pA]);
    expect(code(inUse.stderr)).toBe("DeleteConflict");

    const creds = (
      await ok(["sts", "assume-role", "--role-arn", role.Arn, "--role-session-name", "s1", ...pA])
    ).Credentials;
    const session = {
      AWS_ACCESS_KEY_ID: creds.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
      AWS_SESSION_TOKEN: creds.SessionToken,
      AWS_DEFAULT_REGION: "eu-central-1",
    };
    // The inline policy allows iam:ListRoles, the boundary does not: denied, with AWS's reason.
    const denied = await aws(h.env, ["iam", "list-roles"], session);
    expect(code(denied.stderr)).toBe("AccessDenied");
    expect(denied.stderr).toContain("because no permissions boundary allows the iam:ListRoles action");
    // The simulator agrees, naming the boundary.
    const sim = await ok([
      "iam",
      "simulate-principal-policy",
      "--policy-source-arn",
      role.Arn,
      "--action-names",
      "iam:ListRoles",
      ...pA,
    ]);
    expect(sim.EvaluationResults).toEqual([
      expect.objectContaining({
        EvalActionName: "iam:ListRoles",
        EvalResourceName: "*",
        EvalDecision: "implicitDeny",
        PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
      }),
    ]);
    // Without the boundary, the role's own policy decides.
    await ok(["iam", "delete-role-permissions-boundary", "--role-name", "bounded", ...pA]);
    expect((await ok(["iam", "list-roles"], session)).Roles.length).toBeGreaterThan(0);
    const after = await ok([
      "iam",
      "simulate-principal-policy",
      "--policy-source-arn",
      role.Arn,
      "--action-names",
      "iam:ListRoles",
      "iam:DeleteRole",
      ...pA,
    ]);
    expect(after.EvaluationResults.map((r: { EvalDecision: string }) => r.EvalDecision)).toEqual([
      "allowed",
      "implicitDeny",
    ]);
    await ok([
      "iam",
      "put-role-permissions-boundary",
      "--role-name",
      "bounded",
      "--permissions-boundary",
      "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
      ...pA,
    ]);
    expect(
      (await ok(["iam", "get-role", "--role-name", "bounded", ...pA])).Role.PermissionsBoundary
        .PermissionsBoundaryArn,
    ).toBe("arn:aws:iam::aws:policy/IAMReadOnlyAccess");

    const details = await ok([
      "iam",
      "get-account-authorization-details",
      "--filter",
      "Role",
      "LocalManagedPolicy",
      ...pA,
    ]);
    expect(details.UserDetailList).toEqual([]);
    const detail = details.RoleDetailList.find((r: { RoleName: string }) => r.RoleName === "bounded");
    expect(detail.RolePolicyList).toEqual([
      { PolicyName: "p", PolicyDocument: JSON.parse(allow("iam:ListRoles", "*")) },
    ]);
    expect(detail.PermissionsBoundary.PermissionsBoundaryArn).toBe(
      "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
    );
    expect(details.Policies.map((p: { PolicyName: string }) => p.PolicyName)).toEqual(["boundary"]);
    expect(details.Policies[0].PolicyVersionList[0].IsDefaultVersion).toBe(true);
  }, 180_000);

  it("SimulateCustomPolicy: allow, explicit deny, conditions from context entries", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
        { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/secret" },
        {
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: "*",
          Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
        },
      ],
    });
    const r = await ok([
      "iam",
      "simulate-custom-policy",
      "--policy-input-list",
      policy,
      "--action-names",
      "s3:GetObject",
      "--resource-arns",
      "arn:aws:s3:::b/x",
      "arn:aws:s3:::b/secret",
      ...pA,
    ]);
    expect(r.EvaluationResults.map((x: { EvalDecision: string }) => x.EvalDecision)).toEqual([
      "allowed",
      "explicitDeny",
    ]);
    const cond = await ok([
      "iam",
      "simulate-custom-policy",
      "--policy-input-list",
      policy,
      "--action-names",
      "s3:PutObject",
      "--context-entries",
      "ContextKeyName=aws:RequestedRegion,ContextKeyValues=eu-west-1,ContextKeyType=string",
      ...pA,
    ]);
    expect(cond.EvaluationResults[0].EvalDecision).toBe("allowed");
    const noCond = await ok([
      "iam",
      "simulate-custom-policy",
      "--policy-input-list",
      policy,
      "--action-names",
      "s3:PutObject",
      ...pA,
    ]);
    expect(noCond.EvaluationResults[0].EvalDecision).toBe("implicitDeny");
  }, 180_000);

  it("GetSessionToken: the user's own temporary credentials, which cannot call IAM or get another token", async () => {
    const creds = (await ok(["sts", "get-session-token", "--duration-seconds", "900", ...pA])).Credentials;
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    const session = {
      AWS_ACCESS_KEY_ID: creds.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
      AWS_SESSION_TOKEN: creds.SessionToken,
      AWS_DEFAULT_REGION: "eu-central-1",
    };
    expect((await ok(["sts", "get-caller-identity"], session)).Arn).toBe(ADMIN);
    const iam = await aws(h.env, ["iam", "list-roles"], session);
    expect(code(iam.stderr)).toBe("AccessDenied");
    const again = await aws(h.env, ["sts", "get-session-token"], session);
    expect(code(again.stderr)).toBe("AccessDenied");
    expect(again.stderr).toContain("Cannot call GetSessionToken with session credentials");
    const tooLong = await aws(h.env, ["sts", "get-session-token", "--duration-seconds", "200000", ...pA]);
    expect(code(tooLong.stderr)).toBe("ValidationError");
  }, 180_000);

  it("lists the AWS managed policies platform teams attach", async () => {
    const names = (await ok(["iam", "list-policies", "--scope", "AWS", ...pA])).Policies.map(
      (p: { PolicyName: string }) => p.PolicyName,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        "AdministratorAccess",
        "ReadOnlyAccess",
        "IAMReadOnlyAccess",
        "PowerUserAccess",
        "AmazonEKSClusterPolicy",
        "AmazonEKSWorkerNodePolicy",
      ]),
    );
    const v = await ok([
      "iam",
      "get-policy-version",
      "--policy-arn",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "--version-id",
      "v3",
      ...pA,
    ]);
    expect(v.PolicyVersion.Document.Statement[0].Action).toContain("eks:DescribeCluster");
  }, 180_000);
});
