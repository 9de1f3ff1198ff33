import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { renderHtmlReport, writeHtmlReport } from "../../src/report/index.js";
import { brokenExample } from "./fixture.js";

describe("writeHtmlReport", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xirsa-report-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the rendered report, replacing an older one, and leaves no temporary file", () => {
    const ex = brokenExample();
    const file = join(dir, "report.html");
    writeFileSync(file, "old");
    writeHtmlReport(file, ex);
    expect(readFileSync(file, "utf8")).toBe(renderHtmlReport(ex));
    expect(readdirSync(dir)).toEqual(["report.html"]);
    expect(statSync(file).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it("refuses a missing directory or a directory as the file, with the fix, writing nothing", () => {
    const ex = brokenExample();
    const missing = join(dir, "nope", "report.html");
    expect(() => writeHtmlReport(missing, ex)).toThrow(InputError);
    expect(() => writeHtmlReport(missing, ex)).toThrow(/directory .*nope does not exist/);
    mkdirSync(join(dir, "report.html"));
    try {
      writeHtmlReport(join(dir, "report.html"), ex);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).exitCode).toBe(2);
      expect((e as InputError).oneLine()).toMatch(/it is a directory; pass a file name/);
    }
    expect(readdirSync(dir)).toEqual(["report.html"]);
  });
});
