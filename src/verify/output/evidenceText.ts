/**
 * A hop's evidence (evidence.ts) as short `key: value` lines for `verify -v`: nested objects by their path,
 * lists of plain values joined, the evaluator's statement-by-statement trace counted (the JSON output has it).
 * Generic over the evidence union, so a new kind of evidence shows without a change here.
 */
import type { HopEvidence } from "../evidence.js";

const MAX_LINES = 30;

type Value = unknown;

function scalar(v: Value): string | undefined {
  if (v === null) return "null";
  if (typeof v === "string") return v === "" ? '""' : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function walk(path: string, v: Value, out: string[]): void {
  const s = scalar(v);
  if (s !== undefined) {
    out.push(`${path}: ${s}`);
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${path}: (none)`);
    else if (v.every((x) => scalar(x) !== undefined)) out.push(`${path}: ${v.map(scalar).join(", ")}`);
    else for (const [i, x] of v.entries()) walk(`${path}[${i}]`, x, out);
    return;
  }
  if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      const key = path ? `${path}.${k}` : k;
      // The trace lists every statement the evaluator looked at; decidedBy names the ones that mattered.
      if (k === "trace" && Array.isArray(x)) out.push(`${key}: ${x.length} statement(s) (--output json)`);
      else walk(key, x, out);
    }
  }
}

export function evidenceLines(e: HopEvidence): string[] {
  const out: string[] = [];
  const { kind: _kind, ...rest } = e;
  walk("", rest, out);
  if (out.length <= MAX_LINES) return out;
  return [...out.slice(0, MAX_LINES), `… ${out.length - MAX_LINES} more (--output json has all of it)`];
}
