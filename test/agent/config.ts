/**
 * Helpers for the agent's tests: a config for the unit tests (two targets: plain cluster-admin, and Capsule with
 * namespaced access), and for the flows on the sandbox the CLI in this process, the provisioned sandbox and the
 * flows' service-account tokens.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { type CliResult, ROOT } from "../helpers.js";
import { type E2ESandbox, FIXTURE_A, startE2ESandbox } from "../live/sandbox.js";

type Doc = { source: Record<string, unknown>; targets: Record<string, unknown>[] } & Record<string, unknown>;

// A real self-signed certificate (the schema parses caData as X.509).
export { CA_DATA } from "../init/testdata.js";

import { CA_DATA } from "../init/testdata.js";

export function testConfig(mutate?: (doc: Doc) => void): Config {
  const doc: Doc = {
    name: "dev",
    source: { accountId: "111111111111", region: "eu-central-1", cluster: "krci-main", profile: "admin-a" },
    targets: [
      {
        name: "prod",
        accountId: "222222222222",
        region: "eu-west-1",
        cluster: "workloads",
        endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
        caData: CA_DATA,
        profile: "admin-b",
      },
      {
        name: "tenants",
        accountId: "333333333333",
        region: "us-east-1",
        cluster: "shared",
        access: "namespaced",
        capsule: { tenant: "krci", group: "cd-pipeline-operator" },
      },
    ],
  };
  mutate?.(doc);
  return parseConfig(doc);
}

/** `xirsa <args>` in this process (the same entry point as bin/xirsa.js, without a Node start-up per call). */
export async function inProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (d) => {
    stdout += d;
  });
  err.on("data", (d) => {
    stderr += d;
  });
  const code = await main(args, { stdout: out, stderr: err, stdin: new PassThrough(), env, cwd: ROOT });
  return { code, stdout, stderr };
}

/**
 * A sandbox the flows can run on: cluster A holds the seed's fixture (then `prepare` adds what a test needs
 * before provisioning) and `xirsa apply` has made the chains. Stopped again when any of that fails.
 */
export async function startFlowSandbox(
  configText: string,
  clusters: string[],
  prepare?: (sb: E2ESandbox) => void,
  upFlags: string[] = [],
): Promise<E2ESandbox> {
  const sb = startE2ESandbox(configText, clusters, upFlags);
  try {
    // In-process commands read AWS profiles through the SDK, which reads the process environment.
    Object.assign(process.env, sb.env);
    const fixture = sb.kubectl("krci-main", ["apply", "-f", FIXTURE_A]);
    expect(fixture.code, fixture.stderr).toBe(0);
    prepare?.(sb);
    const applied = await inProcess(
      ["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"],
      sb.env,
    );
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    return sb;
  } catch (e) {
    sb.stop();
    throw e;
  }
}

/** A projected token of ServiceAccount `namespace/serviceAccount` in cluster A (`xirsa sandbox token`), as a file. */
export function flowToken(sb: E2ESandbox, namespace: string, serviceAccount: string): string {
  const r = sb.xirsa([
    "sandbox",
    "token",
    "--state-dir",
    sb.dir,
    "--cluster",
    "krci-main",
    "--namespace",
    namespace,
    "--service-account",
    serviceAccount,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const file = join(sb.dir, `${namespace}-${serviceAccount}.token`);
  writeFileSync(file, r.stdout, { mode: 0o600 });
  return file;
}
