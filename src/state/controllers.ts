/**
 * Which controller re-creates a pod, through ownerReferences (pure): a Deployment's pods belong to a
 * ReplicaSet it controls, a StatefulSet (Argo CD's application controller in install.yaml and argo-helm) and
 * a DaemonSet own their pods directly. Restarting means patching that controller's pod template with
 * `kubectl.kubernetes.io/restartedAt`, as `kubectl rollout restart` does (kubernetes/kubectl
 * pkg/polymorphichelpers/objectrestarter.go).
 */
import type { Json, KubeObject } from "./types.js";

export type RestartableKind = "Deployment" | "StatefulSet" | "DaemonSet";

export type ControllerOf =
  | { kind: RestartableKind; name: string }
  /** No controller ownerReference: nothing would re-create the pod. */
  | { kind: "none" }
  /** A controller xirsa cannot restart (a bare ReplicaSet, a Job, a custom controller). */
  | { kind: "other"; owner: string };

interface OwnerRef {
  kind: string;
  name: string;
}

function controllerRef(obj: KubeObject): OwnerRef | undefined {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs as Json[]) {
    if (r === null || typeof r !== "object" || Array.isArray(r) || r.controller !== true) continue;
    if (typeof r.kind === "string" && typeof r.name === "string") return { kind: r.kind, name: r.name };
  }
  return undefined;
}

const RESTARTABLE: readonly string[] = ["Deployment", "StatefulSet", "DaemonSet"];

/** The controller of `pod`, following a ReplicaSet to its Deployment when `objects` holds the ReplicaSet. */
export function controllerOf(pod: KubeObject, objects: readonly KubeObject[]): ControllerOf {
  const ref = controllerRef(pod);
  if (!ref) return { kind: "none" };
  if (RESTARTABLE.includes(ref.kind)) return { kind: ref.kind as RestartableKind, name: ref.name };
  if (ref.kind === "ReplicaSet") {
    const rs = objects.find(
      (o) =>
        o.kind === "ReplicaSet" &&
        o.metadata.name === ref.name &&
        o.metadata.namespace === pod.metadata.namespace,
    );
    const up = rs ? controllerRef(rs) : undefined;
    if (up?.kind === "Deployment") return { kind: "Deployment", name: up.name };
    return { kind: "other", owner: `ReplicaSet ${ref.name}${rs ? " (no Deployment controls it)" : ""}` };
  }
  return { kind: "other", owner: `${ref.kind} ${ref.name}` };
}

/** The pods that run as `serviceAccount` (spec.serviceAccountName; unset means `default`), not terminating. */
export function podsUsing(
  objects: readonly KubeObject[],
  namespace: string,
  serviceAccount: string,
): KubeObject[] {
  return objects.filter((o) => {
    if (o.kind !== "Pod" || o.metadata.namespace !== namespace || o.metadata.deletionTimestamp) return false;
    const spec = o.spec as { serviceAccountName?: unknown } | undefined;
    const sa = typeof spec?.serviceAccountName === "string" ? spec.serviceAccountName : "default";
    return sa === serviceAccount;
  });
}

export interface RestartTargets {
  controllers: { kind: RestartableKind; name: string }[];
  /** Pods nothing xirsa can restart would re-create, with why. */
  stranded: { pod: string; why: string }[];
}

/** The distinct controllers to restart for the pods of a ServiceAccount (pure). */
export function restartTargets(pods: readonly KubeObject[], objects: readonly KubeObject[]): RestartTargets {
  const controllers: RestartTargets["controllers"] = [];
  const stranded: RestartTargets["stranded"] = [];
  for (const pod of pods) {
    const c = controllerOf(pod, objects);
    if (c.kind === "none") stranded.push({ pod: pod.metadata.name, why: "has no controller" });
    else if (c.kind === "other")
      stranded.push({ pod: pod.metadata.name, why: `is controlled by ${c.owner}` });
    else if (!controllers.some((x) => x.kind === c.kind && x.name === c.name)) controllers.push(c);
  }
  return { controllers, stranded };
}
