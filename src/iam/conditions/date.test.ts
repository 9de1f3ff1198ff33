import { describe, expect, it } from "vitest";
import { normalizeContext } from "../evaluate.js";
import type { ContextValue } from "../types.js";
import { compileCondition } from "./compile.js";
import { parseDate } from "./date.js";

const fail = (path: string, problem: string): never => {
  throw new Error(`${path}: ${problem}`);
};
function holds(operator: string, values: string[], value: ContextValue | undefined): boolean {
  const c = compileCondition({ operator, key: "k", values, path: "k" }, operator, fail);
  return c.test(normalizeContext(value === undefined ? {} : { k: value }));
}

const T = "2025-01-01T00:00:00Z";
const table: Array<[string, string[], ContextValue | undefined, boolean]> = [
  ["DateEquals", [T], "2025-01-01T00:00:00.000Z", true],
  ["DateEquals", [T], "2025-01-01T01:00:00+01:00", true],
  ["DateEquals", [T], "2025-01-01", true],
  ["DateEquals", [T], "2025-01-01T00:00:01Z", false],
  ["DateNotEquals", [T], "2025-01-02T00:00:00Z", true],
  ["DateNotEquals", [T], undefined, true],
  ["DateNotEquals", [T], "not a date", false],
  ["DateLessThan", [T], "2024-12-31T23:59:59Z", true],
  ["DateLessThan", [T], T, false],
  ["DateLessThanEquals", [T], T, true],
  ["DateGreaterThan", ["2020-01-01T00:00:01Z"], "2024-05-01T10:00:00Z", true],
  ["DateGreaterThan", [T], undefined, false],
  ["DateGreaterThanEquals", [T], "2024-12-31T23:59:59Z", false],
  ["DateGreaterThan", ["1735689600"], "2025-01-01T00:00:01Z", true],
];

describe("date operators", () => {
  it.each(table)("%s %j on %j is %s", (op, values, value, want) => {
    expect(holds(op, values, value)).toBe(want);
  });

  it("parses ISO 8601 in UTC unless a zone is given, and epoch seconds", () => {
    expect(parseDate("2025-01-01T00:00:00")).toBe(Date.UTC(2025, 0, 1));
    expect(parseDate("2025-01-01T02:00:00+0200")).toBe(Date.UTC(2025, 0, 1));
    expect(parseDate("2025-01-01T00:00:00-05:30")).toBe(Date.UTC(2025, 0, 1, 5, 30));
    expect(parseDate("2025-01-01T00:00:00.123456Z")).toBe(Date.UTC(2025, 0, 1, 0, 0, 0, 123));
    expect(parseDate("1735689600")).toBe(Date.UTC(2025, 0, 1));
    expect(parseDate("2025-02-30")).toBeUndefined();
    expect(parseDate("tomorrow")).toBeUndefined();
  });
});
