/**
 * The State: plain data describing what matters for the cross-account IRSA chains, whether it is desired
 * (from xirsa.yaml), rendered (a bundle on disk) or live (collected from AWS and Kubernetes).
 * Every part of xirsa reads or produces this shape; nothing here does I/O.
 */

export type AccountId = string;

/** A JSON value as found in policy documents and Kubernetes objects. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface IamRole {
  accountId: AccountId;
  name: string;
  /** IAM path, "/" unless set. */
  path: string;
  arn: string;
  /** `AROA…`; only known for live roles. */
  uniqueId?: string;
  /** The assume-role (trust) policy document, as JSON. */
  trustPolicy: JsonObject;
  /** Inline policies by name. */
  inlinePolicies: Record<string, JsonObject>;
  attachedPolicyArns: string[];
  permissionsBoundary?: string;
  /** The boundary policy's default version document; only known for live roles (GetPolicy + GetPolicyVersion). */
  permissionsBoundaryDocument?: JsonObject;
  maxSessionDuration?: number;
  tags: Record<string, string>;
  description?: string;
  createDate?: string;
}

export interface OidcProvider {
  accountId: AccountId;
  arn: string;
  /** The issuer URL with its https:// scheme, e.g. https://oidc.eks.eu-west-1.amazonaws.com/id/ABC. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Record<string, string>;
}

export type AccessScope = { type: "cluster" } | { type: "namespace"; namespaces: string[] };

export interface AccessPolicyAssociation {
  policyArn: string;
  accessScope: AccessScope;
}

export interface AccessEntry {
  principalArn: string;
  type: string;
  kubernetesGroups: string[];
  username?: string;
  accessPolicies: AccessPolicyAssociation[];
  /** The unique id of the principal the entry was bound to when created (live only). */
  principalId?: string;
  tags?: Record<string, string>;
}

export interface ClusterRef {
  accountId: AccountId;
  region: string;
  /** The EKS cluster name. */
  name: string;
}

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  uid?: string;
  resourceVersion?: string;
  [key: string]: Json | undefined;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [key: string]: Json | KubeMetadata | undefined;
}

export interface EksCluster extends ClusterRef {
  /** https endpoint of the Kubernetes API; unknown until discovered. */
  endpoint?: string;
  /** Base64 PEM of the cluster CA. */
  caData?: string;
  /** OIDC issuer URL (https://…/id/<ID>). */
  oidcIssuer?: string;
  accessEntries: AccessEntry[];
  /** Kubernetes objects of this cluster that xirsa cares about. */
  objects: KubeObject[];
}

export interface State {
  roles: IamRole[];
  oidcProviders: OidcProvider[];
  clusters: EksCluster[];
}

export type ChainKind = "cd-pipeline-operator" | "argocd";

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/**
 * What one chain is meant to be: derived from the config, never from the State it is checked against.
 * Verify proves a ChainSpec over a State.
 */
export interface ChainSpec {
  /** `<target>/<kind>` */
  id: string;
  kind: ChainKind;
  /** Target name from the config. */
  target: string;
  serviceAccounts: ServiceAccountRef[];
  /** Workloads that must be restarted after annotating: the operator Deployment or the Argo CD pod labels. */
  sourceRoleArn: string;
  targetRoleArn: string;
  source: ClusterRef;
  targetCluster: ClusterRef;
  /** Namespace pattern of the environments in the target cluster, e.g. krci-*. */
  namespacePattern: string;
  /** Custom resources the chain must manage there (targets[].extraResources), when any are listed. */
  extraResources?: { apiGroup: string; resources: string[]; verbs?: string[] }[];
}

export function emptyState(): State {
  return { roles: [], oidcProviders: [], clusters: [] };
}

export function clusterKey(ref: ClusterRef): string {
  return `${ref.accountId}/${ref.region}/${ref.name}`;
}

export function findCluster(state: State, ref: ClusterRef): EksCluster | undefined {
  return state.clusters.find(
    (c) => c.accountId === ref.accountId && c.region === ref.region && c.name === ref.name,
  );
}

export function findRole(state: State, arn: string): IamRole | undefined {
  return state.roles.find((r) => r.arn === arn);
}

export function findObject(
  cluster: EksCluster,
  kind: string,
  name: string,
  namespace?: string,
): KubeObject | undefined {
  return cluster.objects.find(
    (o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? undefined) === namespace,
  );
}
