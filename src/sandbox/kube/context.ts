/**
 * What the parts of a sandbox API server share (kube-apiserver's seams: routing, registry, admission,
 * controllers): the options, the store, the clock, randomness, the service/pod IP allocator and the
 * authorization snapshot; and the resources the parts name.
 */
import type { AuthzSnapshot, Decision } from "./authz/authorize.js";
import type { RequestAttributes } from "./authz/rules.js";
import { type ResourceDef, resourceByPlural } from "./resources.js";
import type { ObjectStore } from "./store.js";
import type { KubeApiOptions, KubeUser } from "./types.js";

export interface ApiContext {
  readonly opts: KubeApiOptions;
  readonly store: ObjectStore;
  now(): Date;
  random(): number;
  /** The next address of the emulated service and pod networks. */
  nextIp(): number;
  snapshot(): AuthzSnapshot;
  /** Namespace -> when (ms since the epoch) Capsule's owner RoleBindings exist there (the bind delay). */
  readonly capsuleBindings: Map<string, number>;
  authorize(user: KubeUser, attrs: RequestAttributes): Decision;
}

export const res = (plural: string, group = ""): ResourceDef => resourceByPlural(group, plural)!;
export const NAMESPACES = res("namespaces");
export const PODS = res("pods");
export const CONFIG_MAPS = res("configmaps");
export const SERVICE_ACCOUNTS = res("serviceaccounts");
export const DEPLOYMENTS = res("deployments", "apps");
export const REPLICA_SETS = res("replicasets", "apps");
export const STATEFUL_SETS = res("statefulsets", "apps");
export const TENANTS = res("tenants", "capsule.clastix.io");
export const CAPSULE_CONFIGS = res("capsuleconfigurations", "capsule.clastix.io");
export const ROLES = res("roles", "rbac.authorization.k8s.io");
export const CLUSTER_ROLES = res("clusterroles", "rbac.authorization.k8s.io");
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

export function qualified(r: ResourceDef): string {
  return r.group === "" ? r.plural : `${r.plural}.${r.group}`;
}
