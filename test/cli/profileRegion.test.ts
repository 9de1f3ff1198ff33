/**
 * --profile/--region on the commands that talk to AWS for one account (issue 18 §1): token, init and sandbox
 * kubeconfig, through the built CLI. A profile the shared files do not define is refused naming the known ones.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { tempDir, xirsa } from "../helpers.js";
import { type E2ESandbox, sandboxConfigText, startE2ESandbox } from "../live/sandbox.js";

const INIT_FLAGS = [
  "--name",
  "dev",
  "--source-account",
  "111111111111",
  "--source-cluster",
  "krci-main",
  "--issuer",
  "https://oidc.eks.eu-central-1.amazonaws.com/id/ABC",
  "--target-name",
  "prod",
  "--target-account",
  "222222222222",
  "--target-cluster",
  "workloads-prod",
];

describe("help", () => {
  it.each([["token"], ["init"], ["sandbox", "kubeconfig"]])(
    "%s --help describes --profile and --region",
    (...cmd) => {
      const r = xirsa([...cmd, "--help"]);
      expect(r.code).toBe(0);
      const [flags, examples] = r.stdout.split("Examples:");
      for (const flag of ["--profile", "--region"]) {
        expect(flags).toMatch(new RegExp(`^\\s+${flag} \\S+\\s+\\S`, "m"));
        expect(examples).toContain(flag);
      }
    },
  );
});

describe("init --profile/--region", () => {
  it("--region is the region of both clusters where a side's own flag is not given", () => {
    const dir = tempDir("xirsa-init-region-");
    const r = xirsa(["init", ...INIT_FLAGS, "--region", "eu-north-1", "--source-region", "eu-central-1"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir },
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(join(dir, "xirsa.yaml"), "utf8"));
    expect([doc.source.region, doc.targets[0].region]).toEqual(["eu-central-1", "eu-north-1"]);
  });

  it("--profile is the profile of both accounts; one the shared files lack is refused before any AWS call", () => {
    const dir = tempDir("xirsa-init-profile-");
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
    };
    writeFileSync(env.AWS_CONFIG_FILE, "[profile platform]\nregion = eu-west-1\n");
    const r = xirsa(
      ["init", "--discover", "--profile", "platfrom", "--name", "dev", "--target-name", "prod"],
      {
        cwd: dir,
        env,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `xirsa init: profile 'platfrom' is not in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE} (did you mean 'platform'?); known: platform; pass a profile those files define (aws configure list-profiles), or set AWS_CONFIG_FILE\n`,
    );
    expect(existsSync(join(dir, "xirsa.yaml"))).toBe(false);
    // Without discovery, the profile is written for both accounts.
    const w = xirsa(["init", ...INIT_FLAGS, "--region", "eu-central-1", "--profile", "platform"], {
      cwd: dir,
      env,
    });
    expect(w.code, w.stderr).toBe(0);
    const doc = parse(readFileSync(join(dir, "xirsa.yaml"), "utf8"));
    expect([doc.source.profile, doc.targets[0].profile]).toEqual(["platform", "platform"]);
  });
});

describe("sandbox kubeconfig --profile/--region", () => {
  let sb: E2ESandbox;
  beforeAll(() => {
    sb = startE2ESandbox(sandboxConfigText(), []);
  }, 120_000);
  afterAll(() => sb?.stop());
  const kubeconfig = (...extra: string[]) =>
    sb.xirsa(["sandbox", "kubeconfig", "--state-dir", sb.dir, "--cluster", "krci-main", ...extra]);
  const profiles = (): string[] =>
    JSON.parse(sb.xirsa(["sandbox", "status", "--state-dir", sb.dir, "-o", "json"]).stdout).accounts.map(
      (a: { profile: string }) => a.profile,
    );

  it("writes the region and profile given into the exec plugin", () => {
    const other = profiles().at(-1)!;
    const file = join(sb.dir, "..", `${sb.dir.split("/").at(-1)}-region.kubeconfig`);
    const r = kubeconfig("--region", "eu-north-1", "--profile", other, "--out", file);
    expect(r.code, r.stderr).toBe(0);
    const user = parse(readFileSync(file, "utf8")).users[0].user.exec;
    expect(user.args.slice(user.args.indexOf("--region"), user.args.indexOf("--region") + 2)).toEqual([
      "--region",
      "eu-north-1",
    ]);
    expect(user.env).toContainEqual({ name: "AWS_PROFILE", value: other });
  });

  it("refuses a profile the sandbox's files do not define, naming them, and a region that is not one", () => {
    const r = kubeconfig("--profile", "sandbox-000000000000");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(
      `profile 'sandbox-000000000000' is not in ${join(sb.dir, "aws-config")} or ${join(sb.dir, "aws-credentials")}`,
    );
    expect(r.stderr).toContain(`known: ${profiles().sort().join(", ")}`);
    const bad = kubeconfig("--region", "mars-1");
    expect([bad.code, bad.stderr]).toEqual([
      2,
      "xirsa sandbox kubeconfig: --region 'mars-1' is not an AWS region; pass a region such as eu-west-1 (default: the cluster's)\n",
    ]);
  });
});
