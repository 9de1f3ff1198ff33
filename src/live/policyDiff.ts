/**
 * A semantic diff of two IAM policy documents for the plan: which statements are added, removed or changed,
 * and for a changed statement which keys changed (for a set of values, which values), instead of a line diff
 * of pretty-printed JSON. Statements are compared in IAM's canonical form (normalize.ts), so key order, a
 * string versus a one-element list and the order of statements are no change. Pure.
 */
import type { Json, JsonObject } from "../state/index.js";
import { normalizePolicy, stableStringify } from "./normalize.js";

interface Stmt {
  /** Position in its document as written (what a reader finds in the file or the console). */
  index: number;
  body: JsonObject;
  key: string;
}

function statements(doc: JsonObject | undefined): Stmt[] {
  if (!doc) return [];
  const raw = doc.Statement;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((s, index) => {
    const body = ((normalizePolicy({ Statement: [s] }).Statement as Json[])[0] ?? {}) as JsonObject;
    return { index, body, key: stableStringify(body) };
  });
}

function values(v: Json | undefined): string {
  if (v === undefined) return "(none)";
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : stableStringify(x))).join(", ");
  return typeof v === "string" ? v : stableStringify(v);
}

/** What a statement does, on one line: effect, actions, principal, resources. */
export function statementSummary(s: JsonObject): string {
  const parts = [`${values(s.Effect)} ${values(s.Action ?? s.NotAction)}`];
  if (s.NotAction) parts[0] = `${values(s.Effect)} all but ${values(s.NotAction)}`;
  const p = s.Principal ?? s.NotPrincipal;
  if (p !== undefined) {
    const who =
      p !== null && typeof p === "object" && !Array.isArray(p)
        ? Object.entries(p)
            .map(([k, v]) => `${k} ${values(v)}`)
            .join("; ")
        : values(p);
    parts.push(`${s.NotPrincipal ? "by anyone but" : "by"} ${who}`);
  }
  if (s.Resource !== undefined) parts.push(`on ${values(s.Resource)}`);
  if (s.NotResource !== undefined) parts.push(`on all but ${values(s.NotResource)}`);
  return parts.join(" ");
}

/** `Condition.StringEquals["k:sub"]`-style paths to each leaf (a list of strings is one leaf). */
function leaves(v: Json, path: string, out: Map<string, Json>): void {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      const step = /^[A-Za-z_][\w]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
      leaves(x, step, out);
    }
  } else out.set(path, v);
}

function conditionLines(s: JsonObject, sign: "+" | "-"): string[] {
  const cond = new Map<string, Json>();
  if (s.Condition) leaves(s.Condition, "", cond);
  return [...cond].map(([path, v]) => {
    // `StringEquals["k"]`, or `["ForAnyValue:StringLike"]["k"]` for an operator with a qualifier
    const m = /^(?:\.?([^[.]+)|\["([^"]+)"\])\["(.*)"\]$/.exec(path);
    return m
      ? `${sign}     when ${m[1] ?? m[2]} ${m[3]} = ${values(v)}`
      : `${sign}     when ${path} = ${values(v)}`;
  });
}

function label(s: Stmt): string {
  return typeof s.body.Sid === "string" ? `statement ${s.index} (${s.body.Sid})` : `statement ${s.index}`;
}

/** The keys of two versions of one statement that differ; lists of values by the values added and removed. */
function changedKeys(before: JsonObject, after: JsonObject): string[] {
  const a = new Map<string, Json>();
  const b = new Map<string, Json>();
  leaves(before, "", a);
  leaves(after, "", b);
  const out: string[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(path);
    const y = b.get(path);
    if (stableStringify(x ?? null) === stableStringify(y ?? null) && a.has(path) === b.has(path)) continue;
    if (Array.isArray(x) && Array.isArray(y)) {
      const xs = x.map((v) => stableStringify(v));
      const ys = y.map((v) => stableStringify(v));
      const gone = x.filter((_, i) => !ys.includes(xs[i]!));
      const added = y.filter((_, i) => !xs.includes(ys[i]!));
      if (gone.length) out.push(`-     ${path}: ${values(gone)}`);
      if (added.length) out.push(`+     ${path}: ${values(added)}`);
      continue;
    }
    if (x !== undefined) out.push(`-     ${path}: ${values(x)}`);
    if (y !== undefined) out.push(`+     ${path}: ${values(y)}`);
  }
  return out;
}

/** Effect, actions and principal: what makes two versions of a statement "the same statement, changed". */
function identity(s: JsonObject): string {
  return stableStringify({
    Sid: s.Sid ?? null,
    Effect: s.Effect ?? null,
    Action: s.Action ?? s.NotAction ?? null,
    Principal: s.Principal ?? s.NotPrincipal ?? null,
  });
}

/**
 * Live (`before`) → desired (`after`). Lines start with `+ ` (added), `- ` (removed) or `~ ` (a changed
 * statement, followed by its changed keys as `-`/`+` lines), as the plan colours them.
 */
export function policyDiff(before: JsonObject | undefined, after: JsonObject | undefined): string {
  const a = statements(before);
  const b = statements(after);
  const out: string[] = [];
  if ((before?.Version ?? null) !== (after?.Version ?? null) && before && after)
    out.push(`- Version: ${values(before.Version)}`, `+ Version: ${values(after.Version)}`);
  // Equal statements (wherever they are) are no change.
  const restA = a.filter((s) => !b.some((t) => t.key === s.key));
  const restB = b.filter((t) => !a.some((s) => s.key === t.key));
  const pairs: [Stmt, Stmt][] = [];
  for (const t of [...restB]) {
    const s = restA.find((x) => identity(x.body) === identity(t.body));
    if (!s) continue;
    pairs.push([s, t]);
    restA.splice(restA.indexOf(s), 1);
    restB.splice(restB.indexOf(t), 1);
  }
  for (const s of restA)
    out.push(`- ${label(s)}: ${statementSummary(s.body)}`, ...conditionLines(s.body, "-"));
  for (const [s, t] of pairs)
    out.push(`~ ${label(t)}: ${statementSummary(s.body)}`, ...changedKeys(s.body, t.body));
  for (const t of restB)
    out.push(`+ ${label(t)}: ${statementSummary(t.body)}`, ...conditionLines(t.body, "+"));
  const kept = a.length - restA.length - pairs.length;
  if (out.length && kept > 0) out.push(`  (${kept} statement${kept === 1 ? "" : "s"} unchanged)`);
  return out.join("\n");
}
