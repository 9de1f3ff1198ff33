/**
 * Controllers driven by the writes of the API server: the ServiceAccount controller (a `default` account per
 * namespace), the Deployment controller (pods from the template), Capsule's tenant status, and garbage
 * collection by ownerReferences and namespace deletion.
 */
import { randomUUID } from "node:crypto";
import { admitPod } from "./admission.js";
import { tenantStatus } from "./capsule.js";
import {
  type ApiContext,
  DEPLOYMENTS,
  NAMESPACES,
  PODS,
  REVISION_ANNOTATION,
  SERVICE_ACCOUNTS,
  TENANTS,
} from "./context.js";
import {
  asArray,
  asObject,
  asString,
  clone,
  isObject,
  type Json,
  type JsonObject,
  jsonEqual,
  labelsOf,
  meta,
  nameOf,
  namespaceOf,
} from "./json.js";
import type { ResourceDef } from "./resources.js";
import { timestamp } from "./routing.js";
import { defaultServiceAccount } from "./seed.js";
import { isOwnedBy } from "./store.js";
import { deploymentStatus, planDeployment, TEMPLATE_HASH_LABEL } from "./workloads.js";

/** Controllers that react to a write: namespaces get a default ServiceAccount, deployments their pods. */
export function afterWrite(
  ctx: ApiContext,
  r: ResourceDef,
  o: JsonObject,
  before: JsonObject | undefined,
): void {
  if (r.kind === "Namespace" && !before) {
    const ns = nameOf(o);
    if (!ctx.store.get(SERVICE_ACCOUNTS, ns, "default"))
      ctx.store.put(SERVICE_ACCOUNTS, defaultServiceAccount(ns, randomUUID(), timestamp(ctx.now())));
  }
  if (r.kind === "Namespace") refreshTenants(ctx);
  if (r.kind === "Deployment") reconcileDeployment(ctx, o);
}

/** Capsule's tenant controller: each Tenant's status lists the namespaces its ownerReferences hold. */
export function refreshTenants(ctx: ApiContext): void {
  const namespaces = ctx.store.list(NAMESPACES);
  for (const t of ctx.store.list(TENANTS)) {
    const status = tenantStatus(t, namespaces);
    if (!jsonEqual(t.status, status)) ctx.store.put(TENANTS, { ...t, status });
  }
}

export function reconcileDeployment(ctx: ApiContext, dep: JsonObject): void {
  const ns = namespaceOf(dep);
  const uid = asString(asObject(dep.metadata).uid) ?? "";
  const owned = () => ctx.store.list(PODS, ns).filter((p) => isOwnedBy(p, uid));
  const before = owned();
  const plan = planDeployment(dep, before, ctx.random);
  for (const name of plan.remove) ctx.store.delete(PODS, ns, name);
  let created = 0;
  for (const p of plan.create) {
    try {
      const pod = admitPod(ctx, p);
      const pm = meta(pod);
      pm.uid = randomUUID();
      pm.creationTimestamp = timestamp(ctx.now());
      ctx.store.put(PODS, pod);
      created++;
    } catch {
      // As a ReplicaSet whose pods are refused (missing ServiceAccount): no pod, the status shows it.
    }
  }
  const after = owned();
  const next = clone(dep);
  const ann = { ...asObject(meta(next).annotations) } as Record<string, Json>;
  const newHash = labelsOf(after[0] ?? {})[TEMPLATE_HASH_LABEL];
  const oldHashes = new Set(before.map((p) => labelsOf(p)[TEMPLATE_HASH_LABEL]));
  const revision = Number(ann[REVISION_ANNOTATION] ?? "0") || 0;
  if (
    revision === 0 ||
    (created > 0 && newHash !== undefined && !oldHashes.has(newHash) && before.length > 0)
  )
    ann[REVISION_ANNOTATION] = String(revision + 1);
  meta(next).annotations = ann;
  next.status = deploymentStatus(next, after, timestamp(ctx.now()), asObject(dep.status));
  if (!jsonEqual(next, dep)) ctx.store.put(DEPLOYMENTS, next);
}

/** Deletes an object and, as the namespace controller and garbage collector would, what depends on it. */
export function removeCascade(ctx: ApiContext, r: ResourceDef, o: JsonObject): void {
  if (!ctx.store.delete(r, namespaceOf(o), nameOf(o))) return;
  if (r.kind === "Namespace") for (const x of ctx.store.inNamespace(nameOf(o))) removeCascade(ctx, x.r, x.o);
  const uid = asString(asObject(o.metadata).uid);
  if (!uid) return;
  for (const x of ctx.store.all()) if (isOwnedBy(x.o, uid)) removeCascade(ctx, x.r, x.o);
}

/** After deletions: owners recreate pods they lost (ReplicaSet behaviour); tenant status follows. */
export function afterDelete(ctx: ApiContext, deleted: { r: ResourceDef; o: JsonObject }[]): void {
  const deployments = new Set<string>();
  for (const { r, o } of deleted) {
    if (r.kind === "Namespace") refreshTenants(ctx);
    if (r.kind !== "Pod") continue;
    for (const ref of asArray(asObject(o.metadata).ownerReferences).filter(isObject))
      if (ref.kind === "Deployment") deployments.add(`${namespaceOf(o)}/${asString(ref.name)}`);
  }
  for (const key of deployments) {
    const [ns = "", name = ""] = key.split("/");
    const dep = ctx.store.get(DEPLOYMENTS, ns, name);
    if (dep) reconcileDeployment(ctx, dep);
  }
}
