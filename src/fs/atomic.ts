/**
 * Atomic file writes, the one implementation for the tool's outputs (reports, configs, token cache, rendered
 * extras) and the sandbox's state and client files: a temporary file beside the target, then a rename (or a
 * hard link when an existing file must not be replaced), so a reader never sees half a file and a failure
 * leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { InputError, OperationError, type WriteArea } from "../errors.js";

/** A fresh name beside `file` (same directory, so the rename stays on one file system); unique per write. */
const tempBeside = (file: string) => `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;

/** Replaces `file` atomically with `data` (mode 0600 unless given). Errors are the file system's own. */
export function replaceFileSync(file: string, data: string, mode = 0o600): void {
  const tmp = tempBeside(file);
  try {
    writeFileSync(tmp, data, { mode, flag: "wx" });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** replaceFileSync without blocking: concurrent writes of one file each use their own temporary file. */
export async function replaceFile(file: string, data: string, mode = 0o600): Promise<void> {
  const tmp = tempBeside(file);
  try {
    await writeFile(tmp, data, { mode, flag: "wx" });
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The tool's writes: a missing directory, a directory in the way or an existing file (`replace: false`) are
 * bad input named in one line; other failures are an OperationError. */

export interface AtomicWriteOptions {
  /** File mode; 0o600 for anything that holds a secret. */
  mode?: number;
  /** Replace an existing file (default true). When false, an existing file is an InputError naming `--force`. */
  replace?: boolean;
  /** How errors name the file, e.g. "the report" (default: the path). */
  what?: string;
  /** Error code prefix, e.g. "report" → report.out / report.write. */
  code?: WriteArea;
}

export function writeFileAtomic(file: string, data: string, opts: AtomicWriteOptions = {}): void {
  const target = resolve(file);
  const what = opts.what ?? file;
  const code = opts.code ?? "write";
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(
      `${code}.out`,
      `cannot write ${what}: directory ${dir} does not exist`,
      "create it or pass another path",
    );
  }
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new InputError(`${code}.out`, `cannot write ${what}: ${file} is a directory`, "pass a file name");
  }
  const tmp = tempBeside(target);
  try {
    writeFileSync(tmp, data, { encoding: "utf8", mode: opts.mode ?? 0o644, flag: "wx" });
    if (opts.replace === false) linkSync(tmp, target);
    else renameSync(tmp, target);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    if (errno === "EEXIST" && opts.replace === false) {
      throw new InputError(
        `${code}.exists`,
        `${what} already exists`,
        "pass --force to overwrite it, or another path",
      );
    }
    throw new OperationError(
      `${code}.write`,
      `cannot write ${what}: ${errno ?? (e as Error).message}`,
      "check the permissions of the directory and the free space",
      { cause: e },
    );
  } finally {
    rmSync(tmp, { force: true });
  }
}
