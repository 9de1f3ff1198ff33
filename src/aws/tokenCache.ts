/**
 * On-disk cache of EKS tokens for the `xirsa token` exec plugin: one file per (identity, role, cluster, region,
 * endpoint), mode 0600 in a 0700 directory, reused until one minute before the expiry its own X-Amz-Date gives.
 * A file that is a link, not the user's or not 0600 is ignored and replaced; a cache directory that is a link or
 * not the user's is refused.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fs/index.js";
import { TOKEN_LIFETIME_MS, TOKEN_PREFIX } from "./eksToken.js";

export interface CachedToken {
  token: string;
  expiration: Date;
}

const REUSE_MARGIN_MS = 60 * 1000;

export function tokenCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.XIRSA_CACHE_DIR) return join(env.XIRSA_CACHE_DIR, "tokens");
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "xirsa", "tokens");
}

/** Size and mtime of each file that exists: a cheap fingerprint of the credentials they hold. */
export function fileStamps(paths: (string | undefined)[]): string {
  return paths
    .filter((p): p is string => Boolean(p))
    .map((p) => {
      try {
        const s = statSync(p);
        return `${p}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${p}:-`;
      }
    })
    .join("|");
}

export function cacheKey(parts: Record<string, string | undefined>): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 40);
}

/** The current user's uid; undefined where there is none (Windows), and then ownership is not checked. */
function uid(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

/**
 * The cache directory must be the user's own real directory: a symbolic link or another user's directory could
 * hand the plugin tokens that are not its own (or collect the ones it writes). Refused, not repaired.
 */
export function checkCacheDir(dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return;
  const hint = "remove it (xirsa creates its own, mode 0700), or set XIRSA_CACHE_DIR";
  if (st.isSymbolicLink()) {
    throw new InputError("token.cache", `the token cache directory ${dir} is a symbolic link`, hint);
  }
  if (!st.isDirectory()) {
    throw new InputError("token.cache", `the token cache directory ${dir} is not a directory`, hint);
  }
  const me = uid();
  if (me !== undefined && st.uid !== me) {
    throw new InputError(
      "token.cache",
      `the token cache directory ${dir} belongs to uid ${st.uid}, not to you (uid ${me})`,
      hint,
    );
  }
}

/**
 * When a cached EKS token stops being usable, read from the token itself: its X-Amz-Date plus the 14 minutes
 * clients give it (the file's own expiration field could say anything). Undefined when it is not one.
 */
export function tokenExpiry(token: string): Date | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  let url: URL;
  try {
    url = new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(url.searchParams.get("X-Amz-Date") ?? "");
  if (!m) return undefined;
  const signed = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return new Date(signed + TOKEN_LIFETIME_MS);
}

export function readCachedToken(dir: string, key: string, now: Date): CachedToken | undefined {
  checkCacheDir(dir);
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: a link planted in place of the file is not followed; then the file must be the user's, 0600.
    fd = openSync(join(dir, `${key}.json`), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    const st = fstatSync(fd);
    const me = uid();
    if (!st.isFile() || (st.mode & 0o777) !== 0o600 || (me !== undefined && st.uid !== me)) return undefined;
    if (st.size > 64 * 1024) return undefined;
    const raw = JSON.parse(readFileSync(fd, "utf8")) as { token?: unknown };
    if (typeof raw.token !== "string") return undefined;
    const expiration = tokenExpiry(raw.token);
    if (!expiration || expiration.getTime() - REUSE_MARGIN_MS <= now.getTime()) return undefined;
    return { token: raw.token, expiration };
  } catch {
    return undefined; // absent, a link, unreadable: mint a new token (written in its place)
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeCachedToken(dir: string, key: string, token: CachedToken): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkCacheDir(dir);
  writeFileAtomic(
    join(dir, `${key}.json`),
    JSON.stringify({ token: token.token, expiration: token.expiration.toISOString() }),
    {
      mode: 0o600,
      what: "the token cache",
      code: "token",
    },
  );
}
