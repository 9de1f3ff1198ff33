/**
 * Puts a rendered bundle on disk without ever leaving a half-written one: files go into a temporary directory
 * beside the target, which then takes its place. An existing directory is replaced only if it is empty or a
 * xirsa bundle and nothing else (a MANIFEST.json of this format, and only the files it lists), so that a
 * mistyped --out cannot wipe a Git checkout, notes or the config.
 *
 * Over an old bundle, the new one is exchanged with it in one step (fs/exchange.ts: renameat2
 * RENAME_EXCHANGE), so a kill at any moment leaves the old or the new bundle at --out; the old one, now at the
 * temporary name, is then removed. Without the native addon (or on a file system that cannot exchange) the
 * swap is two renames (old bundle aside, new one in): a kill between them leaves the old bundle in
 * `.<out>.old-*` and nothing at --out, and the next run puts it back before anything else. Either way the next
 * run removes every leftover.
 */
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { InputError, OperationError } from "../errors.js";
import { exchangePaths } from "../fs/index.js";
import { BUNDLE_FORMAT, MANIFEST_FILE } from "./layout.js";

export interface WriteBundleOptions {
  /** Paths that must not be inside the bundle directory (the config being read): refused, exit 2. */
  inputs?: readonly string[];
}

const OLD = ".old-";
const TMP = ".tmp-";

/** The points between the steps of a write, where the crash test (test/render/swap-crash.test.ts) kills it. */
export type WriteStep = "cleaned" | "writing" | "written" | "aside" | "swapped";

/** Test hook: XIRSA_TEST_KILL_AT=<step> makes the process SIGKILL itself there, as a crash would. */
function reached(step: WriteStep): void {
  if (process.env.XIRSA_TEST_KILL_AT === step) process.kill(process.pid, "SIGKILL");
}

function refuse(message: string, hint: string): InputError {
  return new InputError("render.out", message, hint);
}

/** Files listed by a xirsa MANIFEST.json text, or undefined when it is not one. */
function manifestFiles(text: string): Set<string> | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!m || typeof m !== "object") return undefined;
  const { format, files } = m as { format?: unknown; files?: unknown };
  if (format !== BUNDLE_FORMAT || !Array.isArray(files)) return undefined;
  const paths = new Set<string>();
  for (const f of files) {
    const p = (f as { path?: unknown } | null)?.path;
    if (typeof p !== "string") return undefined;
    paths.add(p);
  }
  return paths;
}

/** The first entry under `dir` that is neither a listed file nor a directory on the way to one. */
async function unlisted(dir: string, listed: Set<string>, prefix = ""): Promise<string | undefined> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory()) {
      const under = `${rel}/`;
      if (![...listed].some((p) => p.startsWith(under))) return `${rel}/`;
      const deeper = await unlisted(join(dir, e.name), listed, under);
      if (deeper) return deeper;
    } else if (!(e.isFile() && (listed.has(rel) || rel === MANIFEST_FILE))) {
      return rel;
    }
  }
  return undefined;
}

type Existing = "none" | "empty" | "bundle";

/** What is at `dir` now; anything but nothing, an empty directory or a xirsa bundle is refused. */
async function existing(dir: string, out: string): Promise<Existing> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "none";
    throw refuse(`cannot use ${out} as --out: ${code}`, "choose a directory path you can write");
  }
  if (st.isSymbolicLink()) {
    throw refuse(`--out ${out} is a symbolic link; refusing to replace it`, "name the directory itself");
  }
  if (!st.isDirectory()) throw refuse(`--out ${out} is a file`, "name a directory for the bundle");
  const entries = await readdir(dir);
  if (entries.length === 0) return "empty";
  const notBundle = "choose a new directory, or move what is not the bundle out of it";
  let text: string;
  try {
    if (!(await lstat(join(dir, MANIFEST_FILE))).isFile()) throw new Error("not a file");
    text = await readFile(join(dir, MANIFEST_FILE), "utf8");
  } catch {
    throw refuse(
      `--out ${out} exists and is not a xirsa bundle (no ${MANIFEST_FILE}); refusing to replace it`,
      notBundle,
    );
  }
  const listed = manifestFiles(text);
  if (!listed) {
    throw refuse(
      `--out ${out}: ${MANIFEST_FILE} is not a xirsa bundle manifest (${BUNDLE_FORMAT}); refusing to replace it`,
      notBundle,
    );
  }
  const extra = await unlisted(dir, listed);
  if (extra) {
    throw refuse(
      `--out ${out} holds ${extra}, which is not part of the bundle; refusing to replace the directory`,
      notBundle,
    );
  }
  return "bundle";
}

/** Puts back an old bundle a crash left aside, then removes the leftovers of earlier runs. */
async function recover(dir: string): Promise<void> {
  const parent = dirname(dir);
  const stem = `.${basename(dir)}`;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const olds = names.filter((n) => n.startsWith(`${stem}${OLD}`));
  const missing = await lstat(dir).then(
    () => false,
    () => true,
  );
  if (missing) {
    for (const o of olds) {
      const aside = join(parent, o, "bundle");
      if (
        await lstat(aside).then(
          () => true,
          () => false,
        )
      ) {
        await rename(aside, dir);
        break;
      }
    }
  }
  for (const n of names) {
    if (n.startsWith(`${stem}${OLD}`) || n.startsWith(`${stem}${TMP}`)) {
      await rm(join(parent, n), { recursive: true, force: true });
    }
  }
}

function modeOf(path: string): number {
  return path.endsWith(".sh") ? 0o755 : 0o644;
}

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, resolve(file));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

export async function writeBundle(
  out: string,
  files: Map<string, string>,
  options: WriteBundleOptions = {},
): Promise<void> {
  const dir = resolve(out);
  for (const input of options.inputs ?? []) {
    if (inside(dir, input)) {
      throw refuse(
        `--out ${out} contains ${input}, which this command reads; the bundle replaces the whole directory`,
        "write the bundle to a directory of its own",
      );
    }
  }
  const parent = dirname(dir);
  try {
    await mkdir(parent, { recursive: true });
  } catch (e) {
    // A bad --out is bad input (exit 2), said in words rather than as an errno.
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a part of the path is a file, not a directory"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : (code ?? String(e));
    throw refuse(`cannot create ${parent}: ${why}`, "choose a writable --out");
  }
  await recover(dir).catch((e: NodeJS.ErrnoException) => {
    throw new OperationError(
      "render.out",
      `cannot clean up an earlier run beside ${out}: ${e.code ?? e.message}`,
      "check the permissions of the parent directory",
    );
  });
  const state = await existing(dir, out);
  reached("cleaned");
  const tmp = await mkdtemp(join(parent, `.${basename(dir)}${TMP}`)).catch((e: NodeJS.ErrnoException) => {
    throw new OperationError(
      "render.out",
      `cannot write into ${parent}: ${e.code}`,
      "choose a writable --out",
    );
  });
  const bundle = join(tmp, "bundle");
  try {
    for (const [path, text] of files) {
      const file = join(bundle, path);
      await mkdir(dirname(file), { recursive: true, mode: 0o755 });
      await writeFile(file, text, { encoding: "utf8", mode: modeOf(path) });
      reached("writing");
    }
    await mkdir(bundle, { recursive: true });
    // The umask must not make scripts non-executable or directories unreadable.
    for (const [path] of files) await chmod(join(bundle, path), modeOf(path));
    await chmod(bundle, 0o755);
    reached("written");
    if (state === "bundle" && exchangePaths(bundle, dir)) {
      // The old bundle is now at `bundle`, inside tmp, which the finally below (or the next run) removes.
      reached("swapped");
    } else if (state === "bundle") {
      // The old one goes aside under a name recover() knows, then the new one takes its place.
      const old = await mkdtemp(join(parent, `.${basename(dir)}${OLD}`));
      await rename(dir, join(old, "bundle"));
      reached("aside");
      try {
        await rename(bundle, dir);
      } catch (e) {
        await rename(join(old, "bundle"), dir);
        throw e;
      }
      reached("swapped");
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(bundle, dir); // in place of nothing, or of an empty directory (rename(2) replaces it)
    }
  } catch (e) {
    if (e instanceof InputError || e instanceof OperationError) throw e;
    throw new OperationError(
      "render.write",
      `cannot write the bundle to ${out}: ${(e as Error).message}`,
      "check the directory's permissions and free space",
      { cause: e },
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
