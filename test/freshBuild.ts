/**
 * Vitest global setup of the e2e tier: the CLI tests run `bin/xirsa.js`, which imports dist/. When any source
 * file is newer than its compiled output (or the output is missing), build first, so no test runs a stale
 * dist/. Per file is exact here: with `isolatedModules` each file's output depends on that file alone.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
const CONFIGS = ["tsconfig.json", "tsconfig.build.json"].map((f) => join(ROOT, f));

/** The compiled file for each source file tsconfig.build.json compiles (src/**, not the tests). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The first source file whose output is missing or older, or undefined when dist/ is up to date. */
export function staleSource(): string | undefined {
  const newestConfig = Math.max(...CONFIGS.map((f) => statSync(f).mtimeMs));
  for (const src of sources(SRC)) {
    const out = join(ROOT, "dist", relative(SRC, src)).replace(/\.ts$/, ".js");
    if (!existsSync(out)) return src;
    const built = statSync(out).mtimeMs;
    if (built < statSync(src).mtimeMs || built < newestConfig) return src;
  }
  return undefined;
}

export default function setup(): void {
  const stale = staleSource();
  if (!stale) return;
  console.log(
    `e2e: dist/ is not up to date with ${relative(ROOT, stale)}; building (tsc -p tsconfig.build.json)`,
  );
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
}
