/** The HTML report: rendering (pure) and writing it atomically (the CLI's `verify --output html --out F`). */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fs/index.js";
import { type HtmlReportInput, renderHtmlReport } from "./html.js";

export { hopLabel } from "./diagram.js";
export { type HtmlReportInput, MATRIX_FROM_TARGETS, REPORT_CSP, renderHtmlReport } from "./html.js";

/**
 * Renders the report and writes it to `file` atomically (a temporary file beside it, then a rename), so a
 * reader never sees half a report and a failed write leaves nothing behind. Overwrites an existing report
 * unless `replace` is false.
 * Throws InputError (exit 2) when the directory does not exist or `file` is a directory.
 */
export function writeHtmlReport(
  file: string,
  input: HtmlReportInput,
  opts: { replace?: boolean } = {},
): void {
  // Checked before rendering, so that a bad --out fails fast.
  const target = resolve(file);
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new InputError(
      "report.out",
      `cannot write the report to ${file}: it is a directory`,
      "pass a file name, e.g. --out report.html",
    );
  }
  writeFileAtomic(target, renderHtmlReport(input), {
    what: `the report ${file}`,
    code: "report",
    replace: opts.replace ?? true,
  });
}
