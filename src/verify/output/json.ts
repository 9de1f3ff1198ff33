/**
 * The JSON report: exactly the contract of DESIGN.md ({ok, chains: [{id, kind, target, ok, hops: [{id, ok,
 * reason, detail}]}], findings: [{code, severity, message, resource, remediation}]}), with the extra fields
 * the contract allows (hop fix, codes and blockedBy; finding chain, hop, location and `accepted`) after the
 * contract's own. A hop's `detail` is its typed evidence (src/verify/evidence.ts), tagged by `detail.kind`.
 */
import type { VerifyResult } from "../types.js";

export function toJson(result: VerifyResult): unknown {
  return {
    ok: result.ok,
    chains: result.chains.map((c) => ({
      id: c.id,
      kind: c.kind,
      target: c.target,
      ok: c.ok,
      hops: c.hops.map((h) => ({
        id: h.id,
        ok: h.ok,
        reason: h.reason,
        detail: h.detail,
        ...(h.fix !== undefined ? { fix: h.fix } : {}),
        ...(h.codes ? { codes: h.codes } : {}),
        ...(h.blockedBy ? { blockedBy: h.blockedBy } : {}),
      })),
    })),
    findings: result.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      resource: f.resource,
      remediation: f.remediation,
      ...(f.chain ? { chain: f.chain } : {}),
      ...(f.hop ? { hop: f.hop } : {}),
      ...(f.location ? { location: f.location } : {}),
      ...(f.accepted ? { accepted: f.accepted } : {}),
    })),
  };
}

export function formatJson(result: VerifyResult): string {
  return `${JSON.stringify(toJson(result), null, 2)}\n`;
}
