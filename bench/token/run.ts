/**
 * bench/token: wall time of `xirsa token` (cold: no cache; warm: cache hit) against `aws eks get-token`, measured
 * in the same run as whole processes, next to Node's own start time (`node -e 0`, the floor of any cache hit).
 * Prints medians and ratios (targets: cold <= 0.12x, cache hit close to Node's start).
 * Run: npm run build && npx tsx bench/token/run.ts [runs]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const runs = Number(process.argv[2] ?? 15);
const bin = resolve(import.meta.dirname, "../../bin/xirsa.js");
const cache = mkdtempSync(join(tmpdir(), "xirsa-bench-"));
const env = {
  PATH: process.env.PATH,
  HOME: cache,
  XIRSA_CACHE_DIR: cache,
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
};
const args = ["--cluster-name", "prod", "--region", "eu-west-1"];

function time(cmd: string, argv: string[], before?: () => void): number {
  before?.();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, stdio: ["ignore", "ignore", "inherit"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} exited ${r.status}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const aws: number[] = [];
const node: number[] = [];
const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  aws.push(time("aws", ["eks", "get-token", ...args]));
  node.push(time(process.execPath, ["-e", "0"]));
  cold.push(
    time(process.execPath, [bin, "token", ...args], () =>
      rmSync(join(cache, "tokens"), { recursive: true, force: true }),
    ),
  );
  warm.push(time(process.execPath, [bin, "token", ...args]));
}
rmSync(cache, { recursive: true, force: true });
const a = median(aws);
console.log(`aws eks get-token       median ${a.toFixed(1)} ms (${runs} runs)`);
console.log(
  `node -e 0 (Node start)  median ${median(node).toFixed(1)} ms  ratio ${(median(node) / a).toFixed(3)}x`,
);
console.log(
  `xirsa token (cold)      median ${median(cold).toFixed(1)} ms  ratio ${(median(cold) / a).toFixed(3)}x`,
);
console.log(
  `xirsa token (cache hit) median ${median(warm).toFixed(1)} ms  ratio ${(median(warm) / a).toFixed(3)}x`,
);
