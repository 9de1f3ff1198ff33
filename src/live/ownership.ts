/**
 * What xirsa owns: AWS resources tagged `xirsa.io/managed-by: xirsa` + `xirsa.io/stack: <name>`, Kubernetes
 * objects labelled `app.kubernetes.io/managed-by: xirsa` + `xirsa.io/stack: <name>`. Objects xirsa only merges
 * into (AppProject, edp-config, CapsuleConfiguration, ServiceAccounts) record what it added in an annotation,
 * so that destroy removes exactly that.
 */
import type { KubeObject, State } from "../state/types.js";
import {
  K8S_MANAGED_BY_LABEL,
  K8S_STACK_LABEL,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  STACK_TAG,
  TERRAFORM_MANAGED_BY_VALUE,
} from "../topology/names.js";

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
