/**
 * What the sandbox's controllers do, as pure functions: pod defaults and a Running status (no kubelet; pods
 * are ready at once); the Deployment controller's ReplicaSet per pod template (kubernetes/kubernetes
 * pkg/controller/deployment/sync.go: getNewReplicaSet, name `<deployment>-<pod-template-hash>`, revision
 * annotation), the ReplicaSet controller's pods, and the StatefulSet controller's ordinal pods
 * (pkg/controller/statefulset/stateful_set_utils.go: `<set>-<ordinal>`, controller-revision-hash,
 * statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index). Rollouts happen in one step.
 */
import { asArray, asObject, asString, clone, isObject, type JsonObject, labelsOf, nameOf } from "./json.js";
import { DEFAULT_NODE, nodeIp } from "./nodes.js";

export const TEMPLATE_HASH_LABEL = "pod-template-hash";
const SAFE_CHARS = "bcdfghjklmnpqrstvwxz2456789";

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/** fnv-1a 32 of the template, encoded as Kubernetes' rand.SafeEncodeString does (pod-template-hash). */
export function templateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(stableJson(template))) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => SAFE_CHARS[c.charCodeAt(0) % SAFE_CHARS.length]).join("");
}

export function randomSuffix(random: () => number, n = 5): string {
  let s = "";
  for (let i = 0; i < n; i++) s += SAFE_CHARS[Math.floor(random() * SAFE_CHARS.length)];
  return s;
}

export function podDefaults(pod: JsonObject): JsonObject {
  const out = clone(pod);
  const spec = asObject(out.spec);
  out.spec = spec;
  const sa = asString(spec.serviceAccountName) ?? asString(spec.serviceAccount) ?? "default";
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  spec.restartPolicy ??= "Always";
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.nodeName ??= DEFAULT_NODE;
  return out;
}

/** A pod's status as the kubelet reports it: the parts every phase shares, then the phase's own. */
export function podStatus(
  pod: JsonObject,
  now: string,
  ip: string,
  phase: {
    phase: string;
    conditions: JsonObject[];
    container: { ready: boolean; started: boolean; state: JsonObject };
  },
): JsonObject {
  const containers = asArray(asObject(pod.spec).containers).filter(isObject);
  return {
    phase: phase.phase,
    conditions: phase.conditions,
    hostIP: nodeIp(asString(asObject(pod.spec).nodeName) ?? DEFAULT_NODE),
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    qosClass: "BestEffort",
    containerStatuses: containers.map((c) => ({
      name: asString(c.name) ?? "",
      image: asString(c.image) ?? "",
      imageID: "",
      ready: phase.container.ready,
      started: phase.container.started,
      restartCount: 0,
      state: phase.container.state,
    })),
  };
}

/** A pod condition at `now`. */
export function podCondition(now: string, type: string, status: string, reason?: string): JsonObject {
  return { type, status, lastProbeTime: null, lastTransitionTime: now, ...(reason ? { reason } : {}) };
}

export function runningPodStatus(pod: JsonObject, now: string, ip: string): JsonObject {
  const cond = (type: string) => podCondition(now, type, "True");
  return podStatus(pod, now, ip, {
    phase: "Running",
    conditions: [cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
    container: { ready: true, started: true, state: { running: { startedAt: now } } },
  });
}

export interface PodPlan {
  /** Pods to create (metadata without uid/resourceVersion). */
  create: JsonObject[];
  /** Names of owned pods to delete. */
  remove: string[];
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

function controllerRef(o: JsonObject): JsonObject {
  const m = asObject(o.metadata);
  return {
    apiVersion: asString(o.apiVersion) ?? "apps/v1",
    kind: asString(o.kind) ?? "",
    name: nameOf(o),
    uid: asString(m.uid) ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function podFromTemplate(owner: JsonObject, name: string, labels: Record<string, string>): JsonObject {
  const template = asObject(asObject(owner.spec).template);
  const tmplMeta = asObject(template.metadata);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: namespaceOfObj(owner),
      labels: { ...labelsOf({ metadata: tmplMeta }), ...labels },
      ...(isObject(tmplMeta.annotations) ? { annotations: clone(tmplMeta.annotations) } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: clone(asObject(template.spec)),
  };
}

const namespaceOfObj = (o: JsonObject) => asString(asObject(o.metadata).namespace) ?? "default";
const replicasOf = (o: JsonObject) => {
  const n = asObject(o.spec).replicas;
  return typeof n === "number" ? n : 1;
};

/** The ReplicaSet of a Deployment for its current template (without uid), at `revision`. */
export function replicaSetFor(dep: JsonObject, revision: number): JsonObject {
  const spec = asObject(dep.spec);
  const template = clone(asObject(spec.template));
  const hash = templateHash(asObject(spec.template));
  const tmplMeta = asObject(template.metadata);
  tmplMeta.labels = { ...labelsOf({ metadata: tmplMeta }), [TEMPLATE_HASH_LABEL]: hash };
  template.metadata = tmplMeta;
  const selector = clone(asObject(spec.selector));
  selector.matchLabels = { ...asObject(selector.matchLabels), [TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${nameOf(dep)}-${hash}`,
      namespace: namespaceOfObj(dep),
      labels: clone(tmplMeta.labels),
      annotations: {
        "deployment.kubernetes.io/desired-replicas": String(replicasOf(dep)),
        "deployment.kubernetes.io/max-replicas": String(replicasOf(dep)),
        "deployment.kubernetes.io/revision": String(revision),
      },
      ownerReferences: [controllerRef(dep)],
    },
    spec: { replicas: replicasOf(dep), selector, template },
  };
}

/** The pods a ReplicaSet should own now, given those it owns. */
export function planReplicaSet(rs: JsonObject, owned: JsonObject[], random: () => number): PodPlan {
  const replicas = replicasOf(rs);
  const remove = owned.slice(replicas).map(nameOf);
  const create: JsonObject[] = [];
  for (let i = owned.length; i < replicas; i++)
    create.push(podFromTemplate(rs, `${nameOf(rs)}-${randomSuffix(random)}`, {}));
  return { create, remove };
}

export function replicaSetStatus(rs: JsonObject, pods: JsonObject[]): JsonObject {
  const n = pods.length;
  const g = asObject(rs.metadata).generation;
  return {
    replicas: n,
    fullyLabeledReplicas: n,
    ...(n > 0 ? { readyReplicas: n, availableReplicas: n } : {}),
    observedGeneration: typeof g === "number" ? g : 1,
  };
}

/** `controller-revision-hash` of a StatefulSet's current template: `<set>-<hash>`. */
export function statefulSetRevision(sts: JsonObject): string {
  return `${nameOf(sts)}-${templateHash(asObject(asObject(sts.spec).template))}`;
}

/** Ordinal pods 0..replicas-1 at the current revision; pods past the count or at an old revision go. */
export function planStatefulSet(sts: JsonObject, owned: JsonObject[]): PodPlan {
  const replicas = replicasOf(sts);
  const rev = statefulSetRevision(sts);
  const name = nameOf(sts);
  const keep = new Set<string>();
  const remove: string[] = [];
  for (const p of owned) {
    const rest = nameOf(p).startsWith(`${name}-`) ? nameOf(p).slice(name.length + 1) : "";
    const ordinal = /^\d+$/.test(rest) ? Number(rest) : Number.NaN;
    if (ordinal < replicas && labelsOf(p)["controller-revision-hash"] === rev) keep.add(nameOf(p));
    else remove.push(nameOf(p));
  }
  const create: JsonObject[] = [];
  const serviceName = asString(asObject(sts.spec).serviceName);
  for (let i = 0; i < replicas; i++) {
    const podName = `${name}-${i}`;
    if (keep.has(podName)) continue;
    const pod = podFromTemplate(sts, podName, {
      "controller-revision-hash": rev,
      "statefulset.kubernetes.io/pod-name": podName,
      "apps.kubernetes.io/pod-index": String(i),
    });
    const spec = asObject(pod.spec);
    spec.hostname = podName;
    if (serviceName) spec.subdomain = serviceName;
    create.push(pod);
  }
  return { create, remove };
}

export function statefulSetStatus(sts: JsonObject, pods: JsonObject[]): JsonObject {
  const n = pods.length;
  const rev = statefulSetRevision(sts);
  const g = asObject(sts.metadata).generation;
  return {
    observedGeneration: typeof g === "number" ? g : 1,
    replicas: n,
    readyReplicas: n,
    currentReplicas: n,
    updatedReplicas: n,
    availableReplicas: n,
    currentRevision: rev,
    updateRevision: rev,
    collisionCount: 0,
  };
}

export function statefulSetDefaults(sts: JsonObject): JsonObject {
  const out = clone(sts);
  const spec = asObject(out.spec);
  out.spec = spec;
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= "OrderedReady";
  spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: "Retain", whenScaled: "Retain" };
  return out;
}

export function replicaSetDefaults(rs: JsonObject): JsonObject {
  const out = clone(rs);
  const spec = asObject(out.spec);
  out.spec = spec;
  spec.replicas ??= 1;
  return out;
}

export function deploymentDefaults(dep: JsonObject): JsonObject {
  const out = clone(dep);
  const spec = asObject(out.spec);
  out.spec = spec;
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
  return out;
}

export function deploymentStatus(
  dep: JsonObject,
  pods: JsonObject[],
  now: string,
  previous: JsonObject,
): JsonObject {
  const hash = templateHash(asObject(asObject(dep.spec).template));
  const n = pods.length;
  const updated = pods.filter((p) => labelsOf(p)[TEMPLATE_HASH_LABEL] === hash).length;
  const prevConds = asArray(previous.conditions).filter(isObject);
  const cond = (type: string, reason: string, message: string): JsonObject => {
    const old = prevConds.find((c) => c.type === type && c.reason === reason);
    return {
      type,
      status: "True",
      lastUpdateTime: now,
      lastTransitionTime: asString(old?.lastTransitionTime) ?? now,
      reason,
      message,
    };
  };
  const status: JsonObject = {
    observedGeneration:
      typeof asObject(dep.metadata).generation === "number" ? asObject(dep.metadata).generation! : 1,
    replicas: n,
    updatedReplicas: updated,
    conditions: [
      cond("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
      cond(
        "Progressing",
        "NewReplicaSetAvailable",
        `ReplicaSet "${nameOf(dep)}-${hash}" has successfully progressed.`,
      ),
    ],
  };
  if (n > 0) {
    status.readyReplicas = n;
    status.availableReplicas = n;
  }
  return status;
}
