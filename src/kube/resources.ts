/**
 * Kinds and their REST paths. Any (apiVersion, kind) resolves through the cluster's API discovery
 * (`discovery.ts`); the kinds xirsa itself reads and writes on every plan/apply are known here, so that those
 * commands make no discovery round trip and the calls they make stay predictable (and countable).
 */
import { KubeError } from "../errors.js";

/** A kind as the cluster serves it: the resource (plural) its REST paths name, and its scope. */
export interface KindInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Custom resources accept merge-patch only (no strategic merge). */
  custom: boolean;
}

const builtin = (apiVersion: string, kind: string, plural: string, namespaced: boolean): KindInfo => ({
  apiVersion,
  kind,
  plural,
  namespaced,
  custom: false,
});
const custom = (apiVersion: string, kind: string, plural: string, namespaced: boolean): KindInfo => ({
  apiVersion,
  kind,
  plural,
  namespaced,
  custom: true,
});

const RBAC = "rbac.authorization.k8s.io/v1";

/** The kinds plan/apply/verify/discover and the runtime flows use themselves: resolved without discovery. */
const KNOWN_KINDS: readonly KindInfo[] = [
  builtin("v1", "Namespace", "namespaces", false),
  builtin("v1", "ServiceAccount", "serviceaccounts", true),
  builtin("v1", "Secret", "secrets", true),
  builtin("v1", "ConfigMap", "configmaps", true),
  builtin("v1", "Pod", "pods", true),
  builtin("apps/v1", "Deployment", "deployments", true),
  // A pod's controller is found through ownerReferences: ReplicaSet → Deployment, or a StatefulSet/DaemonSet
  // (argo-cd's install.yaml and argo-helm run the application controller as a StatefulSet).
  builtin("apps/v1", "ReplicaSet", "replicasets", true),
  builtin("apps/v1", "StatefulSet", "statefulsets", true),
  builtin("apps/v1", "DaemonSet", "daemonsets", true),
  builtin(RBAC, "ClusterRole", "clusterroles", false),
  // verify checks whom the RoleBindings of environment namespaces grant to; env create makes them.
  builtin(RBAC, "RoleBinding", "rolebindings", true),
  builtin(RBAC, "ClusterRoleBinding", "clusterrolebindings", false),
  // Create-only reviews of the caller (probe, deploy).
  builtin("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false),
  builtin("authentication.k8s.io/v1", "SelfSubjectReview", "selfsubjectreviews", false),
  custom("argoproj.io/v1alpha1", "AppProject", "appprojects", true),
  // Read only: KubeRocketCI's Stages name the target cluster they deploy to (destroy refuses while they do).
  custom("v2.edp.epam.com/v1", "Stage", "stages", true),
  custom("capsule.clastix.io/v1beta2", "Tenant", "tenants", false),
  custom("capsule.clastix.io/v1beta2", "CapsuleConfiguration", "capsuleconfigurations", false),
];

/** A kind xirsa knows without asking the cluster, or undefined (then discovery says). */
export function knownKind(apiVersion: string, kind: string): KindInfo | undefined {
  return KNOWN_KINDS.find((x) => x.apiVersion === apiVersion && x.kind === kind);
}

/** The known kind, for code that names one of them itself (a typo here is a bug, not bad input). */
export function known(apiVersion: string, kind: string): KindInfo {
  const k = knownKind(apiVersion, kind);
  if (!k) throw new Error(`${kind} (${apiVersion}) is not in src/kube/resources.ts`);
  return k;
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
}

/**
 * Built-in groups (core, `apps`, `*.k8s.io`) accept strategic merge patches; custom resources only merge
 * patches. Discovery does not say which a kind is, so the group decides for kinds found through it.
 */
export function isBuiltinGroup(group: string): boolean {
  return !group.includes(".") || group.endsWith(".k8s.io");
}

/** The error for a kind the cluster does not serve (no such group/version, or no such kind in it). */
export function unservedKind(apiVersion: string, kind: string, cluster: string): KubeError {
  return new KubeError(
    "kube.kind",
    `cluster ${cluster} does not serve ${kind} (${apiVersion})`,
    "check apiVersion and kind, or install the CRD that defines it first",
  );
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** `/api/v1/namespaces/krci/serviceaccounts/x` or, without a name, the collection. */
export function resourcePath(info: KindInfo, where: { namespace?: string; name?: string } = {}): string {
  const root = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  // A namespaced kind without a namespace is only a list across all namespaces (`/apis/…/rolebindings`).
  if (info.namespaced && !where.namespace && where.name !== undefined) {
    throw new KubeError("kube.namespace", `${info.kind} ${where.name} needs a namespace`);
  }
  const ns = info.namespaced && where.namespace ? `/namespaces/${encodeURIComponent(where.namespace)}` : "";
  const name = where.name === undefined ? "" : `/${encodeURIComponent(where.name)}`;
  return `${root}${ns}/${info.plural}${name}`;
}

/** `deployment.apps/web`, as kubectl names an object. */
export function resourceName(info: Pick<KindInfo, "apiVersion" | "kind">, name: string): string {
  const group = groupOf(info.apiVersion);
  return `${info.kind.toLowerCase()}${group ? `.${group}` : ""}/${name}`;
}

/** `ServiceAccount krci/edp-cd-pipeline-operator`, for messages. */
export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
