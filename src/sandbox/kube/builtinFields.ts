/**
 * The schema table of the built-in kinds, one source for three things:
 * - decoding as kube-apiserver does: its JSON decoder (sigs.k8s.io/json, a fork of encoding/json) refuses a
 *   value of the wrong JSON type for a Go field with `json: cannot unmarshal string into Go struct field
 *   DeploymentSpec.spec.replicas of type int32` (UnmarshalTypeError: the innermost struct's Go name, the path
 *   of JSON field names from the root without list indices, the Go type), which the apiserver's handlers wrap
 *   as `Deployment in version "v1" cannot be handled as a Deployment: …`
 *   (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go transformDecodeError);
 *   null is the zero value and always decodes;
 * - unknown fields: the decoder drops a field its Go types lack and reports it under fieldValidation=Strict|Warn
 *   (apimachinery's strict decoding: paths like `spec.template.spec.containers[0].imagePullPolicyy`);
 * - `/openapi/v2` and `/openapi/v3` (discovery.ts): the same nodes as OpenAPI schemas, with the `required`
 *   lists of k8s.io/api's OpenAPI (`+required` / non-omitempty fields), for kubectl explain and kubectl's
 *   client-side validation.
 * Types are k8s.io/api v1.31 (core/v1, apps/v1, batch/v1, rbac/v1, networking/v1). Subtrees not modelled are
 * `open`: any value, not checked, preserved (x-kubernetes-preserve-unknown-fields). Compiled once at load.
 */
import { isObject, type Json, type JsonObject } from "./json.js";

type Scalar = "string" | "int32" | "int64" | "bool";
export type Node =
  | { readonly t: "scalar"; readonly go: Scalar; readonly doc?: string }
  | {
      readonly t: "struct";
      readonly go: string;
      readonly fields: Readonly<Record<string, Node>>;
      readonly required?: readonly string[];
    }
  | { readonly t: "list"; readonly item: Node }
  | { readonly t: "map" }
  | { readonly t: "open" };

const S: Node = { t: "scalar", go: "string" };
const I32: Node = { t: "scalar", go: "int32" };
const I64: Node = { t: "scalar", go: "int64" };
const B: Node = { t: "scalar", go: "bool" };
const MAP: Node = { t: "map" };
const OPEN: Node = { t: "open" };
const list = (item: Node): Node => ({ t: "list", item });
const STRINGS = list(S);
const struct = (go: string, fields: Record<string, Node>, required?: string[]): Node => ({
  t: "struct",
  go,
  fields,
  ...(required ? { required } : {}),
});
/** Fields of one type written as a space-separated list. */
const many = (names: string, n: Node): Record<string, Node> =>
  Object.fromEntries(
    names
      .split(/\s+/)
      .filter(Boolean)
      .map((k) => [k, n]),
  );

const OBJECT_META = struct("v1.ObjectMeta", {
  ...many("name generateName namespace selfLink uid resourceVersion", S),
  ...many("generation deletionGracePeriodSeconds", I64),
  ...many("creationTimestamp deletionTimestamp ownerReferences managedFields", OPEN),
  ...many("labels annotations", MAP),
  finalizers: STRINGS,
});

const CONTAINER = struct(
  "v1.Container",
  {
    ...many(
      "name image workingDir terminationMessagePath terminationMessagePolicy imagePullPolicy restartPolicy",
      S,
    ),
    ...many("command args", STRINGS),
    ports: list(
      struct(
        "v1.ContainerPort",
        { ...many("name protocol hostIP", S), ...many("hostPort containerPort", I32) },
        ["containerPort"],
      ),
    ),
    env: list(struct("v1.EnvVar", { ...many("name value", S), valueFrom: OPEN }, ["name"])),
    volumeMounts: list(
      struct(
        "v1.VolumeMount",
        { ...many("name mountPath subPath mountPropagation subPathExpr recursiveReadOnly", S), readOnly: B },
        ["name", "mountPath"],
      ),
    ),
    ...many(
      "envFrom resources resizePolicy volumeDevices livenessProbe readinessProbe startupProbe lifecycle securityContext",
      OPEN,
    ),
    ...many("stdin stdinOnce tty", B),
  },
  ["name"],
);

const POD_SPEC = struct(
  "v1.PodSpec",
  {
    ...many("containers initContainers", list(CONTAINER)),
    ...many(
      "restartPolicy dnsPolicy serviceAccountName serviceAccount nodeName hostname subdomain schedulerName priorityClassName runtimeClassName preemptionPolicy",
      S,
    ),
    ...many("terminationGracePeriodSeconds activeDeadlineSeconds", I64),
    priority: I32,
    ...many(
      "automountServiceAccountToken hostNetwork hostPID hostIPC shareProcessNamespace enableServiceLinks setHostnameAsFQDN hostUsers",
      B,
    ),
    nodeSelector: MAP,
    ...many(
      "ephemeralContainers volumes securityContext imagePullSecrets affinity tolerations hostAliases dnsConfig readinessGates overhead topologySpreadConstraints os schedulingGates resourceClaims resources",
      OPEN,
    ),
  },
  ["containers"],
);

const TEMPLATE = struct("v1.PodTemplateSpec", { metadata: OBJECT_META, spec: POD_SPEC });

const JOB_SPEC = struct(
  "v1.JobSpec",
  {
    ...many(
      "parallelism completions backoffLimit backoffLimitPerIndex maxFailedIndexes ttlSecondsAfterFinished",
      I32,
    ),
    activeDeadlineSeconds: I64,
    ...many("completionMode podReplacementPolicy managedBy", S),
    ...many("suspend manualSelector", B),
    ...many("selector podFailurePolicy successPolicy", OPEN),
    template: TEMPLATE,
  },
  ["template"],
);

const REPLICAS: Node = {
  t: "scalar",
  go: "int32",
  doc: "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.",
};

const SPECS: Record<string, Node> = {
  Pod: POD_SPEC,
  Deployment: struct(
    "v1.DeploymentSpec",
    {
      replicas: REPLICAS,
      ...many("minReadySeconds revisionHistoryLimit progressDeadlineSeconds", I32),
      paused: B,
      ...many("selector strategy", OPEN),
      template: TEMPLATE,
    },
    ["selector", "template"],
  ),
  StatefulSet: struct(
    "v1.StatefulSetSpec",
    {
      replicas: REPLICAS,
      ...many("minReadySeconds revisionHistoryLimit", I32),
      ...many("serviceName podManagementPolicy", S),
      ...many(
        "selector updateStrategy volumeClaimTemplates persistentVolumeClaimRetentionPolicy ordinals",
        OPEN,
      ),
      template: TEMPLATE,
    },
    ["selector", "template"],
  ),
  DaemonSet: struct(
    "v1.DaemonSetSpec",
    {
      ...many("minReadySeconds revisionHistoryLimit", I32),
      ...many("selector updateStrategy", OPEN),
      template: TEMPLATE,
    },
    ["selector", "template"],
  ),
  ReplicaSet: struct(
    "v1.ReplicaSetSpec",
    { replicas: REPLICAS, minReadySeconds: I32, selector: OPEN, template: TEMPLATE },
    ["selector"],
  ),
  Job: JOB_SPEC,
  CronJob: struct(
    "v1.CronJobSpec",
    {
      ...many("schedule timeZone concurrencyPolicy", S),
      startingDeadlineSeconds: I64,
      suspend: B,
      ...many("successfulJobsHistoryLimit failedJobsHistoryLimit", I32),
      jobTemplate: struct("v1.JobTemplateSpec", { metadata: OBJECT_META, spec: JOB_SPEC }),
    },
    ["schedule", "jobTemplate"],
  ),
  Service: struct("v1.ServiceSpec", {
    ports: list(
      struct(
        "v1.ServicePort",
        { ...many("name protocol appProtocol", S), ...many("port nodePort", I32), targetPort: OPEN },
        ["port"],
      ),
    ),
    selector: MAP,
    ...many(
      "type clusterIP externalName sessionAffinity loadBalancerIP externalTrafficPolicy ipFamilyPolicy loadBalancerClass internalTrafficPolicy trafficDistribution",
      S,
    ),
    ...many("clusterIPs externalIPs loadBalancerSourceRanges ipFamilies", STRINGS),
    healthCheckNodePort: I32,
    ...many("publishNotReadyAddresses allocateLoadBalancerNodePorts", B),
    sessionAffinityConfig: OPEN,
  }),
  NetworkPolicy: struct("v1.NetworkPolicySpec", {
    ...many("podSelector ingress egress", OPEN),
    policyTypes: STRINGS,
  }),
  Ingress: struct("v1.IngressSpec", { ingressClassName: S, ...many("defaultBackend tls rules", OPEN) }),
};

const POLICY_RULE = struct(
  "v1.PolicyRule",
  { ...many("verbs apiGroups resources resourceNames nonResourceURLs", STRINGS) },
  ["verbs"],
);
const ROLE_REF = struct("v1.RoleRef", many("apiGroup kind name", S), ["apiGroup", "kind", "name"]);
const SUBJECT = struct("v1.Subject", many("kind apiGroup name namespace", S), ["kind", "name"]);
const REF = struct("v1.LocalObjectReference", { name: S });

/** Top-level fields besides apiVersion, kind and metadata; kinds not listed are not checked. */
const TOP: Record<string, Record<string, Node>> = {
  ConfigMap: { data: MAP, binaryData: OPEN, immutable: B },
  // Secret.data ([]byte values) is decoded by admission.ts checkSecretData.
  Secret: { data: OPEN, stringData: MAP, type: S, immutable: B },
  ServiceAccount: { secrets: OPEN, imagePullSecrets: list(REF), automountServiceAccountToken: B },
  Role: { rules: list(POLICY_RULE) },
  ClusterRole: { rules: list(POLICY_RULE), aggregationRule: OPEN },
  RoleBinding: { roleRef: ROLE_REF, subjects: list(SUBJECT) },
  ClusterRoleBinding: { roleRef: ROLE_REF, subjects: list(SUBJECT) },
  Namespace: many("spec status", OPEN),
  Pod: { status: OPEN },
  Service: { status: OPEN },
  Deployment: { status: OPEN },
  StatefulSet: { status: OPEN },
  DaemonSet: { status: OPEN },
  ReplicaSet: { status: OPEN },
  Job: { status: OPEN },
  CronJob: { status: OPEN },
  NetworkPolicy: {},
  Ingress: { status: OPEN },
  PodDisruptionBudget: many("spec status", OPEN),
  HorizontalPodAutoscaler: many("spec status", OPEN),
  PersistentVolumeClaim: many("spec status", OPEN),
  ResourceQuota: many("spec status", OPEN),
  LimitRange: many("spec", OPEN),
  Lease: many("spec", OPEN),
  PriorityClass: { value: I32, globalDefault: B, description: S, preemptionPolicy: S },
  CustomResourceDefinition: many("spec status", OPEN),
};

/** The roots `required` by k8s.io/api's OpenAPI (RoleBinding.roleRef). */
const ROOT_REQUIRED: Record<string, string[]> = { RoleBinding: ["roleRef"], ClusterRoleBinding: ["roleRef"] };

function makeRoot(kind: string): Node | undefined {
  const top = TOP[kind];
  if (top === undefined) return undefined;
  const spec = SPECS[kind];
  return struct(
    kind,
    { apiVersion: S, kind: S, metadata: OBJECT_META, ...top, ...(spec ? { spec } : {}) },
    ROOT_REQUIRED[kind],
  );
}

const ROOTS = new Map<string, Node>(
  Object.keys(TOP).flatMap((k) => {
    const n = makeRoot(k);
    return n ? [[k, n] as const] : [];
  }),
);

const goName = (n: Node): string => {
  switch (n.t) {
    case "scalar":
      return n.go;
    case "struct":
      return n.go;
    case "list":
      return `[]${goName(n.item)}`;
    case "map":
      return "map[string]string";
    case "open":
      return "interface {}";
  }
};

/** encoding/json's UnmarshalTypeError.Value for a JSON value. */
function jsonKind(v: Json, into: Node): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number")
    // A number that does not fit an integer field is named with its literal.
    return into.t === "scalar" && into.go !== "string" && into.go !== "bool" ? `number ${v}` : "number";
  return "object";
}

function fits(n: Node, v: Json): boolean {
  if (v === null) return true;
  switch (n.t) {
    case "open":
      return true;
    case "struct":
    case "map":
      return isObject(v);
    case "list":
      return Array.isArray(v);
    case "scalar":
      switch (n.go) {
        case "string":
          return typeof v === "string";
        case "bool":
          return typeof v === "boolean";
        case "int32":
          return typeof v === "number" && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
        case "int64":
          return typeof v === "number" && Number.isInteger(v);
      }
  }
}

interface Walk {
  dropped: string[];
  typeError?: string;
}

/**
 * Decodes a built-in object as kube-apiserver's decoder would: drops (in place) the fields its type lacks and
 * returns their paths; a value of the wrong JSON type gives `typeError` (the first one, in document order, as
 * encoding/json reports).
 */
export function decodeBuiltin(kind: string, o: JsonObject): Walk {
  const root = ROOTS.get(kind);
  const w: Walk = { dropped: [] };
  if (root) walk(root, o, "", "", kind, w);
  return w;
}

/** Removes the fields of a built-in object its type does not have; returns their paths. */
export function dropUnknownBuiltinFields(kind: string, o: JsonObject): string[] {
  return decodeBuiltin(kind, o).dropped;
}

/** path: with list indices (strict decoding); goPath: without (UnmarshalTypeError.Field); owner: the struct. */
function walk(n: Node, v: Json, path: string, goPath: string, owner: string, w: Walk): void {
  if (v === null || n.t === "open" || n.t === "scalar") return;
  if (n.t === "map") {
    // map[string]string: the field's path names the map, not the key (encoding/json's error context).
    if (isObject(v))
      for (const x of Object.values(v))
        if (x !== null && typeof x !== "string") typeError(S, x, goPath, owner, w);
    return;
  }
  if (n.t === "list") {
    if (!Array.isArray(v)) return;
    for (const [i, x] of v.entries()) {
      if (!fits(n.item, x)) typeError(n.item, x, goPath, owner, w);
      else walk(n.item, x, `${path}[${i}]`, goPath, owner, w);
    }
    return;
  }
  if (!isObject(v)) return;
  const owning = n.go.replace(/^v1\./, "");
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    const gp = goPath ? `${goPath}.${k}` : k;
    const sub = n.fields[k];
    if (sub === undefined) {
      w.dropped.push(p);
      delete v[k];
      continue;
    }
    const x = v[k]!;
    if (!fits(sub, x)) typeError(sub, x, gp, owning, w);
    else walk(sub, x, p, gp, owning, w);
  }
}

function typeError(n: Node, v: Json, goPath: string, owner: string, w: Walk): void {
  w.typeError ??= `json: cannot unmarshal ${jsonKind(v, n)} into Go struct field ${owner}.${goPath} of type ${goName(n)}`;
}

/** Paths of a built-in object where pod specs are: their containers' names and images are required. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

const SCALAR_SCHEMA: Record<Scalar, JsonObject> = {
  string: { type: "string" },
  int32: { type: "integer", format: "int32" },
  int64: { type: "integer", format: "int64" },
  bool: { type: "boolean" },
};

/** A node as an OpenAPI schema (v3 when `v3`, else Swagger 2.0, which has no x-kubernetes-preserve-unknown-fields). */
function toSchema(n: Node, v3: boolean): JsonObject {
  switch (n.t) {
    case "scalar":
      return n.doc ? { ...SCALAR_SCHEMA[n.go], description: n.doc } : SCALAR_SCHEMA[n.go];
    case "map":
      return { type: "object", additionalProperties: { type: "string", default: "" } };
    case "open":
      return v3 ? { "x-kubernetes-preserve-unknown-fields": true } : {};
    case "list":
      return { type: "array", items: toSchema(n.item, v3) };
    case "struct":
      return {
        type: "object",
        description: n.go,
        properties: Object.fromEntries(Object.entries(n.fields).map(([k, f]) => [k, toSchema(f, v3)])),
        ...(n.required ? { required: [...n.required] } : {}),
      };
  }
}

const schemaCache = { v2: new Map<string, JsonObject>(), v3: new Map<string, JsonObject>() };

/** The OpenAPI schema of a built-in kind, made once; undefined for kinds not in the table. */
export function builtinSchema(kind: string, v3: boolean): JsonObject | undefined {
  const cache = v3 ? schemaCache.v3 : schemaCache.v2;
  let s = cache.get(kind);
  if (!s) {
    const root = ROOTS.get(kind);
    if (!root) return undefined;
    s = toSchema(root, v3);
    cache.set(kind, s);
  }
  return s;
}
