/**
 * Resource ids: how a finding names the part of a State it is about, and the keys of loadBundle's `files` map
 * (resource id → bundle-relative path) so that SARIF can point at the file a user edits.
 *
 *   <role ARN>                                   the role; its trust-policy.json
 *   <role ARN>#trust-policy                      its trust (assume-role) policy; trust-policy.json
 *   <role ARN>#inline/<policy name>              an inline policy; permissions-policy.json
 *   <OIDC provider ARN>                          oidc-providers.json of its account
 *   eks:<cluster>/access-entries                 the cluster's access-entries.json
 *   eks:<cluster>/access-entry/<principal ARN>   one entry (and its policy associations) in that file
 *   k8s:<cluster>/<namespace>/<kind>/<name>      a namespaced Kubernetes object; its YAML file
 *   k8s:<cluster>/<kind>/<name>                  a cluster-scoped Kubernetes object; its YAML file
 *   bundle:MANIFEST.json                         the manifest (config echo, chains)
 *
 * `<cluster>` is the EKS cluster name.
 */
import type { KubeObject } from "../state/index.js";

export const MANIFEST_ID = "bundle:MANIFEST.json";

export function roleId(roleArn: string): string {
  return roleArn;
}
export function trustPolicyId(roleArn: string): string {
  return `${roleArn}#trust-policy`;
}
export function inlinePolicyId(roleArn: string, policyName: string): string {
  return `${roleArn}#inline/${policyName}`;
}
export function oidcProviderId(providerArn: string): string {
  return providerArn;
}
export function accessEntriesId(cluster: string): string {
  return `eks:${cluster}/access-entries`;
}
export function accessEntryId(cluster: string, principalArn: string): string {
  return `eks:${cluster}/access-entry/${principalArn}`;
}
export function kubeObjectId(cluster: string, obj: Pick<KubeObject, "kind" | "metadata">): string {
  const ns = obj.metadata.namespace;
  return ns
    ? `k8s:${cluster}/${ns}/${obj.kind}/${obj.metadata.name}`
    : `k8s:${cluster}/${obj.kind}/${obj.metadata.name}`;
}
