/**
 * Where each part of the State lives in a bundle (DESIGN.md "Contracts"). Render and load both use these, so
 * the layout is written down once.
 */
import type { Config } from "../config/index.js";
import { type ClusterRef, clusterKey } from "../state/index.js";

export const PARTS = ["aws", "terraform", "kubernetes", "helm", "scripts"] as const;
export type Part = (typeof PARTS)[number];

export const MANIFEST_FILE = "MANIFEST.json";
export const BUNDLE_FORMAT = "xirsa.bundle/v1";
export const TRUST_POLICY_FILE = "trust-policy.json";
export const PERMISSIONS_POLICY_FILE = "permissions-policy.json";
export const ACCESS_ENTRIES_FILE = "access-entries.json";
export const OIDC_PROVIDERS_FILE = "oidc-providers.json";

export function roleDir(accountId: string, roleName: string): string {
  return `aws/${accountId}/roles/${roleName}`;
}
export function oidcProvidersPath(accountId: string): string {
  return `aws/${accountId}/${OIDC_PROVIDERS_FILE}`;
}
export function accessEntriesPath(accountId: string, clusterDir: string): string {
  return `aws/${accountId}/eks/${clusterDir}/${ACCESS_ENTRIES_FILE}`;
}
export function kubernetesDir(clusterDir: string): string {
  return `kubernetes/${clusterDir}`;
}

/** The clusters of a config, source first, then targets in order. */
export function configClusters(config: Config): ClusterRef[] {
  return [
    { accountId: config.source.accountId, region: config.source.region, name: config.source.cluster },
    ...config.targets.map((t) => ({ accountId: t.accountId, region: t.region, name: t.cluster })),
  ];
}

/**
 * Directory name of each cluster (by clusterKey): its EKS name, unless another cluster of the config has the
 * same name (EKS names are unique only per account and region); then `<name>_<account>_<region>`.
 */
export function clusterDirs(config: Config): Map<string, string> {
  const clusters = configClusters(config);
  const count = new Map<string, number>();
  for (const c of clusters) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  const dirs = new Map<string, string>();
  for (const c of clusters) {
    dirs.set(clusterKey(c), count.get(c.name)! > 1 ? `${c.name}_${c.accountId}_${c.region}` : c.name);
  }
  return dirs;
}

/** Accounts of a config, source first, then target accounts in order of first appearance. */
export function configAccounts(config: Config): string[] {
  return [...new Set([config.source.accountId, ...config.targets.map((t) => t.accountId)])];
}
