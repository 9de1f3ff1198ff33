/**
 * IAM wildcards: `*` matches any run of characters (also none), `?` exactly one. Everything else is literal.
 * Patterns are compiled once into the cheapest matcher that fits (equality, prefix, suffix, RegExp).
 */
import { joinParts, type Part } from "./variables.js";

export type Matcher = (value: string) => boolean;

const always: Matcher = () => true;

export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * The RegExp source (unanchored) of a wildcard pattern; `any`/`one` are what `*`/`?` become, so that callers
 * can keep a wildcard inside one ARN segment (`[^:]*`).
 */
export function wildcardSource(pattern: string, any = "[\\s\\S]*", one = "[\\s\\S]"): string {
  let out = "";
  let literal = "";
  for (const ch of pattern) {
    if (ch === "*" || ch === "?") {
      out += escapeRegExp(literal) + (ch === "*" ? any : one);
      literal = "";
    } else {
      literal += ch;
    }
  }
  return out + escapeRegExp(literal);
}

export interface WildcardOptions {
  /**
   * Match case-insensitively. The compiled matcher then expects its input already lower-cased (callers fold
   * the request value once, not once per pattern); `wildcardMatch` folds for you.
   */
  ignoreCase?: boolean;
}

/** Compile a wildcard pattern into a matcher. With `ignoreCase`, pass lower-cased input to the matcher. */
export function compileWildcard(pattern: string, options: WildcardOptions = {}): Matcher {
  const p = options.ignoreCase ? pattern.toLowerCase() : pattern;
  if (p === "*") return always;
  if (!hasWildcard(p)) return (v) => v === p;
  const body = p.slice(0, -1);
  if (p.endsWith("*") && !hasWildcard(body)) return (v) => v.startsWith(body);
  const tail = p.slice(1);
  if (p.startsWith("*") && !hasWildcard(tail)) return (v) => v.endsWith(tail);
  const re = new RegExp(`^${wildcardSource(p)}$`);
  return (v) => re.test(v);
}

/**
 * Compile a pattern made of policy text (wildcards) and literal parts (substituted policy variables and
 * `${*}`-style escapes, see variables.ts).
 */
export function compileWildcardParts(parts: readonly Part[], options: WildcardOptions = {}): Matcher {
  if (parts.every((p) => p.kind === "text")) return compileWildcard(joinParts(parts), options);
  const fold = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  let source = "";
  for (const p of parts)
    source += p.kind === "text" ? wildcardSource(fold(p.value)) : escapeRegExp(fold(p.value));
  const re = new RegExp(`^${source}$`);
  return (v) => re.test(v);
}

/** One-off match of `value` against an IAM wildcard `pattern`. */
export function wildcardMatch(pattern: string, value: string, options: WildcardOptions = {}): boolean {
  return compileWildcard(pattern, options)(options.ignoreCase ? value.toLowerCase() : value);
}
