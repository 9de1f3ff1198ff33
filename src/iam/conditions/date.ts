/**
 * Date operators (AWS "Condition operators": Date condition operators): W3C ISO 8601 dates or epoch seconds.
 * A time without a zone designator is read as UTC, so results never depend on the machine's time zone.
 */
import { BadValue, type OperatorFamily, pair, type ValueTest } from "./family.js";

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Milliseconds since the epoch, or undefined when the value is not a date. */
export function parseDate(value: string): number | undefined {
  if (/^-?\d+$/.test(value)) return Number(value) * 1000;
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone] = m;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(t);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
    t -= sign * offset * 60_000;
  }
  return t;
}

function compare(test: (request: number, policy: number) => boolean) {
  return (values: readonly string[]): ValueTest => {
    const policy = values.map((v, i) => {
      const t = parseDate(v);
      if (t === undefined)
        throw new BadValue(i, `expected an ISO 8601 date or epoch seconds, got ${JSON.stringify(v)}`);
      return t;
    });
    return (v) => {
      const t = parseDate(v);
      return t === undefined ? null : policy.some((p) => test(t, p));
    };
  };
}

export const dateOperators: OperatorFamily[] = [
  ...pair(
    "DateEquals",
    "DateNotEquals",
    compare((r, p) => r === p),
  ),
  { name: "DateLessThan", negated: false, compile: compare((r, p) => r < p) },
  { name: "DateLessThanEquals", negated: false, compile: compare((r, p) => r <= p) },
  { name: "DateGreaterThan", negated: false, compile: compare((r, p) => r > p) },
  { name: "DateGreaterThanEquals", negated: false, compile: compare((r, p) => r >= p) },
];
