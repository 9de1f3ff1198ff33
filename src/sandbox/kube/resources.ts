/**
 * The resource catalogue of a sandbox cluster: what discovery advertises, what the router serves and how each
 * kind behaves (namespaced, custom resource or built-in, status subresource).
 */

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, as in URLs and RBAC rules. */
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources served (GET/PUT/PATCH on <name>/<sub>). */
  subresources?: ("status" | "token" | "scale" | "log")[];
  /** A CustomResourceDefinition kind: merge-patch only, generation on every spec change. */
  custom?: boolean;
  /** Only `create` is served (reviews). */
  createOnly?: boolean;
}

const ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

type Subresource = NonNullable<ResourceDef["subresources"]>[number];

interface Row {
  /** "group/version" or "version" for the core group. */
  gv: string;
  kind: string;
  plural: string;
  cluster?: true;
  short?: string[];
  all?: true;
  sub?: Subresource[];
  verbs?: string[];
  custom?: true;
  createOnly?: true;
}

/**
 * The type table. Scope, short names, categories and subresources as kube-apiserver's registry declares them
 * (kubernetes/kubernetes pkg/registry/<group>/<resource>/storage/storage.go: ShortNames, Categories, and the
 * status/scale/log REST storages registered in pkg/registry/<group>/rest/storage_<group>.go).
 */
const ROWS: Row[] = [
  {
    gv: "v1",
    kind: "Namespace",
    plural: "namespaces",
    cluster: true,
    short: ["ns"],
    sub: ["status"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  },
  { gv: "v1", kind: "ServiceAccount", plural: "serviceaccounts", short: ["sa"], sub: ["token"] },
  { gv: "v1", kind: "Secret", plural: "secrets" },
  { gv: "v1", kind: "ConfigMap", plural: "configmaps", short: ["cm"] },
  { gv: "v1", kind: "Pod", plural: "pods", short: ["po"], all: true, sub: ["status", "log"] },
  { gv: "v1", kind: "Service", plural: "services", short: ["svc"], all: true, sub: ["status"] },
  { gv: "v1", kind: "Endpoints", plural: "endpoints", short: ["ep"] },
  { gv: "v1", kind: "Event", plural: "events", short: ["ev"] },
  { gv: "v1", kind: "Node", plural: "nodes", cluster: true, short: ["no"], sub: ["status"] },
  {
    gv: "v1",
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    short: ["pvc"],
    sub: ["status"],
  },
  { gv: "v1", kind: "ResourceQuota", plural: "resourcequotas", short: ["quota"], sub: ["status"] },
  { gv: "v1", kind: "LimitRange", plural: "limitranges", short: ["limits"] },
  {
    gv: "apps/v1",
    kind: "Deployment",
    plural: "deployments",
    short: ["deploy"],
    all: true,
    sub: ["status", "scale"],
  },
  {
    gv: "apps/v1",
    kind: "ReplicaSet",
    plural: "replicasets",
    short: ["rs"],
    all: true,
    sub: ["status", "scale"],
  },
  {
    gv: "apps/v1",
    kind: "StatefulSet",
    plural: "statefulsets",
    short: ["sts"],
    all: true,
    sub: ["status", "scale"],
  },
  { gv: "apps/v1", kind: "DaemonSet", plural: "daemonsets", short: ["ds"], all: true, sub: ["status"] },
  { gv: "batch/v1", kind: "Job", plural: "jobs", all: true, sub: ["status"] },
  { gv: "batch/v1", kind: "CronJob", plural: "cronjobs", short: ["cj"], all: true, sub: ["status"] },
  {
    gv: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    plural: "horizontalpodautoscalers",
    short: ["hpa"],
    all: true,
    sub: ["status"],
  },
  {
    gv: "policy/v1",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    short: ["pdb"],
    sub: ["status"],
  },
  { gv: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies", short: ["netpol"] },
  { gv: "networking.k8s.io/v1", kind: "Ingress", plural: "ingresses", short: ["ing"], sub: ["status"] },
  { gv: "discovery.k8s.io/v1", kind: "EndpointSlice", plural: "endpointslices" },
  { gv: "coordination.k8s.io/v1", kind: "Lease", plural: "leases" },
  {
    gv: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    plural: "priorityclasses",
    cluster: true,
    short: ["pc"],
  },
  { gv: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles" },
  { gv: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings" },
  { gv: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", plural: "clusterroles", cluster: true },
  {
    gv: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    cluster: true,
  },
  {
    gv: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    plural: "selfsubjectaccessreviews",
    cluster: true,
    verbs: ["create"],
    createOnly: true,
  },
  {
    gv: "authorization.k8s.io/v1",
    kind: "SelfSubjectRulesReview",
    plural: "selfsubjectrulesreviews",
    cluster: true,
    verbs: ["create"],
    createOnly: true,
  },
  {
    gv: "authentication.k8s.io/v1",
    kind: "SelfSubjectReview",
    plural: "selfsubjectreviews",
    cluster: true,
    verbs: ["create"],
    createOnly: true,
  },
  {
    gv: "argoproj.io/v1alpha1",
    kind: "AppProject",
    plural: "appprojects",
    short: ["appproj", "appprojs"],
    custom: true,
  },
  {
    gv: "argoproj.io/v1alpha1",
    kind: "Application",
    plural: "applications",
    short: ["app", "apps"],
    custom: true,
  },
  // KubeRocketCI's environments (epam/edp-cd-pipeline-operator config/crd/bases/v2.edp.epam.com_stages.yaml:
  // namespaced, plural stages, status subresource): destroy reads which target clusters they deploy to.
  {
    gv: "v2.edp.epam.com/v1",
    kind: "Stage",
    plural: "stages",
    custom: true,
    sub: ["status"],
  },
  {
    gv: "capsule.clastix.io/v1beta2",
    kind: "Tenant",
    plural: "tenants",
    cluster: true,
    short: ["tnt"],
    custom: true,
    sub: ["status"],
  },
  {
    gv: "capsule.clastix.io/v1beta2",
    kind: "CapsuleConfiguration",
    plural: "capsuleconfigurations",
    cluster: true,
    custom: true,
  },
];

function fromRow(row: Row): ResourceDef {
  const [group, version] = row.gv.includes("/") ? (row.gv.split("/") as [string, string]) : ["", row.gv];
  return {
    group,
    version,
    kind: row.kind,
    plural: row.plural,
    singular: row.kind.toLowerCase(),
    namespaced: !row.cluster,
    verbs: row.verbs ?? ALL,
    ...(row.short ? { shortNames: row.short } : {}),
    ...(row.all ? { categories: ["all"] } : {}),
    ...(row.sub ? { subresources: row.sub } : {}),
    ...(row.custom ? { custom: true } : {}),
    ...(row.createOnly ? { createOnly: true } : {}),
  };
}

export const RESOURCES: readonly ResourceDef[] = ROWS.map(fromRow);

export function apiVersionOf(r: ResourceDef): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

/** `deployments.apps`, or `pods` for the core group: how kube-apiserver names a resource in messages. */
export function qualifiedName(r: ResourceDef): string {
  return r.group === "" ? r.plural : `${r.plural}.${r.group}`;
}

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceForKind(apiVersion: string, kind: string): ResourceDef | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

export function resourceByPlural(group: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural);
}

/** Group versions served, in discovery order (core first). */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Set<string>();
  const out: { group: string; version: string }[] = [];
  for (const r of RESOURCES) {
    const key = `${r.group}/${r.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group: r.group, version: r.version });
  }
  return out;
}

/** What a subresource answers with and allows (status: the object; token: a TokenRequest; scale: a Scale). */
export function subresourceInfo(
  r: ResourceDef,
  sub: string,
): { group: string; version: string; kind: string; verbs: string[] } {
  if (sub === "token")
    return { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: ["create"] };
  if (sub === "scale")
    return { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] };
  if (sub === "log") return { group: "", version: "v1", kind: "Pod", verbs: ["get"] };
  return { group: r.group, version: r.version, kind: r.kind, verbs: ["get", "patch", "update"] };
}
