import { describe, expect, it } from "vitest";
import { CompiledPolicy, compilePolicy } from "./compile.js";
import { PolicyError } from "./errors.js";

const doc = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
};

describe("compilePolicy", () => {
  it("compiles a document once per kind and returns the cached result", () => {
    const a = compilePolicy(doc, "p", "identity");
    expect(a).toBeInstanceOf(CompiledPolicy);
    expect(compilePolicy(doc, "p", "identity")).toBe(a);
    expect(compilePolicy(doc, "p")).not.toBe(a);
    const text = JSON.stringify(doc);
    const t = compilePolicy(text, "p", "identity");
    expect(compilePolicy(text, "other name", "identity")).toBe(t);
  });

  it("passes compiled policies through, and re-checks them under a stricter kind", () => {
    const loose = compilePolicy(doc, "p");
    expect(compilePolicy(loose, "p")).toBe(loose);
    expect(() => compilePolicy(loose, "trust:x", "resource")).toThrow(PolicyError);
    expect(compilePolicy(loose, "p", "identity").kind).toBe("identity");
  });

  it("does not cache failures: the same bad document fails again, naming the policy", () => {
    const bad = { Statement: [{ Effect: "Allow", Action: "x" }] };
    expect(() => compilePolicy(bad, "one")).toThrow(
      'Statement[0].Action: expected "*" or "service:action", got "x" (policy one)',
    );
    expect(() => compilePolicy(bad, "two")).toThrow("(policy two)");
  });

  it("compiles action and resource matchers with the documented case rules", () => {
    const p = compilePolicy(
      {
        Statement: [
          {
            Effect: "Allow",
            Action: ["STS:Assume*", "ec2:StartInstances"],
            Resource: "arn:aws:iam::1:role/R*",
          },
        ],
      },
      "p",
      "identity",
    );
    const s = p.statements[0]!;
    expect(s.action.test("sts:assumerole")).toBe(true);
    expect(s.action.test("ec2:startinstances")).toBe(true);
    expect(s.action.test("ec2:stopinstances")).toBe(false);
    expect(s.resource?.test("arn:aws:iam::1:role/Rx", new Map())).toBe(true);
    expect(s.resource?.test("arn:aws:iam::1:role/rx", new Map())).toBe(false);
  });
});
