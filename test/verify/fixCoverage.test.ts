/** The coverage table of printed fixes agrees with the fault cases (fast: no sandbox). */
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../src/verify/catalogue.js";
import { LIVE_CASES } from "./fixCases.js";
import { TRUST_CASES } from "./fixCasesTrust.js";
import { FIX_COVERAGE } from "./fixCoverage.js";

const CASES = [...LIVE_CASES, ...TRUST_CASES];

describe("every finding code says how its printed fix is proven", () => {
  it("covers exactly the catalogue", () => {
    expect(Object.keys(FIX_COVERAGE).sort()).toEqual(CATALOGUE.map((e) => e.code).sort());
  });
  it("a code covered live has a fault case, and every fault case's code is marked live", () => {
    const withCase = new Set(CASES.map((c) => c.code));
    const live = Object.entries(FIX_COVERAGE)
      .filter(([, c]) => c.by === "live")
      .map(([code]) => code);
    expect(live.filter((code) => !withCase.has(code as never))).toEqual([]);
    expect([...withCase].filter((code) => FIX_COVERAGE[code].by !== "live")).toEqual([]);
  });
  it("case names are unique (a test name each)", () => {
    const names = CASES.map((c) => `${c.code}: ${c.name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});
