/**
 * Differential test (issue 3 §5, issue 16 §1): on every generated case our decision equals that of
 * @cloud-copilot/iam-simulate's core engine on the same case with the documented differences rewritten away
 * (disagreements.ts, DISAGREEMENTS.md). Nothing is skipped. Fixed seed so CI is deterministic; set
 * XIRSA_DIFF_SEED to explore others.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorize } from "../../../src/iam/index.js";
import { parsePolicy } from "../../../src/iam/policy.js";
import type { AuthorizeInput } from "../../../src/iam/types.js";
import { DISAGREEMENTS, oracleInput } from "./disagreements.js";
import { caseArb } from "./generate.js";
import { oracleDecide } from "./oracle.js";

const RUNS = 12_000;

const NEGATED = [
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "ArnNotEquals",
  "ArnNotLike",
  "NumericNotEquals",
  "DateNotEquals",
  "NotIpAddress",
];

/** What a case exercises, to check the generator covers variables and every negated operator. */
function features(input: AuthorizeInput): string[] {
  const out = new Set<string>();
  for (const p of [...input.identityPolicies, input.resourcePolicy]) {
    if (!p) continue;
    for (const s of parsePolicy(p.document, p.name).statements) {
      if (s.resource?.values.some((r) => r.includes("${"))) out.add("variable in Resource");
      for (const c of s.conditions) {
        const base = c.operator.replace(/^\w+:/, "").replace(/IfExists$/i, "");
        const negated = NEGATED.find((n) => n.toLowerCase() === base.toLowerCase());
        if (negated) out.add(negated);
        if (c.values.some((v) => v.includes("${"))) {
          out.add("variable in a condition");
          if (negated) out.add(`variable under ${negated}`);
        }
      }
    }
  }
  return [...out];
}

describe("differential: xirsa iam vs iam-simulate core engine", () => {
  it(`agrees on all ${RUNS} generated cases (documented differences rewritten on the oracle's input)`, () => {
    const seed = Number(process.env.XIRSA_DIFF_SEED ?? 20250101);
    const decisions: Record<string, number> = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0 };
    const rewrites: Record<string, number> = Object.fromEntries(DISAGREEMENTS.map((d) => [d.name, 0]));
    const seen: Record<string, number> = {};
    let compared = 0;
    fc.assert(
      fc.property(caseArb, (input) => {
        const ours = authorize(input).decision;
        decisions[ours] = (decisions[ours] ?? 0) + 1;
        for (const f of features(input)) seen[f] = (seen[f] ?? 0) + 1;
        const oracle = oracleInput(input);
        for (const n of oracle.rewritten) rewrites[n] = (rewrites[n] ?? 0) + 1;
        compared++;
        expect(ours, JSON.stringify({ case: input, rewritten: oracle.rewritten })).toBe(
          oracleDecide(oracle.input),
        );
      }),
      { numRuns: RUNS, seed },
    );
    console.log(
      `differential: compared ${compared}, decisions ${JSON.stringify(decisions)}, rewritten ${JSON.stringify(rewrites)}, features ${JSON.stringify(seen)}`,
    );
    expect(compared).toBe(RUNS);
    // The generator must exercise every verdict, or agreement proves little.
    for (const d of Object.values(decisions)) expect(d).toBeGreaterThan(RUNS / 20);
    // … and policy variables under every negated operator that takes them, and every negated operator.
    for (const f of [
      ...NEGATED,
      "variable in Resource",
      "variable in a condition",
      ...["StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"].map(
        (n) => `variable under ${n}`,
      ),
    ]) {
      expect(seen[f] ?? 0, f).toBeGreaterThan(20);
    }
  });
});
