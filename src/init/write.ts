/** Writing the new config: atomically, and never over an existing file unless forced. */
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fs/index.js";

export function existsError(shown: string): InputError {
  return new InputError(
    "init.exists",
    `${shown} already exists`,
    "pass --force to overwrite it, or --out another file",
  );
}

/** Writes `text` to `file` atomically; an existing file is never replaced unless `force`. */
export function writeNewFile(file: string, text: string, force: boolean, shown = file): void {
  try {
    writeFileAtomic(file, text, { replace: force, what: shown, code: "init" });
  } catch (e) {
    if (e instanceof InputError && e.code === "init.exists") throw existsError(shown);
    throw e;
  }
}
