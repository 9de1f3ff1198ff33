/** The plan as a table for people (with each change's diff under it) and as JSON for machines. */
import { type Change, changeJson } from "./changes.js";
import { type TerraformOwned, terraformCommand } from "./ownership.js";

export function planSummary(changes: Change[]): string {
  const n = (a: Change["action"]) => changes.filter((c) => c.action === a).length;
  if (!changes.length) return "No changes: the live state matches xirsa.yaml.";
  return `Plan: ${changes.length} change${changes.length > 1 ? "s" : ""} (${n("create")} to create, ${n("update")} to update, ${n("delete")} to delete)`;
}

function where(c: Change): string {
  return c.account ? `account ${c.account}` : c.cluster ? `cluster ${c.cluster}` : "";
}

const SIGN: Record<Change["action"], string> = { create: "+", update: "~", delete: "-" };

/** What xirsa leaves to Terraform, with the command that changes (apply) or removes (destroy) it instead. */
export function terraformOwnedText(owned: TerraformOwned[], verb: "apply" | "destroy"): string {
  if (!owned.length) return "";
  const lines = [
    "",
    `Owned by Terraform (xirsa ${verb} leaves these alone; run the command in the rendered bundle instead):`,
  ];
  for (const o of owned)
    lines.push(
      `  ${o.kind} ${o.id} (${o.cluster ? `cluster ${o.cluster}` : `account ${o.account}`}): ${terraformCommand(o.account, verb)}`,
    );
  return lines.join("\n");
}

export function terraformOwnedJson(owned: TerraformOwned[], verb: "apply" | "destroy") {
  return owned.length
    ? { ownedByTerraform: owned.map((o) => ({ ...o, command: terraformCommand(o.account, verb) })) }
    : {};
}

export function planTable(changes: Change[]): string {
  const out: string[] = [planSummary(changes)];
  let step = "";
  for (const c of changes) {
    if (c.step !== step) {
      step = c.step;
      out.push("", `${step}:`);
    }
    out.push(`  ${SIGN[c.action]} ${c.action} ${c.kind} ${c.id} (${where(c)})`);
    if (c.diff) out.push(...c.diff.split("\n").map((l) => `      ${l}`));
    if (c.blocked) {
      const tag = c.blocked.managedBy ? `BLOCKED (managed by ${c.blocked.managedBy})` : "BLOCKED";
      out.push(`      ${tag}: ${c.blocked.reason}; ${c.blocked.fix}`);
    }
  }
  return out.join("\n");
}

export function planJson(changes: Change[]): { changes: Record<string, unknown>[] } {
  return { changes: changes.map(changeJson) };
}

/** Changes apply leaves alone: their object is GitOps-managed (and --patch-managed was not given). */
export function managedChanges(changes: Change[]): Change[] {
  return changes.filter((c) => c.blocked?.managedBy);
}

export function blockedText(changes: Change[]): string | undefined {
  const blocked = changes.filter((c) => c.blocked && !c.blocked.managedBy);
  if (!blocked.length) return undefined;
  return blocked.map((c) => `${c.kind} ${c.id}: ${c.blocked!.reason}`).join("; ");
}
