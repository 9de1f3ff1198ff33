/**
 * Docs that run: every `sh run` block of README.md and docs/*.md is run, in order, in a fresh directory per
 * document (with `examples/` and a `xirsa` on PATH, as in a checkout), and what it prints is compared with the
 * `text` block that follows it. Blocks of one document share their shell environment (`. .sandbox/env.sh`
 * carries over), as a reader's terminal would.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, ROOT, tempDir } from "../helpers.js";
import { markdownFiles } from "./markdownLinks.js";
import { outputMatches, runnableBlocks } from "./runnableDocs.js";

const docs = markdownFiles(ROOT, ["docs"])
  .map((file) => ({
    file: relative(ROOT, file),
    blocks: runnableBlocks(relative(ROOT, file), readFileSync(file, "utf8")),
  }))
  .filter((d) => d.blocks.length > 0);

const workDirs: string[] = [];
/** What the harness itself puts in a workspace (the rest was written by the documented commands). */
const HARNESS = new Set([".bin", ".home", ".doc-env", "examples", "node_modules"]);

/** A directory that looks like a checkout to the reader's commands: examples/, node_modules (npx xirsa), xirsa on PATH. */
function workspace(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir("xirsa-docs-");
  workDirs.push(dir);
  cpSync(join(ROOT, "examples"), join(dir, "examples"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const bin = join(dir, ".bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "xirsa"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, "xirsa"), 0o755);
  mkdirSync(join(dir, ".home"));
  return {
    dir,
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: join(dir, ".home"),
      NO_COLOR: "1",
      TERM: "dumb",
      LANG: "C.UTF-8",
      npm_config_update_notifier: "false",
    },
  };
}

/** Runs one block in bash with the environment the previous blocks left; returns its exit code and output. */
function runBlock(script: string, dir: string, env: NodeJS.ProcessEnv): { code: number | null; out: string } {
  const envFile = join(dir, ".doc-env");
  const wrapped = [
    "set -eo pipefail",
    `[ -f '${envFile}' ] && . '${envFile}'`,
    `cd '${dir}'`,
    "exec 2>&1",
    `trap '(umask 077; export -p | grep -v -E "^declare -x (PWD|OLDPWD|SHLVL|_)=" > "${envFile}")' EXIT`,
    script,
  ].join("\n");
  const r = spawnSync("bash", ["-c", wrapped], {
    cwd: dir,
    env,
    encoding: "utf8",
    timeout: 150_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

afterAll(() => {
  // Stop every sandbox the documents started (a state dir holds endpoints.json).
  const stateDirs = (dir: string, depth: number): string[] =>
    depth < 0 || !existsSync(dir)
      ? []
      : readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && e.name !== "node_modules" && e.name !== "examples")
          .flatMap((e) => {
            const d = join(dir, e.name);
            return [...(existsSync(join(d, "endpoints.json")) ? [d] : []), ...stateDirs(d, depth - 1)];
          });
  for (const dir of workDirs) {
    for (const state of stateDirs(dir, 3))
      spawnSync(process.execPath, [BIN, "sandbox", "down", "--state-dir", state], { encoding: "utf8" });
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("expected output with placeholders", () => {
  it("matches … within a line and a line of … over any number of lines", () => {
    const expected = "sandbox on http://127.0.0.1:…\n…\ndone (0.01 s)";
    expect(outputMatches(expected, "sandbox on http://127.0.0.1:4321\na\nb\ndone (1.25 s)\n")).toBe(true);
    expect(outputMatches(expected, "sandbox on http://127.0.0.1:4321\ndone (3 s)")).toBe(true);
    expect(outputMatches(expected, "sandbox on http://127.0.0.1:4321\nfailed")).toBe(false);
    expect(outputMatches(expected, "extra first line\nsandbox on http://127.0.0.1:1\ndone (0 s)")).toBe(
      false,
    );
    expect(outputMatches("a … c", "a b\nc")).toBe(false); // … stays within its line
  });

  it("takes a sh run block, its exit code and the text block right after it", () => {
    const md =
      "```sh run exit=1\nfalse\n```\n\n```text\nout\n```\n```sh\nnot run\n```\n```sh run\ntrue\n```\ntext\n";
    expect(runnableBlocks("x.md", md)).toEqual([
      { file: "x.md", line: 1, script: "false", exitCode: 1, expected: "out" },
      { file: "x.md", line: 11, script: "true", exitCode: 0 },
    ]);
  });
});

describe("docs that run", () => {
  it("finds runnable blocks in the README, the walkthrough and the sandbox page", () => {
    expect(docs.map((d) => d.file)).toEqual(
      expect.arrayContaining(["README.md", "docs/walkthrough.md", "docs/sandbox.md"]),
    );
  });

  describe.each(docs)("$file", ({ blocks }) => {
    const ws = workspace();
    afterAll(() => {
      // What the reader's commands wrote into a checkout stays out of Git.
      const written = readdirSync(ws.dir, { withFileTypes: true })
        .filter((e) => !HARNESS.has(e.name))
        .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
      const ignored = spawnSync("git", ["check-ignore", "--no-index", "--stdin"], {
        cwd: ROOT,
        input: written.join("\n"),
        encoding: "utf8",
      }).stdout.split("\n");
      expect(written.filter((w) => !ignored.includes(w))).toEqual([]);
    });
    it.each(blocks.map((b) => [`line ${b.line}`, b]))(
      "%s",
      (_, block) => {
        const r = runBlock(block.script, ws.dir, ws.env);
        const where = `${block.file}:${block.line}\n$ ${block.script}\n${r.out}`;
        expect(r.code, where).toBe(block.exitCode);
        if (block.expected !== undefined) {
          expect(outputMatches(block.expected, r.out), `${where}\n--- expected ---\n${block.expected}`).toBe(
            true,
          );
        }
      },
      160_000,
    ); // a block may run several CLI commands: the spawn allows each block 150 s
  });
});
