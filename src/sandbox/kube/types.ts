/**
 * The port between the sandbox's AWS side and its Kubernetes side (notes/sandbox-contract.md).
 * Plain types only: the AWS side builds these options, the Kubernetes side consumes them.
 */

import type { SaSigningKey } from "../jwt.js";

export type { SaSigningKey };

export interface KubeClusterInfo {
  name: string;
  accountId: string;
  region: string;
  /** https://oidc.eks.<region>.amazonaws.com/id/<ID> */
  issuer: string;
}

export type KubeAccessScope = { type: "cluster" } | { type: "namespace"; namespaces: string[] };

export interface KubeAccessPolicy {
  policyArn: string;
  accessScope: KubeAccessScope;
}

/** What an authenticated caller is, as the Kubernetes authorizer needs it. */
export interface KubeUser {
  username: string;
  uid?: string;
  /** Always includes "system:authenticated" for authenticated callers. */
  groups: string[];
  /** EKS access policy associations of the caller's access entry (empty for SA tokens / RBAC-only users). */
  accessPolicies: KubeAccessPolicy[];
}

export type StsCallerIdentityResult =
  | { ok: true; arn: string; account: string; userId: string }
  | { ok: false; error: string };

export interface ResolvedAccessEntry {
  username?: string;
  kubernetesGroups: string[];
  accessPolicies: KubeAccessPolicy[];
}

export interface KubeApiOptions {
  cluster: KubeClusterInfo;
  /** PEM server key + cert (signed by the sandbox CA). */
  tls: { key: string; cert: string };
  host: "127.0.0.1";
  /** 0 = ephemeral. */
  port: number;
  /** D/kube/<cluster>.json */
  dataFile: string;
  /** Service-account token signing key of this cluster (RS256), also used to verify in-cluster SA JWTs. */
  saSigningKey: SaSigningKey;
  /**
   * Verifies an EKS bearer token's presigned STS URL by calling the sandbox STS GetCallerIdentity. The Kubernetes
   * side checks the aws-iam-authenticator rules first, then calls this with the URL and its own x-k8s-aws-id.
   */
  stsGetCallerIdentity(
    presignedUrl: string,
    headers: Record<string, string>,
  ): Promise<StsCallerIdentityResult>;
  /**
   * Maps a canonical principal ARN (arn:aws:iam::<acct>:role/<name>; the STS ARN carries no role path) plus the
   * caller's unique id (the part of userId before ':') to the cluster's access entry. `undefined` = no entry
   * (401); stale entries also return undefined.
   */
  resolveAccessEntry(principalArn: string, uniqueId: string): ResolvedAccessEntry | undefined;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /**
   * Capsule's tenant controller binds the owners' ClusterRoles in a new tenant namespace this many ms after the
   * namespace is created (0 or absent: at once), as the real controller does asynchronously.
   */
  capsuleBindDelayMs?: number;
  /** PEM of the CA that signed `tls.cert`: published in every namespace as ConfigMap kube-root-ca.crt. */
  caPem?: string;
}

export interface RunningKubeApi {
  url: string;
  close(): Promise<void>;
}
