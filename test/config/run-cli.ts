/** Runs the built CLI (`node bin/xirsa.js`, as users do); builds dist/ first if it is missing. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const root = join(import.meta.dirname, "../..");

export function ensureBuilt(): void {
  if (!existsSync(join(root, "dist/cli/commands/render.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  }
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function xirsa(args: string[], cwd = root): CliResult {
  const r = spawnSync(process.execPath, [join(root, "bin/xirsa.js"), ...args], { cwd, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
