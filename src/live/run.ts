/**
 * Runs a plan step by step in a fixed order: one progress line per step with its duration (a spinner while it
 * runs, on a TTY only), and an injectable failure after step n to prove that a re-run converges.
 */
import { OperationError, XirsaError } from "../errors.js";
import type { Change } from "./changes.js";
import { type ExecContext, execute } from "./execute.js";

export interface StepReport {
  index: number;
  step: string;
  title: string;
  changes: number;
  ms: number;
}

export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface RunOptions {
  steps: readonly string[];
  titles: Record<string, string>;
  /** Stop with an error right after this step (1-based), as if the process had been killed there. */
  failAfterStep?: number;
  progress?: ProgressSink;
  /** Monotonic milliseconds, for durations. */
  clock: () => number;
  /** Independent changes of a step run this many at a time (restarts wait in parallel). */
  concurrency?: number;
}

async function runChange(c: Change, ctx: ExecContext): Promise<void> {
  for (const op of c.ops) await execute(op, ctx);
}

/**
 * Changes that must stay in order share a group: an access entry and its policy associations. Everything else
 * in a step is independent (different roles, objects, workloads).
 */
export function groups(changes: Change[]): Change[][] {
  const byKey = new Map<string, Change[]>();
  for (const c of changes) {
    const where = c.cluster ?? c.account ?? "";
    const key =
      c.kind === "AccessEntry" || c.kind === "AccessPolicyAssociation"
        ? `${where} entry ${c.id.split(" ")[0]}`
        : `${where} ${c.kind} ${c.id}`;
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
  }
  return [...byKey.values()];
}

/** Runs each group's changes in order, up to `limit` groups at a time; waits for all, then throws the first error. */
async function runGroups(list: Change[][], run: (c: Change) => Promise<void>, limit: number): Promise<void> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < list.length && !errors.length) {
      const group = list[next++]!;
      try {
        for (const c of group) await run(c);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, list.length)) }, worker));
  if (errors.length) throw errors[0];
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function line(n: number, total: number, step: string, title: string, count: number): string {
  return `[${String(n).padStart(String(total).length)}/${total}] ${step}: ${title} — ${count ? `${count} change${count > 1 ? "s" : ""}` : "no changes"}`;
}

export async function runSteps(changes: Change[], ctx: ExecContext, opts: RunOptions): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const total = opts.steps.length;
  for (const [i, step] of opts.steps.entries()) {
    const mine = changes.filter((c) => c.step === step);
    const title = opts.titles[step] ?? step;
    const text = line(i + 1, total, step, title, mine.length);
    const started = opts.clock();
    const out = opts.progress;
    let spinner: ReturnType<typeof setInterval> | undefined;
    if (out?.isTTY && mine.length) {
      let f = 0;
      out.write(`${FRAMES[0]} ${text}`);
      spinner = setInterval(() => out.write(`\r${FRAMES[++f % FRAMES.length]} ${text}`), 80);
    }
    try {
      await runGroups(groups(mine), (c) => runChange(c, ctx), opts.concurrency ?? 8);
    } catch (e) {
      if (spinner) clearInterval(spinner);
      if (out)
        out.write(
          `${out.isTTY && mine.length ? "\r" : ""}✗ ${text} (failed after ${seconds(opts.clock() - started)})\n`,
        );
      if (e instanceof XirsaError) e.message = `step ${i + 1} (${step}): ${e.message}`;
      throw e;
    } finally {
      if (spinner) clearInterval(spinner);
    }
    const ms = opts.clock() - started;
    if (out) out.write(`${out.isTTY && mine.length ? "\r" : ""}✓ ${text} (${seconds(ms)})\n`);
    reports.push({ index: i + 1, step, title, changes: mine.length, ms });
    if (opts.failAfterStep === i + 1) {
      throw new OperationError(
        "apply.injected-failure",
        `injected failure after step ${i + 1} (${step}), as if the process had been killed here`,
        "rerun without XIRSA_FAIL_AFTER_STEP: the next run continues and converges",
      );
    }
  }
  return reports;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
