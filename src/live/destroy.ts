/**
 * destroyPlan(live) → the changes that remove what xirsa stack `stack` owns, in reverse apply order (pure):
 * owned objects, entries, roles and the OIDC provider are deleted; xirsa's items are taken out of shared lists;
 * ServiceAccounts get their previous role annotation back and their workloads are restarted. Nothing else is
 * touched. Shared objects are taken away only when nobody else still uses them (issue 11 item 3): the OIDC
 * provider while another role trusts it, a list item that another stack's `.added` annotation names, an
 * annotation someone re-pointed after apply are kept, each with a `Kept` line saying why.
 */

import { K8S_STACK_LABEL, PREVIOUS_ROLE_ARN_ANNOTATION, ROLE_ARN_ANNOTATION } from "../names/index.js";
import type { ClusterRef, EksCluster, State } from "../state/index.js";
import { findObject } from "../state/index.js";
import { type Change, DESTROY_STEPS, type Workload } from "./changes.js";
import { sharedListOf, unmergeList } from "./merges.js";
import { normalizePolicy } from "./normalize.js";
import {
  addedAnnotation,
  addedKeys,
  otherStacksAdded,
  ownsObject,
  ownsTags,
  stackNames,
  stacksClaiming,
} from "./ownership.js";
import { hasController, OWNED_KINDS, objectStep, objId, refOf } from "./plan.js";
import { policyDiff } from "./policyDiff.js";
import { jsonDiff, lineDiff } from "./textDiff.js";
import { podRoleArn, workloadId, workloadPods } from "./workloads.js";

export interface DestroyInput {
  live: State;
  stack: string;
  workloads: Workload[];
  /** The desired state of the config: the role annotations this stack sets. */
  desired?: State;
  /**
   * Per OIDC provider ARN this stack owns: every role of its account (ListRoles) with its trust policy, to
   * find the roles that still use it. Missing = not read (the provider is kept: nobody can say it is unused).
   */
  accountRoles?: Record<string, { arn: string; trustPolicy: unknown }[]>;
}

/** Something destroy would have removed or restored and leaves, with the reason (shown with the plan). */
export interface Kept {
  kind: string;
  id: string;
  cluster?: string;
  account?: string;
  reason: string;
}

export interface DestroyDecisions {
  changes: Change[];
  kept: Kept[];
}

/** ARN(s) of a statement's `Principal.Federated` (IAM accepts a string or a list). */
function federatedOf(statement: unknown): string[] {
  const p = (statement as { Principal?: unknown } | null)?.Principal;
  const f = p && typeof p === "object" ? (p as { Federated?: unknown }).Federated : undefined;
  if (typeof f === "string") return [f];
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === "string") : [];
}

/** The roles, other than those in `deleting`, whose trust policy names the provider as a federated principal. */
export function rolesTrustingProvider(
  providerArn: string,
  roles: { arn: string; trustPolicy: unknown }[],
  deleting: ReadonlySet<string>,
): string[] {
  return roles
    .filter((r) => !deleting.has(r.arn))
    .filter((r) => {
      const st = (r.trustPolicy as { Statement?: unknown } | null)?.Statement;
      const list = Array.isArray(st) ? st : st ? [st] : [];
      return list.some((s) => federatedOf(s).includes(providerArn));
    })
    .map((r) => r.arn)
    .sort();
}

/** The role ARNs this stack puts on ServiceAccounts: the desired annotations and the roles it owns. */
function ourRoleArns(input: DestroyInput): Set<string> {
  const out = new Set(input.live.roles.filter((r) => ownsTags(r.tags, input.stack)).map((r) => r.arn));
  for (const c of input.desired?.clusters ?? [])
    for (const o of c.objects) {
      const v = o.kind === "ServiceAccount" ? o.metadata.annotations?.[ROLE_ARN_ANNOTATION] : undefined;
      if (v) out.add(v);
    }
  return out;
}

function ref(c: EksCluster): ClusterRef {
  return { accountId: c.accountId, region: c.region, name: c.name };
}

export function destroyPlan(input: DestroyInput): Change[] {
  return destroyDecisions(input).changes;
}

export function destroyDecisions(input: DestroyInput): DestroyDecisions {
  const out: Change[] = [];
  const kept: Kept[] = [];
  const { live, stack } = input;
  const restored = new Map<string, string | null>();
  const ours = ourRoleArns(input);

  for (const c of live.clusters) {
    const cluster = ref(c);
    for (const o of c.objects) {
      if (OWNED_KINDS.includes(o.kind) && ownsObject(o, stack)) {
        const list = sharedListOf(o);
        const others = otherStacksAdded(o, stack);
        const heirs = [...others].filter(([, keys]) => keys.length).map(([s]) => s);
        if (list && heirs.length) {
          // Another stack added items to it (a CapsuleConfiguration this stack created): it stays, handed over
          // to that stack, with only the items no other stack recorded taken out.
          const theirs = new Set([...others.values()].flat());
          const items = list.items(o);
          const left = unmergeList(
            list,
            items,
            addedKeys(o, stack).filter((k) => !theirs.has(k)),
          );
          const heir = heirs.sort()[0]!;
          kept.push({
            kind: o.kind,
            id: objId(o),
            cluster: c.name,
            reason: `xirsa stack ${stackNames(heirs)} also added items to it: handed over to stack '${heir}', only this stack's own items are taken out`,
          });
          out.push({
            action: "update",
            kind: o.kind,
            id: objId(o),
            cluster: c.name,
            step: objectStep(o),
            diff: `${jsonDiff(items, left)}\n~ label ${K8S_STACK_LABEL}: ${stack} → ${heir}`,
            ops: [
              {
                type: "kube.patch",
                cluster,
                ref: refOf(o),
                patch: {
                  ...list.patch(left),
                  metadata: {
                    labels: { [K8S_STACK_LABEL]: heir },
                    annotations: { [addedAnnotation(stack)]: null },
                    ...(o.metadata.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}),
                  },
                },
              },
            ],
          });
          continue;
        }
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
      const mine = addedKeys(o, stack);
      if (shared && mine.length) {
        const items = shared.items(o);
        // An item another stack recorded as its own stays: that stack still references it.
        const others = otherStacksAdded(o, stack);
        const added = mine.filter((k) => {
          const users = [...others].filter(([, keys]) => keys.includes(k)).map(([s]) => `'${s}'`);
          if (!users.length) return true;
          kept.push({
            kind: o.kind,
            id: `${objId(o)} ${k}`,
            cluster: c.name,
            reason: `xirsa stack ${users.join(", ")} also lists it`,
          });
          return false;
        });
        const left = unmergeList(shared, items, added);
        out.push({
          action: "update",
          kind: o.kind,
          id: objId(o),
          cluster: c.name,
          step: objectStep(o),
          diff: jsonDiff(items, left),
          ops: [
            {
              type: "kube.patch",
              cluster,
              ref: refOf(o),
              patch: {
                ...shared.patch(left),
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
        const now = annotations[ROLE_ARN_ANNOTATION];
        const owners = stacksClaiming(o, ROLE_ARN_ANNOTATION, stack);
        if (owners.length && !mine.includes(ROLE_ARN_ANNOTATION)) {
          // Another stack recorded the annotation as its own (it adopted it): its destroy restores it.
          kept.push({
            kind: "ServiceAccount",
            id: objId(o),
            cluster: c.name,
            reason: `${ROLE_ARN_ANNOTATION} belongs to xirsa stack ${stackNames(owners)} now (--adopt), so it is left to that stack`,
          });
          continue;
        }
        if (!now || !ours.has(now)) {
          // Re-pointed (or removed) by someone else after apply: theirs now, not ours to restore.
          kept.push({
            kind: "ServiceAccount",
            id: objId(o),
            cluster: c.name,
            reason: `${ROLE_ARN_ANNOTATION} is ${now ? `'${now}'` : "gone"}, not this stack's role: someone changed it after apply, so it is left as it is (xirsa.io/previous-role-arn too)`,
          });
          continue;
        }
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
                  annotations: {
                    [ROLE_ARN_ANNOTATION]: previous,
                    [PREVIOUS_ROLE_ARN_ANNOTATION]: null,
                    ...(mine.length ? { [addedAnnotation(stack)]: null } : {}),
                  },
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

  const deleting = new Set<string>();
  for (const r of live.roles) {
    if (!ownsTags(r.tags, stack)) continue;
    deleting.add(r.arn);
    const web = JSON.stringify(r.trustPolicy).includes('"Federated"');
    out.push({
      action: "delete",
      kind: "IamRole",
      id: r.arn,
      account: r.accountId,
      step: web ? "source-roles" : "target-roles",
      diff: policyDiff(r.trustPolicy, undefined),
      full: jsonDiff(normalizePolicy(r.trustPolicy), undefined),
      ops: [{ type: "role.delete", role: r }],
    });
  }
  for (const p of live.oidcProviders) {
    if (!ownsTags(p.tags, stack)) continue;
    const roles = input.accountRoles?.[p.arn];
    const users = roles ? rolesTrustingProvider(p.arn, roles, deleting) : undefined;
    if (!users || users.length) {
      kept.push({
        kind: "OidcProvider",
        id: p.arn,
        account: p.accountId,
        reason: users
          ? `still trusted by ${users.join(", ")}: deleting it would break them`
          : "the roles of the account were not read, so it cannot be shown to be unused",
      });
      continue;
    }
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
  const changes = out
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order(a.c) - order(b.c) || a.i - b.i)
    .map((x) => x.c);
  return { changes, kept };
}

/** `Kept:` lines for the destroy output ("" when nothing is kept). */
export function keptText(kept: Kept[]): string {
  if (!kept.length) return "";
  const where = (k: Kept) => (k.cluster ? ` in ${k.cluster}` : k.account ? ` in account ${k.account}` : "");
  return `\nKept (still used or changed by someone else):\n${kept.map((k) => `  = ${k.kind} ${k.id}${where(k)}: ${k.reason}`).join("\n")}\n`;
}
