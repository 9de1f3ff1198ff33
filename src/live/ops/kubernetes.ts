/** Kubernetes operations: objects, and the restarts that make workloads pick up a role. */
import { OperationError } from "../../errors.js";
import type { KubeClient } from "../../kube/index.js";
import type { KubeObject } from "../../state/index.js";
import { podsUsing, restartTargets } from "../../state/index.js";
import type { Workload } from "../changes.js";
import {
  deploymentSelector,
  labelSelector,
  podRoleArn,
  RESTARTED_AT_ANNOTATION,
  workloadId,
} from "../workloads.js";
import type { ExecContext, Handlers, OperationType } from "./types.js";

export type KubernetesOperationType = Extract<OperationType, `kube.${string}` | "restart">;

export const KUBERNETES_HANDLERS: Handlers<KubernetesOperationType> = {
  "kube.create": async (op, { conns }) => {
    const kube = await conns.kube(op.cluster);
    await kube.create(op.object);
  },
  "kube.patch": async (op, { conns }) => {
    const kube = await conns.kube(op.cluster);
    await kube.patch(op.ref, op.patch, "merge");
  },
  "kube.delete": async (op, { conns }) => {
    const kube = await conns.kube(op.cluster);
    await kube.delete(op.ref);
  },
  restart: (op, ctx) => restart(op.workload, op.roleArn, ctx),
};

async function podsOf(kube: KubeClient, w: Workload): Promise<KubeObject[] | undefined> {
  if (w.kind === "pods") {
    // By spec.serviceAccountName: labels change with a nameOverride or a renamed release.
    return podsUsing(await kube.list("v1", "Pod", { namespace: w.namespace }), w.namespace, w.serviceAccount);
  }
  let selector: Record<string, string>;
  {
    const d = await kube.get({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: w.name,
      namespace: w.namespace,
    });
    if (!d) return undefined;
    selector = deploymentSelector(d);
  }
  const pods = await kube.list("v1", "Pod", {
    namespace: w.namespace,
    labelSelector: labelSelector(selector),
  });
  return pods.filter((p) => !p.metadata.deletionTimestamp);
}

/**
 * The seed's restarts: `kubectl rollout restart` for the operator Deployment, restarting the controllers of the
 * Argo CD pods. Then wait until every pod is new and carries the injected AWS_ROLE_ARN.
 */
async function restart(w: Workload, roleArn: string | null, ctx: ExecContext): Promise<void> {
  const kube = await ctx.conns.kube(w.cluster);
  const before = (await podsOf(kube, w)) ?? [];
  const old = new Set(before.map((p) => p.metadata.uid ?? p.metadata.name));
  if (w.kind === "deployment") {
    await kube.patch(
      { apiVersion: "apps/v1", kind: "Deployment", name: w.name, namespace: w.namespace },
      {
        spec: {
          template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: ctx.now().toISOString() } } },
        },
      },
      "strategic",
    );
  } else {
    // Restart the controllers of the ServiceAccount's pods (found through ownerReferences), as
    // `kubectl rollout restart` does; fail loudly when there is nothing to restart.
    if (!before.length) {
      throw new OperationError(
        "restart.no-pods",
        `no pod in ${w.namespace} runs as ServiceAccount ${w.serviceAccount} in cluster ${w.cluster.name}, so nothing picks up the role`,
        `check source.argocd.serviceAccounts against the pods (kubectl get pods -n ${w.namespace} -o custom-columns=NAME:.metadata.name,SA:.spec.serviceAccountName)`,
      );
    }
    const replicaSets = await kube
      .list("apps/v1", "ReplicaSet", { namespace: w.namespace })
      .catch(() => [] as KubeObject[]);
    const targets = restartTargets(
      before,
      replicaSets.map((r) => ({ ...r, kind: "ReplicaSet" })),
    );
    if (targets.stranded.length) {
      const s = targets.stranded[0]!;
      throw new OperationError(
        "restart.no-controller",
        `pod ${w.namespace}/${s.pod} (ServiceAccount ${w.serviceAccount}) ${s.why}, so xirsa cannot restart it`,
        "recreate the pod yourself after the annotation, or run it under a Deployment/StatefulSet/DaemonSet",
      );
    }
    for (const c of targets.controllers) {
      await kube.patch(
        { apiVersion: "apps/v1", kind: c.kind, name: c.name, namespace: w.namespace },
        {
          spec: {
            template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: ctx.now().toISOString() } } },
          },
        },
        "strategic",
      );
    }
  }
  const deadline = ctx.now().getTime() + ctx.waitTimeoutMs;
  let last = "";
  for (;;) {
    const pods = (await podsOf(kube, w)) ?? [];
    const fresh = pods.filter((p) => !old.has(p.metadata.uid ?? p.metadata.name));
    const right = fresh.filter((p) => podRoleArn(p) === roleArn);
    if (pods.length > 0 && right.length === pods.length) return;
    last = `${pods.length} pod(s), ${fresh.length} new, ${right.length} with AWS_ROLE_ARN=${roleArn ?? "(none)"}`;
    if (ctx.now().getTime() >= deadline) {
      throw new OperationError(
        "restart.timeout",
        `the pods of ${workloadId(w)} in ${w.cluster.name} did not come back with AWS_ROLE_ARN=${roleArn ?? "(none)"} within ${Math.round(ctx.waitTimeoutMs / 1000)} s (${last})`,
        `check the workload and the pod identity webhook (kubectl get pods -n ${w.namespace}), then rerun xirsa apply`,
      );
    }
    await ctx.sleep(ctx.pollMs);
  }
}
