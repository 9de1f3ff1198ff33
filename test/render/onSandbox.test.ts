/**
 * The rendered scripts are a way to set up the chains without xirsa: run in order with the real aws CLI and
 * kubectl against the sandbox, they must leave every chain proven by `verify --live`, run a second time change
 * nothing that breaks it, and wait out IAM propagation (EKS refuses a role created a moment ago with "invalid
 * principal"; the sandbox models that with --propagation-delay).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2ESandbox, sandboxConfigText, startPlatformSandbox } from "../live/sandbox.js";
import { requireTools } from "../tools.js";

const skip = requireTools("test/render/onSandbox.test.ts", "aws", "kubectl");
// One target keeps the run short (the aws CLI starts a Python process per call); the other has its own tests.
const CLUSTERS = ["krci-main", "workloads-staging"];

describe.skipIf(!!skip)("the rendered scripts, run with the real aws CLI and kubectl on the sandbox", () => {
  let sb: E2ESandbox;
  let bundle: string;

  beforeAll(() => {
    // 45 s: longer than a script takes from create-role to create-access-entry even on a loaded machine, shorter
    // than its retry bound (12 attempts, about 50 s of backoff).
    const oneTarget = sandboxConfigText((doc) => {
      doc.targets = (doc.targets as { name: string }[]).filter((t) => t.name === "staging");
    });
    sb = startPlatformSandbox(oneTarget, CLUSTERS, ["--propagation-delay", "45000"]);
    // Offline render needs what only EKS knows: the user copies it from `aws eks describe-cluster`.
    const config = JSON.parse(readFileSync(sb.configFile, "utf8"));
    const describe = (name: string, region: string, profile: string) => {
      const r = sb.aws(["eks", "describe-cluster", "--name", name, "--region", region, "--profile", profile]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).cluster;
    };
    config.source.oidcIssuer = describe(
      config.source.cluster,
      config.source.region,
      config.source.profile,
    ).identity.oidc.issuer;
    for (const t of config.targets) {
      const c = describe(t.cluster, t.region, t.profile);
      Object.assign(t, { endpoint: c.endpoint, caData: c.certificateAuthority.data });
    }
    writeFileSync(sb.configFile, JSON.stringify(config, null, 2));
    bundle = join(sb.dir, "bundle");
    const r = sb.xirsa(["render", "--config", sb.configFile, "--out", bundle]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);
  afterAll(() => sb?.stop());

  /** Runs every script in its numbered order; a Kubernetes script gets its cluster's kubeconfig and context. */
  function runAll(): { script: string; code: number | null; stderr: string }[] {
    const scripts = readdirSync(join(bundle, "scripts"))
      .filter((f) => f.endsWith(".sh"))
      .sort();
    return scripts.map((script) => {
      const cluster = /^\d+-kubernetes-(.+)\.sh$/.exec(script)?.[1];
      const env: NodeJS.ProcessEnv = { ...sb.env };
      if (cluster) {
        const kubeconfig = sb.kubeconfig(cluster);
        const ctx = spawnSync("kubectl", ["config", "current-context"], {
          env: { ...sb.env, KUBECONFIG: kubeconfig },
          encoding: "utf8",
        });
        Object.assign(env, { KUBECONFIG: kubeconfig, CONTEXT: ctx.stdout.trim() });
      }
      const r = spawnSync("bash", [join(bundle, "scripts", script)], {
        env,
        encoding: "utf8",
        timeout: 400_000,
      });
      return { script, code: r.status, stderr: r.stderr };
    });
  }

  it("in order, they set up chains that verify --live proves, waiting out IAM propagation", () => {
    const runs = runAll();
    expect(runs.map((r) => r.script)).toEqual(
      expect.arrayContaining([expect.stringMatching(/-aws-111111111111\.sh$/)]),
    );
    for (const r of runs)
      expect({ script: r.script, code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    // The target accounts' roles were created a moment before their access entries: EKS refused them at first.
    const waited = runs.filter((r) => r.stderr.includes("EKS does not see the role yet (IAM propagation)"));
    expect(waited.length).toBeGreaterThan(0);
    const v = sb.xirsa(["verify", "--live", "--config", sb.configFile, "--output", "json"]);
    expect(v.code, v.stderr).toBe(0);
    const report = JSON.parse(v.stdout) as { ok: boolean; chains: { id: string; ok: boolean }[] };
    expect(report.chains.length).toBeGreaterThan(0);
    for (const c of report.chains) expect({ chain: c.id, ok: c.ok }).toEqual({ chain: c.id, ok: true });
    expect(report.ok).toBe(true);
  }, 900_000);

  it("a second run succeeds without waiting and the chains stay proven", () => {
    const runs = runAll();
    for (const r of runs) {
      expect({ script: r.script, code: r.code }).toEqual({ script: r.script, code: 0 });
      expect(r.stderr).not.toContain("IAM propagation");
    }
    const v = sb.xirsa(["verify", "--live", "--config", sb.configFile, "--output", "json"]);
    expect(v.code, v.stderr).toBe(0);
  }, 900_000);

  it("an error other than propagation is not retried: it stops the script with the AWS message", () => {
    // A principal that will never exist: EKS says "invalid principal" too, so the retry ends after its bound;
    // an unknown cluster is a different error and must stop at once.
    const r = spawnSync(
      "bash",
      [
        "-c",
        `source <(sed -n '/^aws_() {/,/^}/p;/^create_access_entry() {/,/^}/p' "$1"); PROFILE=sandbox-222222222222; create_access_entry eu-west-1 --cluster-name no-such-cluster --principal-arn arn:aws:iam::222222222222:role/x --type STANDARD`,
        "_",
        join(
          bundle,
          "scripts",
          readdirSync(join(bundle, "scripts")).find((f) => /-aws-222222222222\.sh$/.test(f))!,
        ),
      ],
      { env: sb.env, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ResourceNotFoundException|No cluster found/);
    expect(r.stderr).not.toContain("IAM propagation");
  }, 60_000);
});
