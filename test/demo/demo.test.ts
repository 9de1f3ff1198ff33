import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, xirsa } from "../helpers.js";

describe("xirsa demo", () => {
  it("runs the whole product on the sandbox, breaks one thing and repairs it, and writes the reports", () => {
    const dir = tempDir("xirsa-demo-");
    const state = join(dir, "state");
    const out = join(dir, "out");
    const r = xirsa(["demo", "--state-dir", state, "--out", out], {
      env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: "1" },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Summary: (\d+)\/\1 steps as expected/);
    // The sandbox the demo started has stopped: the hint to use it says how to start it again, and comes last.
    expect(r.stdout).not.toContain("use the sandbox yourself");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      `The sandbox has stopped; its state is kept in ${state}. To use it: xirsa sandbox up --state-dir ${state} --detach, then . ${state}/env.sh`,
    );
    expect(r.stdout).toContain("plan: no changes");
    expect(r.stdout).toMatch(
      /✗ prod\/cd-pipeline-operator cluster-access: cluster workloads-prod has no access entry/,
    );
    expect(r.stdout).toMatch(
      /create AccessEntry arn:aws:iam::333333333333:role\/AWSIRSA_platform_CDPipelineAgent/,
    );
    expect(r.stdout).toMatch(/deployment\.apps\/hello created/);
    expect(r.stdout).toMatch(/owned by Capsule tenant krci/);
    for (const f of ["report.html", "report-broken.html"]) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, "report-broken.html"), "utf8")).toContain("XIRSA-EKS-NO-ACCESS-ENTRY");
    // Service-account tokens and the sandbox credentials stay private.
    expect(statSync(join(state, "tokens", "argocd.jwt")).mode & 0o777).toBe(0o600);
    expect(statSync(join(state, "aws-credentials")).mode & 0o777).toBe(0o600);
    expect(r.stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/); // no JWT printed
    expect(r.stdout).not.toContain("k8s-aws-v1.");

    // A second run reuses the persisted sandbox state: apply finds the setup in place.
    const again = xirsa(["demo", "--state-dir", state, "--out", out], {
      env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: "1" },
    });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 object\(s\) created/);
  });

  it("refuses an unknown flag with one line and exit 2", () => {
    const r = xirsa(["demo", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
