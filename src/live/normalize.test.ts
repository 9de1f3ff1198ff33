import { describe, expect, it } from "vitest";
import type { JsonObject } from "../state/index.js";
import { mergeList, sharedListOf, splitClusters, unmergeList } from "./merges.js";
import { containedIn, decodePolicyDocument, policiesEqual } from "./normalize.js";
import { lineDiff } from "./textDiff.js";

const trust: JsonObject = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "",
      Effect: "Allow",
      Principal: {
        Federated: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB",
      },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringLike: {
          "oidc.eks.eu-west-1.amazonaws.com/id/AB:sub": [
            "system:serviceaccount:a:x",
            "system:serviceaccount:a:y",
          ],
          "oidc.eks.eu-west-1.amazonaws.com/id/AB:aud": "sts.amazonaws.com",
        },
      },
    },
  ],
};

describe("policiesEqual", () => {
  it.each([
    [
      "key order and empty Sid",
      { Statement: [{ ...(trust.Statement as JsonObject[])[0], Sid: undefined }], Version: "2012-10-17" },
    ],
    [
      "single string vs one-element list, list order",
      {
        Version: "2012-10-17",
        Statement: {
          Effect: "Allow",
          Action: ["sts:AssumeRoleWithWebIdentity"],
          Principal: {
            Federated: ["arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB"],
          },
          Condition: {
            StringLike: {
              "OIDC.eks.eu-west-1.amazonaws.com/id/AB:aud": ["sts.amazonaws.com"],
              "oidc.eks.eu-west-1.amazonaws.com/id/AB:sub": [
                "system:serviceaccount:a:y",
                "system:serviceaccount:a:x",
              ],
            },
          },
        },
      },
    ],
  ])("equal despite %s", (_name, other) => {
    expect(policiesEqual(trust, JSON.parse(JSON.stringify(other)) as JsonObject)).toBe(true);
  });

  it.each([
    ["another subject", ["system:serviceaccount:a:x", "system:serviceaccount:a:z"], "StringLike"],
    [
      "StringEquals instead of StringLike",
      ["system:serviceaccount:a:x", "system:serviceaccount:a:y"],
      "StringEquals",
    ],
  ])("differs with %s", (_name, subs, op) => {
    const st = (trust.Statement as JsonObject[])[0]!;
    const cond = (st.Condition as JsonObject).StringLike as JsonObject;
    const other = {
      ...trust,
      Statement: [
        { ...st, Condition: { [op]: { ...cond, "oidc.eks.eu-west-1.amazonaws.com/id/AB:sub": subs } } },
      ],
    };
    expect(policiesEqual(trust, other)).toBe(false);
  });

  it("decodes IAM's URL-encoded documents and plain ones", () => {
    const text = JSON.stringify(trust);
    expect(decodePolicyDocument(encodeURIComponent(text))).toEqual(trust);
    expect(decodePolicyDocument(text)).toEqual(trust);
    expect(() => decodePolicyDocument("%5B%5D")).toThrow(/not a JSON object/);
  });
});

describe("containedIn", () => {
  it("accepts server defaults and refuses changed values", () => {
    expect(containedIn({ spec: { a: [1, { b: 2 }] } }, { spec: { a: [1, { b: 2, c: 3 }], d: 4 } })).toBe(
      true,
    );
    expect(containedIn({ spec: { a: [1] } }, { spec: { a: [1, 2] } })).toBe(false);
    expect(containedIn({ spec: { a: "x" } }, { spec: {} })).toBe(false);
  });
});

describe("shared lists", () => {
  const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "edp-config", namespace: "krci" } };
  const list = sharedListOf(cm)!;

  it("splits the comma + space list leniently", () => {
    expect(splitClusters("in-cluster,staging ,  prod")).toEqual(["in-cluster", "staging", "prod"]);
    expect(splitClusters(undefined)).toEqual([]);
  });

  it("adds missing items, keeps others', drops only what it added and no longer wants", () => {
    expect(mergeList(list, ["in-cluster"], [], ["a", "b"])).toEqual({
      items: ["in-cluster", "a", "b"],
      added: ["a", "b"],
      changed: true,
    });
    // Already there before xirsa: not recorded as added, so destroy leaves it.
    expect(mergeList(list, ["in-cluster", "a"], [], ["a"])).toEqual({
      items: ["in-cluster", "a"],
      added: [],
      changed: false,
    });
    expect(mergeList(list, ["in-cluster", "a", "b"], ["a", "b"], ["a"])).toEqual({
      items: ["in-cluster", "a"],
      added: ["a"],
      changed: true,
    });
    expect(mergeList(list, ["in-cluster", "a", "b"], ["a", "b"], ["a", "b"]).changed).toBe(false);
    expect(unmergeList(list, ["in-cluster", "a", "b"], ["b"])).toEqual(["in-cluster", "a"]);
  });
});

describe("lineDiff", () => {
  it("marks removed and added lines with context", () => {
    expect(lineDiff("a\nb\nc\nd\ne\nf", "a\nb\nX\nd\ne\nf", 1)).toBe("  …\n  b\n- c\n+ X\n  d\n  …");
    expect(lineDiff("", "x\ny")).toBe("+ x\n+ y");
  });
});
