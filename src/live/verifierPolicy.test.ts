import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../config/index.js";
import { verifierPolicies } from "./verifierPolicy.js";

const config = parseConfigText(
  readFileSync(join(import.meta.dirname, "..", "..", "examples", "multi-target.yaml"), "utf8"),
);

describe("verifierPolicies", () => {
  it("grants only reads, on exactly the roles, provider, clusters and access entries the collector reads", () => {
    const [a, b] = verifierPolicies(config);
    const actions = (p: typeof a) =>
      (p!.policy.Statement as { Action: string | string[] }[]).flatMap((s) =>
        Array.isArray(s.Action) ? s.Action : [s.Action],
      );
    for (const p of verifierPolicies(config)) {
      expect(actions(p).every((x) => /^(iam|eks):(Get|List|Describe)/.test(x))).toBe(true);
    }
    expect(a!.accountId).toBe("111111111111");
    expect(a!.policy.Statement).toContainEqual({
      Sid: "ReadXirsaRoles",
      Effect: "Allow",
      Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"],
      Resource: [
        "arn:aws:iam::111111111111:role/AWSIRSA_platform_CDPipelineOperator",
        "arn:aws:iam::111111111111:role/AWSIRSA_platform_ArgoCDMaster",
      ],
    });
    expect(a!.policy.Statement).toContainEqual({
      Sid: "ReadOidcProvider",
      Effect: "Allow",
      Action: "iam:GetOpenIDConnectProvider",
      Resource:
        "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F",
    });
    // The source cluster has no access entries to read.
    expect(actions(a)).not.toContain("eks:ListAccessEntries");
    expect(b!.clusters).toEqual(["workloads-staging"]);
    expect(b!.policy.Statement).toContainEqual({
      Sid: "ReadAccessEntries",
      Effect: "Allow",
      Action: ["eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies"],
      Resource: ["arn:aws:eks:eu-west-1:222222222222:access-entry/workloads-staging/*"],
    });
  });

  it("allows any provider of the account when the issuer is discovered at run time", () => {
    const [a] = verifierPolicies({ ...config, source: { ...config.source, oidcIssuer: undefined } });
    expect(JSON.stringify(a!.policy)).toContain('"arn:aws:iam::111111111111:oidc-provider/*"');
  });

  it("reads the permissions boundary's default version when the config sets one", () => {
    expect(JSON.stringify(verifierPolicies(config))).not.toContain("iam:GetPolicy");
    const pb = "arn:aws:iam::111111111111:policy/platform-boundary";
    for (const p of verifierPolicies({ ...config, permissionsBoundary: pb })) {
      expect(p.policy.Statement).toContainEqual({
        Sid: "ReadPermissionsBoundary",
        Effect: "Allow",
        Action: ["iam:GetPolicy", "iam:GetPolicyVersion"],
        Resource: pb,
      });
    }
  });
});
