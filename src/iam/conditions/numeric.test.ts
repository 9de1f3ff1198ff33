import { describe, expect, it } from "vitest";
import { normalizeContext } from "../evaluate.js";
import type { ContextValue } from "../types.js";
import { compileCondition } from "./compile.js";
import { parseNumber } from "./numeric.js";

const fail = (path: string, problem: string): never => {
  throw new Error(`${path}: ${problem}`);
};
function holds(operator: string, values: string[], value: ContextValue | undefined): boolean {
  const c = compileCondition({ operator, key: "k", values, path: "k" }, operator, fail);
  return c.test(normalizeContext(value === undefined ? {} : { k: value }));
}

const table: Array<[string, string[], ContextValue | undefined, boolean]> = [
  ["NumericEquals", ["10"], "10", true],
  ["NumericEquals", ["10"], "10.0", true],
  ["NumericEquals", ["10"], 11, false],
  ["NumericEquals", ["10", "20"], "20", true],
  ["NumericEquals", ["10"], undefined, false],
  ["NumericNotEquals", ["10"], "11", true],
  ["NumericNotEquals", ["10", "11"], "11", false],
  ["NumericNotEquals", ["10"], undefined, true],
  ["NumericNotEquals", ["10"], "ten", false],
  ["NumericLessThan", ["10"], "9.5", true],
  ["NumericLessThan", ["10"], "10", false],
  ["NumericLessThanEquals", ["10"], "10", true],
  ["NumericLessThanEquals", ["10"], "-3", true],
  ["NumericGreaterThan", ["3600"], 7200, true],
  ["NumericGreaterThan", ["3600"], 3600, false],
  ["NumericGreaterThanEquals", ["3600"], 3600, true],
  ["NumericGreaterThanEquals", ["0.5"], ".5", true],
  ["NumericGreaterThan", ["1"], "12abc", false],
];

describe("numeric operators", () => {
  it.each(table)("%s %j on %j is %s", (op, values, value, want) => {
    expect(holds(op, values, value)).toBe(want);
  });

  it("parses only plain decimal numbers", () => {
    expect(parseNumber("-1.5")).toBe(-1.5);
    expect(parseNumber("+7")).toBe(7);
    expect(parseNumber("1e3")).toBeUndefined();
    expect(parseNumber("")).toBeUndefined();
    expect(parseNumber("0x10")).toBeUndefined();
  });

  it("refuses a policy value that is not a number", () => {
    expect(() => holds("NumericEquals", ["ten"], "10")).toThrow(
      'k: expected a number, got "ten" for NumericEquals',
    );
  });
});
