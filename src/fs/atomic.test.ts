import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { replaceFile, replaceFileSync, writeFileAtomic } from "./atomic.js";

const dir = mkdtempSync(join(tmpdir(), "xirsa-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("atomic writes", () => {
  it("replaceFileSync replaces the file, mode 0600 by default, and leaves no temporary file", () => {
    const file = join(dir, "a.json");
    writeFileSync(file, "old", { mode: 0o644 });
    replaceFileSync(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    replaceFileSync(file, "public", 0o644);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("a failed write throws the file system's error and leaves nothing behind", () => {
    expect(() => replaceFileSync(join(dir, "missing", "b.json"), "x")).toThrow(/ENOENT/);
    expect(() => replaceFileSync(dir, "x")).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("replaceFile: concurrent writes of one file each land whole, none leaves a temporary file", async () => {
    const file = join(dir, "c.json");
    await Promise.all(Array.from({ length: 20 }, (_, i) => replaceFile(file, JSON.stringify({ i }))));
    expect(JSON.parse(readFileSync(file, "utf8")).i).toBeTypeOf("number");
    await replaceFile(file, "last");
    expect(readFileSync(file, "utf8")).toBe("last");
    expect(readdirSync(dir).sort()).toEqual(["a.json", "c.json"]);
  });

  it("writeFileAtomic (the tool's) names a missing directory as bad input", () => {
    expect(() =>
      writeFileAtomic(join(dir, "missing", "r.html"), "x", { what: "the report", code: "report" }),
    ).toThrow(InputError);
    writeFileAtomic(join(dir, "d.txt"), "x", { replace: false });
    expect(() => writeFileAtomic(join(dir, "d.txt"), "y", { replace: false })).toThrow(/already exists/);
    expect(readFileSync(join(dir, "d.txt"), "utf8")).toBe("x");
    rmSync(join(dir, "d.txt"));
  });
});
