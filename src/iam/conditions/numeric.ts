/** Numeric operators (AWS "Condition operators": Numeric condition operators). */
import { BadValue, type OperatorFamily, pair, type ValueTest } from "./family.js";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

export function parseNumber(value: string): number | undefined {
  return NUMBER.test(value) ? Number(value) : undefined;
}

function numbers(values: readonly string[]): number[] {
  return values.map((v, i) => {
    const n = parseNumber(v);
    if (n === undefined) throw new BadValue(i, `expected a number, got ${JSON.stringify(v)}`);
    return n;
  });
}

function compare(test: (request: number, policy: number) => boolean) {
  return (values: readonly string[]): ValueTest => {
    const policy = numbers(values);
    return (v) => {
      const n = parseNumber(v);
      return n === undefined ? null : policy.some((p) => test(n, p));
    };
  };
}

export const numericOperators: OperatorFamily[] = [
  ...pair(
    "NumericEquals",
    "NumericNotEquals",
    compare((r, p) => r === p),
  ),
  { name: "NumericLessThan", negated: false, compile: compare((r, p) => r < p) },
  { name: "NumericLessThanEquals", negated: false, compile: compare((r, p) => r <= p) },
  { name: "NumericGreaterThan", negated: false, compile: compare((r, p) => r > p) },
  { name: "NumericGreaterThanEquals", negated: false, compile: compare((r, p) => r >= p) },
];
