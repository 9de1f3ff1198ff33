/**
 * Compile one condition (operator, key, values) into a closure over the request context.
 *
 * Semantics, from AWS "IAM JSON policy elements: Condition operators" and "Single-valued vs. multivalued
 * context keys":
 * - keys are matched case-insensitively; values OR within a key (NOR for negated operators); keys and
 *   operators AND together (the caller ANDs the compiled conditions);
 * - key absent: `...IfExists` → true; negated operators (StringNotEquals, ArnNotLike, NotIpAddress, …) → true;
 *   other operators → false; `Null` tests presence itself;
 * - `ForAllValues:` → true when every request value matches (also when the key is absent or empty);
 *   `ForAnyValue:` → true when at least one request value matches (false when absent or empty, unless
 *   `IfExists`: "If the key is not present, evaluate the condition element as true");
 * - a multivalued request value under an operator without a set operator does not match (AWS requires a set
 *   operator for multivalued keys; we follow iam-simulate, which reports this as confirmed by AWS).
 * Policy variables (`${aws:username}`) in the values of string and ARN operators are substituted from the
 * request context per request (variables.ts); the common case without them compiles once as before.
 */
import type { ConditionEntry } from "../policy.js";
import { type Part, parseTemplate, partsKey, resolveTemplate, type Template } from "../variables.js";
import { arnOperators } from "./arn.js";
import { boolOperators } from "./bool.js";
import { dateOperators } from "./date.js";
import { BadValue, type OperatorFamily, type ValueTest } from "./family.js";
import { ipOperators } from "./ip.js";
import { numericOperators } from "./numeric.js";
import { stringOperators } from "./string.js";

/** Request context with lower-cased keys; multivalued keys hold arrays. */
export type RequestContext = ReadonlyMap<string, string | readonly string[]>;

export interface CompiledCondition {
  /** Canonical spelling, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** As written in the policy. */
  key: string;
  expected: readonly string[];
  test(context: RequestContext): boolean;
}

export type SetOperator = "ForAnyValue" | "ForAllValues";

const FAMILIES = new Map<string, OperatorFamily>(
  [
    ...stringOperators,
    ...arnOperators,
    ...numericOperators,
    ...dateOperators,
    ...boolOperators,
    ...ipOperators,
  ].map((f) => [f.name.toLowerCase(), f]),
);

/** Every base operator name we evaluate (besides `Null`). */
export const OPERATOR_NAMES: readonly string[] = [...FAMILIES.values()].map((f) => f.name);

export interface ParsedOperator {
  set?: SetOperator;
  base: OperatorFamily | "Null";
  ifExists: boolean;
  display: string;
}

/** Parse `ForAnyValue:StringLikeIfExists` and friends; a string is the reason it is not an operator. */
export function parseOperator(op: string): ParsedOperator | string {
  let rest = op;
  let set: SetOperator | undefined;
  const colon = op.indexOf(":");
  if (colon >= 0) {
    const prefix = op.slice(0, colon).toLowerCase();
    if (prefix === "foranyvalue") set = "ForAnyValue";
    else if (prefix === "forallvalues") set = "ForAllValues";
    else return `unknown set operator "${op.slice(0, colon)}" (use ForAnyValue or ForAllValues)`;
    rest = op.slice(colon + 1);
  }
  const ifExists = rest.toLowerCase().endsWith("ifexists");
  const baseName = ifExists ? rest.slice(0, -"IfExists".length) : rest;
  if (baseName.toLowerCase() === "null") {
    if (set || ifExists) return `Null cannot be combined with ${set ? `${set}:` : "IfExists"}`;
    return { base: "Null", ifExists: false, display: "Null" };
  }
  const base = FAMILIES.get(baseName.toLowerCase());
  if (!base) return `unknown condition operator "${op}"`;
  const display = `${set ? `${set}:` : ""}${base.name}${ifExists ? "IfExists" : ""}`;
  return set ? { set, base, ifExists, display } : { base, ifExists, display };
}

type Fail = (path: string, problem: string) => never;

/** Compile a condition; `operatorPath` is the JSON path of its operator, for errors. */
export function compileCondition(entry: ConditionEntry, operatorPath: string, fail: Fail): CompiledCondition {
  const parsed = parseOperator(entry.operator);
  if (typeof parsed === "string") return fail(operatorPath, parsed);
  const { operator, key, values } = entry;
  const lkey = key.toLowerCase();
  const valuePath = (i: number) => (values.length > 1 ? `${entry.path}[${i}]` : entry.path);
  const common = { operator: parsed.display, key, expected: values };

  if (parsed.base === "Null") {
    const wants = values.map((v, i) => {
      const l = v.toLowerCase();
      if (l !== "true" && l !== "false")
        fail(valuePath(i), `expected true or false, got ${JSON.stringify(v)}`);
      return l === "true";
    });
    const matchMissing = wants.includes(true);
    const matchPresent = wants.includes(false);
    return { ...common, test: (ctx) => (ctx.has(lkey) ? matchPresent : matchMissing) };
  }

  const family = parsed.base;
  const negated = family.negated;
  const templates = family.compileParts ? values.map(parseTemplate) : [];
  let oneFor: (ctx: RequestContext) => One | null;
  try {
    oneFor = templates.some((t) => t !== undefined)
      ? substituting(family, values, templates)
      : constant(oneOf(family.compile(values), negated));
  } catch (e) {
    if (e instanceof BadValue) {
      const hint = values[e.index]?.includes("${")
        ? " (policy variables are substituted only in string and ARN operators)"
        : "";
      return fail(valuePath(e.index), `${e.message} for ${operator}${hint}`);
    }
    throw e;
  }
  const { set, ifExists } = parsed;

  if (set === "ForAllValues") {
    return {
      ...common,
      test: (ctx) => {
        const v = ctx.get(lkey);
        if (v === undefined) return true;
        const one = oneFor(ctx);
        if (!one) return typeof v !== "string" && v.length === 0;
        return typeof v === "string" ? one(v) : v.every(one);
      },
    };
  }
  if (set === "ForAnyValue") {
    return {
      ...common,
      test: (ctx) => {
        const v = ctx.get(lkey);
        if (v === undefined) return ifExists;
        const one = oneFor(ctx);
        if (!one) return false;
        return typeof v === "string" ? one(v) : v.some(one);
      },
    };
  }
  const whenMissing = ifExists || negated;
  return {
    ...common,
    test: (ctx) => {
      const v = ctx.get(lkey);
      if (v === undefined) return whenMissing;
      const one = oneFor(ctx);
      return typeof v === "string" && one !== null && one(v);
    },
  };
}

/** Does one request value satisfy the operator (OR over the policy values; NOR for negated operators)? */
type One = (requestValue: string) => boolean;

function oneOf(valueTest: ValueTest, negated: boolean): One {
  return negated ? (v) => valueTest(v) === false : (v) => valueTest(v) === true;
}

function constant(one: One): () => One {
  return () => one;
}

/** Bound on the compiled substitutions kept per condition. */
const SUBSTITUTION_CACHE_LIMIT = 64;

/**
 * Values with policy variables (variables.ts): substituted per request, compiled once per distinct result.
 * `null`: no request value can satisfy the operator — every value was unresolved, or (negated operators)
 * one was, since an unresolved variable must not make a statement apply.
 */
function substituting(
  family: OperatorFamily,
  values: readonly string[],
  templates: readonly (Template | undefined)[],
): (ctx: RequestContext) => One | null {
  const compileParts = family.compileParts;
  if (!compileParts) throw new Error(`${family.name} takes no policy variables`);
  // Values without variables are checked now, as any other policy value is.
  const plain = values.filter((_, i) => templates[i] === undefined);
  try {
    if (plain.length > 0) family.compile(plain);
  } catch (e) {
    if (e instanceof BadValue) throw new BadValue(values.indexOf(plain[e.index] ?? ""), e.message);
    throw e;
  }
  const cache = new Map<string, One | null>();
  return (ctx) => {
    const resolved: Part[][] = [];
    for (let i = 0; i < values.length; i++) {
      const t = templates[i];
      if (t === undefined) {
        resolved.push([{ kind: "text", value: values[i] ?? "" }]);
        continue;
      }
      const parts = resolveTemplate(t, ctx);
      if (parts) resolved.push(parts);
      else if (family.negated) return null;
    }
    const key = partsKey(resolved);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let one: One | null = null;
    // A value that is no longer of the operator's type (an ARN operator's variable that substituted a
    // non-ARN) matches nothing, like an unresolved one.
    while (resolved.length > 0) {
      try {
        one = oneOf(compileParts(resolved), family.negated);
        break;
      } catch (e) {
        if (!(e instanceof BadValue)) throw e;
        if (family.negated) break;
        resolved.splice(e.index, 1);
      }
    }
    if (cache.size >= SUBSTITUTION_CACHE_LIMIT) cache.clear();
    cache.set(key, one);
    return one;
  };
}
