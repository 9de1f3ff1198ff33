/**
 * Installable outside a checkout: `npm pack` makes a tarball that installs into an empty directory and runs
 * `xirsa demo`, `xirsa token` and `xirsa verify` from there, and whose `exports` map is the public API only.
 *
 * No network: the install is `npm ci --offline` from npm's cache, with a lockfile made from this repository's
 * (the same resolved versions and integrity hashes). `npm install -g <tarball>` would resolve every
 * dependency's registry metadata, which is not in the cache offline; the files installed are the same.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers.js";
import { inCI, missingTools } from "../tools.js";

const dir = tempDir("xirsa-pack-");
// npm's cache as this machine has it (HOME is the temp dir below, which would give npm an empty one).
const NPM_CACHE = spawnSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).stdout.trim();
const app = join(dir, "app");
const state = join(dir, "state");
const ADDON = join(app, "node_modules/xirsa/native/build/Release/xirsa_exchange.node");

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      NO_COLOR: "1",
      npm_config_update_notifier: "false",
      npm_config_cache: NPM_CACHE,
      ...opts.env,
    },
    encoding: "utf8",
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}${r.stderr}` };
}

/** The lockfile of an app that depends on the tarball only: the repository's production packages. */
function appLock(tarball: string): string {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const packages: Record<string, unknown> = {
    "": { name: "app", dependencies: { xirsa: `file:${tarball}` } },
    "node_modules/xirsa": {
      version: pkg.version,
      resolved: `file:${tarball}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
      // As npm records it: `npm ci` runs a package's install scripts only when its lockfile entry says it has one.
      ...(["preinstall", "install", "postinstall"].some((s) => pkg.scripts?.[s]) && {
        hasInstallScript: true,
      }),
    },
  };
  for (const [path, entry] of Object.entries(
    lock.packages as Record<string, { dev?: boolean; link?: boolean }>,
  )) {
    if (path.startsWith("node_modules/") && path !== "node_modules/xirsa" && !entry.dev && !entry.link) {
      packages[path] = entry;
    }
  }
  return JSON.stringify({ name: "app", lockfileVersion: 3, requires: true, packages }, null, 2);
}

afterAll(() => {
  sh(join(app, "node_modules", ".bin", "xirsa"), ["sandbox", "down", "--state-dir", state]);
  rmSync(dir, { recursive: true, force: true });
});

describe("npm pack, installed into an empty directory", () => {
  const xirsa = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    sh(join(app, "node_modules", ".bin", "xirsa"), args, { cwd: app, env });

  it("packs and installs with npm's own client", () => {
    // The CLI tests run after `npm run build`, so dist/ is current: pack without running prepare again.
    const pack = sh("npm", ["pack", "--ignore-scripts", "--pack-destination", dir, "--json"], { cwd: ROOT });
    expect(pack.code, pack.out).toBe(0);
    const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    const files = info.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        "bin/xirsa.js",
        "dist/cli/main.js",
        "examples/multi-target.yaml",
        // The native exchange's sources, which the package's install script builds where it is installed.
        "native/binding.gyp",
        "native/exchange.c",
        "native/install.js",
      ]),
    );
    expect(files.filter((f) => f.startsWith("native/build/"))).toEqual([]);
    // Nothing of the checkout's tests or sources beyond what runs.
    expect(
      files.filter((f) => f.startsWith("src/") || f.startsWith("test/") || f.endsWith(".test.js")),
    ).toEqual([]);

    sh("mkdir", ["-p", app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "app", dependencies: { xirsa: `file:../${info.filename}` } }),
    );
    writeFileSync(join(app, "package-lock.json"), appLock(`../${info.filename}`));
    const install = sh("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: app });
    expect(install.code, install.out).toBe(0);
    // Its install script built the addon where this machine can (CI's can; a checkout with one built shows
    // that this one can too), and otherwise still installed.
    if (inCI() || missingTools(["native-exchange"]).length === 0)
      expect(existsSync(ADDON), install.out).toBe(true);
    const version = xirsa(["--version"]);
    expect(version.stdout).toBe(
      `xirsa ${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}\n`,
    );
  });

  it("render --out from the installed package swaps bundles with its native exchange, if it has one", () => {
    const out = join(dir, "bundle");
    const config = join(app, "node_modules/xirsa/examples/xirsa.yaml");
    expect(xirsa(["render", "--config", config, "--out", out]).code).toBe(0);
    // With the exchange the kill point between two renames is never reached (test/render/swap-crash.test.ts).
    const r = xirsa(["render", "--config", config, "--out", out], { XIRSA_TEST_KILL_AT: "aside" });
    if (existsSync(ADDON)) expect(r.code, r.out).toBe(0);
    else expect(r.code).toBeNull(); // killed there: the installed package fell back to two renames
  });

  it("runs xirsa demo from the installed package (its examples are packed)", () => {
    const r = xirsa(["demo", "--state-dir", state, "--out", join(dir, "out")]);
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toMatch(/Summary: (\d+)\/\1 steps as expected/);
  });

  it("runs xirsa token and xirsa verify --live against the demo's sandbox", () => {
    const up = xirsa(["sandbox", "up", "--state-dir", state, "--detach"]);
    expect(up.code, up.out).toBe(0);
    const env = Object.fromEntries(
      [
        ...readFileSync(join(state, "env.sh"), "utf8").matchAll(
          /^export (\w+)=(?:'([^']*)'|"([^"]*)"|(\S*))$/gm,
        ),
      ].map((m) => [m[1]!, m[2] ?? m[3] ?? m[4] ?? ""]),
    );
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = xirsa(
      [
        "token",
        "--cluster-name",
        "workloads-prod",
        "--region",
        "eu-west-1",
        "--profile",
        "sandbox-333333333333",
      ],
      env,
    );
    expect(token.code, token.out).toBe(0);
    const cred = JSON.parse(token.stdout);
    expect(cred.kind).toBe("ExecCredential");
    expect(cred.status.token).toMatch(/^k8s-aws-v1\./);

    const verify = xirsa(["verify", "--live", "--config", join(state, "xirsa.yaml")], env);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.stdout).toContain("4 of 4 chains proven");
  });

  it("exposes the public API through its exports map, and nothing else", () => {
    const load = (spec: string) =>
      sh(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(spec)}); console.log(Object.keys(m).length)`,
        ],
        {
          cwd: app,
        },
      );
    const api = load("xirsa");
    expect(api.code, api.out).toBe(0);
    expect(Number(api.stdout)).toBeGreaterThan(10);
    const internal = load("xirsa/dist/cli/main.js");
    expect(internal.code).not.toBe(0);
    expect(internal.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });
});
