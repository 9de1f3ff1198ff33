/**
 * bench/apply: wall time and API calls of `apply` against the sandbox for 1, 5 and 20 targets (a fresh pair of
 * accounts each), and of a no-op apply right after. Calls are counted per HTTP request (AWS SDK sends and
 * Kubernetes requests, retries included) and compared with the minimum needed:
 *   - mutating: one call per thing to create or change (a pod delete per Argo CD pod restarted);
 *   - reading: one look at the live state (what `plan` alone reads, account checks included), which a no-op
 *     apply cannot go below; a real apply looks twice (before, and after for the live proof) and polls pods.
 * Run: npm run build && npx tsx bench/apply/run.ts [1,5,20]
 */
import { performance } from "node:perf_hooks";
import { loadConfig } from "../../src/config/load.js";
import type { Change, Operation } from "../../src/live/changes.js";
import { applyLive, planLive } from "../../src/live/service.js";
import { workloadPods } from "../../src/live/workloads.js";
import type { State } from "../../src/state/types.js";
import { CallLog, countByOperation } from "../../src/transport/calls.js";
import { FIXTURE_A, sandboxConfigText, startE2ESandbox } from "../../test/live/sandbox.js";
import { missingTools } from "../../test/tools.js";

const sizes = (process.argv[2] ?? "1,5,20").split(",").map(Number);

function configWith(n: number): string {
  return sandboxConfigText((doc) => {
    const targets = Array.from({ length: n }, (_, k) => {
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
    doc.name = "bench";
    doc.targets = targets;
  });
}

/** Mutating calls an operation cannot do with fewer. */
function minimumFor(op: Operation, live: State): number {
  switch (op.type) {
    case "role.update":
      return (op.trust ? 1 : 0) + (op.boundary ? 1 : 0) + (Object.keys(op.tags).length ? 1 : 0);
    case "role.delete":
      return Object.keys(op.role.inlinePolicies).length + op.role.attachedPolicyArns.length + 1;
    case "entry.update":
      return 1 + (Object.keys(op.tags).length ? 1 : 0);
    case "restart": {
      if (op.workload.kind === "deployment") return 1;
      const c = live.clusters.find((x) => x.name === op.workload.cluster.name);
      return c ? workloadPods(c.objects, op.workload).length : 1;
    }
    default:
      return 1;
  }
}

function minimumMutating(changes: Change[], live: State): number {
  return changes.flatMap((c) => c.ops).reduce((n, op) => n + minimumFor(op, live), 0);
}

function row(label: string, ms: number, log: CallLog, minMutating: number, minReads: number): string {
  const mutating = log.mutating().length;
  const reads = log.total - mutating;
  return [
    label.padEnd(26),
    `${(ms / 1000).toFixed(2).padStart(6)} s`,
    `calls ${String(log.total).padStart(4)}`,
    `mutating ${String(mutating).padStart(4)} (min ${String(minMutating).padStart(4)})`,
    `reads ${String(reads).padStart(4)} (one look: ${String(minReads).padStart(4)})`,
  ].join("  ");
}

async function main(): Promise<void> {
  const missing = missingTools(["aws", "kubectl"]);
  if (missing.length) {
    console.log(`bench/apply skipped: ${missing.join(" and ")} not installed`);
    return;
  }
  console.log("bench/apply: xirsa apply against the sandbox (AWS + Kubernetes over 127.0.0.1)\n");
  for (const n of sizes) {
    const text = configWith(n);
    const clusters = ["krci-main"];
    const sb = startE2ESandbox(text, clusters);
    try {
      const fixture = sb.kubectl("krci-main", ["apply", "-f", FIXTURE_A]);
      if (fixture.code !== 0) throw new Error(`fixture: ${fixture.stderr}`);
      Object.assign(process.env, sb.env);
      const config = loadConfig(sb.configFile);
      const yes = async () => true;

      const lookLog = new CallLog();
      const look = await planLive(config, { createOidcProvider: true }, { env: sb.env, log: lookLog });
      const minFresh = minimumMutating(look.changes, look.snapshot.live);

      const applyLog = new CallLog();
      let t0 = performance.now();
      const applied = await applyLive(
        config,
        { createOidcProvider: true, confirm: yes, pollMs: 50 },
        { env: sb.env, log: applyLog },
      );
      const applyMs = performance.now() - t0;
      if (!applied.verify.ok) throw new Error(`apply with ${n} targets left a chain broken`);

      const noopLog = new CallLog();
      t0 = performance.now();
      const noop = await applyLive(
        config,
        { createOidcProvider: true, confirm: yes },
        { env: sb.env, log: noopLog },
      );
      const noopMs = performance.now() - t0;
      if (noop.changes.length) throw new Error(`the second apply with ${n} targets was not a no-op`);
      const lookAfterLog = new CallLog();
      await planLive(config, {}, { env: sb.env, log: lookAfterLog });

      console.log(`${n} target${n > 1 ? "s" : ""}: ${look.changes.length} changes`);
      console.log(`  ${row("apply (from nothing)", applyMs, applyLog, minFresh, lookLog.total)}`);
      console.log(`  ${row("apply (no-op)", noopMs, noopLog, 0, lookAfterLog.total)}`);
      const top = Object.entries(countByOperation(applyLog.mutating()))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => `${k} ×${v}`)
        .join(", ");
      console.log(`  mutating calls of the apply: ${top}`);
      console.log(
        `  the apply reads the state twice (before, and after for the live proof) and polls restarted pods: ${applyLog.total - applyLog.mutating().length} reads\n`,
      );
    } finally {
      sb.stop();
    }
  }
}

await main();
