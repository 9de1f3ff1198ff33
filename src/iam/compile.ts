/**
 * Compile a policy once: wildcards become matchers, conditions closures. Compiled policies are cached per
 * document (by identity for objects, by text for JSON strings), so passing the same document again is cheap.
 * Treat documents as immutable once evaluated; to change a policy, pass a new object or string.
 */
import { compileArnPattern, compileArnPatternParts } from "./arn.js";
import { type CompiledCondition, compileCondition, type RequestContext } from "./conditions/compile.js";
import { PolicyError } from "./errors.js";
import { type ListElement, type Policy, type PolicyKind, parsePolicy, type Statement } from "./policy.js";
import { compilePrincipal, describeEntry, type PrincipalTest } from "./principal.js";
import { parseTemplate, resolveTemplate } from "./variables.js";
import { compileWildcard, hasWildcard, type Matcher } from "./wildcard.js";

export interface CompiledElement<T> {
  test: T;
  negated: boolean;
  /** The element's values as written, for explanations. */
  expected: string[];
}

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  principal?: CompiledElement<PrincipalTest>;
  /** Tests the lower-cased action. */
  action: CompiledElement<Matcher>;
  /** Does Resource (NotResource: its excluded set) cover the request's resource? */
  resource?: CompiledElement<ResourceTest>;
  conditions: CompiledCondition[];
}

/**
 * Resource entries may hold policy variables (variables.ts), so the test sees the request context. An entry
 * whose variable has no value covers nothing under Resource; under NotResource it counts as covering the
 * request when it could for some value of the variable, so that an unresolved variable does not make the
 * statement apply (iam-simulate: an `unresolvablePolicyVariable` mismatch is not inverted, a mismatch in a
 * segment without variables is).
 */
export type ResourceTest = (resource: string, context: RequestContext) => boolean;

export class CompiledPolicy {
  constructor(
    readonly policy: Policy,
    readonly kind: PolicyKind | undefined,
    readonly statements: readonly CompiledStatement[],
    /** The document it was compiled from (to re-check it under another kind). */
    readonly source: unknown,
  ) {}
}

/** One matcher for a list of patterns: exact values through a Set, wildcards through their matchers. */
function anyOf(patterns: readonly string[], compileOne: (p: string) => Matcher, fold: boolean): Matcher {
  if (patterns.includes("*")) return () => true;
  const exact = new Set<string>();
  const wild: Matcher[] = [];
  for (const p of patterns) {
    if (hasWildcard(p)) wild.push(compileOne(p));
    else exact.add(fold ? p.toLowerCase() : p);
  }
  if (wild.length === 0) {
    if (exact.size === 1) {
      const [only] = exact;
      return (v) => v === only;
    }
    return (v) => exact.has(v);
  }
  return (v) => exact.has(v) || wild.some((m) => m(v));
}

function compileActions(el: ListElement): CompiledElement<Matcher> {
  return {
    test: anyOf(el.values, (p) => compileWildcard(p, { ignoreCase: true }), true),
    negated: el.negated,
    expected: el.values,
  };
}

function compileResources(el: ListElement): CompiledElement<ResourceTest> {
  const templates = el.values.map(parseTemplate);
  const expected = el.values;
  const negated = el.negated;
  if (templates.every((t) => t === undefined)) {
    const m = anyOf(el.values, compileArnPattern, false);
    return { test: (r) => m(r), negated, expected };
  }
  const plain = anyOf(
    el.values.filter((_, i) => templates[i] === undefined),
    compileArnPattern,
    false,
  );
  const withVariables = templates.filter((t) => t !== undefined);
  return {
    test: (r, ctx) => {
      if (plain(r)) return true;
      for (const t of withVariables) {
        const parts = resolveTemplate(t, ctx);
        if (!parts) {
          const loose = negated ? resolveTemplate(t, ctx, "wildcard") : undefined;
          if (loose && compileArnPatternParts(loose)(r)) return true;
          continue;
        }
        if (compileArnPatternParts(parts)(r)) return true;
      }
      return false;
    },
    negated,
    expected,
  };
}

function compileStatement(s: Statement, fail: (path: string, problem: string) => never): CompiledStatement {
  const out: CompiledStatement = {
    index: s.index,
    effect: s.effect,
    action: compileActions(s.action),
    conditions: s.conditions.map((c) => compileCondition(c, c.path, fail)),
  };
  if (s.sid !== undefined) out.sid = s.sid;
  if (s.principal) {
    out.principal = {
      test: compilePrincipal(s.principal.entries, s.principal.negated),
      negated: s.principal.negated,
      expected: s.principal.entries.map(describeEntry),
    };
  }
  if (s.resource) out.resource = compileResources(s.resource);
  return out;
}

function build(doc: unknown, name: string | undefined, kind: PolicyKind | undefined): CompiledPolicy {
  const policy = parsePolicy(doc, name, kind);
  const fail = (path: string, problem: string): never => {
    throw new PolicyError(path, problem, name);
  };
  const statements = policy.statements.map((s) => compileStatement(s, fail));
  return new CompiledPolicy(policy, kind, statements, doc);
}

const byObject = new WeakMap<object, Map<PolicyKind | "any", CompiledPolicy>>();
/** Per kind, keyed by the JSON text itself (no concatenated keys: a string's hash is computed once). */
const byText = new Map<PolicyKind | "any", Map<string, CompiledPolicy>>();
/** Bound on cached JSON texts per kind; the oldest entry goes first. */
const TEXT_CACHE_LIMIT = 5000;

/** Parse (see parsePolicy) and compile a policy document; cached. Throws PolicyError. */
export function compilePolicy(doc: unknown, name?: string, kind?: PolicyKind): CompiledPolicy {
  if (doc instanceof CompiledPolicy) {
    if (kind === undefined || doc.kind === kind) return doc;
    // Re-check the document under the stricter rules of `kind`.
    return compilePolicy(doc.source, name, kind);
  }
  const slot = kind ?? "any";
  if (typeof doc === "string") {
    let texts = byText.get(slot);
    const hit = texts?.get(doc);
    if (hit) return hit;
    const compiled = build(doc, name, kind);
    if (!texts) {
      texts = new Map();
      byText.set(slot, texts);
    }
    if (texts.size >= TEXT_CACHE_LIMIT) texts.delete(texts.keys().next().value as string);
    texts.set(doc, compiled);
    return compiled;
  }
  if (typeof doc === "object" && doc !== null) {
    let perKind = byObject.get(doc);
    const hit = perKind?.get(slot);
    if (hit) return hit;
    const compiled = build(doc, name, kind);
    if (!perKind) {
      perKind = new Map();
      byObject.set(doc, perKind);
    }
    perKind.set(slot, compiled);
    return compiled;
  }
  return build(doc, name, kind);
}
