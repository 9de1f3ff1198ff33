/**
 * How the fields of an object merge and are owned under server-side apply: which objects and lists are
 * atomic, which lists are associative (keyed by fields of their items) or sets. kube-apiserver reads this from
 * the OpenAPI schemas it serves (structured-merge-diff's schema.Schema built by kube-openapi's schemaconv:
 * `x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`, and
 * `x-kubernetes-patch-merge-key` making a list associative). Built-in kinds here: by field name, from the
 * list-type tags of k8s.io/api (core/v1, apps/v1, rbac/v1); custom resources: from their CRD version's schema
 * (a list without `x-kubernetes-list-type` is atomic, as apiextensions-apiserver's structural schemas say).
 */
import { isObject, type Json, type JsonObject } from "./json.js";

export interface Shape {
  /** The value is replaced whole by an apply and owned as one field. */
  readonly atomic: boolean;
  /** An associative list: the key fields of an item (they may depend on the item, as ports do). */
  readonly keys?: (item: JsonObject) => string[];
  /** Values of key fields an item may omit (kube-openapi's defaults for list-map keys: protocol TCP). */
  readonly keyDefaults?: Readonly<Record<string, Json>>;
  /** A list of scalars merged as a set (`x-kubernetes-list-type: set`). */
  readonly set?: boolean;
  /** Children are map entries, not struct fields: each one is a member of the field set. */
  readonly mapEntries?: boolean;
  child(name: string): Shape;
  item(): Shape;
}

/** A subtree without a schema (preserve-unknown-fields): objects granular, lists atomic (SMD's deduced type). */
export const DEDUCED: Shape = {
  atomic: false,
  mapEntries: true,
  child: () => DEDUCED,
  item: () => DEDUCED,
};

const ATOMIC: Shape = { atomic: true, child: () => ATOMIC, item: () => ATOMIC };

const node = (over: Partial<Shape>, child: (name: string) => Shape, item: () => Shape = () => ATOMIC) =>
  ({ atomic: false, child, item, ...over }) as Shape;

/** string maps of the built-in types (labels, annotations, data, nodeSelector, resource lists). */
const STRING_MAPS = new Set([
  "labels",
  "annotations",
  "data",
  "stringData",
  "binaryData",
  "nodeSelector",
  "limits",
  "requests",
  "capacity",
  "allocatable",
]);

/** Struct types tagged `+structType=atomic` / `+mapType=atomic` (LabelSelector, RoleRef, Service selector). */
const ATOMIC_FIELDS = new Set([
  "selector",
  "podSelector",
  "namespaceSelector",
  "labelSelector",
  "roleRef",
  "metricSelector",
  "nodeSelectorTerms",
]);

const NAME = () => ["name"];
/** `+listType=map` / patchMergeKey of the built-in lists (k8s.io/api v1.31 struct tags). */
const LIST_KEYS: Record<string, (item: JsonObject) => string[]> = {
  containers: NAME,
  initContainers: NAME,
  ephemeralContainers: NAME,
  env: NAME,
  volumes: NAME,
  imagePullSecrets: NAME,
  secrets: NAME,
  resourceClaims: NAME,
  schedulingGates: NAME,
  volumeMounts: () => ["mountPath"],
  volumeDevices: () => ["devicePath"],
  hostAliases: () => ["ip"],
  ownerReferences: () => ["uid"],
  conditions: () => ["type"],
  // ContainerPort: listMapKey containerPort+protocol; ServicePort: port+protocol.
  ports: (item) => (item.containerPort !== undefined ? ["containerPort", "protocol"] : ["port", "protocol"]),
  topologySpreadConstraints: () => ["topologyKey", "whenUnsatisfiable"],
};

const SETS = new Set(["finalizers"]);

const builtinShapes = new Map<string, Shape>();

/** Shapes by field name, made once. */
function builtinChild(name: string): Shape {
  let s = builtinShapes.get(name);
  if (!s) {
    s = makeBuiltinChild(name);
    if (builtinShapes.size < 1000) builtinShapes.set(name, s);
  }
  return s;
}

function makeBuiltinChild(name: string): Shape {
  if (ATOMIC_FIELDS.has(name)) return ATOMIC;
  if (STRING_MAPS.has(name)) return node({ mapEntries: true }, () => ATOMIC);
  const keys = LIST_KEYS[name];
  if (keys) return node({ keys, keyDefaults: { protocol: "TCP" } }, builtinChild, () => BUILTIN);
  if (SETS.has(name)) return node({ set: true }, builtinChild);
  return BUILTIN;
}

/** A built-in object (or any struct of one): children by field name, unlisted lists atomic. */
export const BUILTIN: Shape = node({}, builtinChild);

/** The shape of a custom resource from its CRD version's OpenAPI v3 schema; metadata is ObjectMeta. */
export function schemaShape(schema: JsonObject | undefined, root = true): Shape {
  if (!schema) return DEDUCED;
  const type = schema.type;
  if (type === "array") {
    const listType = schema["x-kubernetes-list-type"];
    const items = isObject(schema.items) ? schema.items : undefined;
    if (listType === "map") {
      const keys = Array.isArray(schema["x-kubernetes-list-map-keys"])
        ? schema["x-kubernetes-list-map-keys"].map(String)
        : [];
      const itemShape = schemaShape(items, false);
      return node(
        { keys: () => keys },
        () => itemShape,
        () => itemShape,
      );
    }
    if (listType === "set") return node({ set: true }, () => ATOMIC);
    return ATOMIC;
  }
  if (schema["x-kubernetes-map-type"] === "atomic") return ATOMIC;
  const props = isObject(schema.properties) ? schema.properties : undefined;
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  if (!props && !additional && (preserve || type !== "object")) return preserve ? DEDUCED : ATOMIC;
  const cache = new Map<string, Shape>();
  return node({ ...(additional && !props ? { mapEntries: true } : {}) }, (name) => {
    if (root && name === "metadata") return BUILTIN.child("metadata");
    let s = cache.get(name);
    if (!s) {
      const p = props?.[name];
      s = isObject(p) ? schemaShape(p, false) : additional ? schemaShape(additional, false) : DEDUCED;
      cache.set(name, s);
    }
    return s;
  });
}
