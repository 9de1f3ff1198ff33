/**
 * Swaps two paths in one step, so that a reader (or a crash) sees either both old or both new, never a moment
 * without one: renameat2(RENAME_EXCHANGE) on Linux, renamex_np(RENAME_SWAP) on macOS. Node 20's fs has
 * neither, so this goes through the addon in native/ that npm's install script builds when the machine can
 * (native/install.js); without it, or on a file system that cannot exchange, callers fall back to renames.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

interface Addon {
  exchange(a: string, b: string): void;
}

/** The addon as loaded (once, on first use), or why there is none. */
export type NativeExchange =
  | { kind: "native"; exchange: (a: string, b: string) => void }
  | { kind: "absent"; reason: string };

/** Where node-gyp puts it, from src/fs/ and from dist/fs/ alike. */
export const ADDON_PATH = fileURLToPath(
  new URL("../../native/build/Release/xirsa_exchange.node", import.meta.url),
);

/** Turns the addon off (the fallback's own tests, or a file system that misbehaves with it). */
export const NO_EXCHANGE_ENV = "XIRSA_NO_EXCHANGE";

let loaded: NativeExchange | undefined;

export function nativeExchange(env: NodeJS.ProcessEnv = process.env): NativeExchange {
  if (env[NO_EXCHANGE_ENV] === "1") return { kind: "absent", reason: `${NO_EXCHANGE_ENV}=1` };
  if (!loaded) {
    try {
      const addon = createRequire(import.meta.url)(ADDON_PATH) as Partial<Addon>;
      loaded =
        typeof addon.exchange === "function"
          ? { kind: "native", exchange: addon.exchange }
          : { kind: "absent", reason: `${ADDON_PATH} has no exchange()` };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      loaded = {
        kind: "absent",
        reason:
          code === "MODULE_NOT_FOUND"
            ? "the native addon is not built (npm's install script runs native/install.js)"
            : `the native addon does not load: ${(e as Error).message.split("\n")[0]}`,
      };
    }
  }
  return loaded;
}

/**
 * What says that this kernel or file system cannot exchange, as opposed to a problem with the paths: EINVAL
 * (the file system does not support the flag), ENOSYS (no renameat2), EXDEV (not one file system, e.g. a bind
 * mount), ENOTSUP/EOPNOTSUPP (macOS's answer for a volume without swap).
 */
const CANNOT = new Set(["EINVAL", "ENOSYS", "EXDEV", "ENOTSUP", "EOPNOTSUPP"]);

/**
 * Exchanges `a` and `b` (both must exist) atomically: true when done, false when this machine cannot (no
 * addon, or the kernel or file system said so above), in which case nothing was changed. Any other error (a
 * missing path, a permission) is thrown as the file system's own, with its `code`.
 */
export function exchangePaths(a: string, b: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const native = nativeExchange(env);
  if (native.kind === "absent") return false;
  try {
    native.exchange(a, b);
    return true;
  } catch (e) {
    if (CANNOT.has((e as NodeJS.ErrnoException).code ?? "")) return false;
    throw e;
  }
}
