/**
 * The least privilege of the live collector (`plan`, `verify --live`): per account, the IAM and EKS read actions
 * it calls on exactly the resources it reads, plus the EKS access policy its principal needs in each cluster to
 * read the Kubernetes objects. sts:GetCallerIdentity needs no permission. Pure: `xirsa render --only
 * verifier-policy` prints it.
 */
import type { Config } from "../config/index.js";
import {
  ACCESS_POLICY_PREFIX,
  issuerHostPath,
  partitionOf,
  ROLE_KINDS,
  type RoleKind,
  roleArn,
  roleName,
} from "../names/index.js";
import type { JsonObject } from "../state/index.js";
import { boundaryArnFor } from "../topology/index.js";

/** Read-only on every Kubernetes resource, Secrets included (the cluster Secrets are read). */
export const VERIFIER_ACCESS_POLICY = `${ACCESS_POLICY_PREFIX}AmazonEKSAdminViewPolicy`;

export interface VerifierPolicy {
  accountId: string;
  /** The identity policy to attach to the verifier's role or user in that account. */
  policy: JsonObject;
  /** Clusters of that account where the verifier needs an access entry with VERIFIER_ACCESS_POLICY. */
  clusters: string[];
}

const SOURCE_KINDS: RoleKind[] = ["CDPipelineOperator", "ArgoCDMaster"];
const TARGET_KINDS: RoleKind[] = ["CDPipelineAgent", "ArgoCDAgentAccess"];

export function verifierPolicies(config: Config): VerifierPolicy[] {
  const partition = partitionOf(config.source.region);
  const accounts = [...new Set([config.source.accountId, ...config.targets.map((t) => t.accountId)])];
  return accounts.map((accountId) => {
    const kinds = new Set<RoleKind>();
    if (accountId === config.source.accountId) for (const k of SOURCE_KINDS) kinds.add(k);
    if (config.targets.some((t) => t.accountId === accountId)) for (const k of TARGET_KINDS) kinds.add(k);
    const roles = ROLE_KINDS.filter((k) => kinds.has(k)).map((k) =>
      roleArn(partition, accountId, config.path, roleName(config, k)),
    );
    const clusters: { region: string; name: string; target: boolean }[] = [];
    if (accountId === config.source.accountId) {
      clusters.push({ region: config.source.region, name: config.source.cluster, target: false });
    }
    for (const t of config.targets) {
      if (t.accountId === accountId) clusters.push({ region: t.region, name: t.cluster, target: true });
    }
    const clusterArn = (c: { region: string; name: string }) =>
      `arn:${partition}:eks:${c.region}:${accountId}:cluster/${c.name}`;
    const statements: JsonObject[] = [
      {
        Sid: "ReadXirsaRoles",
        Effect: "Allow",
        Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"],
        Resource: roles,
      },
    ];
    const boundary = boundaryArnFor(config.permissionsBoundary, accountId);
    if (boundary) {
      // The collector reads the boundary's default version so verify can intersect it with the role's policies.
      statements.push({
        Sid: "ReadPermissionsBoundary",
        Effect: "Allow",
        Action: ["iam:GetPolicy", "iam:GetPolicyVersion"],
        Resource: boundary,
      });
    }
    if (accountId === config.source.accountId) {
      const issuer = config.source.oidcIssuer;
      statements.push({
        Sid: "ReadOidcProvider",
        Effect: "Allow",
        Action: "iam:GetOpenIDConnectProvider",
        // Without the issuer in the config it is discovered at run time: any provider of the account.
        Resource: issuer
          ? `arn:${partition}:iam::${accountId}:oidc-provider/${issuerHostPath(issuer)}`
          : `arn:${partition}:iam::${accountId}:oidc-provider/*`,
      });
    }
    statements.push({
      Sid: "DescribeClusters",
      Effect: "Allow",
      Action: "eks:DescribeCluster",
      Resource: clusters.map(clusterArn),
    });
    const targets = clusters.filter((c) => c.target);
    if (targets.length) {
      statements.push(
        {
          Sid: "ListAccessEntries",
          Effect: "Allow",
          Action: "eks:ListAccessEntries",
          Resource: targets.map(clusterArn),
        },
        {
          Sid: "ReadAccessEntries",
          Effect: "Allow",
          Action: ["eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies"],
          Resource: targets.map(
            (c) => `arn:${partition}:eks:${c.region}:${accountId}:access-entry/${c.name}/*`,
          ),
        },
      );
    }
    return {
      accountId,
      policy: { Version: "2012-10-17", Statement: statements },
      clusters: clusters.map((c) => c.name),
    };
  });
}
