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

const topic = "arn:aws:sns:eu-west-1:123456789012:my-topic";
const table: Array<[string, string[], ContextValue | undefined, boolean]> = [
  ["ArnEquals", [topic], topic, true],
  ["ArnEquals", ["arn:aws:sns:*:123456789012:my-topic"], topic, true],
  ["ArnLike", ["arn:aws:sns:*:123456789012:my-topic"], topic, true],
  ["ArnLike", ["arn:aws:sns:eu-west-?:*:*"], topic, true],
  ["ArnLike", ["arn:aws:sns:eu-west-1:123456789012:My-Topic"], topic, false],
  ["ArnLike", ["arn:aws:sqs:*:*:*"], topic, false],
  [
    "ArnLike",
    ["arn:aws:sns:*:123456789012:my-topic"],
    "arn:aws:sns:eu-west-1:x:123456789012:my-topic",
    false,
  ],
  ["ArnLike", ["arn:aws:sns:*:*:*"], "my-topic", false],
  ["ArnLike", [topic], undefined, false],
  ["ArnNotEquals", [topic], "arn:aws:sns:eu-west-1:123456789012:other", true],
  ["ArnNotLike", ["arn:aws:sns:*:*:*"], topic, false],
  ["ArnNotLike", ["arn:aws:sqs:*:*:*"], topic, true],
  ["ArnNotLike", ["arn:aws:sqs:*:*:*"], "not-an-arn", false],
  ["ArnNotLike", ["arn:aws:sqs:*:*:*"], undefined, true],
];

describe("ARN operators", () => {
  it.each(table)("%s %j on %j is %s", (op, values, value, want) => {
    expect(holds(op, values, value)).toBe(want);
  });

  it("refuses policy values that are not six-part ARNs", () => {
    expect(() => holds("ArnLike", ["*"], topic)).toThrow("expected an ARN");
    expect(() => holds("ArnEquals", ["arn:aws:sns:*"], topic)).toThrow("expected an ARN");
  });
});
