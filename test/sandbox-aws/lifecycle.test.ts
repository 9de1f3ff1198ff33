/**
 * The built CLI (`node bin/xirsa.js`, as users run it): `sandbox up --detach`, status, the files it writes,
 * the aws CLI through env.sh, state across down/up, kubeconfig + kubectl, reset, down, and bad input.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClientEnv } from "../../src/sandbox/clientEnv.js";
import { readClientEnv } from "../../src/sandbox/clientFiles.js";
import { stop } from "../../src/sandbox/lifecycle.js";
import { requireTools } from "../tools.js";
import { aws } from "./helpers.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/xirsa.js");

async function xirsaBin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === "number" ? err.code : 1,
      stdout: err.stdout ?? "",
      stderr: err.stderr ?? "",
    };
  }
}

const CONFIG = `name: dev
source:
  accountId: "111111111111"
  region: eu-central-1
  cluster: krci-main
targets:
  - name: prod
    accountId: "222222222222"
    region: eu-west-1
    cluster: workloads-prod
`;

const skip = requireTools("test/sandbox-aws/lifecycle.test.ts", "aws", "kubectl");

describe.skipIf(!!skip)("xirsa sandbox lifecycle (built CLI)", () => {
  let dir: string;
  let state: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xirsa-life-"));
    state = join(dir, "state");
    writeFileSync(join(dir, "xirsa.yaml"), CONFIG);
  });
  afterAll(async () => {
    if (state) await stop(state);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const envOf = () =>
    withClientEnv({ PATH: process.env.PATH, HOME: dir, AWS_PAGER: "" }, readClientEnv(state));

  it("starts detached, serves the aws CLI and kubectl, keeps state across down/up, resets, stops", async () => {
    const up = await xirsaBin([
      "sandbox",
      "up",
      "--config",
      join(dir, "xirsa.yaml"),
      "--state-dir",
      state,
      "--detach",
    ]);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("sandbox running: AWS endpoint http://127.0.0.1:");
    expect(up.stdout).toContain("profiles: sandbox-111111111111, sandbox-222222222222");

    const st = await xirsaBin(["sandbox", "status", "--state-dir", state, "--output", "json"]);
    expect(st.code).toBe(0);
    const report = JSON.parse(st.stdout);
    expect(report).toMatchObject({
      running: true,
      clusters: [{ name: "krci-main" }, { name: "workloads-prod" }],
    });
    for (const f of ["aws-credentials", "aws-config", "ca-key.pem", "aws.json"])
      expect(statSync(join(state, f)).mode & 0o777).toBe(0o600);
    const envText = readFileSync(join(state, "env.sh"), "utf8");
    expect(envText).toMatch(/export AWS_ENDPOINT_URL='http:\/\/127\.0\.0\.1:\d+'/);
    // It unsets AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN by name, but sets no secret and holds no key.
    expect(envText).not.toMatch(/^export \w*(SECRET|SESSION_TOKEN)/m);
    const secrets = [
      ...readFileSync(join(state, "aws-credentials"), "utf8").matchAll(/secret_access_key = (\S+)/g),
    ];
    expect(secrets.length).toBeGreaterThan(0);
    for (const [, key] of secrets) expect(envText).not.toContain(key);
    expect(readFileSync(join(state, "ca.pem"), "utf8")).toContain("BEGIN CERTIFICATE");

    let env = envOf();
    const me = await aws(env, ["sts", "get-caller-identity", "--profile", "sandbox-222222222222"]);
    expect(me.json().Arn).toBe("arn:aws:iam::222222222222:user/sandbox-admin");
    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sts:AssumeRole" }],
    });
    expect(
      (
        await aws(env, [
          "iam",
          "create-role",
          "--role-name",
          "Kept",
          "--assume-role-policy-document",
          trust,
          "--profile",
          "sandbox-222222222222",
        ])
      ).code,
    ).toBe(0);

    expect((await xirsaBin(["sandbox", "up", "--state-dir", state, "--detach"])).code).toBe(1);

    // kubeconfig (the kube side's writer) with the aws CLI exec plugin, used by the real kubectl.
    const kc = await xirsaBin(["sandbox", "kubeconfig", "--state-dir", state, "--cluster", "workloads-prod"]);
    expect(kc.code).toBe(0);
    const kubectl = await run(
      "kubectl",
      ["--kubeconfig", join(state, "kubeconfig-workloads-prod"), "get", "ns", "-o", "name"],
      { env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 },
    );
    expect(kubectl.stdout).toContain("namespace/default");

    expect((await xirsaBin(["sandbox", "down", "--state-dir", state])).stdout).toContain("sandbox stopped");
    expect((await xirsaBin(["sandbox", "status", "--state-dir", state])).code).toBe(1);

    // Restart without --config: same endpoint, same state.
    expect((await xirsaBin(["sandbox", "up", "--state-dir", state, "--detach"])).code).toBe(0);
    expect(envOf().AWS_ENDPOINT_URL).toBe(env.AWS_ENDPOINT_URL);
    expect(
      (await aws(env, ["iam", "get-role", "--role-name", "Kept", "--profile", "sandbox-222222222222"])).json()
        .Role.RoleName,
    ).toBe("Kept");

    const reset = await xirsaBin(["sandbox", "reset", "--state-dir", state]);
    expect(reset.code).toBe(0);
    env = envOf();
    const gone = await aws(env, [
      "iam",
      "get-role",
      "--role-name",
      "Kept",
      "--profile",
      "sandbox-222222222222",
    ]);
    expect(gone.stderr).toContain("(NoSuchEntity)");

    expect((await xirsaBin(["sandbox", "down", "--state-dir", state])).code).toBe(0);
    expect((await xirsaBin(["sandbox", "down", "--state-dir", state])).stdout).toContain("is not running");
  });

  it("refuses bad input with one line and exit 2", async () => {
    const empty = join(dir, "empty");
    const noConfig = await xirsaBin(["sandbox", "up", "--state-dir", empty]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr.trim().split("\n")).toHaveLength(1);
    expect(noConfig.stderr).toContain("--config");
    expect(existsSync(join(empty, "aws.json"))).toBe(false);
    const badNs = await xirsaBin([
      "sandbox",
      "token",
      "--state-dir",
      state,
      "--cluster",
      "krci-main",
      "--namespace",
      "Bad_NS",
      "--service-account",
      "x",
    ]);
    expect(badNs.code).toBe(2);
    expect(badNs.stderr).toContain("not a Kubernetes name");
    const badRate = await xirsaBin(["sandbox", "up", "--state-dir", state, "--throttle-rate", "2"]);
    expect(badRate.code).toBe(2);
    const badSub = await xirsaBin(["sandbox", "launch"]);
    expect(badSub.code).toBe(2);
  });
});
