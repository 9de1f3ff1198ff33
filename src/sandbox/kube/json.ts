/** Small helpers for handling Kubernetes objects as plain JSON. */
import type { Json, JsonObject } from "../../state/index.js";

export type { Json, JsonObject };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object at `v`, or a fresh empty one. */
export function asObject(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

/** The string map at `v` (labels, annotations), ignoring non-string values. */
export function asStringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(asObject(v))) if (typeof val === "string") out[k] = val;
  return out;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** metadata of an object, created if absent. */
export function meta(o: JsonObject): JsonObject {
  if (!isObject(o.metadata)) o.metadata = {};
  return o.metadata as JsonObject;
}

export function nameOf(o: JsonObject): string {
  return asString(asObject(o.metadata).name) ?? "";
}

export function namespaceOf(o: JsonObject): string {
  return asString(asObject(o.metadata).namespace) ?? "";
}

export function labelsOf(o: JsonObject): Record<string, string> {
  return asStringMap(asObject(o.metadata).labels);
}

export function annotationsOf(o: JsonObject): Record<string, string> {
  return asStringMap(asObject(o.metadata).annotations);
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
