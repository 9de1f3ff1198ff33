/**
 * Findings a team accepts (`accept:` in xirsa.yaml) and the exit code `verify --fail-on` decides. Pure: the
 * caller passes today's date.
 * - An entry covers the findings with its code and, when it names a resource, that resource (the finding's
 *   resource or the document it points into); it marks them `accepted`.
 * - From the day after `until`, the entry covers nothing: the findings count again, and a warning says so.
 * - An entry that matches no finding is a warning (a typo, or a fixed problem whose acceptance can go).
 * Accepting a finding does not make a broken chain proven: a chain that fails still exits 1.
 */
import type { Finding, Severity, VerifyResult } from "./types.js";

export interface Acceptance {
  code: string;
  resource?: string;
  reason: string;
  /** YYYY-MM-DD, the last day it holds. */
  until?: string;
}

export interface Accepted {
  result: VerifyResult;
  /** One line each: unused and expired acceptances. */
  warnings: string[];
}

function describe(a: Acceptance, i: number): string {
  return `accept[${i}] (${a.code}${a.resource ? ` on ${a.resource}` : ""})`;
}

function covers(a: Acceptance, f: Finding): boolean {
  if (a.code !== f.code) return false;
  return a.resource === undefined || a.resource === f.resource || a.resource === f.location?.resource;
}

export function applyAcceptances(
  result: VerifyResult,
  accepts: readonly Acceptance[],
  today: string,
): Accepted {
  const warnings: string[] = [];
  const live = accepts.map((a) => a.until === undefined || today <= a.until);
  const findings = result.findings.map((f) => {
    const i = accepts.findIndex((a, j) => live[j] && covers(a, f));
    const a = accepts[i];
    if (!a) return f;
    return { ...f, accepted: a.until ? { reason: a.reason, until: a.until } : { reason: a.reason } };
  });
  accepts.forEach((a, i) => {
    const matching = result.findings.filter((f) => covers(a, f)).length;
    if (matching === 0) {
      warnings.push(`${describe(a, i)} matches no finding: remove it, or correct its code or resource`);
    } else if (!live[i]) {
      warnings.push(
        `${describe(a, i)} expired on ${a.until}: its ${matching === 1 ? "finding counts" : `${matching} findings count`} again`,
      );
    }
  });
  return { result: { ...result, findings }, warnings };
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * 1 when a chain is broken, or a finding that is not accepted is at least as severe as `failOn`, or (for
 * `--fail-on warning|info`) an acceptance warning exists; else 0.
 */
export function exitCodeFor(accepted: Accepted, failOn: Severity): 0 | 1 {
  const { result, warnings } = accepted;
  if (!result.ok) return 1;
  if (result.findings.some((f) => !f.accepted && RANK[f.severity] >= RANK[failOn])) return 1;
  return warnings.length > 0 && RANK[failOn] <= RANK.warning ? 1 : 0;
}
