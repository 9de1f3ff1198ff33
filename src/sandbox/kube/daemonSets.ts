/**
 * The DaemonSet controller as pure functions (kubernetes/kubernetes pkg/controller/daemon): one pod per
 * eligible node (the template's nodeSelector), named `<set>-<random>`, labelled with controller-revision-hash
 * and pod-template-generation, pinned to its node by node affinity on `metadata.name`
 * (pkg/controller/daemon/util/daemonset_util.go: ReplaceDaemonSetPodNodeNameNodeAffinity) and given the
 * daemon tolerations (AddOrUpdateDaemonPodTolerations). A rollout replaces every pod at once.
 */
import { asObject, asString, clone, isObject, type JsonObject, labelsOf, nameOf } from "./json.js";
import { type PodPlan, podFromTemplate, randomSuffix, templateHash } from "./workloads.js";

export const DS_REVISION_LABEL = "controller-revision-hash";
export const DS_GENERATION_LABEL = "pod-template-generation";

const DAEMON_TOLERATIONS: JsonObject[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

export function daemonSetDefaults(ds: JsonObject): JsonObject {
  const out = clone(ds);
  const spec = asObject(out.spec);
  out.spec = spec;
  spec.revisionHistoryLimit ??= 10;
  spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
  return out;
}

/** The template's hash: the pods' controller-revision-hash. */
export const daemonSetRevision = (ds: JsonObject): string =>
  templateHash(asObject(asObject(ds.spec).template));

/** The nodes whose labels match the template's nodeSelector. */
export function eligibleNodes(ds: JsonObject, nodes: JsonObject[]): string[] {
  const sel = asObject(asObject(asObject(asObject(ds.spec).template).spec).nodeSelector);
  return nodes.filter((n) => Object.entries(sel).every(([k, v]) => labelsOf(n)[k] === v)).map(nameOf);
}

const nodeOf = (p: JsonObject) => asString(asObject(p.spec).nodeName) ?? "";

export function planDaemonSet(
  ds: JsonObject,
  nodes: JsonObject[],
  owned: JsonObject[],
  random: () => number,
): PodPlan {
  const rev = daemonSetRevision(ds);
  const want = new Set(eligibleNodes(ds, nodes));
  const kept = new Set<string>();
  const remove: string[] = [];
  for (const p of owned) {
    const node = nodeOf(p);
    if (want.has(node) && !kept.has(node) && labelsOf(p)[DS_REVISION_LABEL] === rev) kept.add(node);
    else remove.push(nameOf(p));
  }
  const g = asObject(ds.metadata).generation;
  const create: JsonObject[] = [];
  for (const node of want) {
    if (kept.has(node)) continue;
    const pod = podFromTemplate(ds, `${nameOf(ds)}-${randomSuffix(random)}`, {
      [DS_REVISION_LABEL]: rev,
      [DS_GENERATION_LABEL]: String(typeof g === "number" ? g : 1),
    });
    const spec = asObject(pod.spec);
    spec.nodeName = node;
    spec.affinity = {
      ...asObject(spec.affinity),
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
        },
      },
    };
    const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations.filter(isObject) : [];
    for (const t of DAEMON_TOLERATIONS)
      if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push({ ...t });
    spec.tolerations = tolerations;
    create.push(pod);
  }
  return { create, remove };
}

/** Status as the controller writes it; `kubectl rollout status daemonset` reads updated/available/desired. */
export function daemonSetStatus(ds: JsonObject, nodes: JsonObject[], pods: JsonObject[]): JsonObject {
  const rev = daemonSetRevision(ds);
  const want = new Set(eligibleNodes(ds, nodes));
  const scheduled = pods.filter((p) => want.has(nodeOf(p)));
  const g = asObject(ds.metadata).generation;
  return {
    currentNumberScheduled: scheduled.length,
    numberMisscheduled: pods.length - scheduled.length,
    desiredNumberScheduled: want.size,
    numberReady: scheduled.length,
    observedGeneration: typeof g === "number" ? g : 1,
    updatedNumberScheduled: scheduled.filter((p) => labelsOf(p)[DS_REVISION_LABEL] === rev).length,
    numberAvailable: scheduled.length,
  };
}
