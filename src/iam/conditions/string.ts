/** String operators (AWS "Condition operators": String condition operators). Case-sensitive unless IgnoreCase. */
import { compileWildcard } from "../wildcard.js";
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

export const stringOperators: OperatorFamily[] = [
  ...pair("StringEquals", "StringNotEquals", equals),
  ...pair("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", equalsIgnoreCase),
  ...pair("StringLike", "StringNotLike", like),
];
