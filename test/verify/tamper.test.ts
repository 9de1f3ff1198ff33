/**
 * Every failure mode, reproduced by tampering a rendered example bundle: verify (the function over loadBundle,
 * and `xirsa verify --from` of the built CLI) fails at the right hop with the right finding and exit 1, or,
 * for findings that weaken without breaking, keeps the chain proven and exits 0.
 */
import { afterAll, describe, expect, it } from "vitest";
import { formatJson } from "../../src/verify/output/json.js";
import { HOP_IDS, type VerifyResult } from "../../src/verify/types.js";
import { removeDir, renderExample, verifyBundle, writeFiles, xirsaAsync } from "./fixtures.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

function expectScenario(r: VerifyResult, sc: Scenario): void {
  const chain = r.chains.find((c) => c.id === sc.chain);
  expect(chain, `chain ${sc.chain}`).toBeDefined();
  const failing = chain!.hops.filter((h) => !h.ok).map((h) => h.id);
  expect(chain!.hops.map((h) => h.id)).toEqual([...HOP_IDS]);
  if (sc.hop) {
    const expected = HOP_IDS.filter((id) => id === sc.hop || sc.alsoFails?.includes(id));
    expect(failing).toEqual(expected);
    expect(chain!.ok).toBe(false);
    expect(r.ok).toBe(false);
    const hop = chain!.hops.find((h) => h.id === sc.hop)!;
    expect(hop.codes?.[0], `first code of ${sc.hop}: ${hop.reason}`).toBe(sc.code);
    expect(hop.fix, "a failed hop says how to fix it").toBeTruthy();
    if (sc.reason) expect(hop.reason).toMatch(sc.reason);
    const f = r.findings.find((x) => x.code === sc.code && x.chain === sc.chain);
    expect(f, `finding ${sc.code} for ${sc.chain}`).toBeDefined();
    expect(f!.hop).toBe(sc.hop);
    expect(f!.severity).toBe("error");
  } else {
    expect(failing).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.findings.map((x) => x.code)).toContain(sc.code);
  }
}

describe("verify over tampered bundles", () => {
  for (const sc of SCENARIOS) {
    it.concurrent(`${sc.name} → ${sc.hop ?? "still proven"}: ${sc.code}`, async () => {
      const files = typeof sc.base === "string" ? renderExample(sc.base) : sc.base();
      sc.tamper(files);
      const dir = writeFiles(files);
      dirs.push(dir);

      const result = verifyBundle(dir);
      expectScenario(result, sc);

      const run = await xirsaAsync(["verify", "--from", dir, "--output", "json"]);
      expect(run.stderr).toBe("");
      const json = JSON.parse(run.stdout) as VerifyResult;
      // --fail-on error (the default): a broken hop, or an error finding on a proven chain, exits 1.
      const failing = sc.hop !== undefined || json.findings.some((f) => f.severity === "error");
      expect(run.code).toBe(failing ? 1 : 0);
      expectScenario(json, sc);
      expect(json).toEqual(JSON.parse(formatJson(result)));
    });
  }

  it("evaluates every hop after a failure and reports them all", async () => {
    const files = renderExample("xirsa");
    const tampered = SCENARIOS.filter((s) =>
      [
        "ServiceAccount not annotated",
        "A identity policy lacks the B role",
        "target missing from available_clusters",
      ].includes(s.name),
    );
    expect(tampered).toHaveLength(3);
    for (const s of tampered) s.tamper(files);
    const dir = writeFiles(files);
    dirs.push(dir);
    const r = verifyBundle(dir);
    const op = r.chains.find((c) => c.id === "prod/cd-pipeline-operator")!;
    expect(op.hops.filter((h) => !h.ok).map((h) => h.id)).toEqual([
      "service-account",
      "assume-role",
      "registration",
    ]);
    expect(op.hops.find((h) => h.id === "web-identity")!.ok).toBe(true);
    expect(r.chains.find((c) => c.id === "prod/argocd")!.ok).toBe(true);
    const codes = r.findings.filter((f) => f.chain === op.id).map((f) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "XIRSA-SA-NOT-ANNOTATED",
        "XIRSA-ASSUME-IDENTITY-DENIED",
        "XIRSA-REG-AVAILABLE-CLUSTERS",
      ]),
    );
  });
});
