/**
 * Missing-key semantics, IfExists, Null and the set operators, as tabulated in AWS "IAM JSON policy elements:
 * Condition operators" and "Single-valued vs. multivalued context keys".
 */
import { describe, expect, it } from "vitest";
import { normalizeContext } from "../evaluate.js";
import type { ContextValue } from "../types.js";
import { compileCondition, OPERATOR_NAMES, parseOperator } from "./compile.js";

const fail = (path: string, problem: string): never => {
  throw new Error(`${path}: ${problem}`);
};
function holds(operator: string, values: string[], value: ContextValue | undefined): boolean {
  const c = compileCondition({ operator, key: "aws:TagKeys", values, path: "p" }, operator, fail);
  return c.test(normalizeContext(value === undefined ? {} : { "AWS:TAGKEYS": value }));
}

describe("parseOperator", () => {
  it("reads set operators, IfExists and the base, case-insensitively", () => {
    const p = parseOperator("foranyvalue:stringlikeifexists");
    expect(typeof p === "object" && p.display).toBe("ForAnyValue:StringLikeIfExists");
    expect(typeof p === "object" && p.set).toBe("ForAnyValue");
    expect(typeof p === "object" && p.ifExists).toBe(true);
    expect(parseOperator("Null")).toEqual({ base: "Null", ifExists: false, display: "Null" });
  });
  it("explains what is wrong", () => {
    expect(parseOperator("StringEqualz")).toBe('unknown condition operator "StringEqualz"');
    expect(parseOperator("ForEach:StringEquals")).toBe(
      'unknown set operator "ForEach" (use ForAnyValue or ForAllValues)',
    );
    expect(parseOperator("ForAllValues:Null")).toBe("Null cannot be combined with ForAllValues:");
    expect(parseOperator("IfExists")).toBe('unknown condition operator "IfExists"');
  });
  it("knows every operator of the AWS list", () => {
    expect([...OPERATOR_NAMES].sort()).toEqual(
      [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
      ].sort(),
    );
  });
});

// [operator, policy values, request value (undefined: absent), expected]
const table: Array<[string, string[], ContextValue | undefined, boolean]> = [
  // absent key
  ["StringEquals", ["env"], undefined, false],
  ["StringNotEquals", ["env"], undefined, true],
  ["StringEqualsIfExists", ["env"], undefined, true],
  ["StringNotEqualsIfExists", ["env"], undefined, true],
  ["ForAnyValue:StringEquals", ["env"], undefined, false],
  ["ForAnyValue:StringNotEquals", ["env"], undefined, false],
  ["ForAnyValue:StringEqualsIfExists", ["env"], undefined, true],
  ["ForAllValues:StringEquals", ["env"], undefined, true],
  ["ForAllValues:StringNotEquals", ["env"], undefined, true],
  ["Null", ["true"], undefined, true],
  ["Null", ["false"], undefined, false],
  // present, IfExists checks the value
  ["StringEqualsIfExists", ["env"], "env", true],
  ["StringEqualsIfExists", ["env"], "team", false],
  ["Null", ["true"], "env", false],
  ["Null", ["false"], "", true],
  ["Null", ["false"], [], true],
  // multivalued request values
  ["StringEquals", ["env"], ["env"], false],
  ["StringNotEquals", ["env"], ["team"], false],
  ["StringEqualsIfExists", ["env"], ["env"], false],
  ["ForAnyValue:StringEquals", ["env", "team"], ["env", "dept"], true],
  ["ForAnyValue:StringEquals", ["env", "team"], ["dept"], false],
  ["ForAnyValue:StringEquals", ["env"], [], false],
  ["ForAnyValue:StringEquals", ["env"], "env", true],
  ["ForAllValues:StringEquals", ["env", "team"], ["env", "team"], true],
  ["ForAllValues:StringEquals", ["env", "team"], ["env", "dept"], false],
  ["ForAllValues:StringEquals", ["env"], [], true],
  ["ForAllValues:StringLike", ["env*"], ["env", "environment"], true],
  ["ForAnyValue:StringNotEquals", ["env"], ["env", "team"], true],
  ["ForAnyValue:StringNotEquals", ["env"], ["env"], false],
  ["ForAllValues:StringNotEquals", ["secret"], ["env", "team"], true],
  ["ForAllValues:StringNotEquals", ["secret"], ["env", "secret"], false],
  ["ForAllValues:NumericLessThan", ["10"], ["1", "2"], true],
  ["ForAllValues:NumericLessThan", ["10"], ["1", "x"], false],
  ["ForAnyValue:ArnLike", ["arn:aws:iam::*:role/*"], ["x", "arn:aws:iam::1:role/r"], true],
];

describe("missing keys, IfExists, Null and set operators", () => {
  it.each(table)("%s %j on %j is %s", (op, values, value, want) => {
    expect(holds(op, values, value)).toBe(want);
  });

  it("reports the canonical operator, the key as written and the expected values", () => {
    const c = compileCondition(
      { operator: "forallvalues:stringlike", key: "aws:TagKeys", values: ["a", "b"], path: "p" },
      "op",
      fail,
    );
    expect({ operator: c.operator, key: c.key, expected: c.expected }).toEqual({
      operator: "ForAllValues:StringLike",
      key: "aws:TagKeys",
      expected: ["a", "b"],
    });
  });

  it("names the value at fault by index", () => {
    expect(() =>
      compileCondition(
        { operator: "Null", key: "k", values: ["true", "nope"], path: "C.Null.k" },
        "C.Null",
        fail,
      ),
    ).toThrow('C.Null.k[1]: expected true or false, got "nope"');
    expect(() =>
      compileCondition({ operator: "Nul", key: "k", values: ["true"], path: "C.Nul.k" }, "C.Nul", fail),
    ).toThrow('C.Nul: unknown condition operator "Nul"');
  });
});
