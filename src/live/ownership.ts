/**
 * What xirsa owns: AWS resources tagged `xirsa.io/managed-by: xirsa` + `xirsa.io/stack: <name>`, Kubernetes
 * objects labelled `app.kubernetes.io/managed-by: xirsa` + `xirsa.io/stack: <name>`. Objects xirsa only merges
 * into record what it added in the annotation `xirsa.io/<stack>.added`, so that destroy removes exactly that:
 * the list items of the AppProject, krci-config and CapsuleConfiguration, and the annotation keys of a
 * ServiceAccount (`eks.amazonaws.com/role-arn`). One rule for all of them (issue 17 §3): what another stack
 * recorded is that stack's, and changing or relying on it is BLOCKED unless --adopt.
 */

import {
  K8S_MANAGED_BY_LABEL,
  K8S_STACK_LABEL,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  STACK_TAG,
  TERRAFORM_MANAGED_BY_VALUE,
} from "../names/index.js";
import type { KubeObject, State } from "../state/index.js";

export function ownershipTags(stack: string): Record<string, string> {
  return { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: stack };
}

export function ownershipLabels(stack: string): Record<string, string> {
  return { [K8S_MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [K8S_STACK_LABEL]: stack };
}

export function ownsTags(tags: Record<string, string> | undefined, stack: string): boolean {
  return tags?.[MANAGED_BY_TAG] === MANAGED_BY_VALUE && tags?.[STACK_TAG] === stack;
}

export function ownsObject(obj: KubeObject, stack: string): boolean {
  const labels = obj.metadata.labels ?? {};
  return labels[K8S_MANAGED_BY_LABEL] === MANAGED_BY_VALUE && labels[K8S_STACK_LABEL] === stack;
}

/** Made by the rendered Terraform of this stack (`xirsa.io/managed-by = terraform`): Terraform's to change. */
export function terraformOwns(tags: Record<string, string> | undefined, stack: string): boolean {
  return tags?.[MANAGED_BY_TAG] === TERRAFORM_MANAGED_BY_VALUE && tags?.[STACK_TAG] === stack;
}

/** The command that changes what Terraform owns in an account (run in the bundle written by xirsa render). */
export function terraformCommand(accountId: string, verb: "apply" | "destroy"): string {
  return `terraform -chdir=terraform/${accountId} ${verb}`;
}

/** Who does own it, for messages: `stack other`, `unmanaged`. */
export function ownerText(tagsOrLabels: Record<string, string> | undefined, stackKey: string): string {
  const stack = tagsOrLabels?.[stackKey];
  if (stack && tagsOrLabels?.[MANAGED_BY_TAG] === TERRAFORM_MANAGED_BY_VALUE)
    return `Terraform (stack '${stack}')`;
  return stack ? `xirsa stack '${stack}'` : "nobody xirsa knows (no xirsa.io/stack tag or label)";
}

export interface TerraformOwned {
  kind: "OidcProvider" | "IamRole" | "AccessEntry";
  id: string;
  account: string;
  cluster?: string;
}

/** The AWS resources of the live state that this stack's Terraform owns, which xirsa leaves alone. */
export function terraformOwned(live: State, stack: string): TerraformOwned[] {
  const out: TerraformOwned[] = [];
  for (const p of live.oidcProviders)
    if (terraformOwns(p.tags, stack)) out.push({ kind: "OidcProvider", id: p.arn, account: p.accountId });
  for (const r of live.roles)
    if (terraformOwns(r.tags, stack)) out.push({ kind: "IamRole", id: r.arn, account: r.accountId });
  for (const c of live.clusters)
    for (const e of c.accessEntries)
      if (terraformOwns(e.tags, stack))
        out.push({ kind: "AccessEntry", id: e.principalArn, account: c.accountId, cluster: c.name });
  return out;
}

/** Annotation listing the items xirsa added to a list it shares with others (JSON array of item keys). */
export function addedAnnotation(stack: string): string {
  return `xirsa.io/${stack}.added`;
}

export function addedKeys(obj: KubeObject | undefined, stack: string): string[] {
  const raw = obj?.metadata.annotations?.[addedAnnotation(stack)];
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return []; // hand-edited into something else: treat as nothing recorded
  }
}

/** The stacks other than `stack` that recorded what they added to an object (`xirsa.io/<s>.added`). */
export function otherStacksAdded(obj: KubeObject, stack: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of Object.keys(obj.metadata.annotations ?? {})) {
    const m = /^xirsa\.io\/(.+)\.added$/.exec(key);
    if (!m || m[1] === stack) continue;
    out.set(m[1]!, addedKeys(obj, m[1]!));
  }
  return out;
}

/** The other stacks that recorded `key` as theirs on `obj`, sorted. */
export function stacksClaiming(obj: KubeObject, key: string, stack: string): string[] {
  return [...otherStacksAdded(obj, stack)]
    .filter(([, keys]) => keys.includes(key))
    .map(([s]) => s)
    .sort();
}

/** `'a', 'b'` for messages. */
export function stackNames(stacks: readonly string[]): string {
  return stacks.map((s) => `'${s}'`).join(", ");
}

/**
 * The annotation patch that removes `keys` from the records of `stacks` (an adopting stack takes them over):
 * each `.added` annotation keeps its other keys, or goes when none is left.
 */
export function releaseClaims(
  obj: KubeObject,
  stacks: readonly string[],
  keys: readonly string[],
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const s of stacks) {
    const left = addedKeys(obj, s).filter((k) => !keys.includes(k));
    out[addedAnnotation(s)] = left.length ? JSON.stringify(left) : null;
  }
  return out;
}

/** The xirsa stack whose ownership labels an object carries, when it is not `stack`. */
export function otherOwnerStack(obj: KubeObject, stack: string): string | undefined {
  const labels = obj.metadata.labels ?? {};
  const s = labels[K8S_STACK_LABEL];
  return labels[K8S_MANAGED_BY_LABEL] === MANAGED_BY_VALUE && s && s !== stack ? s : undefined;
}
