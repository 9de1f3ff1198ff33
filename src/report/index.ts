/** The HTML report: rendering (pure) and writing it atomically (the CLI's `verify --output html --out F`). */
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError, OperationError } from "../errors.js";
import { type HtmlReportInput, renderHtmlReport } from "./html.js";

export { type HtmlReportInput, REPORT_CSP, renderHtmlReport } from "./html.js";

/**
 * Renders the report and writes it to `file` atomically (a temporary file beside it, then a rename), so a
 * reader never sees half a report and a failed write leaves nothing behind. Overwrites an existing report.
 * Throws InputError (exit 2) when the directory does not exist or `file` is a directory.
 */
export function writeHtmlReport(file: string, input: HtmlReportInput): void {
  const target = resolve(file);
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(
      "report.out",
      `cannot write the report to ${file}: directory ${dir} does not exist`,
      "create it or pass another --out",
    );
  }
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new InputError(
      "report.out",
      `cannot write the report to ${file}: it is a directory`,
      "pass a file name, e.g. --out report.html",
    );
  }
  const html = renderHtmlReport(input);
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, html, { encoding: "utf8", mode: 0o644, flag: "wx" });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new OperationError(
      "report.write",
      `cannot write the report to ${file}: ${code}`,
      "check the permissions of the directory and the free space",
      { cause: e },
    );
  }
}
