/**
 * Where a command writes a file named by --out: never over a file the command reads (the config, the bundle,
 * the sandbox's state), and over an existing file only with --force. Outputs never overwrite inputs.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../errors.js";

export const FORCE_OPTION = { force: { type: "boolean" } } as const;

/** The same file, by path or by inode (a link or a hard link to it). */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Regular files directly in `dir` (the sandbox state directory's). */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/**
 * Checks `file` against the inputs (refused always) and returns whether an existing file may be replaced
 * (--force); writeFileAtomic with `replace: false` then refuses an existing file naming --force.
 */
export function outputFile(
  file: string,
  opts: { force: boolean; inputs: readonly string[]; flag?: string },
): boolean {
  const input = opts.inputs.find((i) => sameFile(file, i));
  if (input) {
    throw new InputError(
      "cli.out",
      `${opts.flag ?? "--out"} ${file} is ${input === file ? "a file" : `the same file as ${input}`} this command reads; refusing to overwrite it`,
      "write the output to another path",
    );
  }
  return opts.force;
}
