import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { tempDir, xirsa } from "../helpers.js";

/** `xirsa init --discover` against the sandbox: ListClusters + DescribeCluster through the real SDK. */
describe("xirsa init --discover on the sandbox", () => {
  const dir = tempDir("xirsa-init-");
  const state = join(dir, "state");
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    const up = xirsa(["sandbox", "up", "--config", "examples/xirsa.yaml", "--state-dir", state, "--detach"]);
    expect(up.code, up.stderr).toBe(0);
    const sh = readFileSync(join(state, "env.sh"), "utf8");
    env = { PATH: process.env.PATH, HOME: dir };
    for (const m of sh.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
    for (const m of sh.matchAll(/^export ([A-Z_]+)=([^'\n]+)$/gm)) env[m[1]!] = m[2]!;
  });
  afterAll(() => {
    xirsa(["sandbox", "down", "--state-dir", state]);
  });

  it("fills account, region, issuer, endpoint and CA from DescribeCluster", () => {
    const out = join(dir, "xirsa.yaml");
    const r = xirsa(
      [
        "init",
        "--discover",
        "--source-profile",
        "sandbox-111111111111",
        "--target-profile",
        "sandbox-222222222222",
        "--name",
        "dev",
        "--target-name",
        "prod",
        "--out",
        out,
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const config = loadConfig(out);
    expect(config.source).toMatchObject({
      accountId: "111111111111",
      region: "eu-central-1",
      cluster: "krci-main",
    });
    expect(config.source.oidcIssuer).toMatch(
      /^https:\/\/oidc\.eks\.eu-central-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/,
    );
    const [t] = config.targets;
    expect(t).toMatchObject({
      name: "prod",
      accountId: "222222222222",
      region: "eu-west-1",
      cluster: "workloads-prod",
    });
    expect(t!.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(t!.caData!, "base64").toString()).toContain("BEGIN CERTIFICATE");
    // The discovered config proves offline.
    const v = xirsa(["verify", "--config", out, "--output", "json"], { env });
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).ok).toBe(true);
    // And never overwrites without --force.
    const again = xirsa(["init", "--discover", "--source-profile", "sandbox-111111111111", "--out", out], {
      env,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
  });
});
