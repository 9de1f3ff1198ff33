/**
 * Benchmark: evaluations per second of xirsa's IAM evaluator and of iam-simulate's core engine (the AGPL
 * oracle, a devDependency) on the same generated cases, in one run; prints the ratio (target: ours >= 3x).
 * Both engines get their policies prepared once (ours compiled and cached, iam-simulate's loaded), so the
 * loop measures evaluation. Run: npx tsx bench/evaluator/run.ts [cases] [seconds-per-engine]
 */
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { authorize, compilePolicy } from "../../src/iam/index.js";
import type { AuthorizeInput } from "../../src/iam/types.js";
import { oracleInput } from "../../test/scenarios/iam/disagreements.js";
import { caseArb } from "../../test/scenarios/iam/generate.js";
import { prepareOracle } from "../../test/scenarios/iam/oracle.js";

const CASES = Number(process.argv[2] ?? 2000);
const SECONDS = Number(process.argv[3] ?? 2);

/** Run `fn` over all cases repeatedly for about `seconds`; evaluations per second. */
function measure(label: string, runs: Array<() => unknown>, seconds: number): number {
  for (const run of runs) run(); // warm-up round
  let evaluations = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (const run of runs) run();
    evaluations += runs.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  const rate = evaluations / elapsed;
  console.log(`${label.padEnd(44)} ${Math.round(rate).toLocaleString("en-US").padStart(12)} evaluations/s`);
  return rate;
}

function main(): void {
  const cases: AuthorizeInput[] = fc.sample(caseArb, { numRuns: CASES, seed: 7 });
  const textCases: AuthorizeInput[] = cases.map((c) => ({
    ...c,
    identityPolicies: c.identityPolicies.map((p) => ({ ...p, document: JSON.stringify(p.document) })),
    ...(c.resourcePolicy
      ? { resourcePolicy: { ...c.resourcePolicy, document: JSON.stringify(c.resourcePolicy.document) } }
      : {}),
  }));
  // Prepare once: compile ours (also fills the cache authorize uses), load the oracle's policies.
  for (const c of cases) {
    for (const p of c.identityPolicies) compilePolicy(p.document, p.name, "identity");
    if (c.resourcePolicy) compilePolicy(c.resourcePolicy.document, c.resourcePolicy.name, "resource");
  }
  // The oracle evaluates each case with the documented differences rewritten away (disagreements.ts).
  const oracleRuns = cases.map((c) => prepareOracle(oracleInput(c).input));

  let same = 0;
  cases.forEach((c, i) => {
    if (authorize(c).decision === oracleRuns[i]!()) same++;
  });
  console.log(
    `${CASES} generated cases; decisions identical on ${same} (the oracle sees them with the documented differences rewritten away)`,
  );

  const ours = measure(
    "xirsa iam (policies as objects)",
    cases.map((c) => () => authorize(c)),
    SECONDS,
  );
  measure(
    "xirsa iam (policies as JSON text)",
    textCases.map((c) => () => authorize(c)),
    SECONDS,
  );
  const theirs = measure("@cloud-copilot/iam-simulate core engine", oracleRuns, SECONDS);
  const ratio = ours / theirs;
  console.log(
    `ratio: xirsa is ${ratio.toFixed(1)}x iam-simulate (target >= 3x: ${ratio >= 3 ? "met" : "NOT met"})`,
  );
}

main();
