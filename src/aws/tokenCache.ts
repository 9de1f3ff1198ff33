/**
 * On-disk cache of EKS tokens for the `xirsa token` exec plugin: one file per (identity, role, cluster, region,
 * endpoint), mode 0600 in a 0700 directory, reused until one minute before expiry.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.js";

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

export function readCachedToken(dir: string, key: string, now: Date): CachedToken | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8")) as {
      token?: unknown;
      expiration?: unknown;
    };
    if (typeof raw.token !== "string" || typeof raw.expiration !== "string") return undefined;
    const expiration = new Date(raw.expiration);
    if (Number.isNaN(expiration.getTime()) || expiration.getTime() - REUSE_MARGIN_MS <= now.getTime())
      return undefined;
    return { token: raw.token, expiration };
  } catch {
    return undefined; // absent or unreadable: mint a new token
  }
}

export function writeCachedToken(dir: string, key: string, token: CachedToken): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
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
