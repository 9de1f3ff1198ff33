/**
 * What kube-apiserver does to a custom resource with its CRD version's structural OpenAPI v3 schema (pure):
 * - pruning: fields the schema does not specify are dropped unless `x-kubernetes-preserve-unknown-fields`
 *   (kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning/algorithm.go:
 *   known properties are still pruned below a node that preserves unknown fields;
 *   apiVersion, kind and metadata of the root and of x-kubernetes-embedded-resource objects are kept), with the
 *   paths of what was dropped, which fieldValidation=Strict|Warn reports;
 * - defaulting: `default` of an absent (or null, non-nullable) property is set, after pruning, and a
 *   non-nullable null without a default is dropped (.../apiserver/schema/defaulting/algorithm.go, prunenulls.go);
 * - validation: the kube-openapi schema validator's checks with its messages
 *   (kubernetes/kube-openapi pkg/validation/errors/schema.go), converted to field errors as
 *   .../pkg/apiserver/validation/validation.go kubeOpenAPIResultToFieldErrors does (Required, NotSupported,
 *   TooLong, TooMany, TypeInvalid, Invalid); array items are named `path[i]` as kube-openapi's slice validator
 *   names them.
 */
import { clone, isObject, type Json, type JsonObject } from "./json.js";
import type { FieldCause } from "./status.js";

type Schema = JsonObject;

const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function props(s: Schema): JsonObject | undefined {
  return isObject(s.properties) ? s.properties : undefined;
}

function additional(s: Schema): Schema | undefined {
  return isObject(s.additionalProperties) ? s.additionalProperties : undefined;
}

function items(s: Schema): Schema | undefined {
  return isObject(s.items) ? s.items : undefined;
}

const preserves = (s: Schema) => s["x-kubernetes-preserve-unknown-fields"] === true;
const embedded = (s: Schema) => s["x-kubernetes-embedded-resource"] === true;
const TYPE_META = ["apiVersion", "kind", "metadata"];

/** Drops unknown fields in place; returns the paths dropped (e.g. `spec.foo`, `spec.items[0].bar`). */
export function prune(schema: Schema, obj: JsonObject): string[] {
  const dropped: string[] = [];
  pruneValue(schema, obj, "", true, dropped);
  return dropped;
}

function pruneValue(s: Schema | undefined, v: Json, path: string, root: boolean, dropped: string[]): void {
  if (Array.isArray(v)) {
    const it = s ? items(s) : undefined;
    v.forEach((x, i) => {
      pruneValue(it, x, `${path}[${i}]`, false, dropped);
    });
    return;
  }
  if (!isObject(v)) return;
  if (!s) {
    // No schema for an object (an array without items): everything in it goes, as pruning/algorithm.go does.
    for (const k of Object.keys(v)) {
      delete v[k];
      dropped.push(child(path, k));
    }
    return;
  }
  const p = props(s);
  const add = additional(s);
  const keepMeta = root || embedded(s);
  for (const k of Object.keys(v)) {
    // metadata is ObjectMeta whatever the schema says (apiVersion and kind are strings to keep).
    if (keepMeta && TYPE_META.includes(k)) continue;
    const ps = p?.[k];
    if (isObject(ps)) pruneValue(ps, v[k]!, child(path, k), false, dropped);
    else if (add) pruneValue(add, v[k]!, child(path, k), false, dropped);
    else if (!preserves(s)) {
      delete v[k];
      dropped.push(child(path, k));
    }
  }
}

/** Sets the schema's defaults in place. */
export function applyDefaults(s: Schema | undefined, v: Json): void {
  if (!s) return;
  if (Array.isArray(v)) {
    const it = items(s);
    for (const x of v) applyDefaults(it, x);
    return;
  }
  if (!isObject(v)) return;
  const p = props(s);
  if (p)
    for (const [k, ps] of Object.entries(p)) {
      if (!isObject(ps) || ps.default === undefined) continue;
      if (!(k in v) || (v[k] === null && ps.nullable !== true)) v[k] = clone(ps.default);
    }
  const add = additional(s);
  for (const [k, x] of Object.entries(v)) {
    const ps = p?.[k];
    const sub = isObject(ps) ? ps : add;
    // A null the schema does not allow and cannot default is dropped (defaulting/prunenulls.go).
    if (x === null && sub && sub.nullable !== true) {
      if (sub.default === undefined) delete v[k];
      else v[k] = clone(sub.default);
      continue;
    }
    if (sub) applyDefaults(sub, x);
  }
}

/** The JSON type name kube-openapi reports for a value. */
function typeName(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function hasType(t: string, v: Json): boolean {
  switch (t) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

/** How field.Error prints a value: strings quoted, numbers and booleans as they are. */
function shown(v: Json): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null) return "null";
  return JSON.stringify(v);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const HOSTNAME =
  /^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/;

/** The string formats of kube-openapi's strfmt.Default that CRDs use; unknown formats are not checked. */
const FORMATS: Record<string, (s: string) => boolean> = {
  "date-time": (s) => RFC3339.test(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  uuid: (s) => UUID.test(s),
  hostname: (s) => s.length <= 255 && HOSTNAME.test(s),
  ipv4: (s) => IPV4.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  uri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s),
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
  duration: (s) => DURATION.test(s),
};

/** Validates a value against a schema; field errors in kube-apiserver's words, outermost first. */
export function validate(s: Schema, v: Json, path = ""): FieldCause[] {
  const out: FieldCause[] = [];
  check(s, v, path, out);
  return out;
}

function invalid(out: FieldCause[], path: string, v: Json, msg: string): void {
  out.push({ field: path, reason: "FieldValueInvalid", message: `Invalid value: ${shown(v)}: ${msg}` });
}

function check(s: Schema, v: Json, path: string, out: FieldCause[]): void {
  const name = path || ".";
  const t = typeof s.type === "string" ? s.type : "";
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  if (v === null) {
    if (s.nullable === true || (!t && !intOrString)) return;
    out.push({
      field: path,
      reason: "FieldValueTypeInvalid",
      message: `Invalid value: "null": ${name} in body must be of type ${intOrString ? "integer,string" : t}: "null"`,
    });
    return;
  }
  if (intOrString ? !(hasType("integer", v) || hasType("string", v)) : t && !hasType(t, v)) {
    const tn = typeName(v);
    out.push({
      field: path,
      reason: "FieldValueTypeInvalid",
      message: `Invalid value: "${tn}": ${name} in body must be of type ${intOrString ? "integer,string" : t}: "${tn}"`,
    });
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    const values = s.enum.map((e) => JSON.stringify(typeof e === "string" ? e : JSON.stringify(e)));
    out.push({
      field: path,
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${shown(v)}: supported values: ${values.join(", ")}`,
    });
  }
  if (typeof v === "string") {
    const fmt = typeof s.format === "string" ? FORMATS[s.format] : undefined;
    if (fmt && !fmt(v))
      out.push({
        field: path,
        reason: "FieldValueTypeInvalid",
        message: `Invalid value: ${shown(v)}: ${name} in body must be of type ${String(s.format)}: ${JSON.stringify(v)}`,
      });
    const len = [...v].length;
    if (typeof s.maxLength === "number" && len > s.maxLength)
      out.push({
        field: path,
        reason: "FieldValueTooLong",
        message: `Too long: may not be longer than ${s.maxLength}`,
      });
    if (typeof s.minLength === "number" && len < s.minLength)
      invalid(out, path, v, `${name} in body should be at least ${s.minLength} chars long`);
    if (typeof s.pattern === "string" && !safeRegex(s.pattern).test(v))
      invalid(out, path, v, `${name} in body should match '${s.pattern}'`);
  }
  if (typeof v === "number") {
    if (typeof s.maximum === "number") {
      const exc = s.exclusiveMaximum === true;
      if (exc ? v >= s.maximum : v > s.maximum)
        invalid(out, path, v, `${name} in body should be less than ${exc ? "" : "or equal to "}${s.maximum}`);
    }
    if (typeof s.minimum === "number") {
      const exc = s.exclusiveMinimum === true;
      if (exc ? v <= s.minimum : v < s.minimum)
        invalid(
          out,
          path,
          v,
          `${name} in body should be greater than ${exc ? "" : "or equal to "}${s.minimum}`,
        );
    }
    if (typeof s.multipleOf === "number" && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf))
      invalid(out, path, v, `${name} in body should be a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === "number" && v.length > s.maxItems)
      out.push({
        field: path,
        reason: "FieldValueTooMany",
        message: `Too many: ${v.length}: must have at most ${s.maxItems} items`,
      });
    if (typeof s.minItems === "number" && v.length < s.minItems)
      invalid(out, path, v.length, `${name} in body should have at least ${s.minItems} items`);
    if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length)
      invalid(out, path, "", `${name} in body shouldn't contain duplicates`);
    const it = items(s);
    if (it) for (const [i, x] of v.entries()) check(it, x, `${path}[${i}]`, out);
  }
  if (isObject(v)) {
    for (const req of Array.isArray(s.required) ? s.required : [])
      if (typeof req === "string" && !(req in v))
        out.push({ field: child(path, req), reason: "FieldValueRequired", message: "Required value" });
    const n = Object.keys(v).length;
    if (typeof s.maxProperties === "number" && n > s.maxProperties)
      out.push({
        field: path,
        reason: "FieldValueTooMany",
        message: `Too many: ${n}: must have at most ${s.maxProperties} items`,
      });
    if (typeof s.minProperties === "number" && n < s.minProperties)
      invalid(out, path, n, `${name} in body should have at least ${s.minProperties} properties`);
    const p = props(s);
    const add = additional(s);
    for (const [k, x] of Object.entries(v)) {
      const ps = p?.[k];
      // metadata is ObjectMeta: validated as such elsewhere, whatever the schema says.
      if (path === "" && k === "metadata") continue;
      if (isObject(ps)) check(ps, x, child(path, k), out);
      else if (add) check(add, x, child(path, k), out);
    }
  }
  for (const sub of Array.isArray(s.allOf) ? s.allOf.filter(isObject) : []) check(sub, v, path, out);
  const anyOf = Array.isArray(s.anyOf) ? s.anyOf.filter(isObject) : [];
  if (anyOf.length && !intOrString && !anyOf.some((sub) => validate(sub, v, path).length === 0))
    invalid(out, path, "", `${name} in body must validate at least one schema (anyOf)`);
  const oneOf = Array.isArray(s.oneOf) ? s.oneOf.filter(isObject) : [];
  if (oneOf.length && oneOf.filter((sub) => validate(sub, v, path).length === 0).length !== 1)
    invalid(out, path, "", `${name} in body must validate one and only one schema (oneOf)`);
}

const regexCache = new Map<string, RegExp>();

/** An ECMA-262 pattern, as the schema states it (a pattern that does not compile matches everything). */
function safeRegex(p: string): RegExp {
  let r = regexCache.get(p);
  if (!r) {
    try {
      r = new RegExp(p, "u");
    } catch {
      r = /(?:)/;
    }
    regexCache.set(p, r);
  }
  return r;
}

/**
 * What apiextensions-apiserver requires of a v1 CRD version's schema to be structural, reduced to what the
 * sandbox relies on (.../apiserver/schema/validation.go validateStructuralInvariants): a root of type object,
 * and a type on every node with properties or items unless it preserves unknown fields or is int-or-string.
 */
export function structuralErrors(s: Schema, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  const walk = (n: Schema, p: string, root: boolean) => {
    const t = typeof n.type === "string" ? n.type : "";
    const free = preserves(n) || n["x-kubernetes-int-or-string"] === true;
    if (!t && !free && !root)
      out.push({
        field: `${p}.type`,
        reason: "FieldValueRequired",
        message: "Required value: must not be empty for specified object fields",
      });
    if (root && t !== "object")
      out.push({
        field: `${p}.type`,
        reason: "FieldValueInvalid",
        message: `Invalid value: "${t}": must be object at the root`,
      });
    const pr = props(n);
    if (pr) for (const [k, c] of Object.entries(pr)) if (isObject(c)) walk(c, `${p}.properties[${k}]`, false);
    const it = items(n);
    if (it) walk(it, `${p}.items`, false);
    const add = additional(n);
    if (add) walk(add, `${p}.additionalProperties`, false);
  };
  walk(s, path, true);
  return out;
}
