/**
 * What the sandbox's "controllers" do, as pure functions: pod defaults and a Running status (no kubelet; pods
 * are ready at once), and the Deployment controller collapsed into one step: pods from the template, replaced
 * when the template changes (`kubectl rollout restart`), status replicas ready.
 */
import { asArray, asObject, asString, clone, isObject, type JsonObject, labelsOf, nameOf } from "./json.js";

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
  spec.nodeName ??= "ip-10-0-0-1.sandbox.internal";
  return out;
}

export function runningPodStatus(pod: JsonObject, now: string, ip: string): JsonObject {
  const containers = asArray(asObject(pod.spec).containers).filter(isObject);
  const cond = (type: string) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: now });
  return {
    phase: "Running",
    conditions: [cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
    hostIP: "10.0.0.1",
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    qosClass: "BestEffort",
    containerStatuses: containers.map((c) => ({
      name: asString(c.name) ?? "",
      image: asString(c.image) ?? "",
      imageID: "",
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
}

export interface DeploymentPlan {
  /** Pods to create (metadata without uid/resourceVersion). */
  create: JsonObject[];
  /** Names of owned pods to delete. */
  remove: string[];
}

/** The pods a Deployment should own now, given those it owns. */
export function planDeployment(dep: JsonObject, owned: JsonObject[], random: () => number): DeploymentPlan {
  const spec = asObject(dep.spec);
  const template = asObject(spec.template);
  const hash = templateHash(template);
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const current = owned.filter((p) => labelsOf(p)[TEMPLATE_HASH_LABEL] === hash);
  const remove = owned.filter((p) => labelsOf(p)[TEMPLATE_HASH_LABEL] !== hash).map(nameOf);
  remove.push(...current.slice(replicas).map(nameOf));
  const create: JsonObject[] = [];
  const depName = nameOf(dep);
  const depMeta = asObject(dep.metadata);
  const tmplMeta = asObject(template.metadata);
  for (let i = current.length; i < replicas; i++) {
    create.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `${depName}-${hash}-${randomSuffix(random)}`,
        namespace: asString(depMeta.namespace) ?? "default",
        labels: { ...labelsOf({ metadata: tmplMeta }), [TEMPLATE_HASH_LABEL]: hash },
        ...(isObject(tmplMeta.annotations) ? { annotations: clone(tmplMeta.annotations) } : {}),
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: depName,
            uid: asString(depMeta.uid) ?? "",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: clone(asObject(template.spec)),
    });
  }
  return { create, remove };
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
