/**
 * Pretty-prints a policy document as escaped HTML (2-space JSON), wrapping the statements and condition keys
 * that decided a failed hop in <mark> so that people see where to look.
 */
import { esc } from "./escape.js";

export interface StatementHighlight {
  /** Element id of the mark, the target of links from hop panels. */
  id: string;
  /** Tooltip: which hops this statement decided. */
  title: string;
  /** Condition keys to mark inside the statement (compared case-insensitively, as IAM does). */
  conditionKeys: Set<string>;
}

/** Statement index → highlight. */
export type PolicyHighlights = Map<number, StatementHighlight>;

function pad(n: number): string {
  return "  ".repeat(n);
}

function scalar(v: unknown): string {
  if (typeof v === "string") return `<span class="j-s">${esc(JSON.stringify(v))}</span>`;
  if (typeof v === "number" || typeof v === "boolean") return `<span class="j-n">${esc(String(v))}</span>`;
  if (v === null) return `<span class="j-n">null</span>`;
  return `<span class="j-n">${esc(JSON.stringify(v) ?? "null")}</span>`;
}

/** Statement index of a path, if the path is one statement: ["Statement", i], or ["Statement"] for an object. */
function statementAt(path: readonly (string | number)[], value: unknown): number | undefined {
  if (path.length === 2 && path[0] === "Statement" && typeof path[1] === "number") return path[1];
  if (path.length === 1 && path[0] === "Statement" && value !== null && typeof value === "object") {
    return Array.isArray(value) ? undefined : 0;
  }
  return undefined;
}

export function policyToHtml(doc: unknown, highlights: PolicyHighlights = new Map()): string {
  let current: Set<string> | undefined;
  const keysOf = (h: StatementHighlight | undefined) =>
    h ? new Set([...h.conditionKeys].map((k) => k.toLowerCase())) : undefined;

  const wrap = (text: string, path: (string | number)[], value: unknown): string => {
    const index = statementAt(path, value);
    if (index !== undefined) {
      const hl = highlights.get(index);
      if (hl) return `<mark class="decided" id="${esc(hl.id)}" title="${esc(hl.title)}">${text}</mark>`;
    }
    // ["Statement", i?, "Condition", operator, key]
    const c = path.lastIndexOf("Condition");
    if (current && c >= 1 && path.length === c + 3) {
      const key = String(path[c + 2]).toLowerCase();
      if (current.has(key)) return `<mark class="decided-cond">${text}</mark>`;
    }
    return text;
  };

  const render = (v: unknown, indent: number, path: (string | number)[]): string => {
    const index = statementAt(path, v);
    const saved = current;
    if (index !== undefined) current = keysOf(highlights.get(index));
    try {
      if (Array.isArray(v)) {
        if (v.length === 0) return "[]";
        const items = v.map(
          (x, i) => `${pad(indent + 1)}${wrap(render(x, indent + 1, [...path, i]), [...path, i], x)}`,
        );
        return `[\n${items.join(",\n")}\n${pad(indent)}]`;
      }
      if (v !== null && typeof v === "object") {
        const entries = Object.entries(v as Record<string, unknown>);
        if (entries.length === 0) return "{}";
        const items = entries.map(([k, x]) => {
          const p = [...path, k];
          const text = `<span class="j-k">${esc(JSON.stringify(k))}</span>: ${render(x, indent + 1, p)}`;
          return `${pad(indent + 1)}${wrap(text, p, x)}`;
        });
        return `{\n${items.join(",\n")}\n${pad(indent)}}`;
      }
      return scalar(v);
    } finally {
      current = saved;
    }
  };
  return render(doc, 0, []);
}
