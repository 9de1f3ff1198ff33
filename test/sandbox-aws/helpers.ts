/**
 * Test harness: a sandbox started in-process in a temp dir, the real aws CLI pointed at it through D/env.sh
 * values only (no real AWS configuration or credentials leak in, nothing leaves 127.0.0.1), and SDK v3
 * clients with the sandbox's admin keys.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EKSClient } from "@aws-sdk/client-eks";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import type { SandboxSpec } from "../../src/sandbox/bootstrap.js";
import { withClientEnv } from "../../src/sandbox/clientEnv.js";
import { readClientEnv, writeClientFiles } from "../../src/sandbox/clientFiles.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import type { Knobs } from "../../src/sandbox/services/context.js";

export const A = "111111111111";
export const B = "222222222222";
export const CLUSTER_A = "krci-main";
export const CLUSTER_B = "workloads";
export const REGION_A = "eu-central-1";
export const REGION_B = "eu-west-1";

export const SPEC: SandboxSpec = {
  accounts: [A, B],
  clusters: [
    { accountId: A, region: REGION_A, name: CLUSTER_A },
    { accountId: B, region: REGION_B, name: CLUSTER_B },
  ],
};

export interface Harness {
  dir: string;
  sandbox: RunningSandbox;
  /** Environment for the aws CLI: only what env.sh exports, plus PATH and a throwaway HOME. */
  env: NodeJS.ProcessEnv;
  /** The server's clock offset (ms), for tests of expiry. */
  clock: { offsetMs: number };
  close(): Promise<void>;
}

export async function startHarness(
  opts: { knobs?: Knobs; kube?: boolean; dir?: string } = {},
): Promise<Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "xirsa-sbx-"));
  const clock = { offsetMs: 0 };
  const sandbox = await startSandbox({
    stateDir: dir,
    spec: SPEC,
    knobs: opts.knobs,
    kube: opts.kube ?? false,
    now: () => new Date(Date.now() + clock.offsetMs),
  });
  writeClientFiles(dir, sandbox.store.state, sandbox);
  const env = withClientEnv(
    { PATH: process.env.PATH, HOME: dir, AWS_PAGER: "", LANG: "C.UTF-8" },
    readClientEnv(dir),
  );
  return {
    dir,
    sandbox,
    env,
    clock,
    async close() {
      await sandbox.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AwsResult {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, read field by field in assertions
  json: () => any;
}

/** Runs the real aws CLI. */
export function aws(
  env: NodeJS.ProcessEnv,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<AwsResult> {
  return new Promise((resolve) => {
    execFile("aws", args, { env: { ...env, ...extraEnv }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

export function adminCredentials(h: Harness, accountId: string) {
  const a = h.sandbox.store.state.accounts.find((x) => x.id === accountId)!;
  return { accessKeyId: a.admin.accessKeyId, secretAccessKey: a.admin.secretAccessKey };
}

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export function clients(
  h: Harness,
  creds: Creds,
  region: string,
  extra: { maxAttempts?: number; systemClockOffset?: number } = {},
) {
  const config = {
    endpoint: h.sandbox.awsUrl,
    region,
    credentials: creds,
    maxAttempts: extra.maxAttempts ?? 1,
    ...(extra.systemClockOffset ? { systemClockOffset: extra.systemClockOffset } : {}),
  };
  return { iam: new IAMClient(config), sts: new STSClient(config), eks: new EKSClient(config) };
}

export function webIdentityTrust(
  issuer: string,
  accountId: string,
  sub: string,
  op: "StringEquals" | "StringLike" = "StringEquals",
) {
  const host = issuer.replace("https://", "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${host}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { [op]: { [`${host}:sub`]: sub, [`${host}:aud`]: "sts.amazonaws.com" } },
      },
    ],
  });
}

export function awsTrust(principalArn: string) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principalArn }, Action: "sts:AssumeRole" }],
  });
}

export function allow(action: string, resource: string) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
  });
}

/** Runs `xirsa <argv>` in-process (the same code as bin/xirsa.js) and captures its output. */
export async function xirsa(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import("../../src/cli/main.js");
  const { PassThrough } = await import("node:stream");
  let stdout = "";
  let stderr = "";
  const out = new PassThrough();
  const err = new PassThrough();
  out.on("data", (d) => {
    stdout += d;
  });
  err.on("data", (d) => {
    stderr += d;
  });
  const code = await main(argv, {
    stdout: out,
    stderr: err,
    stdin: new PassThrough(),
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}
