/**
 * How the fields of an object merge and are owned under server-side apply: which objects and lists are
 * atomic, which lists are associative (keyed by fields of their items) or sets. kube-apiserver reads this from
 * the OpenAPI schemas it serves (structured-merge-diff's schema.Schema built by kube-openapi's schemaconv:
 * `x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`, and
 * `x-kubernetes-patch-merge-key` making a list associative). Built-in kinds here: from the schema table of
 * builtinFields.ts (the list-type tags of k8s.io/api, the same extensions /openapi/v2 and v3 publish); custom
 * resources: from their CRD version's schema (a list without `x-kubernetes-list-type` is atomic, as
 * apiextensions-apiserver's structural schemas say).
 */
import { builtinRoot, type Node, OBJECT_META } from "./builtinFields.js";
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

/** An untyped subtree of a built-in (a status not modelled): fields granular, lists atomic. */
const UNTYPED: Shape = node({}, () => UNTYPED);

const shapes = new WeakMap<Node, Shape>();

/**
 * The shape of a node of the built-in schema table (builtinFields.ts): the list types and map keys it carries
 * are the ones /openapi/v2 and /openapi/v3 publish, so server-side apply reads the same source as clients.
 */
function nodeShape(n: Node): Shape {
  let s = shapes.get(n);
  if (!s) {
    s = makeNodeShape(n);
    shapes.set(n, s);
  }
  return s;
}

function makeNodeShape(n: Node): Shape {
  switch (n.t) {
    case "scalar":
      return ATOMIC;
    case "open":
      return UNTYPED;
    case "map":
      return n.atomic ? ATOMIC : node({ mapEntries: true }, () => nodeShape(n.value));
    case "struct": {
      if (n.atomic) return ATOMIC;
      const fields = n.fields;
      return node({}, (name) => {
        const f = fields[name];
        return f ? nodeShape(f) : UNTYPED;
      });
    }
    case "list": {
      const item = () => nodeShape(n.item);
      if (n.list.type === "set") return node({ set: true }, () => ATOMIC);
      if (n.list.type === "atomic") return ATOMIC;
      const keys = n.list.keys ?? [];
      // kube-openapi's defaults of key fields (ContainerPort.protocol: TCP) stand in for omitted keys.
      const keyDefaults: Record<string, Json> = {};
      if (n.item.t === "struct")
        for (const k of keys) {
          const f = n.item.fields[k];
          if (f?.t === "scalar" && f.def !== undefined) keyDefaults[k] = f.def;
        }
      return node({ keys: () => [...keys], keyDefaults }, item, item);
    }
  }
}

/** The shape of a built-in kind, from its schema in the table (only ObjectMeta typed for kinds outside it). */
export function builtinShape(kind: string): Shape {
  return nodeShape(builtinRoot(kind));
}

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
    if (root && name === "metadata") return nodeShape(OBJECT_META);
    let s = cache.get(name);
    if (!s) {
      const p = props?.[name];
      s = isObject(p) ? schemaShape(p, false) : additional ? schemaShape(additional, false) : DEDUCED;
      cache.set(name, s);
    }
    return s;
  });
}
