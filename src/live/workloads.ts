/**
 * The workloads that must be restarted after annotating their ServiceAccounts: the CD pipeline operator
 * Deployment (`kubectl rollout restart`, as the seed does) and the Argo CD pods, found by
 * spec.serviceAccountName and restarted through their controllers (controllers.ts). And how to read the
 * injected role from a pod.
 */
import type { Config } from "../config/index.js";
import type { Json, KubeObject } from "../state/index.js";
import { podsUsing } from "../state/index.js";
import { sourceCluster } from "../topology/index.js";
import type { Workload } from "./changes.js";

export const ARGOCD_POD_LABEL = "app.kubernetes.io/name";
export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";

export function workloadsOf(config: Config): Workload[] {
  const cluster = sourceCluster(config);
  const krci = config.source.krci;
  const argocd = config.source.argocd;
  return [
    {
      kind: "deployment",
      cluster,
      namespace: krci.namespace,
      serviceAccount: krci.serviceAccount,
      name: krci.deployment,
    },
    ...argocd.serviceAccounts.map(
      (sa): Workload => ({
        kind: "pods",
        cluster,
        namespace: argocd.namespace,
        serviceAccount: sa,
        selector: { [ARGOCD_POD_LABEL]: sa },
      }),
    ),
  ];
}

export function workloadId(w: Workload): string {
  return w.kind === "deployment"
    ? `${w.namespace}/${w.name}`
    : `${w.namespace}/serviceaccount=${w.serviceAccount}`;
}

export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function labelsMatch(obj: KubeObject, selector: Record<string, string>): boolean {
  const labels = obj.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function get(obj: unknown, ...path: string[]): Json | undefined {
  let cur = obj as Json | undefined;
  for (const p of path) {
    if (cur === null || cur === undefined || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, Json>)[p];
  }
  return cur;
}

/** The Deployment's `spec.selector.matchLabels`. */
export function deploymentSelector(deployment: KubeObject): Record<string, string> {
  const m = get(deployment, "spec", "selector", "matchLabels");
  return m && typeof m === "object" && !Array.isArray(m) ? (m as Record<string, string>) : {};
}

/** The live pods of a workload (not terminating), from a cluster's objects. */
export function workloadPods(objects: readonly KubeObject[], w: Workload): KubeObject[] {
  if (w.kind === "deployment") {
    const d = objects.find(
      (o) => o.kind === "Deployment" && o.metadata.name === w.name && o.metadata.namespace === w.namespace,
    );
    if (!d) return [];
    const selector = deploymentSelector(d);
    if (!Object.keys(selector).length) return [];
    return objects.filter(
      (o) =>
        o.kind === "Pod" &&
        o.metadata.namespace === w.namespace &&
        !o.metadata.deletionTimestamp &&
        labelsMatch(o, selector),
    );
  }
  // Argo CD: by spec.serviceAccountName, not by label (a nameOverride or renamed release changes the labels).
  return podsUsing(objects, w.namespace, w.serviceAccount);
}

/** AWS_ROLE_ARN as the pod identity webhook injected it into any container, or null. */
export function podRoleArn(pod: KubeObject): string | null {
  const containers = get(pod, "spec", "containers");
  if (!Array.isArray(containers)) return null;
  for (const c of containers) {
    const env = get(c, "env");
    if (!Array.isArray(env)) continue;
    for (const e of env) {
      if (get(e, "name") === "AWS_ROLE_ARN") {
        const v = get(e, "value");
        return typeof v === "string" ? v : null;
      }
    }
  }
  return null;
}
