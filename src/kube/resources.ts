/**
 * The Kubernetes kinds xirsa reads and writes, with their REST paths. A fixed table instead of discovery: it
 * saves a round trip per group and makes the calls a command makes predictable (and countable).
 */
import { KubeError } from "../errors.js";

export interface KindInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Custom resources accept merge-patch only (no strategic merge). */
  custom: boolean;
}

const KINDS: readonly KindInfo[] = [
  { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, custom: false },
  { apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true, custom: false },
  { apiVersion: "v1", kind: "Secret", plural: "secrets", namespaced: true, custom: false },
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, custom: false },
  { apiVersion: "v1", kind: "Pod", plural: "pods", namespaced: true, custom: false },
  { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", namespaced: true, custom: false },
  // A pod's controller is found through ownerReferences: ReplicaSet → Deployment, or a StatefulSet/DaemonSet
  // (argo-cd's install.yaml and argo-helm run the application controller as a StatefulSet).
  { apiVersion: "apps/v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true, custom: false },
  { apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true, custom: false },
  { apiVersion: "apps/v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true, custom: false },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    plural: "clusterroles",
    namespaced: false,
    custom: false,
  },
  // Read only: verify checks whom the RoleBindings of environment namespaces grant to.
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    plural: "rolebindings",
    namespaced: true,
    custom: false,
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    namespaced: false,
    custom: false,
  },
  {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    plural: "appprojects",
    namespaced: true,
    custom: true,
  },
  // Read only: KubeRocketCI's Stages name the target cluster they deploy to (destroy refuses while they do).
  { apiVersion: "v2.edp.epam.com/v1", kind: "Stage", plural: "stages", namespaced: true, custom: true },
  {
    apiVersion: "capsule.clastix.io/v1beta2",
    kind: "Tenant",
    plural: "tenants",
    namespaced: false,
    custom: true,
  },
  {
    apiVersion: "capsule.clastix.io/v1beta2",
    kind: "CapsuleConfiguration",
    plural: "capsuleconfigurations",
    namespaced: false,
    custom: true,
  },
];

export function kindInfo(apiVersion: string, kind: string): KindInfo {
  const k = KINDS.find((x) => x.apiVersion === apiVersion && x.kind === kind);
  if (!k) throw new KubeError("kube.kind", `xirsa does not manage ${kind} (${apiVersion})`);
  return k;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** `/api/v1/namespaces/krci/serviceaccounts/x` or, without a name, the collection. */
export function resourcePath(ref: Omit<ObjectRef, "name"> & { name?: string }): string {
  const info = kindInfo(ref.apiVersion, ref.kind);
  const root = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  // A namespaced kind without a namespace is only a list across all namespaces (`/apis/…/rolebindings`).
  if (info.namespaced && !ref.namespace && ref.name !== undefined) {
    throw new KubeError("kube.namespace", `${ref.kind} ${ref.name ?? ""} needs a namespace`);
  }
  const ns = info.namespaced && ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace!)}` : "";
  const name = ref.name === undefined ? "" : `/${encodeURIComponent(ref.name)}`;
  return `${root}${ns}/${info.plural}${name}`;
}

/** `krci/ServiceAccount/edp-cd-pipeline-operator`, for messages. */
export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
