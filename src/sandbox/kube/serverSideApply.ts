/**
 * Field ownership of kube-apiserver's field manager (kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal and sigs.k8s.io/structured-merge-diff
 * merge/update.go), over the pure field sets of managedFields.ts:
 * - an Update (create, update, non-apply patch) gives its manager the fields it changed and takes them from
 *   everyone else (managedfieldsupdater.go: the "current-operation" set unioned with the manager's previous one,
 *   time set only when something changed); an object that exists without managedFields is not tracked on update
 *   (skipnonapplied.go);
 * - an Apply merges the configuration, makes its field set the applier's, removes the fields the applier owned
 *   last time and omits now unless another manager owns them (Updater.prune, addBackOwnedItems,
 *   addBackDanglingItems), and answers a 409 for fields other managers own whose value it changes unless
 *   `force` (then they lose them; conflict.go for the message); an object without managedFields first gets a
 *   "before-first-apply" Update owning all it holds (skipnonapplied.go);
 * - managers are identified by manager, operation, subresource and, for Update only, apiVersion
 *   (buildmanagerinfo.go BuildManagerIdentifier); entries sorted by operation, time, manager
 *   (managedfields.go sortEncodedManagedFields); fields the server owns are never tracked (stripmeta.go), nor
 *   `status` on a main resource that has a status subresource (the reset fields of its strategy).
 */
import { builtinShape, type Shape, schemaShape } from "./fieldShape.js";
import { asArray, asString, isObject, type JsonObject } from "./json.js";
import {
  compare,
  FieldSet,
  fieldSet,
  fromFieldsV1,
  merge,
  type Path,
  pathString,
  removeItems,
  toFieldsV1,
} from "./managedFields.js";
import type { ResourceDef } from "./resources.js";
import { KubeStatusError } from "./status.js";

export type Operation = "Apply" | "Update";

export interface Manager {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

const STRIPPED = [
  ["f:apiVersion"],
  ["f:kind"],
  ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "generation", "managedFields"]
    .concat(["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"])
    .map((k) => ["f:metadata", `f:${k}`]),
];

/** How a write to `r` (its main resource or a subresource) decides what it may own. */
export function ownable(r: ResourceDef, subresource: string): (p: Path) => boolean {
  const hasStatus = (r.subresources ?? []).includes("status");
  return (p) => {
    const top = p[0];
    if (top === "f:apiVersion" || top === "f:kind") return false;
    if (top === "f:metadata" && STRIPPED.some((s) => s[1] === p[1])) return false;
    if (subresource === "status") return p[0] === "f:status";
    return !(hasStatus && p[0] === "f:status");
  };
}

export function shapeOf(r: ResourceDef): Shape {
  return r.custom ? schemaShape(r.crd?.schema) : builtinShape(r.kind);
}

const identifier = (m: Pick<Manager, "manager" | "operation" | "apiVersion" | "subresource">) =>
  JSON.stringify({
    manager: m.manager,
    operation: m.operation,
    ...(m.operation === "Update" ? { apiVersion: m.apiVersion } : {}),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  });

/** metadata.managedFields of an object, decoded. */
export function readManagers(o: JsonObject | undefined): Manager[] {
  const mf = o && isObject(o.metadata) ? asArray(o.metadata.managedFields) : [];
  return mf.filter(isObject).map((e) => ({
    manager: asString(e.manager) ?? "",
    operation: e.operation === "Apply" ? "Apply" : "Update",
    apiVersion: asString(e.apiVersion) ?? "",
    ...(asString(e.time) ? { time: asString(e.time)! } : {}),
    ...(asString(e.subresource) ? { subresource: asString(e.subresource)! } : {}),
    set: fromFieldsV1(e.fieldsV1),
  }));
}

/** Managers as metadata.managedFields, in kube-apiserver's order. */
export function writeManagers(ms: Manager[]): JsonObject[] {
  const sec = (m: Manager) => (m.time ? Date.parse(m.time) : 0);
  return [...ms]
    .filter((m) => m.set.size > 0)
    .sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) ||
        sec(a) - sec(b) ||
        (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0) ||
        a.apiVersion.localeCompare(b.apiVersion) ||
        (a.subresource ?? "").localeCompare(b.subresource ?? ""),
    )
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: "FieldsV1",
      fieldsV1: toFieldsV1(m.set),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
}

/** The object without metadata.managedFields (which is never compared nor merged). */
function unmanaged(o: JsonObject): JsonObject;
function unmanaged(o: JsonObject | undefined): JsonObject | undefined;
function unmanaged(o: JsonObject | undefined): JsonObject | undefined {
  if (!o || !isObject(o.metadata) || o.metadata.managedFields === undefined) return o;
  const { managedFields: _, ...metadata } = o.metadata;
  return { ...o, metadata };
}

export interface Writer {
  manager: string;
  apiVersion: string;
  subresource: string;
  now: string;
}

/**
 * Who owns what after an Update from `live` (undefined: a create) to `next`. `requested`: the managedFields the
 * request's object carries (kubectl's migration from client-side apply writes them): an empty list (or one
 * empty entry) resets them, entries that decode replace the live ones, anything else keeps the live ones; a
 * subresource write always keeps the live ones (fieldmanager.go decodeLiveOrNew, isResetManagedFields).
 */
export function trackUpdate(
  r: ResourceDef,
  live: JsonObject | undefined,
  next: JsonObject,
  w: Writer,
  requested?: unknown,
): Manager[] {
  let managers = readManagers(live);
  if (Array.isArray(requested) && w.subresource === "") {
    const reset =
      requested.length === 0 ||
      (requested.length === 1 && isObject(requested[0]) && Object.keys(requested[0]).length === 0);
    const asked = reset ? [] : readManagers({ metadata: { managedFields: requested } });
    if (reset) managers = [];
    else if (asked.length && asked.every((m) => m.manager !== "" || m.set.size > 0)) managers = asked;
  }
  if (live && managers.length === 0) return [];
  return update(r, live, next, managers, w);
}

function update(
  r: ResourceDef,
  live: JsonObject | undefined,
  next: JsonObject,
  managers: Manager[],
  w: Writer,
): Manager[] {
  const keep = ownable(r, w.subresource);
  const c = compare(unmanaged(live) ?? {}, unmanaged(next), shapeOf(r));
  const changed = c.added.union(c.modified).filter(keep);
  const removed = c.removed;
  const me: Manager = {
    manager: w.manager,
    operation: "Update",
    apiVersion: w.apiVersion,
    ...(w.subresource ? { subresource: w.subresource } : {}),
    set: new FieldSet(),
  };
  const id = identifier(me);
  let prev: Manager | undefined;
  const out: Manager[] = [];
  for (const m of managers) {
    const set = m.set.difference(changed).difference(removed);
    if (identifier(m) === id) prev = { ...m, set };
    else out.push({ ...m, set });
  }
  if (changed.size === 0) {
    if (prev) out.push(prev);
  } else out.push({ ...me, time: w.now, set: (prev?.set ?? new FieldSet()).union(changed) });
  return out.filter((m) => m.set.size > 0);
}

/** A conflict: a field another manager owns whose value an apply changes. */
export interface Conflict {
  manager: string;
  path: Path;
}

function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === "Update" ? `${s} using ${m.apiVersion}` : s;
}

/** The 409 kube-apiserver answers (conflict.go NewConflictError, errors.NewApplyConflict). */
export function conflictError(conflicts: { manager: Manager; path: Path }[]): KubeStatusError {
  const sorted = [...conflicts].sort(
    (a, b) => identifierOrder(a.manager, b.manager) || pathString(a.path).localeCompare(pathString(b.path)),
  );
  let message: string;
  if (sorted.length === 1) {
    const c = sorted[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const lines: string[] = [];
    let last: string | undefined;
    for (const c of sorted) {
      const id = identifier(c.manager);
      if (id !== last) lines.push(`conflicts with ${printManager(c.manager)}:`);
      last = id;
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join("\n")}`;
  }
  return new KubeStatusError(409, "Conflict", message, {
    causes: sorted.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with ${printManager(c.manager)}`,
      field: pathString(c.path),
    })),
  });
}

function identifierOrder(a: Manager, b: Manager): number {
  const [x, y] = [identifier(a), identifier(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface Applied {
  object: JsonObject;
  managers: Manager[];
}

/** Server-side apply of `config` by `w.manager` over `live` (undefined: the apply creates the object). */
export function apply(
  r: ResourceDef,
  live: JsonObject | undefined,
  config: JsonObject,
  w: Writer,
  force: boolean,
): Applied {
  const shape = shapeOf(r);
  const keep = ownable(r, w.subresource);
  let managers = readManagers(live);
  live = unmanaged(live);
  if (live && managers.length === 0)
    managers = update(r, undefined, live, [], {
      manager: "before-first-apply",
      apiVersion: w.apiVersion,
      subresource: "",
      now: w.now,
    });
  const me: Manager = {
    manager: w.manager,
    operation: "Apply",
    apiVersion: w.apiVersion,
    ...(w.subresource ? { subresource: w.subresource } : {}),
    set: new FieldSet(),
  };
  const id = identifier(me);
  const last = managers.find((m) => identifier(m) === id);
  const others = managers.filter((m) => identifier(m) !== id);
  let object = merge(live, config, shape) as JsonObject;
  const mine = fieldSet(config, shape).filter(keep);
  // Updater.prune: what I applied last time and not now goes, unless some manager (me now included) owns it.
  if (last) {
    const owned = others.reduce((s, m) => s.union(m.set), mine);
    const gone = last.set.paths().filter((p) => !owned.has(p) && !owned.hasBelow(p));
    if (gone.length) object = removeItems(object, FieldSet.of(gone), shape) as JsonObject;
  }
  const c = compare(live ?? {}, object, shape);
  const touched = c.added.union(c.modified);
  const conflicts: { manager: Manager; path: Path }[] = [];
  const next: Manager[] = [];
  for (const m of others) {
    const lost = m.set.intersection(touched);
    for (const p of lost.paths()) conflicts.push({ manager: m, path: p });
    next.push({ ...m, set: m.set.difference(lost).difference(c.removed) });
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  const changed = live === undefined || touched.size > 0 || c.removed.size > 0;
  const time = changed || !last?.time ? w.now : last.time;
  next.push({ ...me, time, set: mine });
  return { object, managers: next.filter((m) => m.set.size > 0) };
}

/**
 * PatchOptions validation (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go
 * ValidatePatchOptions): apply needs a fieldManager, force is for apply only, a manager is at most 128 bytes.
 */
export function patchOptionsError(apply: boolean, q: URLSearchParams): KubeStatusError | undefined {
  const causes: { reason: string; message: string; field: string }[] = [];
  const manager = q.get("fieldManager") ?? "";
  if (!apply && q.has("force"))
    causes.push({
      reason: "FieldValueForbidden",
      message: "Forbidden: may not be specified for non-apply patch",
      field: "force",
    });
  if (apply && manager === "")
    causes.push({
      reason: "FieldValueRequired",
      message: "Required value: is required for apply patch",
      field: "fieldManager",
    });
  const tooLong = manager.length > 128;
  if (tooLong)
    causes.push({
      reason: "FieldValueTooLong",
      message: "Too long: may not be more than 128 bytes",
      field: "fieldManager",
    });
  if (!causes.length) return undefined;
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  return new KubeStatusError(
    422,
    "Invalid",
    `PatchOptions.meta.k8s.io "" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`}`,
    { group: "meta.k8s.io", kind: "PatchOptions", causes },
  );
}

/**
 * The manager of a write that names none: the user agent up to its first `/`
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go prefixFromUserAgent), at most 128 bytes.
 */
export function managerOf(q: URLSearchParams, userAgent: string | undefined): string {
  const named = q.get("fieldManager");
  if (named) return named;
  return (userAgent ?? "").split("/")[0]!.slice(0, 128);
}
