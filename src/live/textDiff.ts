/**
 * A readable line diff (live → desired) for the plan: `- ` lines only live has, `+ ` lines only desired has,
 * and up to `context` unchanged lines around each change. Inputs are small (policies, manifests): plain LCS.
 */
import type { Json } from "../state/index.js";
import { stableStringify } from "./normalize.js";

export function lineDiff(before: string, after: string, context = 2): string {
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: { tag: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ tag: " ", line: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) ops.push({ tag: "-", line: a[i++]! });
    else ops.push({ tag: "+", line: b[j++]! });
  }
  while (i < n) ops.push({ tag: "-", line: a[i++]! });
  while (j < m) ops.push({ tag: "+", line: b[j++]! });

  const keep = ops.map((_op, k) =>
    ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.tag !== " "),
  );
  const out: string[] = [];
  let skipped = false;
  ops.forEach((op, k) => {
    if (keep[k]) {
      if (skipped) out.push("  …");
      skipped = false;
      out.push(`${op.tag} ${op.line}`);
    } else skipped = true;
  });
  if (skipped && out.length) out.push("  …");
  return out.join("\n");
}

/** Pretty JSON with sorted keys: stable across key order, one value per line for readable diffs. */
export function prettyJson(v: Json | undefined): string {
  return v === undefined ? "" : stableStringify(v, 2);
}

export function jsonDiff(live: Json | undefined, desired: Json | undefined): string {
  return lineDiff(prettyJson(live), prettyJson(desired));
}

/** Every line of both sides (plan --full): the diff with unlimited context. */
export function fullJsonDiff(live: Json | undefined, desired: Json | undefined): string {
  return lineDiff(prettyJson(live), prettyJson(desired), Number.POSITIVE_INFINITY);
}
