/**
 * SARIF 2.1.0 for code scanning in CI: one rule per catalogue entry, one result per finding, located in the
 * file a user edits (a bundle file, or the config) by a `locate` function the caller supplies (it may read
 * files; this module does not).
 */
import { CATALOGUE } from "../catalogue.js";
import type { Finding, Severity, VerifyResult } from "../types.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifLocation {
  /** Path relative to the directory SARIF consumers resolve against (the repository root in CI), `/`-separated. */
  uri: string;
  startLine?: number;
}

export type Locate = (finding: Finding) => SarifLocation | undefined;

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

function ruleName(code: string): string {
  // XIRSA-TRUST-WILDCARD-EQUALS → TrustWildcardEquals
  return code
    .replace(/^XIRSA-/, "")
    .toLowerCase()
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

export function toSarif(result: VerifyResult, locate: Locate, toolVersion = "0.1.0"): unknown {
  const rules = CATALOGUE.map((e) => ({
    id: e.code,
    name: ruleName(e.code),
    shortDescription: { text: e.title },
    fullDescription: { text: e.explanation },
    help: { text: e.remediation },
    defaultConfiguration: { level: LEVEL[e.severity] },
    properties: { hop: e.hop, ...(e.liveOnly ? { liveOnly: true } : {}) },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  // chain id → hop id → the root-cause hop it is blocked by: a finding of a blocked hop says so, in the
  // result's property bag (SARIF 2.1.0 §3.8: tool-defined properties), as the run's chains do.
  const blocked = new Map(
    result.chains.map((c) => [
      c.id,
      new Map(c.hops.flatMap((h) => (h.blockedBy ? [[h.id as string, h.blockedBy]] : []))),
    ]),
  );
  const results = result.findings.map((f) => {
    const blockedBy = f.chain && f.hop ? blocked.get(f.chain)?.get(f.hop) : undefined;
    const loc = locate(f);
    const region = loc?.startLine ? { region: { startLine: loc.startLine } } : {};
    return {
      ruleId: f.code,
      ruleIndex: index.get(f.code) ?? -1,
      level: LEVEL[f.severity],
      message: { text: `${f.message}. Fix: ${f.remediation}` },
      locations: [
        {
          ...(loc ? { physicalLocation: { artifactLocation: { uri: loc.uri }, ...region } } : {}),
          logicalLocations: [{ fullyQualifiedName: f.resource, kind: "resource" }],
        },
      ],
      partialFingerprints: { "xirsa/v1": `${f.code}|${f.resource}|${f.chain ?? ""}` },
      properties: {
        ...(f.chain ? { chain: f.chain } : {}),
        ...(f.hop ? { hop: f.hop } : {}),
        ...(blockedBy ? { blockedBy } : {}),
      },
      // SARIF 2.1.0 §3.35: an accepted finding is suppressed outside the code ("external": xirsa.yaml).
      ...(f.accepted
        ? {
            suppressions: [
              {
                kind: "external",
                status: "accepted",
                justification: f.accepted.until
                  ? `${f.accepted.reason} (until ${f.accepted.until})`
                  : f.accepted.reason,
              },
            ],
          }
        : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "xirsa", version: toolVersion, rules } },
        results,
        properties: {
          ok: result.ok,
          chains: result.chains.map((c) => ({
            id: c.id,
            ok: c.ok,
            hops: c.hops.map((h) => ({
              id: h.id,
              ok: h.ok,
              ...(h.blockedBy ? { blockedBy: h.blockedBy } : {}),
            })),
          })),
        },
      },
    ],
  };
}

export function formatSarif(result: VerifyResult, locate: Locate, toolVersion?: string): string {
  return `${JSON.stringify(toSarif(result, locate, toolVersion), null, 2)}\n`;
}
