import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** xirsa's version, from its package.json (dist/cli/ and src/cli/ are both two levels below it). */
export function xirsaVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "..", "..", "package.json"), "utf8"));
  return String(pkg.version);
}
