import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CA_DATA, ENDPOINT, ISSUER, validArgs, validValues } from "../../../test/init/testdata.js";
import { loadConfig } from "../../config/index.js";
import type { EksPort } from "../../init/index.js";
import { validateValues } from "../../init/values.js";
import type { Io } from "../command.js";
import { main } from "../main.js";
import { runInitCommand } from "./init.js";

interface TestIo extends Io {
  out(): string;
  err(): string;
}

function testIo(cwd: string, opts: { tty?: boolean; input?: string } = {}): TestIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.tty === true });
  let out = "";
  let err = "";
  stdout.on("data", (d) => {
    out += d;
  });
  stderr.on("data", (d) => {
    err += d;
  });
  stdin.end(opts.input ?? "");
  return { stdout, stderr, stdin, env: {}, cwd, out: () => out, err: () => err };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "xirsa-init-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("xirsa init", () => {
  it("writes xirsa.yaml from flags; the file loads as the values say", async () => {
    const io = testIo(dir);
    expect(await main(["init", ...validArgs()], io)).toBe(0);
    expect(loadConfig(join(dir, "xirsa.yaml"))).toEqual(validateValues(validValues()));
    expect(io.out()).toMatch(
      /^wrote xirsa.yaml: stack dev, source krci-main \(111111111111 eu-central-1\), target prod/,
    );
    expect(io.err()).toBe("");
    expect(readdirSync(dir)).toEqual(["xirsa.yaml"]);
  });

  it("never overwrites an existing file without --force", async () => {
    const file = join(dir, "xirsa.yaml");
    writeFileSync(file, "# mine\n");
    const io = testIo(dir);
    expect(await main(["init", ...validArgs()], io)).toBe(2);
    expect(io.err()).toBe(
      "xirsa init: xirsa.yaml already exists; pass --force to overwrite it, or --out another file\n",
    );
    expect(readFileSync(file, "utf8")).toBe("# mine\n");
    expect(await main(["init", ...validArgs(), "--force"], testIo(dir))).toBe(0);
    expect(loadConfig(file).name).toBe("dev");
    expect(readdirSync(dir)).toEqual(["xirsa.yaml"]);
  });

  it("refuses a bad value in one line naming the flag, writing nothing", async () => {
    const args = validArgs();
    args[args.indexOf("--source-account") + 1] = "1111";
    const io = testIo(dir);
    expect(await main(["init", ...args, "--out", "x.yaml"], io)).toBe(2);
    expect(io.err()).toMatch(
      /^xirsa init: --source-account '1111': expected a 12-digit AWS account id[^\n]*\n$/,
    );
    expect(existsSync(join(dir, "x.yaml"))).toBe(false);
  });

  it("names every missing flag when it cannot ask", async () => {
    const io = testIo(dir);
    expect(await main(["init", "--name", "dev", "--source-account", "111111111111"], io)).toBe(2);
    expect(io.err()).toBe(
      "xirsa init: missing --source-region, --source-cluster, --target-name, --target-account, --target-region, --target-cluster; pass them as flags, or run xirsa init on a terminal to be asked\n",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses an --out in a missing directory", async () => {
    const io = testIo(dir);
    expect(await main(["init", ...validArgs(), "--out", "nope/xirsa.yaml"], io)).toBe(2);
    expect(io.err()).toMatch(/cannot write nope\/xirsa.yaml: its directory does not exist/);
  });

  it("asks on a terminal for what is missing, again when an answer is invalid", async () => {
    const answers = [
      "", // read the source from EKS? no: type the values (and the profile question is not asked again)
      "", // nor the target
      "123", // source account: invalid
      "111111111111",
      "eu-central-1",
      "krci-main",
      "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", // an issuer of another region: asked again
      ISSUER,
      "prod",
      "111111111111",
      "", // target region: the source's, offered as the default
      "krci-main", // the source cluster itself: asked again at this question
      "workloads-prod",
      "", // endpoint, CA, namespaces, access: skipped
      "",
      "",
      "",
      "maybe", // Capsule: not y or n, asked again
      "y",
    ];
    const io = testIo(dir, { tty: true, input: `${answers.join("\n")}\n` });
    expect(await main(["init", "--name", "dev", "--out", "a.yaml"], io)).toBe(0);
    const config = loadConfig(join(dir, "a.yaml"));
    expect(config.source).toMatchObject({ accountId: "111111111111", oidcIssuer: ISSUER });
    expect(config.source.profile).toBeUndefined();
    expect(config.targets[0]).toMatchObject({
      name: "prod",
      region: "eu-central-1",
      cluster: "workloads-prod",
      namespaces: "krci-*",
      access: "cluster-admin",
    });
    expect(config.targets[0]!.endpoint).toBeUndefined();
    expect(config.targets[0]!.capsule).toEqual({
      tenant: "krci",
      group: "cd-pipeline-operator",
      usersForm: "users",
    });
    const err = io.err();
    expect(err).toContain("AWS profile for the source (account A) to read: ");
    expect(err).not.toContain("AWS profile for the source account (empty for none)");
    expect(err).toContain("Source AWS account id (account A, 12 digits): ");
    expect(err).toContain("  expected a 12-digit AWS account id");
    expect(err).toContain("  the issuer is in region eu-west-1 but source.region is eu-central-1");
    expect(err).toContain("Target region [eu-central-1]: ");
    expect(err).toContain("  a target cannot be the source cluster itself");
    // The schema's defaults are shown in the questions they answer.
    expect(err).toMatch(/Environment namespaces in the target[^\n]*\[krci-\*\]: /);
    expect(err).toMatch(/Access in the target[^\n]*\[cluster-admin\]: /);
    expect(err).toContain("Use Capsule tenancy in the target? [y/N]: ");
    expect(err).toContain("  answer y or n");
    expect(io.out()).toContain("not set: targets[0].endpoint (--endpoint)");
    // Without the endpoint, render would refuse the config: the next command is one that works.
    expect(io.out()).toContain("next: xirsa plan --config a.yaml, then xirsa apply --config a.yaml");
  });

  it("on a terminal, offers to read the clusters from EKS with a profile", async () => {
    const eks = (profile: string): EksPort => ({
      async listClusters() {
        return { clusters: [profile === "acct-a" ? "krci-main" : "workloads-prod"] };
      },
      async describeCluster(input) {
        const [account, region] =
          profile === "acct-a" ? ["111111111111", "eu-central-1"] : ["222222222222", "eu-west-1"];
        return {
          cluster: {
            name: input.name,
            arn: `arn:aws:eks:${region}:${account}:cluster/${input.name}`,
            endpoint: ENDPOINT,
            certificateAuthority: { data: CA_DATA },
            identity: {
              oidc: {
                issuer: profile === "acct-a" ? ISSUER : "https://oidc.eks.eu-west-1.amazonaws.com/id/B",
              },
            },
          },
        };
      },
    });
    // Two profiles, then the target name (offered from the cluster), namespaces, access, Capsule.
    const answers = ["acct-a", "acct-b", "", "", "", "n"];
    const io = testIo(dir, { tty: true, input: `${answers.join("\n")}\n` });
    expect(await runInitCommand(["--name", "dev"], io, { eks })).toBe(0);
    const config = loadConfig(join(dir, "xirsa.yaml"));
    expect(config.source).toMatchObject({ cluster: "krci-main", oidcIssuer: ISSUER, profile: "acct-a" });
    expect(config.targets[0]).toMatchObject({
      name: "workloads-prod",
      accountId: "222222222222",
      endpoint: ENDPOINT,
      profile: "acct-b",
    });
    expect(io.err()).toContain(
      "init: target cluster workloads-prod in account 222222222222 eu-west-1 (profile acct-b)",
    );
    expect(io.out()).toContain("next: xirsa render --config xirsa.yaml --out bundle");
  });

  it("fails cleanly when the terminal input ends early", async () => {
    const io = testIo(dir, { tty: true, input: "111111111111\n" });
    expect(await main(["init", "--name", "dev"], io)).toBe(2);
    expect(io.err()).toMatch(
      /xirsa init: input ended before every value was given; pass the values as flags\n$/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("--discover fills the clusters' account, region, issuer, endpoint and CA from EKS", async () => {
    const made: string[] = [];
    const eksFor = (profile: string, region?: string): EksPort => {
      made.push(`${profile} ${region ?? "-"}`);
      const [name, account, reg] =
        profile === "acct-a"
          ? ["krci-main", "111111111111", "eu-central-1"]
          : ["Workloads-Prod", "222222222222", "eu-west-1"];
      return {
        async listClusters() {
          return { clusters: [name] };
        },
        async describeCluster(input) {
          return {
            cluster: {
              name: input.name,
              arn: `arn:aws:eks:${reg}:${account}:cluster/${input.name}`,
              endpoint: ENDPOINT,
              certificateAuthority: { data: CA_DATA },
              identity: {
                oidc: {
                  issuer: profile === "acct-a" ? ISSUER : "https://oidc.eks.eu-west-1.amazonaws.com/id/B",
                },
              },
            },
          };
        },
      };
    };
    const io = testIo(dir);
    const code = await runInitCommand(
      ["--discover", "--source-profile", "acct-a", "--target-profile", "acct-b", "--name", "dev"],
      io,
      { eks: eksFor },
    );
    expect(io.err()).toContain(
      "init: source cluster krci-main in account 111111111111 eu-central-1 (profile acct-a)",
    );
    expect(code).toBe(0);
    expect(made).toEqual(["acct-a -", "acct-b -"]);
    const config = loadConfig(join(dir, "xirsa.yaml"));
    expect(config.source).toMatchObject({
      accountId: "111111111111",
      region: "eu-central-1",
      cluster: "krci-main",
      oidcIssuer: ISSUER,
      profile: "acct-a",
    });
    expect(config.targets[0]).toMatchObject({
      name: "workloads-prod",
      accountId: "222222222222",
      region: "eu-west-1",
      cluster: "Workloads-Prod",
      endpoint: ENDPOINT,
      caData: CA_DATA,
      profile: "acct-b",
    });
  });

  it("--discover offers a menu on a terminal when a profile sees several clusters", async () => {
    const eks: EksPort = {
      async listClusters() {
        return { clusters: ["b-cluster", "a-cluster"] };
      },
      async describeCluster(input) {
        return {
          cluster: {
            name: input.name,
            arn: `arn:aws:eks:eu-central-1:111111111111:cluster/${input.name}`,
            identity: { oidc: { issuer: ISSUER } },
          },
        };
      },
    };
    // "9" is out of range and asked again; "2" picks b-cluster; then the values still missing.
    const answers = [
      "9",
      "2",
      "prod",
      "222222222222",
      "eu-west-1",
      "workloads-prod",
      ENDPOINT,
      "",
      "",
      "",
      "",
      "n",
    ];
    const io = testIo(dir, { tty: true, input: `${answers.join("\n")}\n` });
    expect(
      await runInitCommand(["--discover", "--source-profile", "acct-a", "--name", "dev"], io, {
        eks: () => eks,
      }),
    ).toBe(0);
    expect(io.err()).toContain("EKS clusters for the source:\n  1) a-cluster\n  2) b-cluster\n");
    expect(io.err()).toContain("  answer a number from 1 to 2");
    const config = loadConfig(join(dir, "xirsa.yaml"));
    expect(config.source.cluster).toBe("b-cluster");
    expect(config.targets[0]!.endpoint).toBe(ENDPOINT);
    expect(config.targets[0]!.capsule).toBeUndefined();

    // Without a terminal, several clusters are refused with the flag that picks one.
    const io3 = testIo(dir);
    await expect(
      runInitCommand(["--out", "c.yaml", "--discover", "--source-profile", "acct-a", "--name", "dev"], io3, {
        eks: () => eks,
      }),
    ).rejects.toThrow("profile acct-a sees several EKS clusters (a-cluster, b-cluster)");
  });

  it("--discover needs a profile", async () => {
    const io = testIo(dir);
    expect(await main(["init", "--discover", "--name", "dev"], io)).toBe(2);
    expect(io.err()).toBe(
      "xirsa init: --discover needs --source-profile and/or --target-profile; name the AWS profiles of the accounts to read\n",
    );
  });

  it("prints its usage with every flag", async () => {
    const io = testIo(dir);
    expect(await main(["init", "--help"], io)).toBe(0);
    for (const flag of [
      "--source-account",
      "--target-account",
      "--issuer",
      "--endpoint",
      "--ca-data",
      "--access",
      "--capsule",
      "--discover",
      "--force",
      "--out",
    ]) {
      expect(io.out()).toContain(flag);
    }
  });
});
