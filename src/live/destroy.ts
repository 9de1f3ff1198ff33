/**
 * destroyPlan(live) → the changes that remove what xirsa stack `stack` owns, in reverse apply order (pure):
 * owned objects, entries, roles and the OIDC provider are deleted; xirsa's items are taken out of shared lists;
 * ServiceAccounts get their previous role annotation back and their workloads are restarted. Nothing else is
 * touched.
 */
import type { ClusterRef, EksCluster, State } from "../state/types.js";
import { findObject } from "../state/types.js";
import { PREVIOUS_ROLE_ARN_ANNOTATION, ROLE_ARN_ANNOTATION } from "../topology/names.js";
import { type Change, DESTROY_STEPS, type Workload } from "./changes.js";
import { sharedListOf, unmergeList } from "./merges.js";
import { normalizePolicy } from "./normalize.js";
import { addedAnnotation, addedKeys, ownsObject, ownsTags } from "./ownership.js";
import { hasController, OWNED_KINDS, objectStep, objId, refOf } from "./plan.js";
import { jsonDiff, lineDiff } from "./textDiff.js";
import { podRoleArn, workloadId, workloadPods } from "./workloads.js";

export interface DestroyInput {
  live: State;
  stack: string;
  workloads: Workload[];
}

function ref(c: EksCluster): ClusterRef {
  return { accountId: c.accountId, region: c.region, name: c.name };
}

export function destroyPlan(input: DestroyInput): Change[] {
  const out: Change[] = [];
  const { live, stack } = input;
  const restored = new Map<string, string | null>();

  for (const c of live.clusters) {
    const cluster = ref(c);
    for (const o of c.objects) {
      if (OWNED_KINDS.includes(o.kind) && ownsObject(o, stack)) {
        out.push({
          action: "delete",
          kind: o.kind,
          id: objId(o),
          cluster: c.name,
          step: objectStep(o),
          diff: lineDiff(`${o.kind} ${objId(o)}`, ""),
          ops: [{ type: "kube.delete", cluster, ref: refOf(o) }],
        });
        continue;
      }
      const shared = sharedListOf(o);
      const added = addedKeys(o, stack);
      if (shared && added.length) {
        const items = shared.items(o);
        const kept = unmergeList(shared, items, added);
        out.push({
          action: "update",
          kind: o.kind,
          id: objId(o),
          cluster: c.name,
          step: objectStep(o),
          diff: jsonDiff(items, kept),
          ops: [
            {
              type: "kube.patch",
              cluster,
              ref: refOf(o),
              patch: {
                ...shared.patch(kept),
                metadata: {
                  annotations: { [addedAnnotation(stack)]: null },
                  ...(o.metadata.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}),
                },
              },
            },
          ],
        });
        continue;
      }
      const annotations = o.metadata.annotations ?? {};
      if (o.kind === "ServiceAccount" && PREVIOUS_ROLE_ARN_ANNOTATION in annotations) {
        const previous = annotations[PREVIOUS_ROLE_ARN_ANNOTATION] || null;
        restored.set(`${c.name}/${o.metadata.namespace}/${o.metadata.name}`, previous);
        out.push({
          action: "update",
          kind: "ServiceAccount",
          id: objId(o),
          cluster: c.name,
          step: "service-accounts",
          diff: lineDiff(
            `${ROLE_ARN_ANNOTATION}: ${annotations[ROLE_ARN_ANNOTATION] ?? "(none)"}`,
            `${ROLE_ARN_ANNOTATION}: ${previous ?? "(none)"}`,
          ),
          ops: [
            {
              type: "kube.patch",
              cluster,
              ref: refOf(o),
              patch: {
                metadata: {
                  annotations: { [ROLE_ARN_ANNOTATION]: previous, [PREVIOUS_ROLE_ARN_ANNOTATION]: null },
                },
              },
            },
          ],
        });
      }
    }
    for (const e of c.accessEntries) {
      if (!ownsTags(e.tags, stack)) continue;
      out.push({
        action: "delete",
        kind: "AccessEntry",
        id: e.principalArn,
        cluster: c.name,
        step: "access-entries",
        diff: lineDiff(`principalArn: ${e.principalArn}`, ""),
        ops: [{ type: "entry.delete", cluster, principalArn: e.principalArn }],
      });
    }
  }

  for (const w of input.workloads) {
    const key = `${w.cluster.name}/${w.namespace}/${w.serviceAccount}`;
    if (!restored.has(key)) continue;
    const roleArn = restored.get(key)!;
    const c = live.clusters.find((x) => x.name === w.cluster.name && x.accountId === w.cluster.accountId);
    if (!c || !findObject(c, "ServiceAccount", w.serviceAccount, w.namespace)) continue;
    const pods = workloadPods(c.objects, w);
    if (!pods.length || pods.every((p) => podRoleArn(p) === roleArn)) continue;
    const bare = w.kind === "pods" ? pods.find((p) => !hasController(p)) : undefined;
    out.push({
      action: "update",
      kind: w.kind === "deployment" ? "Deployment" : "Pod",
      id: workloadId(w),
      cluster: w.cluster.name,
      step: "restarts",
      diff: `~ restart: pods go back to ${roleArn ? `AWS_ROLE_ARN=${roleArn}` : "no IRSA role"}`,
      ops: [{ type: "restart", workload: w, roleArn }],
      ...(bare
        ? {
            blocked: {
              reason: `pod ${w.namespace}/${bare.metadata.name} has no controller, so deleting it would not bring it back`,
              fix: "recreate the pod yourself, or run it under a Deployment/StatefulSet, then rerun destroy",
              adoptable: false,
            },
          }
        : {}),
    });
  }

  for (const r of live.roles) {
    if (!ownsTags(r.tags, stack)) continue;
    const web = JSON.stringify(r.trustPolicy).includes('"Federated"');
    out.push({
      action: "delete",
      kind: "IamRole",
      id: r.arn,
      account: r.accountId,
      step: web ? "source-roles" : "target-roles",
      diff: jsonDiff(normalizePolicy(r.trustPolicy), undefined),
      ops: [{ type: "role.delete", role: r }],
    });
  }
  for (const p of live.oidcProviders) {
    if (!ownsTags(p.tags, stack)) continue;
    out.push({
      action: "delete",
      kind: "OidcProvider",
      id: p.arn,
      account: p.accountId,
      step: "oidc-provider",
      diff: lineDiff(`url: ${p.url}`, ""),
      ops: [{ type: "oidc.delete", accountId: p.accountId, arn: p.arn }],
    });
  }
  const order = (c: Change) => DESTROY_STEPS.indexOf(c.step as (typeof DESTROY_STEPS)[number]);
  return out
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order(a.c) - order(b.c) || a.i - b.i)
    .map((x) => x.c);
}
