/**
 * Golden files: every rendered file of the example configs, byte for byte. `UPDATE_GOLDEN=1 npx vitest run
 * test/render/golden.test.ts` rewrites them (and removes stale ones); review the diff before committing.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { renderBundle } from "../../src/render/bundle.js";

const root = join(import.meta.dirname, "../..");
const update = process.env.UPDATE_GOLDEN === "1";

/** Files under `dir`, relative to it, with `/`. */
function listFiles(dir: string, base = dir): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : [relative(base, full).split(sep).join("/")];
  });
}

for (const example of ["xirsa", "multi-target"]) {
  describe(`golden bundle of examples/${example}.yaml`, () => {
    const goldenDir = join(root, "test/golden/render", example);
    const files = renderBundle(loadConfig(join(root, "examples", `${example}.yaml`)));

    if (update) {
      rmSync(goldenDir, { recursive: true, force: true });
      for (const [path, text] of files) {
        mkdirSync(dirname(join(goldenDir, path)), { recursive: true });
        writeFileSync(join(goldenDir, path), text);
      }
    }

    it("has exactly the golden set of files", () => {
      const golden = listFiles(goldenDir).sort();
      expect([...files.keys()].sort()).toEqual(golden);
    });

    for (const [path, text] of files) {
      it(path, () => {
        expect(text).toBe(readFileSync(join(goldenDir, path), "utf8"));
      });
    }

    it("renders the same bytes twice (no clock, no randomness, no map-order drift)", () => {
      const again = renderBundle(loadConfig(join(root, "examples", `${example}.yaml`)));
      expect([...again]).toEqual([...files]);
    });
  });
}
