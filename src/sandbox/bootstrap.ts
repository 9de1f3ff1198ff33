/**
 * The sandbox's starting point, from its spec (the CLI maps a xirsa.yaml to one: topology/sandboxSpec.ts): one
 * account per account id (with an admin
 * user holding AdministratorAccess) and one EKS cluster per source/target cluster, each like a new EKS
 * cluster: a deterministic issuer, a fresh service-account signing key, and the creator's access entry with
 * AmazonEKSClusterAdminPolicy. No IAM OIDC provider exists (xirsa apply creates it).
 */
import { createHash } from "node:crypto";
import { accessKeyId, type Random, secretAccessKey, uniqueId } from "./ids.js";
import { generateSaSigningKey } from "./jwt.js";
import type { AccountRec, AwsState, ClusterRec } from "./model.js";
import { CLUSTER_ADMIN_POLICY } from "./services/eks/accessPolicies.js";

export interface ClusterSpec {
  accountId: string;
  region: string;
  name: string;
}

export interface SandboxSpec {
  accounts: string[];
  clusters: ClusterSpec[];
}

export const ADMIN_USER = "sandbox-admin";

/** Upper-hex of sha256(account/region/name), 32 characters: stable across resets and machines. */
export function issuerId(c: ClusterSpec): string {
  return createHash("sha256")
    .update(`${c.accountId}/${c.region}/${c.name}`)
    .digest("hex")
    .slice(0, 32)
    .toUpperCase();
}

export function emptyAwsState(): AwsState {
  return { version: 1, accounts: [], roles: [], policies: [], oidcProviders: [], clusters: [], sessions: [] };
}

function newAccount(id: string, now: Date, random: Random): AccountRec {
  return {
    id,
    admin: {
      userName: ADMIN_USER,
      userId: uniqueId("AIDA", random),
      arn: `arn:aws:iam::${id}:user/${ADMIN_USER}`,
      accessKeyId: accessKeyId("AKIA", random),
      secretAccessKey: secretAccessKey(random),
      createDate: now.toISOString(),
    },
  };
}

function newCluster(c: ClusterSpec, admin: AccountRec, now: Date): ClusterRec {
  const id = issuerId(c);
  const at = now.toISOString();
  return {
    accountId: c.accountId,
    region: c.region,
    name: c.name,
    arn: `arn:aws:eks:${c.region}:${c.accountId}:cluster/${c.name}`,
    issuerId: id,
    issuer: `https://oidc.eks.${c.region}.amazonaws.com/id/${id}`,
    version: "1.31",
    createdAt: at,
    saKey: generateSaSigningKey(),
    accessEntries: [
      {
        principalArn: admin.admin.arn,
        principalId: admin.admin.userId,
        type: "STANDARD",
        kubernetesGroups: [],
        tags: {},
        createdAt: at,
        modifiedAt: at,
        accessEntryArn: `arn:aws:eks:${c.region}:${c.accountId}:access-entry/${c.name}/user/${c.accountId}/${ADMIN_USER}/${id.slice(0, 8).toLowerCase()}-0000-0000-0000-${id.slice(8, 20).toLowerCase()}`,
        policies: [
          {
            policyArn: CLUSTER_ADMIN_POLICY,
            accessScope: { type: "cluster" },
            associatedAt: at,
            modifiedAt: at,
          },
        ],
      },
    ],
  };
}

/** Adds the accounts and clusters of `spec` that the state lacks; returns whether anything was added. */
export function ensureSpec(state: AwsState, spec: SandboxSpec, now: Date, random: Random): boolean {
  let changed = false;
  const accountIds = new Set([...spec.accounts, ...spec.clusters.map((c) => c.accountId)]);
  for (const id of accountIds) {
    if (!state.accounts.some((a) => a.id === id)) {
      state.accounts.push(newAccount(id, now, random));
      changed = true;
    }
  }
  for (const c of spec.clusters) {
    if (
      !state.clusters.some((x) => x.accountId === c.accountId && x.region === c.region && x.name === c.name)
    ) {
      state.clusters.push(newCluster(c, state.accounts.find((a) => a.id === c.accountId)!, now));
      changed = true;
    }
  }
  return changed;
}
