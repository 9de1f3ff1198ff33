/**
 * End-to-end harness: a detached sandbox (`xirsa sandbox up --detach`) in a temp state dir, a config derived
 * from examples/multi-target.yaml without the values the sandbox decides (issuer, endpoints, CA: discovered
 * with DescribeCluster) and with the sandbox's profiles, kubeconfigs for every cluster, and the real `aws` CLI
 * and `kubectl` as outside actors.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { sandboxConfigText as demoConfigText } from "../../src/demo/config.js";
import { withClientEnv } from "../../src/sandbox/clientEnv.js";
import { readClientEnv } from "../../src/sandbox/clientFiles.js";
import { type CliResult, ROOT, tempDir, xirsa } from "../helpers.js";

/** One change of `xirsa plan --output json` (src/live/changes.ts changeJson), as the tests read it. */
export interface PlanChange {
  action: string;
  kind: string;
  id: string;
  cluster?: string;
  account?: string;
  diff: string;
  /** The documents in full (policies normalised, objects as the plan reads them). */
  before?: unknown;
  after?: unknown;
  step: string;
  blocked?: { reason: string; fix: string; adoptable?: boolean };
}

/** What the seed assumes exists in cluster A; the demo installs the same file. */
export const FIXTURE_A = join(ROOT, "examples", "sandbox", "cluster-a.yaml");

/** The accounts of examples/multi-target.yaml: A runs KubeRocketCI and Argo CD, B and C hold the targets. */
export const A = "111111111111";
export const B = "222222222222";
export const C = "333333333333";
/** The ARN of an xirsa-made role of the example config (`AWSIRSA_<stack>_<kind>`, stack "platform"). */
export const platformRole = (account: string, kind: string) =>
  `arn:aws:iam::${account}:role/AWSIRSA_platform_${kind}`;
/** Its clusters: the source cluster in A, then staging in B and prod in C. */
export const ALL_CLUSTERS = ["krci-main", "workloads-staging", "workloads-prod"];

/** examples/multi-target.yaml pointed at the sandbox as the demo does it (src/demo/config.ts), then `mutate`d. */
export function sandboxConfigText(mutate?: (doc: Record<string, unknown>) => void): string {
  const file = join(ROOT, "examples", "multi-target.yaml");
  const js = parse(demoConfigText(readFileSync(file, "utf8"), file)) as Record<string, unknown>;
  mutate?.(js);
  return JSON.stringify(js, null, 2);
}

export interface E2ESandbox {
  dir: string;
  configFile: string;
  /** The environment of a user who sourced D/env.sh. */
  env: NodeJS.ProcessEnv;
  xirsa(args: string[], extraEnv?: NodeJS.ProcessEnv): CliResult;
  aws(args: string[]): CliResult;
  kubectl(cluster: string, args: string[], input?: string): CliResult;
  kubeconfig(cluster: string): string;
  stop(): void;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): CliResult {
  const r = spawnSync(cmd, args, { env, input: input ?? "", encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startE2ESandbox(configText: string, clusters: string[], upFlags: string[] = []): E2ESandbox {
  const dir = tempDir("xirsa-live-e2e-");
  const configFile = join(dir, "xirsa.yaml");
  writeFileSync(configFile, configText);
  const base = { PATH: process.env.PATH, HOME: process.env.HOME };
  const up = xirsa(["sandbox", "up", "--config", configFile, "--state-dir", dir, "--detach", ...upFlags], {
    env: base,
  });
  if (up.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sandbox up failed (${up.code}): ${up.stderr}${up.stdout}`);
  }
  const env = withClientEnv(
    { ...base, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", AWS_PAGER: "" },
    readClientEnv(dir),
  );
  const kubeconfigs = new Map<string, string>();
  for (const c of clusters) {
    const file = join(dir, `kubeconfig-${c}`);
    const r = xirsa(["sandbox", "kubeconfig", "--state-dir", dir, "--cluster", c, "--out", file], { env });
    if (r.code !== 0) throw new Error(`sandbox kubeconfig ${c} failed: ${r.stderr}`);
    kubeconfigs.set(c, file);
  }
  return {
    dir,
    configFile,
    env,
    xirsa: (args, extraEnv) => xirsa(args, { env: { ...env, ...extraEnv } }),
    aws: (args) => run("aws", [...args, "--output", "json"], env),
    kubectl: (cluster, args, input) =>
      run("kubectl", args, { ...env, KUBECONFIG: kubeconfigs.get(cluster)! }, input),
    kubeconfig: (cluster) => kubeconfigs.get(cluster)!,
    stop() {
      xirsa(["sandbox", "down", "--state-dir", dir], { env });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A sandbox whose source cluster holds what the seed assumes (FIXTURE_A), applied with kubectl as a user would. */
export function startPlatformSandbox(
  configText: string,
  clusters: string[],
  upFlags: string[] = [],
): E2ESandbox {
  const sb = startE2ESandbox(configText, clusters, upFlags);
  const fixture = sb.kubectl("krci-main", ["apply", "-f", FIXTURE_A]);
  if (fixture.code !== 0 || fixture.stderr !== "") {
    sb.stop();
    throw new Error(`kubectl apply -f ${FIXTURE_A} failed (${fixture.code}): ${fixture.stderr}`);
  }
  return sb;
}
