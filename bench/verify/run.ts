/**
 * verify over a generated config with many targets (default 500): time and peak memory, for the desired State
 * (--config) and for a rendered bundle read back (--from, without disk: render → parseBundle).
 *   npx tsx bench/verify/run.ts [targets]
 * Prints numbers; asserts nothing (tests never assert times).
 */
import { performance } from "node:perf_hooks";
import { parseConfig } from "../../src/config/load.js";
import { renderBundle } from "../../src/render/bundle.js";
import { parseBundle } from "../../src/render/load.js";
import { desiredState } from "../../src/topology/desired.js";
import { verify } from "../../src/verify/index.js";

const count = Number(process.argv[2] ?? 500);
if (!Number.isInteger(count) || count < 1) throw new Error("usage: tsx bench/verify/run.ts [targets]");

function hex(i: number): string {
  return i.toString(16).toUpperCase().padStart(32, "0");
}

const config = parseConfig({
  name: "bench",
  source: {
    accountId: "111111111111",
    region: "eu-central-1",
    cluster: "krci-main",
    oidcIssuer: `https://oidc.eks.eu-central-1.amazonaws.com/id/${hex(1)}`,
  },
  targets: Array.from({ length: count }, (_, i) => ({
    name: `t${String(i).padStart(4, "0")}`,
    // Two targets per account, as teams with a staging and a prod cluster in one account would have.
    accountId: String(200000000000 + Math.floor(i / 2)),
    region: "eu-west-1",
    cluster: `workloads-${i}`,
    endpoint: `https://${hex(i + 2)}.gr7.eu-west-1.eks.amazonaws.com`,
    access: i % 3 === 0 ? "namespaced" : "cluster-admin",
    ...(i % 3 === 0 ? { capsule: { tenant: "krci", group: "cd-pipeline-operator" } } : {}),
  })),
});

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const v = f();
  console.log(`${label.padEnd(34)} ${(performance.now() - t0).toFixed(1).padStart(8)} ms`);
  return v;
}

console.log(`verify bench: ${count} targets, ${count * 2} chains (Node ${process.version})`);
const heap0 = process.memoryUsage().heapUsed;
const desired = time("desired State (topology)", () => desiredState(config));
const fromConfig = time("verify --config (desired State)", () =>
  verify(desired.state, desired.chains, { appProject: config.source.argocd.project }),
);
const again = time("verify again (warm)", () =>
  verify(desired.state, desired.chains, { appProject: config.source.argocd.project }),
);
const files = time("render bundle (in memory)", () => renderBundle(config, { only: ["aws", "kubernetes"] }));
const bundle = time("parseBundle", () => parseBundle(files));
const fromBundle = time("verify --from (bundle State)", () =>
  verify(bundle.state, bundle.chains, { appProject: bundle.config.source.argocd.project }),
);
const heap1 = process.memoryUsage().heapUsed;

const proven = (r: typeof fromConfig) => r.chains.filter((c) => c.ok).length;
console.log(
  `chains proven: ${proven(fromConfig)}/${fromConfig.chains.length} (config), ${proven(fromBundle)}/${fromBundle.chains.length} (bundle); findings ${fromConfig.findings.length}; same result warm: ${JSON.stringify(again) === JSON.stringify(fromConfig)}`,
);
console.log(`heap growth: ${mb(heap1 - heap0)}; peak RSS: ${mb(process.resourceUsage().maxRSS * 1024)}`);
