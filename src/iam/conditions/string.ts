/** String operators (AWS "Condition operators": String condition operators). Case-sensitive unless IgnoreCase. */
import { joinParts, type Part } from "../variables.js";
import { compileWildcard, compileWildcardParts } from "../wildcard.js";
import { type OperatorFamily, pair, type ValueTest } from "./family.js";

function equals(values: readonly string[]): ValueTest {
  if (values.length === 1) {
    const only = values[0];
    return (v) => v === only;
  }
  const set = new Set(values);
  return (v) => set.has(v);
}

function equalsIgnoreCase(values: readonly string[]): ValueTest {
  const set = new Set(values.map((v) => v.toLowerCase()));
  return (v) => set.has(v.toLowerCase());
}

/** StringLike: `*` and `?` are wildcards, case-sensitive. */
function like(values: readonly string[]): ValueTest {
  const matchers = values.map((p) => compileWildcard(p));
  return (v) => matchers.some((m) => m(v));
}

type Values = readonly (readonly Part[])[];

function likeParts(values: Values): ValueTest {
  const matchers = values.map((p) => compileWildcardParts(p));
  return (v) => matchers.some((m) => m(v));
}

export const stringOperators: OperatorFamily[] = [
  ...pair("StringEquals", "StringNotEquals", equals, (vs: Values) => equals(vs.map(joinParts))),
  ...pair("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", equalsIgnoreCase, (vs: Values) =>
    equalsIgnoreCase(vs.map(joinParts)),
  ),
  ...pair("StringLike", "StringNotLike", like, likeParts),
];
