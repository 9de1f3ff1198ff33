/**
 * Deletion as kube-apiserver, the garbage collector and the namespace controller do it, synchronously:
 * - an object with `metadata.finalizers` is not removed: it gets a deletionTimestamp and stays until an update
 *   empties its finalizers (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go: Delete,
 *   deletionFinalizersForGarbageCollection, updateForGracefulDeletionAndFinalizers);
 * - propagationPolicy (pkg/controller/garbagecollector/garbagecollector.go): Background removes the owner then
 *   its dependents; Foreground puts the `foregroundDeletion` finalizer on the owner, deletes the dependents and
 *   removes the owner once none is left; Orphan removes the owner's entry from its dependents' ownerReferences;
 * - a namespace (pkg/controller/namespace/deletion/namespaced_resources_deleter.go) turns Terminating, its
 *   content is deleted, and once nothing is left the `kubernetes` finalizer goes from spec.finalizers and the
 *   namespace with it; content held by finalizers keeps it Terminating with the NamespaceContentRemaining and
 *   NamespaceFinalizersRemaining conditions;
 * - creating in a Terminating namespace is refused (staging/src/k8s.io/apiserver/pkg/admission/plugin/
 *   namespace/lifecycle/admission.go).
 */
import { type ApiContext, NAMESPACES, qualified } from "./context.js";
import { CRD_GROUP } from "./crd.js";
import {
  asArray,
  asObject,
  asString,
  clone,
  isObject,
  type JsonObject,
  meta,
  nameOf,
  namespaceOf,
} from "./json.js";
import type { ResourceDef } from "./resources.js";
import { timestamp } from "./routing.js";
import { type FieldCause, KubeStatusError } from "./status.js";
import { isOwnedBy } from "./store.js";

export type PropagationPolicy = "Background" | "Foreground" | "Orphan";
export const FOREGROUND_FINALIZER = "foregroundDeletion";
export const ORPHAN_FINALIZER = "orphan";
const NAMESPACE_FINALIZER = "kubernetes";

/** A deleted object, for the controllers that react to deletions. */
export interface Removed {
  r: ResourceDef;
  o: JsonObject;
}

export const finalizersOf = (o: JsonObject): string[] =>
  asArray(asObject(o.metadata).finalizers).filter((f): f is string => typeof f === "string");
const uidOf = (o: JsonObject) => asString(asObject(o.metadata).uid) ?? "";
export const isDeleting = (o: JsonObject) => asObject(o.metadata).deletionTimestamp !== undefined;

/** The policy of a DeleteOptions body or `?propagationPolicy=` (orphanDependents: the legacy form). */
export function propagationPolicy(opts: JsonObject, q: URLSearchParams): PropagationPolicy {
  const p = asString(opts.propagationPolicy) ?? q.get("propagationPolicy") ?? undefined;
  if (p === "Foreground" || p === "Orphan" || p === "Background") return p;
  if (p !== undefined)
    throw new KubeStatusError(
      422,
      "Invalid",
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${p}": supported values: "Foreground", "Background", "Orphan"`,
    );
  if (opts.orphanDependents === true || q.get("orphanDependents") === "true") return "Orphan";
  return "Background";
}

/**
 * Update validation of an object being deleted (staging/src/k8s.io/apimachinery/pkg/api/validation/
 * objectmeta.go: ValidateNoNewFinalizers, from ValidateObjectMetaUpdate when the old object has a
 * deletionTimestamp).
 */
export function finalizerUpdateCauses(next: JsonObject, cur: JsonObject): FieldCause[] {
  if (!isDeleting(cur)) return [];
  const old = new Set(finalizersOf(cur));
  const added = [...new Set(finalizersOf(next).filter((f) => !old.has(f)))].sort();
  if (added.length === 0) return [];
  return [
    {
      field: "metadata.finalizers",
      reason: "FieldValueForbidden",
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
    },
  ];
}

/** 403 for a create in a namespace being deleted (NamespaceLifecycle admission). */
export function checkNamespaceActive(ctx: ApiContext, r: ResourceDef, namespace: string, name: string): void {
  const ns = ctx.store.get(NAMESPACES, "", namespace);
  if (!ns || asObject(ns.status).phase !== "Terminating") return;
  throw new KubeStatusError(
    403,
    "Forbidden",
    `${qualified(r)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      name,
      ...(r.group ? { group: r.group } : {}),
      kind: r.plural,
      causes: [
        {
          reason: "NamespaceTerminating",
          message: `namespace ${namespace} is being terminated`,
          field: "metadata.namespace",
        },
      ],
    },
  );
}

/** What a DELETE sets off; `removed` collects what left the store. Answers the object if it is still there. */
export function deleteObject(
  ctx: ApiContext,
  r: ResourceDef,
  o: JsonObject,
  policy: PropagationPolicy,
  removed: Removed[],
): JsonObject | undefined {
  const cur = ctx.store.get(r, namespaceOf(o), nameOf(o));
  if (!cur) return undefined;
  if (r.kind === "Namespace" && r.group === "") return terminateNamespace(ctx, cur, removed);
  if (policy === "Orphan") orphanDependents(ctx, cur);
  const finalizers = finalizersOf(cur);
  if (policy === "Foreground" && !finalizers.includes(FOREGROUND_FINALIZER) && hasDependents(ctx, cur))
    finalizers.push(FOREGROUND_FINALIZER);
  if (finalizers.length === 0) {
    remove(ctx, r, cur, removed);
    return undefined;
  }
  const next = clone(cur);
  const m = meta(next);
  m.finalizers = finalizers;
  m.deletionTimestamp ??= timestamp(ctx.now());
  m.deletionGracePeriodSeconds ??= 0;
  const stored = ctx.store.put(r, next);
  if (finalizers.includes(FOREGROUND_FINALIZER)) {
    for (const d of dependents(ctx, stored)) deleteObject(ctx, d.r, d.o, "Background", removed);
    return releaseForeground(ctx, r, stored, removed);
  }
  return stored;
}

/** After an update: a deleting object whose finalizers are all gone is removed now. */
export function finishIfFinalized(ctx: ApiContext, r: ResourceDef, o: JsonObject, removed: Removed[]): void {
  if (!isDeleting(o)) return;
  if (r.kind === "Namespace" && r.group === "") {
    terminateNamespace(ctx, o, removed);
    return;
  }
  if (finalizersOf(o).length === 0) remove(ctx, r, o, removed);
  else if (finalizersOf(o).includes(FOREGROUND_FINALIZER)) releaseForeground(ctx, r, o, removed);
}

function remove(ctx: ApiContext, r: ResourceDef, o: JsonObject, removed: Removed[]): void {
  if (!ctx.store.delete(r, namespaceOf(o), nameOf(o))) return;
  removed.push({ r, o });
  if (r.kind === "CustomResourceDefinition" && r.group === CRD_GROUP) {
    // apiextensions-apiserver's finalizer (pkg/controller/finalizer/crd_finalizer.go) deletes every custom
    // resource of the CRD before the CRD goes; the sandbox does both at once.
    const served = ctx.registry.all().filter((x) => x.crd?.crdName === nameOf(o));
    const storage = served.find((x) => x.crd?.storageVersion === x.version) ?? served[0];
    if (storage) for (const x of ctx.store.list(storage)) remove(ctx, storage, x, removed);
    ctx.registry.remove(nameOf(o));
  }
  // The garbage collector: dependents of a removed owner are deleted in the background.
  for (const d of dependents(ctx, o)) deleteObject(ctx, d.r, d.o, "Background", removed);
  // An owner waiting in foreground deletion for this dependent may go now.
  for (const ref of asArray(asObject(o.metadata).ownerReferences).filter(isObject)) {
    const owner = findOwner(ctx, namespaceOf(o), ref);
    if (owner && finalizersOf(owner.o).includes(FOREGROUND_FINALIZER))
      releaseForeground(ctx, owner.r, owner.o, removed);
  }
  // Content of a Terminating namespace gone: the namespace may be finalized.
  if (r.namespaced && !busy(ctx).has(namespaceOf(o))) {
    const ns = ctx.store.get(NAMESPACES, "", namespaceOf(o));
    if (ns && isDeleting(ns)) terminateNamespace(ctx, ns, removed);
  }
}

function dependents(ctx: ApiContext, owner: JsonObject): Removed[] {
  const uid = uidOf(owner);
  if (!uid) return [];
  return ctx.store.all().filter((x) => isOwnedBy(x.o, uid));
}

const hasDependents = (ctx: ApiContext, owner: JsonObject) => dependents(ctx, owner).length > 0;

function findOwner(ctx: ApiContext, ns: string, ref: JsonObject): Removed | undefined {
  const r = ctx.registry.forKind(asString(ref.apiVersion) ?? "", asString(ref.kind) ?? "");
  if (!r) return undefined;
  const o = ctx.store.get(r, ns, asString(ref.name) ?? "");
  return o && uidOf(o) === ref.uid ? { r, o } : undefined;
}

/** Foreground deletion: once no dependent is left, the finalizer goes (and the owner with it). */
function releaseForeground(
  ctx: ApiContext,
  r: ResourceDef,
  o: JsonObject,
  removed: Removed[],
): JsonObject | undefined {
  const cur = ctx.store.get(r, namespaceOf(o), nameOf(o));
  if (!cur) return undefined;
  if (hasDependents(ctx, cur)) return cur;
  const rest = finalizersOf(cur).filter((f) => f !== FOREGROUND_FINALIZER);
  if (rest.length === 0) {
    remove(ctx, r, cur, removed);
    return undefined;
  }
  const next = clone(cur);
  meta(next).finalizers = rest;
  return ctx.store.put(r, next);
}

/** The garbage collector's orphaning: the owner's entry leaves each dependent's ownerReferences. */
function orphanDependents(ctx: ApiContext, owner: JsonObject): void {
  const uid = uidOf(owner);
  for (const d of dependents(ctx, owner)) {
    const next = clone(d.o);
    const m = meta(next);
    const refs = asArray(m.ownerReferences).filter((x) => !(isObject(x) && x.uid === uid));
    if (refs.length) m.ownerReferences = refs;
    else delete m.ownerReferences;
    ctx.store.put(d.r, next);
  }
}

/**
 * The namespace controller, run to a fixed point: Terminating, content deleted, then (nothing left) the
 * `kubernetes` finalizer removed and the namespace deleted unless its metadata.finalizers hold it.
 */
function terminateNamespace(ctx: ApiContext, ns: JsonObject, removed: Removed[]): JsonObject | undefined {
  const name = nameOf(ns);
  busy(ctx).add(name);
  try {
    return finalizeNamespace(ctx, ns, name, removed);
  } finally {
    busy(ctx).delete(name);
  }
}

/** Namespaces the namespace controller is working on (their content's removals do not restart it). */
const working = new WeakMap<ApiContext, Set<string>>();
function busy(ctx: ApiContext): Set<string> {
  const s = working.get(ctx) ?? new Set<string>();
  working.set(ctx, s);
  return s;
}

function finalizeNamespace(
  ctx: ApiContext,
  ns: JsonObject,
  name: string,
  removed: Removed[],
): JsonObject | undefined {
  let cur = ns;
  if (!isDeleting(cur) || asObject(cur.status).phase !== "Terminating") {
    const next = clone(cur);
    meta(next).deletionTimestamp ??= timestamp(ctx.now());
    meta(next).deletionGracePeriodSeconds ??= 0;
    next.status = { ...asObject(next.status), phase: "Terminating" };
    cur = ctx.store.put(NAMESPACES, next);
  }
  for (const x of ctx.store.inNamespace(name))
    if (!isDeleting(x.o)) deleteObject(ctx, x.r, x.o, "Background", removed);
  cur = ctx.store.get(NAMESPACES, "", name) ?? cur;
  if (!ctx.store.get(NAMESPACES, "", name)) return undefined;
  const left = ctx.store.inNamespace(name);
  const next = clone(cur);
  const spec = asObject(next.spec);
  const status = asObject(next.status);
  if (left.length === 0) {
    spec.finalizers = asArray(spec.finalizers).filter((f) => f !== NAMESPACE_FINALIZER);
    if (spec.finalizers.length === 0) delete spec.finalizers;
    next.spec = spec;
    delete status.conditions;
    if (asArray(spec.finalizers).length === 0 && finalizersOf(next).length === 0) {
      if (ctx.store.delete(NAMESPACES, "", name)) removed.push({ r: NAMESPACES, o: cur });
      return undefined;
    }
  } else status.conditions = namespaceConditions(left, timestamp(ctx.now()));
  next.status = status;
  if (JSON.stringify(next) === JSON.stringify(cur)) return cur;
  return ctx.store.put(NAMESPACES, next);
}

/** NamespaceContentRemaining / NamespaceFinalizersRemaining, worded as the deleter words them. */
function namespaceConditions(left: Removed[], now: string): JsonObject[] {
  const byResource = new Map<string, number>();
  const byFinalizer = new Map<string, number>();
  for (const { r, o } of left) {
    const key = r.group ? `${r.plural}.${r.group}` : r.plural;
    byResource.set(key, (byResource.get(key) ?? 0) + 1);
    for (const f of finalizersOf(o)) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
  }
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastTransitionTime: now,
    reason,
    message,
  });
  const list = (m: Map<string, number>, verb: string) =>
    [...m.entries()]
      .sort()
      .map(([k, n]) => `${k} ${verb} ${n} resource instances`)
      .join(", ");
  return [
    cond(
      "NamespaceDeletionDiscoveryFailure",
      "False",
      "ResourcesDiscovered",
      "All resources successfully discovered",
    ),
    cond(
      "NamespaceDeletionGroupVersionParsingFailure",
      "False",
      "ParsedGroupVersions",
      "All legacy kube types successfully parsed",
    ),
    cond(
      "NamespaceDeletionContentFailure",
      "False",
      "ContentDeleted",
      "All content successfully deleted, may be waiting on finalization",
    ),
    cond(
      "NamespaceContentRemaining",
      "True",
      "SomeResourcesRemain",
      `Some resources are remaining: ${list(byResource, "has")}`,
    ),
    ...(byFinalizer.size
      ? [
          cond(
            "NamespaceFinalizersRemaining",
            "True",
            "SomeFinalizersRemain",
            `Some content in the namespace has finalizers remaining: ${list(byFinalizer, "in")}`,
          ),
        ]
      : []),
  ];
}
