/**
 * The verify result: the contract of DESIGN.md ("Contracts") that other tools, the HTML report and CI rely on.
 * JSON: {ok, chains: [{id, kind, target, ok, hops: [{id, ok, reason, detail}]}], findings: [{code, severity,
 * message, resource, remediation}]}; `detail` is the hop's typed evidence (evidence.ts), `blockedBy` marks a
 * hop that fails because of an earlier one.
 */
import type { ChainKind } from "../state/index.js";
import type { HopEvidence } from "./evidence.js";

export const HOP_IDS = [
  "service-account",
  "web-identity",
  "assume-role",
  "cluster-access",
  "kubernetes-permissions",
  "registration",
] as const;
export type HopId = (typeof HOP_IDS)[number];

export type Severity = "error" | "warning" | "info";

/** Where a finding lives: a State resource id and, for bundles, the file (for SARIF). */
export interface FindingLocation {
  /**
   * The id of the document the finding points into (a key of loadBundle's `files`): the resource id, or a
   * part of it such as `<role ARN>#trust-policy` or `<role ARN>#inline/<name>`.
   */
  resource: string;
  /** Bundle-relative path, when the State came from a bundle. */
  file?: string;
  /** JSON path inside the file, e.g. `Statement[0].Condition.StringEquals`. */
  jsonPath?: string;
}

export interface Finding {
  /** Stable code from the catalogue, e.g. XIRSA-TRUST-WILDCARD-EQUALS. */
  code: string;
  severity: Severity;
  message: string;
  resource: string;
  remediation: string;
  /** Which chain and hop it belongs to, when it breaks or weakens one. */
  chain?: string;
  hop?: HopId;
  location?: FindingLocation;
  /** Set when an `accept` entry of xirsa.yaml covers the finding (and has not expired). */
  accepted?: { reason: string; until?: string };
}

/** Structured evidence of a hop (what was checked, what decided): a tagged union on `kind` (evidence.ts). */
export type HopDetail = HopEvidence;

export interface HopResult {
  id: HopId;
  ok: boolean;
  /** One sentence: why it holds, or why not. */
  reason: string;
  /** The fix when not ok. */
  fix?: string;
  /** Codes of the findings this hop raised (the first explains a failure). */
  codes?: string[];
  /**
   * Set on a failed hop that fails because an earlier hop failed (e.g. no permission can be checked without
   * the access entry; probe cannot try AssumeRole without the web identity): the root-cause hop. A failed hop
   * without it is a root cause itself.
   */
  blockedBy?: HopId;
  detail: HopDetail;
}

export interface ChainResult {
  id: string;
  kind: ChainKind;
  target: string;
  ok: boolean;
  hops: HopResult[];
}

export interface VerifyResult {
  ok: boolean;
  chains: ChainResult[];
  findings: Finding[];
}
