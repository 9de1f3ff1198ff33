/** Bool and BinaryEquals (AWS "Condition operators": Boolean and Binary condition operators). */
import { BadValue, type OperatorFamily, type ValueTest } from "./family.js";

function parseBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  return l === "true" ? true : l === "false" ? false : undefined;
}

function bool(values: readonly string[]): ValueTest {
  const policy = values.map((v, i) => {
    const b = parseBool(v);
    if (b === undefined) throw new BadValue(i, `expected true or false, got ${JSON.stringify(v)}`);
    return b;
  });
  return (v) => {
    const b = parseBool(v);
    return b === undefined ? null : policy.includes(b);
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The request value is the base64 text of the binary value, compared exactly. */
function binaryEquals(values: readonly string[]): ValueTest {
  values.forEach((v, i) => {
    if (!BASE64.test(v)) throw new BadValue(i, `expected a base64-encoded value, got ${JSON.stringify(v)}`);
  });
  const set = new Set(values);
  return (v) => set.has(v);
}

export const boolOperators: OperatorFamily[] = [
  { name: "Bool", negated: false, compile: bool },
  { name: "BinaryEquals", negated: false, compile: binaryEquals },
];
