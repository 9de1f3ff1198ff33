/**
 * Findings a team accepts and `verify --fail-on` (issue 16 §4): through the built CLI over examples/xirsa.yaml
 * with `seedCompat: true`, whose Argo CD trust keeps the seed's StringLike without a wildcard (two info
 * findings XIRSA-TRUST-LIKE-NO-WILDCARD), and whose cluster-admin access gives two XIRSA-EKS-CLUSTER-ADMIN
 * warnings; every chain is proven.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { applyAcceptances, exitCodeFor } from "../../src/verify/accept.js";
import type { VerifyResult } from "../../src/verify/types.js";
import { ROOT, tempDir } from "../helpers.js";
import { removeDir, xirsaAsync } from "./fixtures.js";

const work = tempDir("xirsa-verify-accept-");
afterAll(() => removeDir(work));
const CODE = "XIRSA-TRUST-LIKE-NO-WILDCARD";
const ADMIN = "XIRSA-EKS-CLUSTER-ADMIN";

let n = 0;
function config(extra: Record<string, unknown>): string {
  const base = parse(readFileSync(join(ROOT, "examples/xirsa.yaml"), "utf8")) as Record<string, unknown>;
  const file = join(work, `xirsa-${n++}.yaml`);
  writeFileSync(file, stringify({ ...base, seedCompat: true, ...extra }));
  return file;
}

describe("verify --fail-on and accept", () => {
  it.concurrent("--fail-on decides whether info findings fail; bad values exit 2", async () => {
    const file = config({});
    const d = await xirsaAsync(["verify", "--config", file]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain(CODE);
    expect((await xirsaAsync(["verify", "--config", file, "--fail-on", "warning"])).code).toBe(1);
    expect((await xirsaAsync(["verify", "--config", file, "--fail-on", "info"])).code).toBe(1);
    const admin = config({ accept: [{ code: ADMIN, reason: "the seed's cluster-admin, for now" }] });
    expect((await xirsaAsync(["verify", "--config", admin, "--fail-on", "warning"])).code).toBe(0);
    expect((await xirsaAsync(["verify", "--config", admin, "--fail-on", "info"])).code).toBe(1);
    const bad = await xirsaAsync(["verify", "--config", file, "--fail-on", "notice"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/--fail-on/);
  });

  it.concurrent("accepted findings are shown as accepted, in JSON and as SARIF suppressions", async () => {
    const file = config({
      accept: [
        { code: CODE, reason: "kept as the seed writes it", until: "2999-12-31" },
        { code: ADMIN, reason: "the seed's cluster-admin, for now" },
      ],
    });
    const table = await xirsaAsync(["verify", "--config", file, "--fail-on", "info"]);
    expect(table.stderr).toBe("");
    expect(table.code, table.stdout.slice(-600)).toBe(0);
    expect(table.stdout).toContain("(accepted: kept as the seed writes it, until 2999-12-31)");
    expect(table.stdout).toMatch(/0 errors, 0 warnings, 0 info; 4 accepted/);
    const json = JSON.parse((await xirsaAsync(["verify", "--config", file, "--output", "json"])).stdout);
    const like = json.findings.filter((f: { code: string }) => f.code === CODE);
    expect(like.length).toBeGreaterThan(0);
    for (const f of like)
      expect(f.accepted).toEqual({ reason: "kept as the seed writes it", until: "2999-12-31" });
    const sarif = JSON.parse((await xirsaAsync(["verify", "--config", file, "--output", "sarif"])).stdout);
    const results = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === CODE);
    for (const r of results) {
      expect(r.suppressions).toEqual([
        {
          kind: "external",
          status: "accepted",
          justification: "kept as the seed writes it (until 2999-12-31)",
        },
      ]);
    }
  });

  it.concurrent("an expired acceptance counts again, with a warning", async () => {
    const file = config({ accept: [{ code: CODE, reason: "until the migration", until: "2000-01-01" }] });
    const r = await xirsaAsync(["verify", "--config", file, "--fail-on", "info"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^xirsa verify: warning: accept\[0\] \(XIRSA-TRUST-LIKE-NO-WILDCARD\) expired on 2000-01-01/,
    );
    expect(r.stdout).not.toContain("(accepted:");
  });

  it.concurrent("an acceptance that matches nothing is a warning (and fails --fail-on warning)", async () => {
    const file = config({
      accept: [
        { code: CODE, resource: "arn:aws:iam::111111111111:role/Nope", reason: "typo in the resource" },
      ],
    });
    const r = await xirsaAsync(["verify", "--config", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /accept\[0\] \(XIRSA-TRUST-LIKE-NO-WILDCARD on arn:aws:iam::111111111111:role\/Nope\) matches no finding/,
    );
    expect((await xirsaAsync(["verify", "--config", file, "--fail-on", "warning"])).code).toBe(1);
  });

  it.concurrent("a malformed accept entry is bad input (exit 2, one line)", async () => {
    const file = config({ accept: [{ code: CODE }] });
    const r = await xirsaAsync(["verify", "--config", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/accept/);
  });
});

describe("applyAcceptances / exitCodeFor", () => {
  const finding = (code: string, severity: "error" | "warning" | "info", resource = "r") => ({
    code,
    severity,
    message: "m",
    resource,
    remediation: "x",
  });
  const result = (ok: boolean, findings: VerifyResult["findings"]): VerifyResult => ({
    ok,
    chains: [],
    findings,
  });

  it("accepting does not make a broken chain pass", () => {
    const a = applyAcceptances(
      result(false, [finding("XIRSA-A-B", "error")]),
      [{ code: "XIRSA-A-B", reason: "r" }],
      "2025-01-01",
    );
    expect(a.result.findings[0]!.accepted).toEqual({ reason: "r" });
    expect(exitCodeFor(a, "error")).toBe(1);
  });

  it("matches the resource or the document the finding points into; until is inclusive", () => {
    const f = { ...finding("XIRSA-A-B", "warning", "role"), location: { resource: "role#trust-policy" } };
    const byDoc = applyAcceptances(
      result(true, [f]),
      [{ code: "XIRSA-A-B", resource: "role#trust-policy", reason: "r", until: "2025-01-01" }],
      "2025-01-01",
    );
    expect(byDoc.result.findings[0]!.accepted).toBeDefined();
    expect(exitCodeFor(byDoc, "warning")).toBe(0);
    const late = applyAcceptances(
      result(true, [f]),
      [{ code: "XIRSA-A-B", reason: "r", until: "2025-01-01" }],
      "2025-01-02",
    );
    expect(late.result.findings[0]!.accepted).toBeUndefined();
    expect(late.warnings).toHaveLength(1);
    expect(exitCodeFor(late, "warning")).toBe(1);
    expect(exitCodeFor(late, "error")).toBe(0);
  });
});
