/**
 * bench/vs-terraform: the same stack (1, 5, 20 targets) on the same sandbox with 50 ms (±50%) latency per AWS
 * request, xirsa against the real Terraform and hashicorp/aws provider:
 *   - `xirsa plan` vs `terraform plan` (refresh) of the rendered Terraform, every account;
 *   - a no-op `xirsa apply` vs `terraform apply` with no changes, every account.
 * Terraform applies the AWS side first (so both look at the same resources, owned by Terraform), xirsa does the
 * Kubernetes side. Wall time and API calls (xirsa: its CallLog, AWS calls apart; Terraform: the provider's
 * "HTTP Request Sent" lines of TF_LOG=debug), printed with the ratios. Terraform roots run one after another,
 * as a person runs them.
 * Run: npm run bench:vs-terraform [-- 1,5,20]   (needs terraform and XIRSA_TF_PLUGIN_DIR, default /opt/tf-plugins)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../../src/config/load.js";
import { applyLive, planLive } from "../../src/live/service.js";
import { CallLog } from "../../src/transport/calls.js";
import { type E2ESandbox, FIXTURE_A, sandboxConfigText, startE2ESandbox } from "../../test/live/sandbox.js";
import { missingTools } from "../../test/tools.js";

const PLUGIN_DIR = process.env.XIRSA_TF_PLUGIN_DIR ?? "/opt/tf-plugins";
const LATENCY_MS = 50;
const sizes = (process.argv[2] ?? "1,5,20").split(",").map(Number);

function configWith(n: number): string {
  return sandboxConfigText((doc) => {
    doc.name = "bench";
    doc.targets = Array.from({ length: n }, (_, k) => {
      const i = k + 1;
      const accountId = String(200000000000 + (i % 5));
      const t: Record<string, unknown> = {
        name: `t${i}`,
        accountId,
        region: i % 2 ? "eu-west-1" : "us-east-1",
        cluster: `workloads-${i}`,
        profile: `sandbox-${accountId}`,
        access: i % 3 === 0 ? "namespaced" : "cluster-admin",
      };
      if (i % 3 === 0) t.capsule = { tenant: "krci", group: "cd-pipeline-operator" };
      return t;
    });
  });
}

interface Measure {
  ms: number;
  calls: number;
  aws: number;
}

function terraformRunner(sb: E2ESandbox, bundle: string) {
  const rc = join(sb.dir, "terraformrc");
  writeFileSync(rc, "");
  const log = join(sb.dir, "tf.log");
  return (account: string, args: string[]): Measure => {
    rmSync(log, { force: true });
    const t0 = performance.now();
    const r = spawnSync("terraform", [`-chdir=${join(bundle, "terraform", account)}`, ...args], {
      env: {
        ...sb.env,
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        TF_CLI_CONFIG_FILE: rc,
        TF_CLI_ARGS: "-no-color",
        TF_LOG: "debug",
        TF_LOG_PATH: log,
      },
      encoding: "utf8",
      timeout: 1_800_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - t0;
    if (r.status !== 0) {
      throw new Error(
        `terraform ${args[0]} in ${account} failed (${r.status}): ${r.stderr}${r.stdout.slice(-2000)}`,
      );
    }
    const calls = existsSync(log) ? (readFileSync(log, "utf8").match(/HTTP Request Sent/g) ?? []).length : 0;
    return { ms, calls, aws: calls };
  };
}

function sum(ms: Measure[]): Measure {
  return ms.reduce((a, b) => ({ ms: a.ms + b.ms, calls: a.calls + b.calls, aws: a.aws + b.aws }), {
    ms: 0,
    calls: 0,
    aws: 0,
  });
}

function xirsaMeasure(ms: number, log: CallLog): Measure {
  return { ms, calls: log.total, aws: log.calls.filter((c) => c.api !== "kube").length };
}

const fmt = (m: Measure) =>
  `${(m.ms / 1000).toFixed(2).padStart(7)} s ${String(m.aws).padStart(5)} AWS calls${m.calls !== m.aws ? ` (+${m.calls - m.aws} kube)` : ""}`;
const ratio = (a: number, b: number) => (b ? `${(a / b).toFixed(2)}×` : "n/a");

async function main(): Promise<void> {
  const missing = missingTools(["aws", "kubectl", "terraform", "terraform-provider-aws"]);
  if (missing.length) {
    console.log(`bench/vs-terraform skipped: ${missing.join(", ")} not found`);
    return;
  }
  console.log(
    `bench/vs-terraform: xirsa vs terraform ${PLUGIN_DIR} provider, sandbox latency ${LATENCY_MS} ms (±50%) per AWS request\n`,
  );
  const rows: string[] = [];
  for (const n of sizes) {
    const sb = startE2ESandbox(configWith(n), ["krci-main"], ["--latency-ms", String(LATENCY_MS)]);
    try {
      const fixture = sb.kubectl("krci-main", ["apply", "-f", FIXTURE_A]);
      if (fixture.code !== 0) throw new Error(`fixture: ${fixture.stderr}`);
      Object.assign(process.env, sb.env);
      // Render for the running sandbox: issuer and endpoints as describe-cluster gives them.
      const config = JSON.parse(readFileSync(sb.configFile, "utf8"));
      const describe = (name: string, region: string, account: string) =>
        JSON.parse(
          sb.aws([
            "eks",
            "describe-cluster",
            "--name",
            name,
            "--region",
            region,
            "--profile",
            `sandbox-${account}`,
          ]).stdout,
        ).cluster;
      config.source.oidcIssuer = describe(
        config.source.cluster,
        config.source.region,
        config.source.accountId,
      ).identity.oidc.issuer;
      for (const t of config.targets) {
        const c = describe(t.cluster, t.region, t.accountId);
        t.endpoint = c.endpoint;
        t.caData = c.certificateAuthority.data;
      }
      writeFileSync(join(sb.dir, "render.yaml"), JSON.stringify(config, null, 2));
      const bundle = join(sb.dir, "bundle");
      const r = sb.xirsa(["render", "--config", join(sb.dir, "render.yaml"), "--out", bundle]);
      if (r.code !== 0) throw new Error(`render: ${r.stderr}`);
      const accounts = [
        config.source.accountId,
        ...new Set<string>(config.targets.map((t: { accountId: string }) => t.accountId)),
      ];
      const vars = (a: string) =>
        a === config.source.accountId ? ["-var", "create_oidc_provider=true"] : [];
      const tf = terraformRunner(sb, bundle);
      for (const a of accounts) {
        tf(a, ["init", "-input=false", `-plugin-dir=${PLUGIN_DIR}`]);
        tf(a, ["apply", "-auto-approve", "-input=false", ...vars(a)]);
      }
      const cfg = loadConfig(sb.configFile);
      const k8s = await applyLive(cfg, { confirm: async () => true, pollMs: 50 }, { env: sb.env });
      if (!k8s.verify.ok) throw new Error(`xirsa apply with ${n} targets left a chain broken`);

      const planLog = new CallLog();
      let t0 = performance.now();
      const planned = await planLive(cfg, {}, { env: sb.env, log: planLog });
      const xPlan = xirsaMeasure(performance.now() - t0, planLog);
      if (planned.changes.length) throw new Error(`xirsa plan with ${n} targets is not empty`);
      const tPlan = sum(
        accounts.map((a) => tf(a, ["plan", "-detailed-exitcode", "-input=false", ...vars(a)])),
      );

      const noopLog = new CallLog();
      t0 = performance.now();
      const noop = await applyLive(
        cfg,
        { confirm: async () => Promise.reject(new Error("nothing to confirm in a no-op")) },
        { env: sb.env, log: noopLog },
      );
      const xApply = xirsaMeasure(performance.now() - t0, noopLog);
      if (noop.changes.length || noopLog.mutating().length) throw new Error("xirsa apply was not a no-op");
      const tApply = sum(accounts.map((a) => tf(a, ["apply", "-auto-approve", "-input=false", ...vars(a)])));

      rows.push(
        `${String(n).padStart(2)} targets, ${accounts.length} accounts`,
        `  plan          xirsa ${fmt(xPlan)}   terraform ${fmt(tPlan)}   time ${ratio(xPlan.ms, tPlan.ms)}  AWS calls ${ratio(xPlan.aws, tPlan.aws)}`,
        `  no-op apply   xirsa ${fmt(xApply)}   terraform ${fmt(tApply)}   time ${ratio(xApply.ms, tApply.ms)}  AWS calls ${ratio(xApply.aws, tApply.aws)}`,
      );
      console.log(rows.slice(-3).join("\n"));
    } finally {
      sb.stop();
    }
  }
  console.log("\nratios are xirsa / terraform (below 1× means xirsa is faster or makes fewer calls)");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
