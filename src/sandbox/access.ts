/**
 * The small API through which the tool (CLI, demo) reaches a sandbox's state: which clusters it has, and a
 * projected service-account token from a cluster's signing key, as a pod of that cluster would have mounted.
 * The tool never reads the sandbox's persisted records itself.
 */
import { InputError } from "../errors.js";
import { mintServiceAccountToken } from "./jwt.js";
import type { ClusterRec } from "./model.js";
import { files } from "./server.js";
import { AwsStore } from "./store.js";

export interface SandboxCluster {
  name: string;
  accountId: string;
  region: string;
  arn: string;
  issuer: string;
}

function clusterRecords(stateDir: string): ClusterRec[] {
  const store = AwsStore.load(files(stateDir).aws);
  if (!store) {
    throw new InputError(
      "sandbox.state",
      `no sandbox state in ${stateDir}`,
      "start one first: xirsa sandbox up --config xirsa.yaml --state-dir DIR",
    );
  }
  return store.state.clusters;
}

const view = (c: ClusterRec): SandboxCluster => ({
  name: c.name,
  accountId: c.accountId,
  region: c.region,
  arn: c.arn,
  issuer: c.issuer,
});

/** The sandbox's clusters and its account ids. */
export function sandboxClusters(stateDir: string): SandboxCluster[] {
  return clusterRecords(stateDir).map(view);
}

function findRecord(stateDir: string, name: string, accountId?: string): ClusterRec {
  const all = clusterRecords(stateDir);
  const cluster = all.find((c) => c.name === name && (accountId === undefined || c.accountId === accountId));
  if (!cluster) {
    throw new InputError(
      "sandbox.cluster",
      `no sandbox cluster named ${name}${accountId ? ` in account ${accountId}` : ""}`,
      `pick one of ${all.map((c) => c.name).join(", ")}`,
    );
  }
  return cluster;
}

/** The cluster named so (in that account, when given); an InputError listing the clusters otherwise. */
export function sandboxCluster(stateDir: string, name: string, accountId?: string): SandboxCluster {
  return view(findRecord(stateDir, name, accountId));
}

export interface TokenRequest {
  cluster: string;
  accountId?: string;
  namespace: string;
  serviceAccount: string;
  audience: string;
  ttlSeconds: number;
  now?: Date;
}

/** A service-account token signed with the cluster's key (its issuer's JWKS verifies it). */
export function mintSandboxToken(stateDir: string, q: TokenRequest): Promise<string> {
  const cluster = findRecord(stateDir, q.cluster, q.accountId);
  return mintServiceAccountToken({
    cluster,
    key: cluster.saKey,
    namespace: q.namespace,
    serviceAccount: q.serviceAccount,
    audience: q.audience,
    ttlSeconds: q.ttlSeconds,
    now: q.now ?? new Date(),
  });
}
