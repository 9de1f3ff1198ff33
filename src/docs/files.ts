/** Where the generated docs come from and go: the edge that reads the hop modules for the pure generator. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type HopSource, renderHopsAndFindings } from "./hopsAndFindings.js";

export const HOPS_DIR = join("src", "verify", "hops");
export const HOPS_AND_FINDINGS = join("docs", "hops-and-findings.md");

/** The hop modules of the repository at `root` (not their tests), in file-name order. */
export function readHopSources(root: string): HopSource[] {
  const dir = join(root, HOPS_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort()
    .map((f) => ({ file: join(HOPS_DIR, f), text: readFileSync(join(dir, f), "utf8") }));
}

/** docs/hops-and-findings.md as the code of the repository at `root` says it should be. */
export function generateHopsAndFindings(root: string): string {
  return renderHopsAndFindings(readHopSources(root));
}
