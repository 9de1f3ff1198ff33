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
  subresources?: ("status" | "token")[];
  /** A CustomResourceDefinition kind: merge-patch only, generation on every spec change. */
  custom?: boolean;
  /** Only `create` is served (reviews). */
  createOnly?: boolean;
}

const ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export const RESOURCES: readonly ResourceDef[] = [
  {
    group: "",
    version: "v1",
    kind: "Namespace",
    plural: "namespaces",
    singular: "namespace",
    namespaced: false,
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    shortNames: ["ns"],
    subresources: ["status"],
  },
  {
    group: "",
    version: "v1",
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    singular: "serviceaccount",
    namespaced: true,
    verbs: ALL,
    shortNames: ["sa"],
    subresources: ["token"],
  },
  {
    group: "",
    version: "v1",
    kind: "Secret",
    plural: "secrets",
    singular: "secret",
    namespaced: true,
    verbs: ALL,
  },
  {
    group: "",
    version: "v1",
    kind: "ConfigMap",
    plural: "configmaps",
    singular: "configmap",
    namespaced: true,
    verbs: ALL,
    shortNames: ["cm"],
  },
  {
    group: "",
    version: "v1",
    kind: "Pod",
    plural: "pods",
    singular: "pod",
    namespaced: true,
    verbs: ALL,
    shortNames: ["po"],
    categories: ["all"],
    subresources: ["status"],
  },
  {
    group: "",
    version: "v1",
    kind: "Service",
    plural: "services",
    singular: "service",
    namespaced: true,
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    shortNames: ["svc"],
    categories: ["all"],
    subresources: ["status"],
  },
  {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    plural: "deployments",
    singular: "deployment",
    namespaced: true,
    verbs: ALL,
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: ["status"],
  },
  {
    group: "batch",
    version: "v1",
    kind: "Job",
    plural: "jobs",
    singular: "job",
    namespaced: true,
    verbs: ALL,
    categories: ["all"],
    subresources: ["status"],
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "Role",
    plural: "roles",
    singular: "role",
    namespaced: true,
    verbs: ALL,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "RoleBinding",
    plural: "rolebindings",
    singular: "rolebinding",
    namespaced: true,
    verbs: ALL,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "ClusterRole",
    plural: "clusterroles",
    singular: "clusterrole",
    namespaced: false,
    verbs: ALL,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    singular: "clusterrolebinding",
    namespaced: false,
    verbs: ALL,
  },
  {
    group: "authorization.k8s.io",
    version: "v1",
    kind: "SelfSubjectAccessReview",
    plural: "selfsubjectaccessreviews",
    singular: "selfsubjectaccessreview",
    namespaced: false,
    verbs: ["create"],
    createOnly: true,
  },
  {
    group: "authorization.k8s.io",
    version: "v1",
    kind: "SelfSubjectRulesReview",
    plural: "selfsubjectrulesreviews",
    singular: "selfsubjectrulesreview",
    namespaced: false,
    verbs: ["create"],
    createOnly: true,
  },
  {
    group: "authentication.k8s.io",
    version: "v1",
    kind: "SelfSubjectReview",
    plural: "selfsubjectreviews",
    singular: "selfsubjectreview",
    namespaced: false,
    verbs: ["create"],
    createOnly: true,
  },
  {
    group: "argoproj.io",
    version: "v1alpha1",
    kind: "AppProject",
    plural: "appprojects",
    singular: "appproject",
    namespaced: true,
    verbs: ALL,
    shortNames: ["appproj", "appprojs"],
    custom: true,
  },
  {
    group: "argoproj.io",
    version: "v1alpha1",
    kind: "Application",
    plural: "applications",
    singular: "application",
    namespaced: true,
    verbs: ALL,
    shortNames: ["app", "apps"],
    custom: true,
  },
  {
    group: "capsule.clastix.io",
    version: "v1beta2",
    kind: "Tenant",
    plural: "tenants",
    singular: "tenant",
    namespaced: false,
    verbs: ALL,
    shortNames: ["tnt"],
    custom: true,
    subresources: ["status"],
  },
  {
    group: "capsule.clastix.io",
    version: "v1beta2",
    kind: "CapsuleConfiguration",
    plural: "capsuleconfigurations",
    singular: "capsuleconfiguration",
    namespaced: false,
    verbs: ALL,
    custom: true,
  },
];

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

/** What a subresource answers with and allows (status: the object; token: a TokenRequest). */
export function subresourceInfo(
  r: ResourceDef,
  sub: string,
): { group: string; version: string; kind: string; verbs: string[] } {
  if (sub === "token")
    return { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: ["create"] };
  return { group: r.group, version: r.version, kind: r.kind, verbs: ["get", "patch", "update"] };
}
