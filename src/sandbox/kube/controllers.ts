/**
 * Controllers driven by the writes of the API server: the ServiceAccount controller (a `default` account per
 * namespace), the Deployment, ReplicaSet and StatefulSet controllers, Capsule's tenant status, and garbage
 * collection by ownerReferences and namespace deletion.
 */
import { randomUUID } from "node:crypto";
import { admitPod } from "./admission.js";
import { tenantStatus } from "./capsule.js";
import {
  type ApiContext,
  CONFIG_MAPS,
  DEPLOYMENTS,
  NAMESPACES,
  PODS,
  REPLICA_SETS,
  REVISION_ANNOTATION,
  SERVICE_ACCOUNTS,
  STATEFUL_SETS,
  TENANTS,
} from "./context.js";
import { CRD_GROUP } from "./crd.js";
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
import { defaultServiceAccount, ROOT_CA_CONFIGMAP, rootCaConfigMap } from "./seed.js";
import { isOwnedBy } from "./store.js";
import {
  deploymentStatus,
  type PodPlan,
  planReplicaSet,
  planStatefulSet,
  replicaSetFor,
  replicaSetStatus,
  statefulSetStatus,
  TEMPLATE_HASH_LABEL,
  templateHash,
} from "./workloads.js";

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
    publishRootCa(ctx, ns);
    const delay = ctx.opts.capsuleBindDelayMs ?? 0;
    if (delay > 0) ctx.capsuleBindings.set(ns, ctx.now().getTime() + delay);
  }
  if (r.kind === "Namespace") refreshTenants(ctx);
  // The CRD's controllers: established at once, its resources served from now on.
  if (r.kind === "CustomResourceDefinition" && r.group === CRD_GROUP) ctx.registry.install(o);
  if (r.kind === "Deployment") reconcileDeployment(ctx, o);
  if (r.kind === "ReplicaSet") reconcileReplicaSet(ctx, o);
  if (r.kind === "StatefulSet") reconcileStatefulSet(ctx, o);
}

/** Capsule's tenant controller: each Tenant's status lists the namespaces its ownerReferences hold. */
export function refreshTenants(ctx: ApiContext): void {
  const namespaces = ctx.store.list(NAMESPACES);
  for (const t of ctx.store.list(TENANTS)) {
    const status = tenantStatus(t, namespaces);
    if (!jsonEqual(t.status, status)) ctx.store.put(TENANTS, { ...t, status });
  }
}

/** Creates pods (through ServiceAccount admission and the pod identity webhook) and deletes pods of a plan. */
function applyPodPlan(ctx: ApiContext, ns: string, plan: PodPlan): void {
  for (const name of plan.remove) ctx.store.delete(PODS, ns, name);
  for (const p of plan.create) {
    try {
      const pod = admitPod(ctx, p);
      const pm = meta(pod);
      pm.uid = randomUUID();
      pm.creationTimestamp = timestamp(ctx.now());
      ctx.store.put(PODS, pod);
    } catch {
      // As a controller whose pods are refused (missing ServiceAccount): no pod, the status shows it.
    }
  }
}

const uidOf = (o: JsonObject) => asString(asObject(o.metadata).uid) ?? "";
const ownedPods = (ctx: ApiContext, owner: JsonObject) =>
  ctx.store.list(PODS, namespaceOf(owner)).filter((p) => isOwnedBy(p, uidOf(owner)));
const revisionOf = (o: JsonObject) =>
  Number(asObject(asObject(o.metadata).annotations)[REVISION_ANNOTATION] ?? "0") || 0;

function putIfChanged(ctx: ApiContext, r: ResourceDef, next: JsonObject, before: JsonObject): JsonObject {
  if (jsonEqual(next, before)) return before;
  return ctx.store.put(r, next);
}

/** The ReplicaSet controller: its pods, then its status. */
export function reconcileReplicaSet(ctx: ApiContext, rs: JsonObject): void {
  applyPodPlan(ctx, namespaceOf(rs), planReplicaSet(rs, ownedPods(ctx, rs), ctx.random));
  putIfChanged(ctx, REPLICA_SETS, { ...rs, status: replicaSetStatus(rs, ownedPods(ctx, rs)) }, rs);
}

/**
 * The Deployment controller: a ReplicaSet per pod template (re-used when the template comes back, with a new
 * revision), the others scaled to 0 and kept for `rollout history`/`undo`; the Deployment's revision and
 * status follow.
 */
export function reconcileDeployment(ctx: ApiContext, dep: JsonObject): void {
  const ns = namespaceOf(dep);
  const uid = uidOf(dep);
  const hash = templateHash(asObject(asObject(dep.spec).template));
  const sets = ctx.store.list(REPLICA_SETS, ns).filter((rs) => isOwnedBy(rs, uid));
  const maxRevision = Math.max(0, ...sets.map(revisionOf));
  let current = sets.find((rs) => labelsOf(rs)[TEMPLATE_HASH_LABEL] === hash);
  const replicas = asObject(dep.spec).replicas;
  if (!current) {
    const rs = replicaSetFor(dep, maxRevision + 1);
    const m = meta(rs);
    m.uid = randomUUID();
    m.creationTimestamp = timestamp(ctx.now());
    m.generation = 1;
    current = ctx.store.put(REPLICA_SETS, rs);
  } else {
    const next = clone(current);
    const m = meta(next);
    const ann = { ...asObject(m.annotations) } as Record<string, Json>;
    if (revisionOf(current) < maxRevision) ann[REVISION_ANNOTATION] = String(maxRevision + 1);
    ann["deployment.kubernetes.io/desired-replicas"] = String(replicas ?? 1);
    m.annotations = ann;
    const spec = asObject(next.spec);
    if (spec.replicas !== replicas) {
      spec.replicas = replicas ?? 1;
      m.generation = (typeof m.generation === "number" ? m.generation : 1) + 1;
    }
    current = putIfChanged(ctx, REPLICA_SETS, next, current);
  }
  for (const old of sets) {
    if (uidOf(old) === uidOf(current)) continue;
    if (asObject(old.spec).replicas !== 0) {
      const next = clone(old);
      asObject(next.spec).replicas = 0;
      reconcileReplicaSet(ctx, ctx.store.put(REPLICA_SETS, next));
    } else reconcileReplicaSet(ctx, old);
  }
  reconcileReplicaSet(ctx, ctx.store.get(REPLICA_SETS, ns, nameOf(current)) ?? current);
  refreshDeploymentStatus(ctx, dep);
}

function refreshDeploymentStatus(ctx: ApiContext, dep: JsonObject): void {
  const ns = namespaceOf(dep);
  const sets = ctx.store.list(REPLICA_SETS, ns).filter((rs) => isOwnedBy(rs, uidOf(dep)));
  const pods = sets.flatMap((rs) => ownedPods(ctx, rs));
  const hash = templateHash(asObject(asObject(dep.spec).template));
  const current = sets.find((rs) => labelsOf(rs)[TEMPLATE_HASH_LABEL] === hash);
  const next = clone(dep);
  const ann = { ...asObject(meta(next).annotations) } as Record<string, Json>;
  if (current) ann[REVISION_ANNOTATION] = String(revisionOf(current));
  meta(next).annotations = ann;
  next.status = deploymentStatus(next, pods, timestamp(ctx.now()), asObject(dep.status));
  putIfChanged(ctx, DEPLOYMENTS, next, dep);
}

/** The StatefulSet controller: ordinal pods at the current revision, then its status. */
export function reconcileStatefulSet(ctx: ApiContext, sts: JsonObject): void {
  applyPodPlan(ctx, namespaceOf(sts), planStatefulSet(sts, ownedPods(ctx, sts)));
  putIfChanged(ctx, STATEFUL_SETS, { ...sts, status: statefulSetStatus(sts, ownedPods(ctx, sts)) }, sts);
}

/** Deletes an object and, as the namespace controller and garbage collector would, what depends on it. */
export function removeCascade(ctx: ApiContext, r: ResourceDef, o: JsonObject): void {
  if (!ctx.store.delete(r, namespaceOf(o), nameOf(o))) return;
  if (r.kind === "CustomResourceDefinition" && r.group === CRD_GROUP) {
    // apiextensions-apiserver's finalizer (pkg/controller/finalizer/crd_finalizer.go) deletes every custom
    // resource of the CRD before the CRD goes; the sandbox does both at once.
    const served = ctx.registry.all().filter((x) => x.crd?.crdName === nameOf(o));
    const storage = served.find((x) => x.crd?.storageVersion === x.version) ?? served[0];
    if (storage) for (const x of ctx.store.list(storage)) removeCascade(ctx, storage, x);
    ctx.registry.remove(nameOf(o));
  }
  if (r.kind === "Namespace") for (const x of ctx.store.inNamespace(nameOf(o))) removeCascade(ctx, x.r, x.o);
  const uid = asString(asObject(o.metadata).uid);
  if (!uid) return;
  for (const x of ctx.store.all()) if (isOwnedBy(x.o, uid)) removeCascade(ctx, x.r, x.o);
}

/** The root CA publisher: kube-root-ca.crt in a namespace (when the cluster knows its CA). */
function publishRootCa(ctx: ApiContext, ns: string): void {
  const ca = ctx.opts.caPem;
  if (!ca || ctx.store.get(CONFIG_MAPS, ns, ROOT_CA_CONFIGMAP) || !ctx.store.get(NAMESPACES, "", ns)) return;
  ctx.store.put(CONFIG_MAPS, rootCaConfigMap(ns, ca, randomUUID(), timestamp(ctx.now())));
}

/** After deletions: the controllers of deleted pods make them again; tenant status follows. */
export function afterDelete(ctx: ApiContext, deleted: { r: ResourceDef; o: JsonObject }[]): void {
  const owners = new Map<string, { r: ResourceDef; ns: string; name: string }>();
  for (const { r, o } of deleted) {
    if (r.kind === "Namespace") refreshTenants(ctx);
    if (r.kind === "ConfigMap" && nameOf(o) === ROOT_CA_CONFIGMAP) publishRootCa(ctx, namespaceOf(o));
    if (r.kind !== "Pod") continue;
    for (const ref of asArray(asObject(o.metadata).ownerReferences).filter(isObject)) {
      const owner =
        ref.kind === "ReplicaSet" ? REPLICA_SETS : ref.kind === "StatefulSet" ? STATEFUL_SETS : undefined;
      if (owner)
        owners.set(`${owner.kind}/${namespaceOf(o)}/${asString(ref.name)}`, {
          r: owner,
          ns: namespaceOf(o),
          name: asString(ref.name) ?? "",
        });
    }
  }
  for (const { r, ns, name } of owners.values()) {
    const owner = ctx.store.get(r, ns, name);
    if (!owner) continue;
    if (r === STATEFUL_SETS) {
      reconcileStatefulSet(ctx, owner);
      continue;
    }
    reconcileReplicaSet(ctx, owner);
    const depRef = asArray(asObject(owner.metadata).ownerReferences)
      .filter(isObject)
      .find((x) => x.kind === "Deployment");
    const dep = depRef ? ctx.store.get(DEPLOYMENTS, ns, asString(depRef.name) ?? "") : undefined;
    if (dep) refreshDeploymentStatus(ctx, dep);
  }
}
