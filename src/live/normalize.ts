/**
 * Semantic comparison of IAM policy documents and JSON values: IAM returns documents URL-encoded, with its own
 * key order, and a one-element list may come back as a plain string (or the other way round). Two documents
 * that IAM treats the same compare equal here.
 */
import type { Json, JsonObject } from "../state/index.js";

/** Policy fields whose value is a string or a set of strings. */
const SET_FIELDS = new Set(["Action", "NotAction", "Resource", "NotResource"]);

function asSortedSet(v: Json | undefined): Json {
  if (v === undefined || v === null) return v ?? null;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === "string")) return list.map(canonicalJson);
  return [...new Set(list as string[])].sort();
}

function normalizePrincipal(p: Json): Json {
  if (typeof p === "string" || p === null || Array.isArray(p) || typeof p !== "object") return p;
  const out: JsonObject = {};
  for (const key of Object.keys(p).sort()) out[key] = asSortedSet(p[key]);
  return out;
}

function normalizeCondition(c: Json, fold: boolean): Json {
  if (c === null || typeof c !== "object" || Array.isArray(c)) return c;
  const out: JsonObject = {};
  for (const op of Object.keys(c).sort()) {
    const block = c[op];
    if (block === null || typeof block !== "object" || Array.isArray(block)) {
      out[op] = block ?? null;
      continue;
    }
    const keys: JsonObject = {};
    // Condition keys are case-insensitive in IAM; operators are not.
    for (const k of Object.keys(block).sort()) keys[fold ? k.toLowerCase() : k] = asSortedSet(block[k]);
    out[op] = keys;
  }
  return out;
}

function normalizeStatement(s: Json, fold: boolean): Json {
  if (s === null || typeof s !== "object" || Array.isArray(s)) return s;
  const out: JsonObject = {};
  for (const key of Object.keys(s).sort()) {
    const v = s[key]!;
    if (key === "Sid" && v === "") continue; // an empty Sid is the same as none
    if (SET_FIELDS.has(key)) out[key] = asSortedSet(v);
    else if (key === "Principal" || key === "NotPrincipal") out[key] = normalizePrincipal(v);
    else if (key === "Condition") out[key] = normalizeCondition(v, fold);
    else out[key] = canonicalJson(v);
  }
  return out;
}

/**
 * A policy document in a canonical form: statements as a sorted list, string sets sorted, keys sorted.
 * `fold` lower-cases condition keys (IAM matches them case-insensitively); off for display.
 */
export function normalizePolicy(doc: JsonObject, fold = false): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(doc).sort()) {
    const v = doc[key]!;
    if (key === "Statement") {
      const list = (Array.isArray(v) ? v : [v]).map((st) => normalizeStatement(st, fold));
      out[key] = list
        .map((x) => [stableStringify(x), x] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([, x]) => x);
    } else out[key] = canonicalJson(v);
  }
  return out;
}

export function policiesEqual(a: JsonObject, b: JsonObject): boolean {
  return stableStringify(normalizePolicy(a, true)) === stableStringify(normalizePolicy(b, true));
}

/** IAM returns policy documents URL-encoded (RFC 3986); the SDK does not decode them. */
export function decodePolicyDocument(text: string): JsonObject {
  // Encoded documents start with %7B; a plain one (some emulators, older SDKs) starts with {.
  const decoded = text.trimStart().startsWith("{") ? text : decodeURIComponent(text);
  const parsed = JSON.parse(decoded) as Json;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("policy document is not a JSON object");
  }
  return parsed;
}

/** JSON with object keys sorted (arrays keep their order). */
export function canonicalJson(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonicalJson);
  if (v !== null && typeof v === "object") {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) {
      const x = v[k];
      if (x !== undefined) out[k] = canonicalJson(x);
    }
    return out;
  }
  return v;
}

export function stableStringify(v: Json, indent?: number): string {
  return JSON.stringify(canonicalJson(v), null, indent);
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return stableStringify(a) === stableStringify(b);
}

/**
 * Whether `want` is contained in `have`: every key of an object with an equal (recursively contained) value;
 * arrays must have the same length with each element contained. Used for Kubernetes objects that the server
 * fills with defaults.
 */
export function containedIn(want: Json | undefined, have: Json | undefined): boolean {
  if (want === undefined) return true;
  if (have === undefined) return false;
  if (Array.isArray(want)) {
    return (
      Array.isArray(have) && want.length === have.length && want.every((w, i) => containedIn(w, have[i]))
    );
  }
  if (want !== null && typeof want === "object") {
    if (have === null || typeof have !== "object" || Array.isArray(have)) return false;
    return Object.keys(want).every((k) => containedIn(want[k], have[k]));
  }
  return want === have;
}
