/**
 * The table report for people: per chain, one line per hop with ✓/✗, the reason and (when broken) the fix,
 * or the root-cause hop a blocked hop fails because of; then the findings and a summary. Colour only when
 * asked (the CLI asks on a TTY without NO_COLOR).
 */
import { painter, type Style } from "../../text/paint.js";
import type { Finding, VerifyResult } from "../types.js";

export interface TableOptions {
  color?: boolean;
}

const SEVERITY_STYLE: Record<Finding["severity"], Style> = { error: "red", warning: "yellow", info: "blue" };

export function formatTable(result: VerifyResult, opts: TableOptions = {}): string {
  const paint = painter(opts.color ?? false);
  const lines: string[] = [];
  const width = Math.max(0, ...result.chains.flatMap((c) => c.hops.map((h) => h.id.length)));
  for (const chain of result.chains) {
    const mark = chain.ok ? paint("green", "✓") : paint("red", "✗");
    lines.push(`${mark} ${paint("bold", chain.id)} ${paint("dim", `(${chain.kind} → ${chain.target})`)}`);
    for (const hop of chain.hops) {
      const m = hop.ok ? paint("green", "✓") : paint("red", "✗");
      // A hop that fails because of an earlier one names that root cause instead of a fix of its own.
      const fix = hop.ok
        ? ""
        : hop.blockedBy
          ? ` ${paint("dim", "— blocked by")} ${hop.blockedBy}`
          : hop.fix
            ? ` ${paint("dim", "— fix:")} ${hop.fix}`
            : "";
      lines.push(`  ${m} ${hop.id.padEnd(width)}  ${hop.reason}${fix}`);
    }
  }
  if (result.findings.length) {
    lines.push("", paint("bold", "Findings"));
    for (const f of result.findings) {
      const sev = paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7));
      const where = f.chain ? ` [${f.chain}]` : "";
      const accepted = f.accepted
        ? ` ${paint("dim", `(accepted: ${f.accepted.reason}${f.accepted.until ? `, until ${f.accepted.until}` : ""})`)}`
        : "";
      lines.push(`  ${sev} ${f.code}${where}: ${f.message}${accepted}`);
      lines.push(`          ${paint("dim", "fix:")} ${f.remediation}`);
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
