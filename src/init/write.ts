/** Writing the new config: atomically, and never over an existing file unless forced. */
import { randomBytes } from "node:crypto";
import { linkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { InputError, OperationError } from "../errors.js";

export function existsError(shown: string): InputError {
  return new InputError(
    "init.exists",
    `${shown} already exists`,
    "pass --force to overwrite it, or --out another file",
  );
}

/**
 * Writes `text` to `file` through a temporary file beside it. Without `force`, the final step is a hard link,
 * which fails if the file appeared meanwhile: an existing file is never replaced. `shown` names the file in errors.
 */
export function writeNewFile(file: string, text: string, force: boolean, shown = file): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, text, { encoding: "utf8", mode: 0o644, flag: "wx" });
    if (force) renameSync(tmp, file);
    else linkSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && !force) throw existsError(shown);
    if (code === "ENOENT") {
      throw new InputError(
        "init.out",
        `cannot write ${shown}: its directory does not exist`,
        "create it or pass another --out",
      );
    }
    throw new OperationError(
      "init.write",
      `cannot write ${shown}: ${code ?? (e as Error).message}`,
      "check the directory's permissions",
      {
        cause: e,
      },
    );
  } finally {
    rmSync(tmp, { force: true });
  }
}
