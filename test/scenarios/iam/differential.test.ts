/**
 * Differential test (issue 3 §5): on generated cases our decision equals that of @cloud-copilot/iam-simulate's
 * core engine, except for the cases a documented disagreement (disagreements.ts, DISAGREEMENTS.md) names.
 * Fixed seed so CI is deterministic; set XIRSA_DIFF_SEED to explore others.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorize } from "../../../src/iam/index.js";
import { DISAGREEMENTS, disagreementsFor } from "./disagreements.js";
import { caseArb } from "./generate.js";
import { oracleDecide } from "./oracle.js";

const RUNS = 12_000;
const MIN_COMPARED = 10_000;

describe("differential: xirsa iam vs iam-simulate core engine", () => {
  it(`agrees on >= ${MIN_COMPARED} generated cases`, () => {
    const seed = Number(process.env.XIRSA_DIFF_SEED ?? 20250101);
    const decisions: Record<string, number> = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0 };
    const excluded: Record<string, number> = Object.fromEntries(DISAGREEMENTS.map((d) => [d.name, 0]));
    let compared = 0;
    fc.assert(
      fc.property(caseArb, (input) => {
        const ours = authorize(input).decision;
        decisions[ours] = (decisions[ours] ?? 0) + 1;
        const named = disagreementsFor(input);
        if (named.length > 0) {
          for (const n of named) excluded[n] = (excluded[n] ?? 0) + 1;
          return;
        }
        compared++;
        expect(ours, JSON.stringify(input)).toBe(oracleDecide(input));
      }),
      { numRuns: RUNS, seed },
    );
    console.log(
      `differential: compared ${compared}, decisions ${JSON.stringify(decisions)}, excluded ${JSON.stringify(excluded)}`,
    );
    expect(compared).toBeGreaterThanOrEqual(MIN_COMPARED);
    // The generator must exercise every verdict, or agreement proves little.
    for (const d of Object.values(decisions)) expect(d).toBeGreaterThan(RUNS / 20);
  });
});
