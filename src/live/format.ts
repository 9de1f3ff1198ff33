/** The plan as a table for people (with each change's diff under it) and as JSON for machines. */
import { type Paint, painter, type Style } from "../text/index.js";
import { type Change, changeJson } from "./changes.js";
import { type TerraformOwned, terraformCommand } from "./ownership.js";

export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
  /** Of those, the ones apply leaves alone (not owned, another stack's, GitOps-managed, no credentials). */
  blocked: number;
}

export function planCounts(changes: Change[]): PlanCounts {
  const n = (a: Change["action"]) => changes.filter((c) => c.action === a).length;
  return {
    create: n("create"),
    update: n("update"),
    delete: n("delete"),
    blocked: changes.filter((c) => c.blocked).length,
  };
}

export function planSummary(changes: Change[], paint: Paint = painter(false)): string {
  if (!changes.length) return "No changes: the live state matches xirsa.yaml.";
  const n = planCounts(changes);
  const blocked = n.blocked ? `; ${paint("bold", `${n.blocked} blocked`)}` : "";
  const part = (k: number, text: string, style: Style) => (k ? paint(style, text) : text);
  return `Plan: ${changes.length} change${changes.length > 1 ? "s" : ""} (${part(n.create, `${n.create} to create`, "green")}, ${part(n.update, `${n.update} to update`, "yellow")}, ${part(n.delete, `${n.delete} to delete`, "red")}${blocked})`;
}

function where(c: Change): string {
  return c.account ? `account ${c.account}` : c.cluster ? `cluster ${c.cluster}` : "";
}

const SIGN: Record<Change["action"], string> = { create: "+", update: "~", delete: "-" };
const STYLE: Record<Change["action"], Style> = { create: "green", update: "yellow", delete: "red" };

/** A diff line coloured by its sign (+ added, - removed); context lines as they are. */
function diffLine(line: string, paint: Paint): string {
  const t = line.trimStart();
  return t.startsWith("+ ") ? paint("green", line) : t.startsWith("- ") ? paint("red", line) : line;
}

export interface PlanTableOptions {
  /** ANSI colours: + green, ~ yellow, - red, BLOCKED bold (the CLI turns them on for a terminal). */
  color?: boolean;
  /**
   * Each change's diff under it (default). apply --yes lists the changes with their one-line notes only
   * (a restart and why): multi-line diffs are plan's job, except for a BLOCKED change, whose fix says
   * "review the diff".
   */
  diffs?: boolean;
  /** Complete diffs (plan/apply --full): every line of both documents, a CA in full, policies line by line. */
  full?: boolean;
}

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

export function planTable(changes: Change[], opts: PlanTableOptions = {}): string {
  const paint = painter(opts.color ?? false);
  const out: string[] = [planSummary(changes, paint)];
  let step = "";
  for (const c of changes) {
    if (c.step !== step) {
      step = c.step;
      out.push("", `${step}:`);
    }
    out.push(`  ${paint(STYLE[c.action], `${SIGN[c.action]} ${c.action}`)} ${c.kind} ${c.id} (${where(c)})`);
    const diff = opts.full ? (c.full ?? c.diff) : c.diff;
    if (diff && (opts.diffs !== false || !diff.includes("\n") || c.blocked))
      out.push(...diff.split("\n").map((l) => diffLine(`      ${l}`, paint)));
    if (c.blocked) {
      const tag = c.blocked.managedBy ? `BLOCKED (managed by ${c.blocked.managedBy})` : "BLOCKED";
      out.push(`      ${paint("bold", tag)}: ${c.blocked.reason}; ${c.blocked.fix}`);
    }
  }
  return out.join("\n");
}

/** The closing line of an apply that went through: what it changed, what it left alone. */
export function appliedSummary(changes: Change[]): string {
  const made = changes.filter((c) => !c.blocked);
  const n = planCounts(made);
  const left = changes.length - made.length;
  return `Applied ${made.length} change${made.length === 1 ? "" : "s"} (${n.create} created, ${n.update} updated, ${n.delete} deleted)${left ? `; ${left} blocked, left alone` : ""}.`;
}

/** The plan for machines: each change with its readable diff and, in full, the documents before and after. */
export function planJson(changes: Change[]): { changes: Record<string, unknown>[]; counts: PlanCounts } {
  return { changes: changes.map(changeJson), counts: planCounts(changes) };
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
