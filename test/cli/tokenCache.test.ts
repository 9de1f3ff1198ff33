/**
 * The token cache trusts no file (issue 11 item 6): a link, another mode or a forged expiration is ignored and
 * replaced; the expiry comes from the token's own X-Amz-Date; a cache directory that is a link or someone
 * else's is refused (exit 2).
 */
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, xirsa } from "../helpers.js";

function env(cache: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: cache,
    XIRSA_CACHE_DIR: cache,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}
const ARGS = ["token", "--cluster-name", "prod", "--region", "eu-west-1"];

function token(cache: string): string {
  const r = xirsa(ARGS, { env: env(cache) });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).status.token as string;
}

/** A token like the real one, signed (in its URL) at `date`. */
function tokenAt(real: string, date: Date): string {
  const url = new URL(Buffer.from(real.slice("k8s-aws-v1.".length), "base64url").toString("utf8"));
  url.searchParams.set("X-Amz-Date", `${date.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`);
  return `k8s-aws-v1.${Buffer.from(url.toString()).toString("base64url")}`;
}

function cacheFile(cache: string): string {
  const [f] = readdirSync(join(cache, "tokens"));
  return join(cache, "tokens", f!);
}

describe("the token cache", () => {
  it("ignores a forged file: its expiry is the token's X-Amz-Date, not the file's", () => {
    const cache = tempDir();
    const real = token(cache);
    const file = cacheFile(cache);
    const far = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    for (const forged of ["k8s-aws-v1.forged", tokenAt(real, new Date(Date.now() - 20 * 60 * 1000))]) {
      writeFileSync(file, JSON.stringify({ token: forged, expiration: far }), { mode: 0o600 });
      const t = token(cache);
      expect(t).not.toBe(forged);
      expect(JSON.parse(readFileSync(file, "utf8")).token).toBe(t);
    }
  });

  it("ignores and replaces a file that is not 0600, or a link", () => {
    const cache = tempDir();
    const real = token(cache);
    const file = cacheFile(cache);
    // Planted tokens that would still be valid (signed a minute ago), so only the file's mode or kind refuses
    // them: a fresh token may equal `real` (SigV4 is deterministic within a second), never a planted one.
    const entry = (t: string) =>
      JSON.stringify({ token: t, expiration: new Date(Date.now() + 600_000).toISOString() });
    const loose = tokenAt(real, new Date(Date.now() - 60_000));
    writeFileSync(file, entry(loose));
    chmodSync(file, 0o644);
    const t1 = token(cache);
    expect(t1).not.toBe(loose);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).token).toBe(t1);

    const linked = tokenAt(real, new Date(Date.now() - 120_000));
    const elsewhere = join(cache, "planted.json");
    writeFileSync(elsewhere, entry(linked), { mode: 0o600 });
    unlinkSync(file);
    symlinkSync(elsewhere, file);
    const t2 = token(cache);
    expect(t2).not.toBe(linked);
    expect(lstatSync(file).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(elsewhere, "utf8")).token).toBe(linked);
  });

  it("refuses a cache directory that is a link or another user's (exit 2)", () => {
    const cache = tempDir();
    const real = tempDir();
    mkdirSync(join(real, "tokens"));
    symlinkSync(join(real, "tokens"), join(cache, "tokens"));
    const r = xirsa(ARGS, { env: env(cache) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the token cache directory .*tokens is a symbolic link; remove it/);
    expect(readdirSync(join(real, "tokens"))).toEqual([]);

    if (process.getuid?.() === 0) {
      const other = tempDir();
      mkdirSync(join(other, "tokens"), { mode: 0o700 });
      chownSync(join(other, "tokens"), 12345, 12345);
      const o = xirsa(ARGS, { env: env(other) });
      expect(o.code).toBe(2);
      expect(o.stderr).toMatch(/belongs to uid 12345, not to you/);
    }
  });
});
