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
 * Policy variables (`${aws:username}`) are not substituted: they are compared literally (documented gap).
 */
import type { ConditionEntry } from "../policy.js";
import { arnOperators } from "./arn.js";
import { boolOperators } from "./bool.js";
import { dateOperators } from "./date.js";
import { BadValue, type OperatorFamily } from "./family.js";
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
  let valueTest: ReturnType<OperatorFamily["compile"]>;
  try {
    valueTest = family.compile(values);
  } catch (e) {
    if (e instanceof BadValue) return fail(valuePath(e.index), `${e.message} for ${operator}`);
    throw e;
  }
  const negated = family.negated;
  const one = negated ? (v: string) => valueTest(v) === false : (v: string) => valueTest(v) === true;
  const { set, ifExists } = parsed;

  if (set === "ForAllValues") {
    return {
      ...common,
      test: (ctx) => {
        const v = ctx.get(lkey);
        if (v === undefined) return true;
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
      return typeof v === "string" ? one(v) : false;
    },
  };
}
