/**
 * `xirsa token` starts fast: `npm run build` bundles its entry into dist/token/, split so that what a cache hit
 * loads (the entry and its static imports) holds neither the SigV4 signer nor the SDK; those come in chunks
 * loaded only when a token must be made.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

const DIR = join(ROOT, "dist", "token");

/** The files an ES module loads before its first line runs: itself and its static imports, transitively. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(DIR, file), "utf8");
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"/gm)) staticGraph(m[1]!, seen);
  for (const m of text.matchAll(/^import\s*"\.\/([^"]+)"/gm)) staticGraph(m[1]!, seen);
  return seen;
}

describe("the token entry bundle", () => {
  it("is built, and bin/xirsa.js starts `token` from it", () => {
    expect(existsSync(join(DIR, "tokenEntry.js"))).toBe(true);
    expect(readFileSync(join(ROOT, "bin", "xirsa.js"), "utf8")).toContain(
      'import("../dist/token/tokenEntry.js")',
    );
  });

  it("loads neither the signer nor the SDK on a cache hit", () => {
    const eager = [...staticGraph("tokenEntry.js")];
    const eagerText = eager.map((f) => readFileSync(join(DIR, f), "utf8")).join("\n");
    expect(eagerText).toContain("readCachedToken");
    expect(eagerText).not.toContain("@smithy/signature-v4");
    expect(eagerText).not.toMatch(/from\s*"@aws-sdk\//);
    // The signer is bundled, in a chunk of its own that a cold start imports.
    const all = readFileSync(join(DIR, "tokenEntry.js"), "utf8");
    expect(all).toMatch(/import\("\.\/eksToken-[A-Z0-9]+\.js"\)/);
  });
});
