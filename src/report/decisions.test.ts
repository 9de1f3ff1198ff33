import { describe, expect, it } from "vitest";
import { decisionMarks } from "./decisions.js";

const KEY = "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud";

describe("decisionMarks", () => {
  it("reads a failed condition from an evaluator trace", () => {
    const detail = {
      decision: {
        decision: "ImplicitlyDenied",
        missing: ["resource"],
        trace: [
          {
            statement: { policy: "trust:arn:aws:iam::1:role/R", index: 1, sid: "Web" },
            effect: "Allow",
            mismatch: {
              on: "condition",
              failure: {
                operator: "StringEquals",
                key: KEY,
                expected: ["sts.amazon.com"],
                actual: ["sts.amazonaws.com"],
              },
            },
          },
        ],
      },
    };
    expect(decisionMarks(detail)).toEqual([
      {
        policy: "trust:arn:aws:iam::1:role/R",
        index: 1,
        sid: "Web",
        conditionKey: KEY,
        operator: "StringEquals",
        note: `condition StringEquals on ${KEY}: expected ["sts.amazon.com"], got ["sts.amazonaws.com"]`,
      },
    ]);
  });

  it("leaves out statements that applied with Allow and keeps an explicit Deny", () => {
    const detail = {
      identity: { trace: [{ statement: { policy: "inline:x", index: 0 }, effect: "Allow" }] },
      trust: {
        decision: "ExplicitlyDenied",
        deniedBy: { policy: "trust:arn:aws:iam::2:role/B", index: 2 },
        trace: [{ statement: { policy: "trust:arn:aws:iam::2:role/B", index: 2 }, effect: "Deny" }],
      },
    };
    expect(decisionMarks(detail)).toEqual([
      { policy: "trust:arn:aws:iam::2:role/B", index: 2, note: "an explicit Deny applied" },
    ]);
  });

  it("describes a principal mismatch and an absent key", () => {
    const marks = decisionMarks([
      {
        statement: { policy: "trust:arn:aws:iam::2:role/B", index: 0 },
        effect: "Allow",
        mismatch: {
          on: "principal",
          expected: ["arn:aws:iam::1:role/A"],
          actual: "arn:aws:iam::1:role/Other",
        },
      },
      {
        statement: { policy: "trust:arn:aws:iam::2:role/B", index: 3 },
        effect: "Allow",
        mismatch: {
          on: "condition",
          failure: { operator: "Bool", key: "aws:SecureTransport", expected: ["true"] },
        },
      },
    ]);
    expect(marks.map((m) => m.note)).toEqual([
      'principal did not match: expected ["arn:aws:iam::1:role/A"], got "arn:aws:iam::1:role/Other"',
      'condition Bool on aws:SecureTransport: expected ["true"], got nothing (the key is absent)',
    ]);
  });

  it("accepts flat forms and a lone condition failure", () => {
    expect(
      decisionMarks({ policy: "trust", statementIndex: 0, conditionKey: KEY, operator: "StringLike" }),
    ).toEqual([
      {
        policy: "trust",
        index: 0,
        conditionKey: KEY,
        operator: "StringLike",
        note: `condition StringLike on ${KEY}: expected nothing (the key is absent), got nothing (the key is absent)`,
      },
    ]);
    expect(
      decisionMarks({ failure: { operator: "StringEquals", key: KEY, expected: ["a"], actual: ["b"] } }),
    ).toEqual([
      {
        conditionKey: KEY,
        operator: "StringEquals",
        note: `condition StringEquals on ${KEY}: expected ["a"], got ["b"]`,
      },
    ]);
  });

  it("finds nothing in unrelated or hostile detail", () => {
    expect(decisionMarks({})).toEqual([]);
    expect(decisionMarks(null)).toEqual([]);
    expect(decisionMarks({ statement: { index: -1 }, statementIndex: "0", principalArn: "arn:x" })).toEqual(
      [],
    );
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 1000; i++) {
      const next: Record<string, unknown> = {};
      cur.a = next;
      cur = next;
    }
    cur.statementIndex = 0;
    expect(decisionMarks(deep)).toEqual([]);
  });
});
