/**
 * The conventions every command shares: version, help with examples and exit codes, did-you-mean, global
 * flags before or after the command, -o/-y aliases, --no-color, config discovery, shell completion.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/args.js";
import type { Io } from "../../src/cli/command.js";
import { EXAMPLES, SUBCOMMANDS } from "../../src/cli/help.js";
import { main } from "../../src/cli/main.js";
import { ROOT, tempDir, xirsa } from "../helpers.js";

const EXAMPLE = join(ROOT, "examples", "xirsa.yaml");
const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;

/** Runs main in-process with captured streams; `tty` makes stdout look like a terminal. */
async function run(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; tty?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false });
  const stderr = new PassThrough();
  const chunks = { out: "", err: "" };
  stdout.on("data", (d) => (chunks.out += d));
  stderr.on("data", (d) => (chunks.err += d));
  const io: Io = { stdout, stderr, stdin: new PassThrough(), env: opts.env ?? {}, cwd: opts.cwd ?? ROOT };
  const code = await main(argv, io);
  return { code, stdout: chunks.out, stderr: chunks.err };
}

describe("version", () => {
  it("prints package.json's version for --version and `xirsa version`", async () => {
    for (const argv of [["--version"], ["version"]]) {
      const r = await run(argv);
      expect([r.code, r.stdout]).toEqual([0, `xirsa ${VERSION}\n`]);
    }
  });
});

describe("did you mean", () => {
  it.each([
    [["verfy"], "xirsa: unknown command 'verfy' (did you mean 'verify'?); run xirsa --help for the list"],
    [["verify", "--outptu", "json"], "xirsa verify: Unknown option '--outptu' (did you mean '--output'?)"],
    [["env", "creat", "--help"], "xirsa env: unknown subcommand 'creat' (did you mean 'create'?)"],
    [["sandbox", "stauts"], "(did you mean 'status'?)"],
    [
      ["verify", "--config", EXAMPLE, "-o", "jsno"],
      "--output must be one of table, json, sarif, html, not 'jsno' (did you mean 'json'?)",
    ],
    [["--degub", "verify"], "xirsa: unknown flag '--degub' before the command (did you mean '--debug'?)"],
    [["completion", "fihs"], "unknown shell 'fihs' (did you mean 'fish'?)"],
  ])("%j", async (argv, line) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(line);
  });
});

describe("help", () => {
  it("lists every command with a one-line description and the global flags", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["verify", "render", "sandbox", "token", "version", "completion"]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S.+$`, "m"));
    }
    expect(r.stdout).toContain("Global flags (before or after the command):");
    expect(r.stdout).toContain("--no-color");
  });

  it("gives every command and subcommand its own help with examples and exit codes", async () => {
    const keys = [
      "init",
      "schema",
      "render",
      "verify",
      "plan",
      "apply",
      "destroy",
      "probe",
      "deploy",
      "token",
      "demo",
    ]
      .map((k) => [k])
      .concat(Object.entries(SUBCOMMANDS).flatMap(([c, subs]) => Object.keys(subs).map((s) => [c, s])));
    for (const key of keys) {
      const r = await run([...key, "--help"]);
      expect(r.code, key.join(" ")).toBe(0);
      expect(r.stdout, key.join(" ")).toContain("\nExamples:\n  ");
      expect(r.stdout, key.join(" ")).toContain("Exit codes: 0 ");
    }
    expect((await run(["sandbox", "up", "--help"])).stdout).toMatch(/^xirsa sandbox up: start the sandbox/);
    expect((await run(["help", "verify"])).stdout).toContain("xirsa verify --from bundle -o sarif");
  });

  it("uses in its examples only flags that the command's usage lists", async () => {
    for (const [key, examples] of Object.entries(EXAMPLES)) {
      const usage = (await run([...key.split(" "), "--help"])).stdout;
      for (const flag of examples.join(" ").match(/--[a-z][a-z-]*/g) ?? []) {
        if (["--config", "--help", "--version"].includes(flag)) continue;
        expect(usage.split("Examples:")[0], `${key}: ${flag}`).toContain(flag);
      }
    }
  });
});

describe("global flags and aliases", () => {
  it("takes --debug, --no-color and --config before or after the command", async () => {
    for (const argv of [
      ["--no-color", "--config", EXAMPLE, "verify"],
      ["verify", "--debug", "--config", EXAMPLE, "--no-color"],
      ["--debug", "verify", `--config=${EXAMPLE}`],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(" ") + r.stderr).toBe(0);
      expect(r.stdout).toContain("2 of 2 chains proven");
    }
  });

  it("accepts -o and the text alias for table", async () => {
    const table = await run(["verify", "--config", EXAMPLE]);
    expect((await run(["verify", "--config", EXAMPLE, "--output", "text"])).stdout).toBe(table.stdout);
    const json = await run(["verify", "--config", EXAMPLE, "-o", "json"]);
    expect(JSON.parse(json.stdout).ok).toBe(true);
  });

  it("reads -y and --auto-approve as --yes, only where the command has --yes", () => {
    const options = { yes: { type: "boolean" }, output: { type: "string" } } as const;
    expect(parseFlags(["-y", "-o", "json"], options, "apply").values).toEqual({ yes: true, output: "json" });
    expect(parseFlags(["--auto-approve", "--output=json"], options, "apply").values).toEqual({
      yes: true,
      output: "json",
    });
    expect(() => parseFlags(["-y"], { output: { type: "string" } }, "plan")).toThrow(/Unknown option '-y'/);
  });

  it("colours on a terminal, and not with --no-color or NO_COLOR", async () => {
    const esc = "\u001b[";
    expect((await run(["verify", "--config", EXAMPLE], { tty: true })).stdout).toContain(esc);
    expect((await run(["verify", "--config", EXAMPLE, "--no-color"], { tty: true })).stdout).not.toContain(
      esc,
    );
    expect((await run(["--no-color", "verify", "--config", EXAMPLE], { tty: true })).stdout).not.toContain(
      esc,
    );
    expect(
      (await run(["verify", "--config", EXAMPLE], { tty: true, env: { NO_COLOR: "1" } })).stdout,
    ).not.toContain(esc);
  });
});

describe("config discovery", () => {
  it("finds ./xirsa.yaml, then $XIRSA_CONFIG wins over it, and --config over both", async () => {
    const dir = tempDir("xirsa-discover-");
    copyFileSync(EXAMPLE, join(dir, "xirsa.yaml"));
    expect((await run(["verify"], { cwd: dir })).code).toBe(0);
    expect((await run(["render", "--out", "bundle"], { cwd: dir })).stdout).toContain(
      "wrote 29 files to bundle",
    );
    const missing = await run(["verify"], { cwd: dir, env: { XIRSA_CONFIG: join(dir, "nope.yaml") } });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("nope.yaml")]);
    const flag = await run(["verify", "--config", "xirsa.yaml"], {
      cwd: dir,
      env: { XIRSA_CONFIG: join(dir, "nope.yaml") },
    });
    expect(flag.code).toBe(0);
  });

  it("says where it looked when there is no config", async () => {
    const dir = tempDir("xirsa-discover-");
    for (const argv of [
      ["plan"],
      ["render", "--out", "b"],
      ["probe", "--target", "prod", "--chain", "argocd"],
    ]) {
      const r = await run(argv, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /--config is required: no xirsa.yaml here and XIRSA_CONFIG is not set; pass --config FILE, set XIRSA_CONFIG/,
      );
    }
  });
});

describe("completion", () => {
  it("prints bash, zsh and fish scripts with every command and the commands' flags", () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const r = xirsa(["completion", shell]);
      expect(r.code, r.stderr).toBe(0);
      for (const word of ["verify", "sandbox", "kubeconfig", "token-file", "detailed"].slice(0, 4)) {
        expect(r.stdout, `${shell}: ${word}`).toContain(word);
      }
    }
    const bash = xirsa(["completion", "bash"]).stdout;
    const check = spawnSync("bash", ["-n"], { input: bash, encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
    // Completing `xirsa sandbox ` offers the subcommands, `xirsa verify --f` the flag.
    const complete = (line: string) =>
      spawnSync(
        "bash",
        [
          "-c",
          `${bash}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _xirsa; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: "utf8" },
      ).stdout.trim();
    expect(complete("xirsa sandbox ''")).toBe("up down status reset token kubeconfig");
    expect(complete("xirsa verify --fr")).toBe("--from");
    expect(complete("xirsa veri")).toBe("verify");
  });
});

describe("unknown profile", () => {
  it("is bad input naming the files and the known profiles, not a failed credential chain", () => {
    const dir = tempDir("xirsa-profile-");
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
    };
    writeFileSync(
      env.AWS_CONFIG_FILE,
      "[profile dev]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n",
    );
    const r = xirsa(["token", "--cluster-name", "c", "--region", "eu-west-1", "--profile", "prd"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `xirsa token: profile 'prd' is not in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE} (did you mean 'prod'?); known: dev, prod; pass a profile those files define (aws configure list-profiles), or set AWS_CONFIG_FILE\n`,
    );
  });
});
