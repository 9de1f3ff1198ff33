/**
 * Controllers driven by the writes of the API server: the ServiceAccount controller (a `default` account per
 * namespace), the Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and CronJob controllers with the Events
 * they record, Capsule's tenant status; deletion, garbage collection and namespace finalization are in
 * deletion.ts.
 */
import { randomUUID } from "node:crypto";
import { admitPod } from "./admission.js";
import { aggregateClusterRoles } from "./aggregation.js";
import { tenantStatus } from "./capsule.js";
import {
  type ApiContext,
  CLUSTER_ROLES,
  CONFIG_MAPS,
  CONTROLLER_REVISIONS,
  CRON_JOBS,
  DAEMON_SETS,
  DEPLOYMENTS,
  JOBS,
  NAMESPACES,
  NODES,
  PODS,
  REPLICA_SETS,
  REVISION_ANNOTATION,
  SERVICE_ACCOUNTS,
  STATEFUL_SETS,
  TENANTS,
} from "./context.js";
import { CRD_GROUP } from "./crd.js";
import { syncCronJob } from "./cronJobs.js";
import { daemonSetStatus, planDaemonSet } from "./daemonSets.js";
import { finishIfFinalized, isDeleting, type Removed } from "./deletion.js";
import { type EventSource, recordEvent } from "./events.js";
import { planHistory } from "./history.js";
import { jobStatus, planJob, succeededPodStatus } from "./jobs.js";
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
  if (r.kind === "ClusterRole" && r.group === RBAC_GROUP) refreshAggregatedRoles(ctx);
  // The CRD's controllers: established at once, its resources served from now on.
  if (r.kind === "CustomResourceDefinition" && r.group === CRD_GROUP) ctx.registry.install(o);
  // A deleting object whose finalizers are gone is removed; its controllers do not act on it any more.
  if (before && isDeleting(o)) {
    const removed: Removed[] = [];
    finishIfFinalized(ctx, r, o, removed);
    afterDelete(ctx, removed);
    return;
  }
  if (isDeleting(o)) return;
  if (r.kind === "Deployment") reconcileDeployment(ctx, o);
  if (r.kind === "ReplicaSet") reconcileReplicaSet(ctx, o);
  if (r.kind === "StatefulSet") reconcileStatefulSet(ctx, o);
  if (r.kind === "DaemonSet") reconcileDaemonSet(ctx, o);
  if (r.kind === "Job") reconcileJob(ctx, o);
  if (r.kind === "CronJob") {
    syncCronJob(ctx, ctx.store.get(CRON_JOBS, namespaceOf(o), nameOf(o)) ?? o);
    ctx.cron.due = 0;
  }
  if (r.kind === "Node" && !before) for (const ds of ctx.store.list(DAEMON_SETS)) reconcileDaemonSet(ctx, ds);
}

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** The clusterrole-aggregation controller (aggregation.ts): admin/edit/view and any role with selectors. */
export function refreshAggregatedRoles(ctx: ApiContext): void {
  for (const role of aggregateClusterRoles(ctx.store.list(CLUSTER_ROLES))) ctx.store.put(CLUSTER_ROLES, role);
}

/** Capsule's tenant controller: each Tenant's status lists the namespaces its ownerReferences hold. */
export function refreshTenants(ctx: ApiContext): void {
  const namespaces = ctx.store.list(NAMESPACES);
  for (const t of ctx.store.list(TENANTS)) {
    const status = tenantStatus(t, namespaces);
    if (!jsonEqual(t.status, status)) ctx.store.put(TENANTS, { ...t, status });
  }
}

/** How a controller words the Events of its pods. */
interface PodEvents {
  source: EventSource;
  created(pod: string): string;
  deleted(pod: string): string;
}

/** pkg/controller/controller_utils.go (RealPodControl): the ReplicaSet, DaemonSet and Job controllers. */
const podControl = (component: string): PodEvents => ({
  source: { component },
  created: (pod) => `Created pod: ${pod}`,
  deleted: (pod) => `Deleted pod: ${pod}`,
});

/** pkg/controller/statefulset/stateful_pod_control.go: recordPodEvent. */
const statefulPodControl = (set: string): PodEvents => ({
  source: { component: "statefulset-controller" },
  created: (pod) => `create Pod ${pod} in StatefulSet ${set} successful`,
  deleted: (pod) => `delete Pod ${pod} in StatefulSet ${set} successful`,
});

/**
 * Creates pods (through ServiceAccount admission and the pod identity webhook) and deletes pods of a plan, with
 * the owner's SuccessfulCreate/SuccessfulDelete Events; `finished`: the pods ran to completion (Job pods).
 */
function applyPodPlan(
  ctx: ApiContext,
  owner: JsonObject,
  plan: PodPlan,
  events: PodEvents,
  finished = false,
): void {
  const ns = namespaceOf(owner);
  const removed: Removed[] = [];
  for (const name of plan.remove) {
    const pod = ctx.store.get(PODS, ns, name);
    if (!pod || !ctx.store.delete(PODS, ns, name)) continue;
    removed.push({ r: PODS, o: pod });
    recordEvent(ctx, owner, true, "Normal", "SuccessfulDelete", events.deleted(name), events.source);
  }
  podsStopped(ctx, removed);
  for (const p of plan.create) {
    try {
      const pod = admitPod(ctx, p);
      const pm = meta(pod);
      pm.uid = randomUUID();
      pm.creationTimestamp = timestamp(ctx.now());
      if (finished)
        pod.status = succeededPodStatus(
          pod,
          timestamp(ctx.now()),
          asString(asObject(pod.status).podIP) ?? "",
        );
      const stored = ctx.store.put(PODS, pod);
      recordEvent(
        ctx,
        owner,
        true,
        "Normal",
        "SuccessfulCreate",
        events.created(nameOf(stored)),
        events.source,
      );
      podScheduled(ctx, stored);
    } catch {
      // As a controller whose pods are refused (missing ServiceAccount): no pod, the status shows it.
    }
  }
}

/** The scheduler's Scheduled Event (pkg/scheduler/schedule_one.go: "Successfully assigned %v/%v to %v"). */
function podScheduled(ctx: ApiContext, pod: JsonObject): void {
  const node = asString(asObject(pod.spec).nodeName) ?? "";
  recordEvent(
    ctx,
    pod,
    true,
    "Normal",
    "Scheduled",
    `Successfully assigned ${namespaceOf(pod)}/${nameOf(pod)} to ${node}`,
    {
      component: "default-scheduler",
    },
  );
}

/** The kubelet's Killing Events for pods that went (pkg/kubelet/kuberuntime: "Stopping container %s"). */
function podsStopped(ctx: ApiContext, removed: Removed[]): void {
  for (const { r, o } of removed) {
    if (r.kind !== "Pod" || asObject(o.status).phase === "Succeeded") continue;
    const host = asString(asObject(o.spec).nodeName);
    for (const c of asArray(asObject(o.spec).containers).filter(isObject))
      recordEvent(ctx, o, true, "Normal", "Killing", `Stopping container ${asString(c.name) ?? ""}`, {
        component: "kubelet",
        ...(host ? { host } : {}),
      });
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
  applyPodPlan(
    ctx,
    rs,
    planReplicaSet(rs, ownedPods(ctx, rs), ctx.random),
    podControl("replicaset-controller"),
  );
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
    scalingEvent(ctx, dep, nameOf(current), 0, asNumber(asObject(current.spec).replicas));
  } else {
    const next = clone(current);
    const m = meta(next);
    const ann = { ...asObject(m.annotations) } as Record<string, Json>;
    if (revisionOf(current) < maxRevision) ann[REVISION_ANNOTATION] = String(maxRevision + 1);
    ann["deployment.kubernetes.io/desired-replicas"] = String(replicas ?? 1);
    m.annotations = ann;
    const spec = asObject(next.spec);
    if (spec.replicas !== replicas) {
      scalingEvent(ctx, dep, nameOf(current), asNumber(spec.replicas), asNumber(replicas ?? 1));
      spec.replicas = replicas ?? 1;
      m.generation = (typeof m.generation === "number" ? m.generation : 1) + 1;
    }
    current = putIfChanged(ctx, REPLICA_SETS, next, current);
  }
  for (const old of sets) {
    if (uidOf(old) === uidOf(current)) continue;
    if (asObject(old.spec).replicas !== 0) {
      scalingEvent(ctx, dep, nameOf(old), asNumber(asObject(old.spec).replicas), 0);
      const next = clone(old);
      asObject(next.spec).replicas = 0;
      reconcileReplicaSet(ctx, ctx.store.put(REPLICA_SETS, next));
    } else reconcileReplicaSet(ctx, old);
  }
  reconcileReplicaSet(ctx, ctx.store.get(REPLICA_SETS, ns, nameOf(current)) ?? current);
  refreshDeploymentStatus(ctx, dep);
}

const asNumber = (v: unknown) => (typeof v === "number" ? v : 1);

/** pkg/controller/deployment/sync.go scaleReplicaSet: "Scaled %s replica set %s from %d to %d". */
function scalingEvent(ctx: ApiContext, dep: JsonObject, rs: string, from: number, to: number): void {
  if (from === to) return;
  const op = to > from ? "up" : "down";
  recordEvent(
    ctx,
    dep,
    true,
    "Normal",
    "ScalingReplicaSet",
    `Scaled ${op} replica set ${rs} from ${from} to ${to}`,
    {
      component: "deployment-controller",
    },
  );
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

/** The history of a DaemonSet or StatefulSet: a ControllerRevision per template (history.ts). */
function syncHistory(ctx: ApiContext, owner: JsonObject): void {
  const ns = namespaceOf(owner);
  const revisions = ctx.store.list(CONTROLLER_REVISIONS, ns).filter((r) => isOwnedBy(r, uidOf(owner)));
  const plan = planHistory(owner, revisions);
  if (plan.put) {
    const m = meta(plan.put);
    m.uid ??= randomUUID();
    m.creationTimestamp ??= timestamp(ctx.now());
    ctx.store.put(CONTROLLER_REVISIONS, plan.put);
  }
  for (const name of plan.remove) ctx.store.delete(CONTROLLER_REVISIONS, ns, name);
}

/** The StatefulSet controller: its revision, ordinal pods at the current revision, then its status. */
export function reconcileStatefulSet(ctx: ApiContext, sts: JsonObject): void {
  syncHistory(ctx, sts);
  applyPodPlan(ctx, sts, planStatefulSet(sts, ownedPods(ctx, sts)), statefulPodControl(nameOf(sts)));
  putIfChanged(ctx, STATEFUL_SETS, { ...sts, status: statefulSetStatus(sts, ownedPods(ctx, sts)) }, sts);
}

/** The DaemonSet controller: a pod on each node, then its status. */
export function reconcileDaemonSet(ctx: ApiContext, ds: JsonObject): void {
  if (isDeleting(ds)) return;
  syncHistory(ctx, ds);
  const nodes = ctx.store.list(NODES);
  applyPodPlan(
    ctx,
    ds,
    planDaemonSet(ds, nodes, ownedPods(ctx, ds), ctx.random),
    podControl("daemonset-controller"),
  );
  putIfChanged(ctx, DAEMON_SETS, { ...ds, status: daemonSetStatus(ds, nodes, ownedPods(ctx, ds)) }, ds);
}

/** The Job controller: its pods (which succeed at once), its status, and "Job completed" when it is. */
export function reconcileJob(ctx: ApiContext, job: JsonObject, notifyCronJob = true): void {
  if (isDeleting(job)) return;
  applyPodPlan(ctx, job, planJob(job, ownedPods(ctx, job), ctx.random), podControl("job-controller"), true);
  const wasDone = asArray(asObject(job.status).conditions).some((c) => isObject(c) && c.type === "Complete");
  const next = putIfChanged(
    ctx,
    JOBS,
    { ...job, status: jobStatus(job, ownedPods(ctx, job), timestamp(ctx.now())) },
    job,
  );
  const done = asArray(asObject(next.status).conditions).some((c) => isObject(c) && c.type === "Complete");
  if (done && !wasDone)
    recordEvent(ctx, next, true, "Normal", "Completed", "Job completed", { component: "job-controller" });
  // The CronJob controller watches its Jobs (cronJobs.ts); not when it is the one that made this Job.
  const cjRef = asArray(asObject(job.metadata).ownerReferences)
    .filter(isObject)
    .find((x) => x.kind === "CronJob");
  const cj = cjRef ? ctx.store.get(CRON_JOBS, namespaceOf(job), asString(cjRef.name) ?? "") : undefined;
  if (cj && notifyCronJob && !isDeleting(cj)) syncCronJob(ctx, cj);
}

/** The root CA publisher: kube-root-ca.crt in a namespace (when the cluster knows its CA). */
function publishRootCa(ctx: ApiContext, ns: string): void {
  const ca = ctx.opts.caPem;
  const namespace = ctx.store.get(NAMESPACES, "", ns);
  // pkg/controller/certificates/rootcacertpublisher/publisher.go: not into a terminating namespace.
  if (!ca || ctx.store.get(CONFIG_MAPS, ns, ROOT_CA_CONFIGMAP) || !namespace || isDeleting(namespace)) return;
  ctx.store.put(CONFIG_MAPS, rootCaConfigMap(ns, ca, randomUUID(), timestamp(ctx.now())));
}

/** The controller of a pod, by its controller ownerReference. */
const POD_OWNERS: Record<string, ResourceDef> = {
  ReplicaSet: REPLICA_SETS,
  StatefulSet: STATEFUL_SETS,
  DaemonSet: DAEMON_SETS,
  Job: JOBS,
};

/** After deletions: the kubelet stops deleted pods; their controllers make them again; tenant status follows. */
export function afterDelete(ctx: ApiContext, deleted: Removed[]): void {
  podsStopped(ctx, deleted);
  const owners = new Map<string, { r: ResourceDef; ns: string; name: string }>();
  for (const { r, o } of deleted) {
    if (r.kind === "Namespace") refreshTenants(ctx);
    if (r.kind === "ClusterRole" && r.group === RBAC_GROUP) refreshAggregatedRoles(ctx);
    if (r.kind === "ConfigMap" && nameOf(o) === ROOT_CA_CONFIGMAP) publishRootCa(ctx, namespaceOf(o));
    if (r.kind === "Node") for (const ds of ctx.store.list(DAEMON_SETS)) reconcileDaemonSet(ctx, ds);
    if (r.kind !== "Pod") continue;
    for (const ref of asArray(asObject(o.metadata).ownerReferences).filter(isObject)) {
      const owner = POD_OWNERS[asString(ref.kind) ?? ""];
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
    if (!owner || isDeleting(owner)) continue;
    if (r === STATEFUL_SETS) reconcileStatefulSet(ctx, owner);
    else if (r === DAEMON_SETS) reconcileDaemonSet(ctx, owner);
    else if (r === JOBS)
      continue; // A Job's finished pods are not made again.
    else {
      reconcileReplicaSet(ctx, owner);
      const depRef = asArray(asObject(owner.metadata).ownerReferences)
        .filter(isObject)
        .find((x) => x.kind === "Deployment");
      const dep = depRef ? ctx.store.get(DEPLOYMENTS, ns, asString(depRef.name) ?? "") : undefined;
      if (dep && !isDeleting(dep)) refreshDeploymentStatus(ctx, dep);
    }
  }
}
