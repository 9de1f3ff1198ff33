import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireTools } from "../../test/tools.js";
import { exchangePaths, NO_EXCHANGE_ENV, nativeExchange } from "./exchange.js";

const dir = mkdtempSync(join(tmpdir(), "xirsa-exchange-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `d` with its text, so a swap can be compared whole. */
function contents(d: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(d, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [path.slice(d.length + 1), readFileSync(path, "utf8")];
      }),
  );
}

function fill(d: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(d, p, ".."), { recursive: true });
    writeFileSync(join(d, p), text);
  }
}

// Under CI the addon must have been built by `npm ci` (requireTools throws there); locally it may be absent.
describe.skipIf(!!requireTools("src/fs/exchange.test.ts", "native-exchange"))("the native exchange", () => {
  it("swaps two non-empty directories in one call, and swaps them back", () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    const inA = { "MANIFEST.json": "old\n", "aws/111/policy.json": "{}\n" };
    const inB = { "MANIFEST.json": "new\n", "scripts/01.sh": "#!/bin/sh\n", "x/y/z": "deep" };
    fill(a, inA);
    fill(b, inB);
    expect(nativeExchange().kind).toBe("native");
    expect(exchangePaths(a, b)).toBe(true);
    expect(contents(a)).toEqual(inB);
    expect(contents(b)).toEqual(inA);
    expect(exchangePaths(b, a)).toBe(true);
    expect(contents(a)).toEqual(inA);
    expect(contents(b)).toEqual(inB);
  });

  it("throws the file system's error with its code when a path is missing, and changes nothing", () => {
    const a = join(dir, "present");
    fill(a, { f: "1" });
    const missing = join(dir, "missing");
    expect(() => exchangePaths(a, missing)).toThrow(
      expect.objectContaining({ code: "ENOENT", errno: -2, path: a, dest: missing }),
    );
    expect(contents(a)).toEqual({ f: "1" });
  });

  it("answers false, changing nothing, where the kernel cannot exchange (two file systems: EXDEV)", () => {
    const a = join(dir, "local");
    fill(a, { f: "1" });
    // /proc (Linux) and /dev (macOS) are file systems of their own on every machine.
    const other = process.platform === "linux" ? "/proc/version" : "/dev/null";
    const native = nativeExchange();
    if (native.kind !== "native") throw new Error(native.reason);
    expect(() => native.exchange(a, other)).toThrow(expect.objectContaining({ code: "EXDEV" }));
    expect(exchangePaths(a, other)).toBe(false);
    expect(contents(a)).toEqual({ f: "1" });
  });
});

describe("without the native exchange", () => {
  it(`${NO_EXCHANGE_ENV}=1 turns it off: false, nothing swapped`, () => {
    const a = join(dir, "off-a");
    const b = join(dir, "off-b");
    fill(a, { f: "a" });
    fill(b, { f: "b" });
    const env = { [NO_EXCHANGE_ENV]: "1" };
    expect(nativeExchange(env)).toEqual({ kind: "absent", reason: `${NO_EXCHANGE_ENV}=1` });
    expect(exchangePaths(a, b, env)).toBe(false);
    expect(contents(a)).toEqual({ f: "a" });
    expect(contents(b)).toEqual({ f: "b" });
  });
});
