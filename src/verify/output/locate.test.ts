import { describe, expect, it } from "vitest";
import { lineOfPath, lineOfText, parseJsonPath } from "./locate.js";

describe("parseJsonPath", () => {
  it("reads the evaluator's and verify's paths", () => {
    expect(parseJsonPath('Statement[0].Condition.StringEquals["oidc.eks.x/id/A:sub"]')).toEqual([
      "Statement",
      0,
      "Condition",
      "StringEquals",
      "oidc.eks.x/id/A:sub",
    ]);
    expect(parseJsonPath("(document)")).toEqual([]);
    expect(parseJsonPath('metadata.annotations["eks.amazonaws.com/role-arn"]')).toEqual([
      "metadata",
      "annotations",
      "eks.amazonaws.com/role-arn",
    ]);
  });
});

describe("lineOfPath", () => {
  const json = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Condition": {\n        "StringEquals": {\n          "k:sub": "x",\n          "k:aud": "y"\n        }\n      }\n    }\n  ]\n}\n`;
  it("finds a key in JSON", () => {
    expect(lineOfPath(json, 'Statement[0].Condition.StringEquals["k:aud"]')).toBe(9);
    expect(lineOfPath(json, "Statement[0].Effect")).toBe(5);
  });
  it("stops at the deepest resolvable point", () => {
    expect(lineOfPath(json, "Statement[0].Nope.deeper")).toBe(4);
  });
  it("picks the YAML document by kind and name, and the first alternative that resolves", () => {
    const yaml =
      "kind: Secret\nmetadata:\n  name: a\nstringData:\n  server: x\n---\nkind: Secret\nmetadata:\n  name: b\nstringData:\n  server: y\n";
    expect(lineOfPath(yaml, ["data.server", "stringData.server"], { kind: "Secret", name: "b" })).toBe(11);
    expect(lineOfPath(yaml, "metadata.name", { kind: "Secret", name: "a" })).toBe(3);
  });
  it("finds text", () => {
    expect(lineOfText("a\nb\nc", "c")).toBe(3);
    expect(lineOfText("a", "z")).toBeUndefined();
  });
});
