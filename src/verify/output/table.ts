/**
 * The table report for people: per chain, one line per hop with ✓/✗, the reason and (when broken) the fix;
 * a hop that was not checked because an earlier hop failed is neutral (–) and names that hop; then the
 * findings and a summary. Within 120 columns: reasons and messages name roles instead of ARNs and cut long ids
 * to 8 digits (fixes keep full values, they are commands to copy), words wrapped under the reason column. `verbose` adds each hop's evidence; `locate` (verify --from) adds the bundle
 * file and line of the document a failed hop or a finding points at. Colour only when asked (the CLI asks on a
 * TTY without NO_COLOR).
 */

import { painter, type Style, shortenIds, wrap } from "../../text/index.js";
import type { ChainResult, Finding, HopResult, VerifyResult } from "../types.js";
import { evidenceLines } from "./evidenceText.js";

export interface TableOptions {
  color?: boolean;
  /** Each hop's evidence under it (verify -v). */
  verbose?: boolean;
  /** Where a finding's document is (file and 1-based line), e.g. a bundle file; shown as `at file:line`. */
  locate?: (f: Finding) => { uri: string; startLine?: number } | undefined;
  /** Columns (default 120). */
  width?: number;
}

const SEVERITY_STYLE: Record<Finding["severity"], Style> = { error: "red", warning: "yellow", info: "blue" };

/** The finding that explains a failed hop: its first code, on this chain and hop. */
function hopFinding(result: VerifyResult, chain: ChainResult, hop: HopResult): Finding | undefined {
  const mine = result.findings.filter((f) => f.chain === chain.id && f.hop === hop.id);
  return mine.find((f) => f.code === hop.codes?.[0]) ?? mine[0];
}

function at(loc: { uri: string; startLine?: number } | undefined): string | undefined {
  return loc ? `at ${loc.uri}${loc.startLine ? `:${loc.startLine}` : ""}` : undefined;
}

export function formatTable(result: VerifyResult, opts: TableOptions = {}): string {
  const paint = painter(opts.color ?? false);
  const cols = opts.width ?? 120;
  const lines: string[] = [];
  const width = Math.max(0, ...result.chains.flatMap((c) => c.hops.map((h) => h.id.length)));
  const hang = " ".repeat(2 + 2 + width + 2);
  // Fixes and evidence keep full values: a fix is a command to copy, evidence is what -v is asked for.
  const under = (text: string, style?: Style) =>
    wrap(text, cols, hang, hang).map((l) => (style ? paint(style, l) : l));
  for (const chain of result.chains) {
    const mark = chain.ok ? paint("green", "✓") : paint("red", "✗");
    lines.push(`${mark} ${paint("bold", chain.id)} ${paint("dim", `(${chain.kind} → ${chain.target})`)}`);
    for (const hop of chain.hops) {
      const lead = (m: string) => `  ${m} ${hop.id.padEnd(width)}  `;
      if (!hop.ok && hop.blockedBy) {
        // Not a failure of its own: it could not hold because the root cause failed first.
        lines.push(
          ...wrap(`not checked because ${hop.blockedBy} failed`, cols, lead(paint("dim", "–")), hang),
        );
        if (opts.verbose) lines.push(...under(shortenIds(hop.reason), "dim"));
      } else {
        lines.push(
          ...wrap(shortenIds(hop.reason), cols, lead(hop.ok ? paint("green", "✓") : paint("red", "✗")), hang),
        );
        if (!hop.ok && hop.fix) lines.push(...under(`fix: ${hop.fix}`));
        const where = !hop.ok && opts.locate ? at(optsLocate(opts, result, chain, hop)) : undefined;
        if (where) lines.push(...under(where));
      }
      if (opts.verbose) for (const e of evidenceLines(hop.detail)) lines.push(...under(e, "dim"));
    }
  }
  if (result.findings.length) {
    lines.push("", paint("bold", "Findings"));
    const pad = " ".repeat(10);
    for (const f of result.findings) {
      const sev = paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7));
      const where = f.chain ? ` [${f.chain}]` : "";
      const accepted = f.accepted
        ? ` (accepted: ${f.accepted.reason}${f.accepted.until ? `, until ${f.accepted.until}` : ""})`
        : "";
      lines.push(...wrap(shortenIds(`${f.code}${where}: ${f.message}${accepted}`), cols, `  ${sev} `, pad));
      lines.push(...wrap(`fix: ${f.remediation}`, cols, pad, pad));
      const loc = opts.locate ? at(opts.locate(f)) : undefined;
      if (loc) lines.push(...wrap(loc, cols, pad, pad));
    }
  }
  const proven = result.chains.filter((c) => c.ok).length;
  const count = (s: Finding["severity"]) =>
    result.findings.filter((f) => f.severity === s && !f.accepted).length;
  const acceptedCount = result.findings.filter((f) => f.accepted).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const summary = `${proven} of ${plural(result.chains.length, "chain")} proven; ${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${count("info")} info${acceptedCount ? `; ${acceptedCount} accepted` : ""}`;
  lines.push("", result.ok ? paint("green", summary) : paint("red", summary));
  return `${lines.join("\n")}\n`;
}

function optsLocate(opts: TableOptions, result: VerifyResult, chain: ChainResult, hop: HopResult) {
  const f = hopFinding(result, chain, hop);
  return f ? opts.locate?.(f) : undefined;
}
