/**
 * The resource catalogue of a sandbox cluster: what discovery advertises, what the router serves and how each
 * kind behaves (namespaced, custom resource or built-in, status subresource).
 */

import type { JsonObject } from "./json.js";

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
  /** Of a custom resource: what its CRD says for this version (registry.ts builds it). */
  crd?: CrdVersion;
  /** Only `create` is served (reviews). */
  createOnly?: boolean;
  /** Served from another resource's objects, converted (events.k8s.io/v1 Events: the core v1 ones). */
  viewOf?: { group: string; plural: string };
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CrdVersion {
  /** metadata.name of the CRD (<plural>.<group>). */
  crdName: string;
  /** The version objects are stored in (conversion strategy None: only apiVersion changes). */
  storageVersion: string;
  /** spec.versions[].schema.openAPIV3Schema, if any. */
  schema?: JsonObject;
  columns: PrinterColumn[];
  listKind: string;
  deprecated?: boolean;
  deprecationWarning?: string;
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
  viewOf?: { group: string; plural: string };
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
  // events.k8s.io/v1 Events are the core v1 Events in another shape (kube-apiserver serves both from one
  // storage, pkg/registry/core/rest); read-only here.
  {
    gv: "events.k8s.io/v1",
    kind: "Event",
    plural: "events",
    short: ["ev"],
    verbs: ["get", "list", "watch"],
    viewOf: { group: "", plural: "events" },
  },
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
  { gv: "apps/v1", kind: "ControllerRevision", plural: "controllerrevisions" },
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
    gv: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    cluster: true,
    short: ["crd", "crds"],
    sub: ["status"],
    // Argo CD, Capsule and KubeRocketCI kinds are not here: the seed installs their CRDs (bootstrapCrds.ts).
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
    ...(row.viewOf ? { viewOf: row.viewOf } : {}),
  };
}

/** The built-in resources; custom resources come and go with their CRDs (registry.ts). */
export const RESOURCES: readonly ResourceDef[] = ROWS.map(fromRow);

/** The same resource (group and plural), whatever version it is served in: the store keys on that. */
export function sameResource(a: ResourceDef, b: ResourceDef): boolean {
  return a === b || (storageGroup(a) === storageGroup(b) && storagePlural(a) === storagePlural(b));
}

/** The group and plural a resource's objects are stored under (a view's: the resource it shows). */
export const storageGroup = (r: ResourceDef): string => r.viewOf?.group ?? r.group;
export const storagePlural = (r: ResourceDef): string => r.viewOf?.plural ?? r.plural;

/**
 * A core v1 Event as events.k8s.io/v1 serves it (kubernetes/kubernetes pkg/apis/events/v1/conversion.go
 * Convert_core_Event_To_v1_Event, and the generated autoConvert: reportingComponent is the Go field
 * ReportingController of both): involvedObject → regarding, message → note, source → deprecatedSource,
 * first/lastTimestamp and count → deprecated*; eventTime, series, action, reason, related, type,
 * reportingInstance as they are.
 */
export function coreEventToEventsV1(o: JsonObject): JsonObject {
  const out: JsonObject = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: o.metadata ?? {} };
  out.eventTime = o.eventTime ?? null;
  for (const k of ["series", "reportingInstance", "action", "reason", "related", "type"])
    if (o[k] !== undefined && o[k] !== "") out[k] = o[k]!;
  const renames: [string, string][] = [
    ["reportingComponent", "reportingController"],
    ["involvedObject", "regarding"],
    ["message", "note"],
    ["source", "deprecatedSource"],
    ["firstTimestamp", "deprecatedFirstTimestamp"],
    ["lastTimestamp", "deprecatedLastTimestamp"],
    ["count", "deprecatedCount"],
  ];
  for (const [from, to] of renames) if (o[from] !== undefined && o[from] !== "") out[to] = o[from]!;
  return out;
}

/**
 * A stored custom resource as the version asked for serves it (conversion strategy None: only apiVersion
 * changes); `copy` when `o` must not be changed in place.
 */
export function servedAs(r: ResourceDef, o: JsonObject, copy = false): JsonObject {
  if (r.viewOf && o.apiVersion === "v1" && o.kind === "Event") return coreEventToEventsV1(o);
  if (!r.crd || r.crd.storageVersion === r.version || o.kind !== r.kind) return o;
  const apiVersion = apiVersionOf(r);
  if (o.apiVersion === apiVersion) return o;
  if (copy) return { ...o, apiVersion };
  o.apiVersion = apiVersion;
  return o;
}

export function apiVersionOf(r: ResourceDef): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

/** `deployments.apps`, or `pods` for the core group: how kube-apiserver names a resource in messages. */
export function qualifiedName(r: ResourceDef): string {
  return r.group === "" ? r.plural : `${r.plural}.${r.group}`;
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
