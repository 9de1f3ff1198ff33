/**
 * Policy variables, from AWS "IAM policy elements: Variables and tags"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
 * - `${key}` is replaced with the value of the condition key `key` (matched case-insensitively) from the
 *   request context; `${key, 'default'}` gives a (case-sensitive) default for when the key has no value;
 *   whitespace around the key and the default is ignored ("Specifying default values");
 * - `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$` ("Special characters");
 * - a key that is absent (or multivalued, which cannot be substituted) and has no default leaves the
 *   variable unresolved: the value it is in matches nothing ("Policy variables with no value"); under a
 *   negated element (NotResource, StringNotEquals, …) the element then does not match either, so an
 *   unresolved variable never makes a statement apply (iam-simulate does the same: its
 *   `unresolvablePolicyVariable` mismatch is never inverted);
 * - variables are allowed in Resource/NotResource and in the values of the string and ARN condition
 *   operators ("Where you can use policy variables"); elsewhere (Action, Principal, condition keys, Numeric,
 *   Date, Bool, IP, Binary values) `${…}` is plain text.
 * A substituted value is literal: a `*` in a user name is not a wildcard.
 */
import type { RequestContext } from "./conditions/compile.js";

/** A piece of a policy value after substitution: policy text (where `*`/`?` are wildcards) or literal text. */
export type Part = { kind: "text"; value: string } | { kind: "literal"; value: string };

type Piece = Part | { kind: "variable"; key: string; fallback?: string };

/** A policy value that holds at least one `${…}`. */
export interface Template {
  readonly pieces: readonly Piece[];
}

const ESCAPES: Record<string, string> = { "*": "*", "?": "?", $: "$" };

/** A `${key, 'default'}` body → its key (lower-cased) and default; the default's `''` is one quote. */
function parseVariable(body: string): Piece {
  const comma = body.indexOf(",");
  if (comma >= 0) {
    const fallback = body.slice(comma + 1).trim();
    if (fallback.length >= 2 && fallback.startsWith("'") && fallback.endsWith("'")) {
      return {
        kind: "variable",
        key: body.slice(0, comma).trim().toLowerCase(),
        fallback: fallback.slice(1, -1).replaceAll("''", "'"),
      };
    }
  }
  return { kind: "variable", key: body.trim().toLowerCase() };
}

/** Split a policy value into text, escapes and variables; undefined when it holds no `${…}` (the common case). */
export function parseTemplate(value: string): Template | undefined {
  let start = value.indexOf("${");
  if (start < 0) return undefined;
  const pieces: Piece[] = [];
  let text = "";
  let i = 0;
  while (start >= 0) {
    const end = value.indexOf("}", start + 2);
    if (end < 0) break;
    text += value.slice(i, start);
    if (text !== "") pieces.push({ kind: "text", value: text });
    text = "";
    const body = value.slice(start + 2, end);
    const escaped = ESCAPES[body];
    pieces.push(escaped !== undefined ? { kind: "literal", value: escaped } : parseVariable(body));
    i = end + 1;
    start = value.indexOf("${", i);
  }
  text += value.slice(i);
  if (text !== "") pieces.push({ kind: "text", value: text });
  return { pieces };
}

/**
 * The value's parts with every variable substituted, or undefined when a variable has no value. With
 * `unresolved: "wildcard"` a variable without a value becomes `*` instead: what the value could match for
 * some value of the variable.
 */
export function resolveTemplate(
  template: Template,
  context: RequestContext,
  unresolved?: "wildcard",
): Part[] | undefined {
  const out: Part[] = [];
  for (const p of template.pieces) {
    if (p.kind !== "variable") {
      out.push(p);
      continue;
    }
    const v = context.get(p.key);
    if (typeof v === "string") out.push({ kind: "literal", value: v });
    else if (p.fallback !== undefined) out.push({ kind: "literal", value: p.fallback });
    else if (unresolved === "wildcard") out.push({ kind: "text", value: "*" });
    else return undefined;
  }
  return out;
}

/** The parts as one plain string (for operators without wildcards). */
export function joinParts(parts: readonly Part[]): string {
  let s = "";
  for (const p of parts) s += p.value;
  return s;
}

/** A stable key for a list of resolved values, to cache what was compiled from them. */
export function partsKey(values: readonly (readonly Part[])[]): string {
  return JSON.stringify(values.map((parts) => parts.map((p) => (p.kind === "text" ? p.value : [p.value]))));
}
