/**
 * The findings catalogue is data other tools rely on (docs, SARIF rules): stable, complete, and every code in
 * it is actually produced by some reproduced failure (a bundle tampering or a State scenario), except the
 * live-only codes that only probe can raise.
 */
import { describe, expect, it } from "vitest";
import { CATALOGUE, verify } from "../../src/verify/index.js";
import { HOP_IDS } from "../../src/verify/types.js";
import { removeDir, renderExample, verifyBundle, writeFiles } from "./fixtures.js";
import { SCENARIOS } from "./scenarios.js";
import { desired, STATE_SCENARIOS } from "./stateScenarios.js";

/** Raised by a live probe (issue 7), not by verify over a State. */
const PROBE_ONLY = ["XIRSA-SA-WEBHOOK", "XIRSA-EKS-TOKEN-EXPIRED"];

describe("findings catalogue", () => {
  it("has unique, well-formed codes with every field", () => {
    const codes = CATALOGUE.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of CATALOGUE) {
      expect(e.code).toMatch(/^XIRSA-[A-Z0-9]+(-[A-Z0-9]+)+$/);
      expect(["error", "warning", "info"]).toContain(e.severity);
      expect(HOP_IDS).toContain(e.hop);
      for (const text of [e.title, e.explanation, e.remediation]) expect(text.length).toBeGreaterThan(10);
    }
  });

  it("covers issue 3 §3 and the failure modes of REFERENCE §7", () => {
    const codes = CATALOGUE.map((e) => e.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        // issue 3 §3
        "XIRSA-TRUST-WILDCARD-EQUALS",
        "XIRSA-TRUST-LIKE-NO-WILDCARD",
        "XIRSA-TRUST-NO-AUD",
        "XIRSA-TRUST-AUD-VALUE",
        "XIRSA-TRUST-HTTPS-KEY",
        "XIRSA-TRUST-ISSUER-TYPO",
        "XIRSA-TRUST-ISSUER-MISMATCH",
        "XIRSA-TRUST-BROAD-PRINCIPAL",
        "XIRSA-TRUST-PRINCIPAL-NO-ROLE",
        "XIRSA-IAM-ASSUME-ANY",
        "XIRSA-EKS-CLUSTER-ADMIN",
        "XIRSA-REG-ROLEARN-SOURCE",
        "XIRSA-REG-KRCI-NAME",
        "XIRSA-REG-APPPROJECT",
        // REFERENCE §7
        "XIRSA-OIDC-PROVIDER-MISSING",
        "XIRSA-TRUST-WRONG-PROVIDER",
        "XIRSA-TRUST-SUB-MISMATCH",
        "XIRSA-OIDC-CLIENT-ID",
        "XIRSA-ASSUME-IDENTITY-DENIED",
        "XIRSA-ASSUME-TRUST-DENIED",
        "XIRSA-STS-CHAIN-DURATION",
        "XIRSA-EKS-NO-ACCESS-ENTRY",
        "XIRSA-EKS-ENTRY-STALE",
        "XIRSA-REG-CLUSTER-NAME",
        "XIRSA-EKS-TOKEN-EXPIRED",
        "XIRSA-SA-NOT-RESTARTED",
        "XIRSA-SA-WEBHOOK",
        "XIRSA-STS-GLOBAL-ENDPOINT",
        // access: namespaced without Capsule
        "XIRSA-K8S-NS-CREATE",
      ]),
    );
    expect(CATALOGUE.find((e) => e.code === "XIRSA-K8S-NS-CREATE")!.severity).toBe("info");
    for (const code of PROBE_ONLY) expect(CATALOGUE.find((e) => e.code === code)!.liveOnly).toBe(true);
  });

  it("every code but the probe-only ones is produced by a reproduced failure", () => {
    const seen = new Set<string>();
    const dirs: string[] = [];
    try {
      for (const sc of SCENARIOS) {
        const files = typeof sc.base === "string" ? renderExample(sc.base) : sc.base();
        sc.tamper(files);
        const dir = writeFiles(files);
        dirs.push(dir);
        for (const f of verifyBundle(dir).findings) seen.add(f.code);
      }
    } finally {
      for (const d of dirs) removeDir(d);
    }
    for (const sc of STATE_SCENARIOS) {
      const { state, chains, project } = desired(sc.example);
      sc.mutate(state, chains);
      for (const f of verify(state, chains, { appProject: project }).findings) seen.add(f.code);
    }
    const missing = CATALOGUE.map((e) => e.code).filter((c) => !seen.has(c) && !PROBE_ONLY.includes(c));
    expect(missing).toEqual([]);
    const unknown = [...seen].filter((c) => !CATALOGUE.some((e) => e.code === c));
    expect(unknown).toEqual([]);
  });
});
