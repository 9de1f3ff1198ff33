/**
 * Puts a rendered bundle on disk without ever leaving a half-written one: files go into a temporary directory
 * beside the target, which then replaces it by rename. An existing directory is replaced only if it is empty or
 * a previous bundle (it has MANIFEST.json), so a mistyped --out cannot wipe unrelated files.
 */
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError, OperationError } from "../errors.js";
import { MANIFEST_FILE } from "./layout.js";

async function existing(dir: string): Promise<"none" | "replaceable" | "foreign" | "file"> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "none";
    throw new InputError(
      "render.out",
      `cannot use ${dir} as --out: ${code}`,
      "choose a directory path you can write",
    );
  }
  if (!st.isDirectory()) return "file";
  const entries = await readdir(dir);
  return entries.length === 0 || entries.includes(MANIFEST_FILE) ? "replaceable" : "foreign";
}

function modeOf(path: string): number {
  return path.endsWith(".sh") ? 0o755 : 0o644;
}

export async function writeBundle(out: string, files: Map<string, string>): Promise<void> {
  const dir = resolve(out);
  const state = await existing(dir);
  if (state === "file") {
    throw new InputError("render.out", `--out ${out} is a file`, "name a directory for the bundle");
  }
  if (state === "foreign") {
    throw new OperationError(
      "render.out",
      `--out ${out} exists and is not a xirsa bundle (no ${MANIFEST_FILE}); refusing to replace it`,
      "choose a new directory or remove it first",
    );
  }
  const parent = dirname(dir);
  try {
    await mkdir(parent, { recursive: true });
  } catch (e) {
    throw new OperationError(
      "render.out",
      `cannot create ${parent}: ${(e as NodeJS.ErrnoException).code}`,
      "choose a writable --out",
    );
  }
  const tmp = await mkdtemp(join(parent, `.${basename(dir)}.tmp-`)).catch((e: NodeJS.ErrnoException) => {
    throw new InputError("render.out", `cannot write into ${parent}: ${e.code}`, "choose a writable --out");
  });
  try {
    for (const [path, text] of files) {
      const file = join(tmp, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text, { encoding: "utf8", mode: modeOf(path) });
      await chmod(file, modeOf(path)); // the umask must not make scripts non-executable
    }
    await chmod(tmp, 0o755);
    if (state === "replaceable") {
      const old = await mkdtemp(join(parent, `.${basename(dir)}.old-`));
      await rename(dir, join(old, "bundle"));
      try {
        await rename(tmp, dir);
      } catch (e) {
        await rename(join(old, "bundle"), dir);
        throw e;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, dir);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (e instanceof InputError || e instanceof OperationError) throw e;
    throw new OperationError(
      "render.write",
      `cannot write the bundle to ${out}: ${(e as Error).message}`,
      "check the directory's permissions and free space",
      { cause: e },
    );
  }
}
