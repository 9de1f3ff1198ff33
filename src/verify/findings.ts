/**
 * Building findings from catalogue codes, resource ids, and putting them in a stable order without duplicates.
 */
import type { ClusterRef, KubeObject } from "../state/index.js";
import { catalogueEntry, type FindingCode } from "./catalogue.js";
import type { Finding, HopId } from "./types.js";

export interface FindingExtra {
  /** A remediation more precise than the catalogue's. */
  remediation?: string;
  chain?: string;
  hop?: HopId;
  /** JSON path inside the document, e.g. `Statement[0].Condition.StringEquals`. */
  jsonPath?: string;
  /** The document's id when it is a part of the resource (`<role ARN>#trust-policy`). */
  document?: string;
}

/** A catalogue remediation pointed at a spot: `Remove https:// … (trust policy of R, at Statement[0]…).` */
export function remediationAt(code: FindingCode, where: string, jsonPath: string): string {
  return `${catalogueEntry(code).remediation.replace(/\.$/, "")} (${where}, at ${jsonPath}).`;
}

export function finding(
  code: FindingCode,
  message: string,
  resource: string,
  extra: FindingExtra = {},
): Finding {
  const entry = catalogueEntry(code);
  const f: Finding = {
    code,
    severity: entry.severity,
    message,
    resource,
    remediation: extra.remediation ?? entry.remediation,
    hop: extra.hop ?? entry.hop,
  };
  if (extra.chain) f.chain = extra.chain;
  if (extra.jsonPath || extra.document) {
    f.location = { resource: extra.document ?? resource };
    if (extra.jsonPath) f.location.jsonPath = extra.jsonPath;
  }
  return f;
}

/*
 * Resource ids, the same as render's (and the keys of loadBundle's `files`):
 *   <role ARN>, <role ARN>#trust-policy, <role ARN>#inline/<name>, <OIDC provider ARN>,
 *   eks:<cluster>/access-entry/<principal ARN>, k8s:<cluster>/<namespace>/<kind>/<name>,
 *   k8s:<cluster>/<kind>/<name> (cluster-scoped).
 */

export function trustPolicyId(roleArn: string): string {
  return `${roleArn}#trust-policy`;
}

export function inlinePolicyId(roleArn: string, name: string): string {
  return `${roleArn}#inline/${name}`;
}

export function kubeResourceId(
  cluster: ClusterRef | string,
  obj: Pick<KubeObject, "kind" | "metadata">,
): string;
export function kubeResourceId(
  cluster: ClusterRef | string,
  kind: string,
  name: string,
  namespace?: string,
): string;
export function kubeResourceId(
  cluster: ClusterRef | string,
  objOrKind: Pick<KubeObject, "kind" | "metadata"> | string,
  name?: string,
  namespace?: string,
): string {
  const c = typeof cluster === "string" ? cluster : cluster.name;
  const [kind, n, ns] =
    typeof objOrKind === "string"
      ? [objOrKind, name, namespace]
      : [objOrKind.kind, objOrKind.metadata.name, objOrKind.metadata.namespace];
  return ns ? `k8s:${c}/${ns}/${kind}/${n}` : `k8s:${c}/${kind}/${n}`;
}

export function accessEntryResourceId(cluster: ClusterRef, principalArn: string): string {
  return `eks:${cluster.name}/access-entry/${principalArn}`;
}

export function clusterResourceId(cluster: ClusterRef): string {
  return `eks:${cluster.name}`;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Drops repeats (same code, resource, chain and message) and chain-less findings that a chain-bound finding
 * with the same code and resource already reports; sorts by severity, then code, resource, chain.
 */
export function normaliseFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const bound = new Set<string>();
  for (const f of findings) if (f.chain) bound.add(`${f.code}\u0000${f.resource}`);
  const out: Finding[] = [];
  for (const f of findings) {
    if (!f.chain && bound.has(`${f.code}\u0000${f.resource}`)) continue;
    const key = `${f.code}\u0000${f.resource}\u0000${f.chain ?? ""}\u0000${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      cmp(a.code, b.code) ||
      cmp(a.resource, b.resource) ||
      cmp(a.chain ?? "", b.chain ?? "") ||
      cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
