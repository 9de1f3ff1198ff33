/**
 * What the parts of a sandbox API server share (kube-apiserver's seams: routing, registry, admission,
 * controllers): the options, the store, the clock, randomness, the service/pod IP allocator and the
 * authorization snapshot; and the resources the parts name.
 */
import type { AuthzSnapshot, Decision } from "./authz/authorize.js";
import type { RequestAttributes } from "./authz/rules.js";
import type { Registry } from "./registry.js";
import { RESOURCES, type ResourceDef } from "./resources.js";
import type { ObjectStore } from "./store.js";
import type { KubeApiOptions, KubeUser } from "./types.js";

export interface ApiContext {
  readonly opts: KubeApiOptions;
  readonly store: ObjectStore;
  /** What this cluster serves: built-ins and the resources of its CRDs. */
  readonly registry: Registry;
  now(): Date;
  random(): number;
  /** The next address of the emulated service and pod networks. */
  nextIp(): number;
  snapshot(): AuthzSnapshot;
  /** Namespace -> when (ms since the epoch) Capsule's owner RoleBindings exist there (the bind delay). */
  readonly capsuleBindings: Map<string, number>;
  /** When (ms since the epoch) the CronJob controller has an activation due next (0: look again). */
  readonly cron: { due: number };
  authorize(user: KubeUser, attrs: RequestAttributes): Decision;
}

/** A built-in resource. */
export const res = (plural: string, group = ""): ResourceDef =>
  RESOURCES.find((r) => r.group === group && r.plural === plural)!;

/**
 * A custom resource the sandbox's parts read whether or not its CRD is installed (the store keys objects on
 * group and plural, so a list is empty while the CRD is absent). Versions as the bootstrap CRDs store them.
 */
const custom = (gv: string, kind: string, plural: string, namespaced: boolean): ResourceDef => {
  const [group, version] = gv.split("/") as [string, string];
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, verbs: [], custom: true };
};
export const NAMESPACES = res("namespaces");
export const PODS = res("pods");
export const CONFIG_MAPS = res("configmaps");
export const SERVICE_ACCOUNTS = res("serviceaccounts");
export const DEPLOYMENTS = res("deployments", "apps");
export const REPLICA_SETS = res("replicasets", "apps");
export const STATEFUL_SETS = res("statefulsets", "apps");
export const DAEMON_SETS = res("daemonsets", "apps");
export const CONTROLLER_REVISIONS = res("controllerrevisions", "apps");
export const JOBS = res("jobs", "batch");
export const CRON_JOBS = res("cronjobs", "batch");
export const EVENTS = res("events");
export const NODES = res("nodes");
export const TENANTS = custom("capsule.clastix.io/v1beta2", "Tenant", "tenants", false);
export const CAPSULE_CONFIGS = custom(
  "capsule.clastix.io/v1beta2",
  "CapsuleConfiguration",
  "capsuleconfigurations",
  false,
);
export const ROLES = res("roles", "rbac.authorization.k8s.io");
export const CLUSTER_ROLES = res("clusterroles", "rbac.authorization.k8s.io");
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

export function qualified(r: ResourceDef): string {
  return r.group === "" ? r.plural : `${r.plural}.${r.group}`;
}
