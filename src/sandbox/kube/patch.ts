/**
 * The three patch forms kube-apiserver accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
 * strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) with the merge keys and strategies of
 * the built-in kinds' schema table (builtinFields.ts). Pure functions; a malformed patch throws a Status error.
 */
import { builtinRoot, type Node } from "./builtinFields.js";
import { clone, isObject, type Json, type JsonObject, jsonEqual } from "./json.js";
import { badRequest, KubeStatusError } from "./status.js";

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/"))
    throw new KubeStatusError(422, "Invalid", `JSON pointer "${path}" must start with /`);
  return path.slice(1).split("/").map(unescapePointer);
}

function patchFailure(msg: string): KubeStatusError {
  return new KubeStatusError(422, "Invalid", msg);
}

function getAt(doc: Json, segs: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const s of segs) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isObject(cur)) cur = Object.hasOwn(cur, s) ? cur[s] : undefined;
    else return undefined;
  }
  return cur;
}

function containerOf(doc: Json, segs: string[], op: string, path: string): Json {
  const parent = getAt(doc, segs.slice(0, -1));
  if (parent === undefined || (typeof parent !== "object" && !Array.isArray(parent)) || parent === null)
    throw patchFailure(
      `jsonpatch ${op} operation does not apply: doc is missing path: "${path}": missing value`,
    );
  return parent;
}

export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let out = clone(doc);
  for (const raw of ops) {
    const op = isObject(raw) ? raw : {};
    const name = String(op.op ?? "");
    const path = String(op.path ?? "");
    const segs = parsePointer(path);
    const last = segs[segs.length - 1] ?? "";
    const remove = (): Json => {
      const parent = containerOf(out, segs, name, path);
      if (Array.isArray(parent)) {
        const i = Number(last);
        if (!Number.isInteger(i) || i < 0 || i >= parent.length)
          throw patchFailure(
            `jsonpatch ${name} operation does not apply: doc is missing path: "${path}": missing value`,
          );
        return parent.splice(i, 1)[0] as Json;
      }
      const o = parent as JsonObject;
      if (!Object.hasOwn(o, last))
        throw patchFailure(
          `jsonpatch ${name} operation does not apply: doc is missing path: "${path}": missing value`,
        );
      const v = o[last] as Json;
      delete o[last];
      return v;
    };
    const add = (at: string[], value: Json): void => {
      if (at.length === 0) {
        out = value;
        return;
      }
      const key = at[at.length - 1]!;
      const parent = containerOf(out, at, "add", `/${at.join("/")}`);
      if (Array.isArray(parent)) {
        const i = key === "-" ? parent.length : Number(key);
        if (!Number.isInteger(i) || i < 0 || i > parent.length)
          throw patchFailure(`jsonpatch add operation does not apply: index out of range: ${key}`);
        parent.splice(i, 0, value);
      } else (parent as JsonObject)[key] = value;
    };
    switch (name) {
      case "add":
        add(segs, clone(op.value as Json));
        break;
      case "remove":
        remove();
        break;
      case "replace":
        if (segs.length === 0) out = clone(op.value as Json);
        else {
          remove();
          add(segs, clone(op.value as Json));
        }
        break;
      case "move": {
        const from = parsePointer(String(op.from ?? ""));
        const v = getAt(out, from);
        if (v === undefined)
          throw patchFailure(
            `jsonpatch move operation does not apply: doc is missing from path: "${op.from}"`,
          );
        const saved = segs;
        // remove at `from`, then add at `path`
        const parent = containerOf(out, from, "move", String(op.from));
        const k = from[from.length - 1]!;
        if (Array.isArray(parent)) parent.splice(Number(k), 1);
        else delete (parent as JsonObject)[k];
        add(saved, v);
        break;
      }
      case "copy": {
        const v = getAt(out, parsePointer(String(op.from ?? "")));
        if (v === undefined)
          throw patchFailure(
            `jsonpatch copy operation does not apply: doc is missing from path: "${op.from}"`,
          );
        add(segs, clone(v));
        break;
      }
      case "test": {
        const v = getAt(out, segs);
        if (!jsonEqual(v, op.value)) throw patchFailure(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${name}`);
    }
  }
  return out;
}

const SET_ORDER = "$setElementOrder/";
const DELETE_FROM = "$deleteFromPrimitiveList/";

/** The schema of a field of a struct (or a map's values); undefined outside the table. */
function childSchema(n: Node | undefined, k: string): Node | undefined {
  if (n?.t === "struct") return n.fields[k];
  if (n?.t === "map") return n.value;
  return undefined;
}

/**
 * The merge key and strategy of a list, from the schema table (builtinFields.ts): the `patchMergeKey` /
 * `patchStrategy` tags of k8s.io/api, published as x-kubernetes-patch-merge-key / -strategy.
 */
const listOf = (n: Node | undefined): { key?: string; merge: boolean; item?: Node } =>
  n?.t === "list"
    ? {
        ...(n.list.mergeKey ? { key: n.list.mergeKey } : {}),
        merge: n.list.strategy?.split(",").includes("merge") === true,
        item: n.item,
      }
    : { merge: false };

function strategicMergeList(schema: Node | undefined, original: Json[], patch: Json[]): Json[] {
  const { key, merge, item } = listOf(schema);
  if (patch.some((p) => isObject(p) && p.$patch === "replace")) {
    return patch.filter((p) => !(isObject(p) && p.$patch === "replace"));
  }
  if (merge && !key) {
    // A list of primitives with patchStrategy merge (finalizers): a union.
    const out = [...original];
    for (const p of patch) if (!out.some((o) => jsonEqual(o, p))) out.push(p);
    return out;
  }
  if (!key || !merge) return patch.map((p) => strategicMerge(undefined, p, item) as Json);
  const out = [...original];
  for (const p of patch) {
    if (!isObject(p)) {
      out.push(p);
      continue;
    }
    const idx = out.findIndex((o) => isObject(o) && p[key] !== undefined && jsonEqual(o[key], p[key]));
    if (p.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], p, item) as Json;
    else out.push(strategicMerge(undefined, p, item) as Json);
  }
  return out;
}

function reorder(schema: Node | undefined, list: Json[], order: Json[]): Json[] {
  const { key } = listOf(schema);
  const ident = (x: Json): Json => (key && isObject(x) ? (x[key] ?? null) : x);
  const rank = (x: Json): number => {
    const i = order.findIndex((o) => jsonEqual(key && isObject(o) ? o[key] : o, ident(x)));
    return i < 0 ? order.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/**
 * Applies a strategic merge patch to a value of the given schema node (a built-in kind's root from
 * builtinRoot; lists outside the table are replaced); `undefined` means the patch deleted the value
 * (`$patch: delete`).
 */
export function strategicMerge(original: Json | undefined, patch: Json, schema?: Node): Json | undefined {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === "delete") return undefined;
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return clone(rest) as Json;
  }
  const out: JsonObject = isObject(original) ? clone(original) : {};
  const retain = Array.isArray(patch.$retainKeys) ? patch.$retainKeys.map(String) : undefined;
  if (retain)
    for (const k of Object.keys(out)) if (!retain.includes(k) && !Object.hasOwn(patch, k)) delete out[k];
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys" || k.startsWith(SET_ORDER)) continue;
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      const drop = Array.isArray(v) ? v : [];
      if (Array.isArray(out[field]))
        out[field] = (out[field] as Json[]).filter((x) => !drop.some((d) => jsonEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    const sub = childSchema(schema, k);
    let merged: Json | undefined;
    if (Array.isArray(v)) merged = strategicMergeList(sub, Array.isArray(cur) ? cur : [], v);
    else if (isObject(v)) merged = strategicMerge(cur, v, sub);
    else merged = v;
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER) || !Array.isArray(v)) continue;
    const field = k.slice(SET_ORDER.length);
    if (Array.isArray(out[field])) out[field] = reorder(childSchema(schema, field), out[field] as Json[], v);
  }
  return out;
}

export const PATCH_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

/** Applies a patch body of the given media type to `current`. */
export function applyPatch(
  current: JsonObject,
  contentType: string,
  patch: Json,
  custom: boolean,
  kind = "",
): JsonObject {
  let result: Json | undefined;
  if (contentType === PATCH_TYPES.json) result = jsonPatch(current, patch);
  else if (contentType === PATCH_TYPES.merge) result = mergePatch(current, patch);
  else if (contentType === PATCH_TYPES.strategic && !custom)
    result = strategicMerge(current, patch, builtinRoot(kind));
  else
    throw new KubeStatusError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${(
        custom
          ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply]
          : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply]
      ).join(", ")}`,
    );
  if (!isObject(result)) throw badRequest("the patch did not produce an object");
  return result;
}
