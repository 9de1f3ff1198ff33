import { describe, expect, it } from "vitest";
import { normalizeContext } from "../evaluate.js";
import type { ContextValue } from "../types.js";
import { compileCondition } from "./compile.js";

const fail = (path: string, problem: string): never => {
  throw new Error(`${path}: ${problem}`);
};
function holds(operator: string, values: string[], value: ContextValue | undefined): boolean {
  const c = compileCondition({ operator, key: "k", values, path: "k" }, operator, fail);
  return c.test(normalizeContext(value === undefined ? {} : { k: value }));
}

const table: Array<[string, string[], ContextValue | undefined, boolean]> = [
  ["Bool", ["true"], true, true],
  ["Bool", ["true"], "TRUE", true],
  ["Bool", ["TRUE"], "true", true],
  ["Bool", ["true"], false, false],
  ["Bool", ["false"], "false", true],
  ["Bool", ["true"], "yes", false],
  ["Bool", ["true"], undefined, false],
  ["BoolIfExists", ["false"], undefined, true],
  ["BinaryEquals", ["QmluYXJ5VmFsdWVJbkJhc2U2NA=="], "QmluYXJ5VmFsdWVJbkJhc2U2NA==", true],
  ["BinaryEquals", ["QmluYXJ5VmFsdWVJbkJhc2U2NA=="], "qmluYXJ5VmFsdWVJbkJhc2U2NA==", false],
  ["BinaryEquals", ["QmluYXJ5"], undefined, false],
];

describe("Bool and BinaryEquals", () => {
  it.each(table)("%s %j on %j is %s", (op, values, value, want) => {
    expect(holds(op, values, value)).toBe(want);
  });

  it("refuses values of the wrong shape", () => {
    expect(() => holds("Bool", ["yes"], "true")).toThrow('expected true or false, got "yes"');
    expect(() => holds("BinaryEquals", ["not base64!"], "x")).toThrow("expected a base64-encoded value");
  });
});
