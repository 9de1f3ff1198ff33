/**
 * `xirsa render --out` over an existing bundle, killed (SIGKILL, as a crash or an OOM kill would) at each point
 * between the steps of the write. With the native exchange, --out holds a complete bundle (its MANIFEST matches
 * its files), the old or the new one, whatever the moment; with two renames (no addon), the one moment between
 * them leaves the old bundle aside, which the next run puts back. Either way the next run leaves only --out.
 * The kill points are the process's own (XIRSA_TEST_KILL_AT, src/render/write.ts): between them there are only
 * writes under a temporary name and single rename(2)/renameat2(2) calls, which the kernel does whole.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { renderBundle } from "../../src/render/bundle.js";
import type { WriteStep } from "../../src/render/write.js";
import { ensureBuilt, root } from "../config/run-cli.js";
import { requireTools } from "../tools.js";

const tmp = mkdtempSync(join(tmpdir(), "xirsa-swap-crash-"));
beforeAll(ensureBuilt);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OLD_CONFIG = join(root, "examples/xirsa.yaml");
const NEW_CONFIG = join(root, "examples/multi-target.yaml");
const OLD = renderBundle(loadConfig(OLD_CONFIG));
const NEW = renderBundle(loadConfig(NEW_CONFIG));

function render(config: string, out: string, env: NodeJS.ProcessEnv) {
  return spawnSync(
    process.execPath,
    [join(root, "bin/xirsa.js"), "render", "--config", config, "--out", out],
    {
      cwd: tmp,
      env: { PATH: process.env.PATH, HOME: tmp, ...env },
      encoding: "utf8",
      timeout: 120_000,
    },
  );
}

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** Which bundle `dir` holds whole: its MANIFEST lists exactly its other files, with their sha256s, and the
 * files are those of the old or the new render. Anything else fails the test. */
function whole(dir: string): "old" | "new" {
  const manifest = JSON.parse(readFileSync(join(dir, "MANIFEST.json"), "utf8")) as {
    files: { path: string; sha256: string }[];
  };
  expect(tree(dir).filter((p) => p !== "MANIFEST.json")).toEqual(manifest.files.map((f) => f.path).sort());
  for (const f of manifest.files) {
    const sha = createHash("sha256")
      .update(readFileSync(join(dir, f.path)))
      .digest("hex");
    expect(sha, f.path).toBe(f.sha256);
  }
  const text = Object.fromEntries(tree(dir).map((p) => [p, readFileSync(join(dir, p), "utf8")]));
  if (JSON.stringify(text) === JSON.stringify(Object.fromEntries([...OLD].sort()))) return "old";
  if (JSON.stringify(text) === JSON.stringify(Object.fromEntries([...NEW].sort()))) return "new";
  throw new Error(`${dir} holds a complete bundle that is neither the old nor the new one`);
}

type Mode = "exchange" | "renames";

/** What a kill at each step leaves at --out. */
const AFTER_KILL: Record<Mode, Partial<Record<WriteStep, "old" | "new" | "aside">>> = {
  exchange: { cleaned: "old", writing: "old", written: "old", swapped: "new" },
  renames: { cleaned: "old", writing: "old", written: "old", aside: "aside", swapped: "new" },
};

const ENV: Record<Mode, NodeJS.ProcessEnv> = { exchange: {}, renames: { XIRSA_NO_EXCHANGE: "1" } };

// Under CI the addon must be there (npm ci builds it); locally its half is skipped with the reason printed.
const noAddon = !!requireTools(
  "test/render/swap-crash.test.ts (with the native exchange)",
  "native-exchange",
);

describe.each(["exchange", "renames"] as const)("render --out killed during the swap (%s)", (mode) => {
  it.skipIf(mode === "exchange" && noAddon).each(Object.entries(AFTER_KILL[mode]))(
    "a kill at %s leaves a whole bundle (%s), and the next run cleans up",
    (step, left) => {
      const parent = mkdtempSync(join(tmp, `${mode}-${step}-`));
      const out = join(parent, "out");
      expect(render(OLD_CONFIG, out, ENV[mode]).status).toBe(0);
      expect(whole(out)).toBe("old");

      const killed = render(NEW_CONFIG, out, { ...ENV[mode], XIRSA_TEST_KILL_AT: step });
      expect(killed.signal, killed.stderr).toBe("SIGKILL");
      if (left === "aside") {
        // The window two renames cannot close: nothing at --out, the old bundle whole under the name the next
        // run looks for.
        expect(existsSync(out)).toBe(false);
        const aside = readdirSync(parent).filter((n) => n.startsWith(".out.old-"));
        expect(aside).toHaveLength(1);
        expect(whole(join(parent, aside[0]!, "bundle"))).toBe("old");
      } else {
        expect(whole(out)).toBe(left);
      }
      if (step !== "cleaned")
        expect(readdirSync(parent).length, "a temporary directory is left").toBeGreaterThan(1);

      // The next run (the old config again, so that a stale new bundle could not pass for it) cleans up.
      const next = render(OLD_CONFIG, out, ENV[mode]);
      expect(next.status, next.stderr).toBe(0);
      expect(readdirSync(parent)).toEqual(["out"]);
      expect(whole(out)).toBe("old");
    },
  );
});

describe.skipIf(noAddon)("render --out with the native exchange", () => {
  it("never has the moment two renames have: a kill set for it is never reached", () => {
    const parent = mkdtempSync(join(tmp, "exchange-no-aside-"));
    const out = join(parent, "out");
    expect(render(OLD_CONFIG, out, {}).status).toBe(0);
    const r = render(NEW_CONFIG, out, { XIRSA_TEST_KILL_AT: "aside" satisfies WriteStep });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(["out"]);
    expect(whole(out)).toBe("new");
  });
});
