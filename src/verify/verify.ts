/**
 * verify(): prove every hop of every chain over a State, in order, evaluating each hop even after an earlier
 * one failed (users fix several things at once). Pure: data in, data out.
 */

import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from "../names/index.js";
import type { ChainSpec, State } from "../state/index.js";
import { type Hop, VerifyContext, type VerifyOptions } from "./context.js";
import { normaliseFindings } from "./findings.js";
import { assumeRoleHop } from "./hops/assumeRole.js";
import { clusterAccessHop } from "./hops/clusterAccess.js";
import { kubernetesPermissionsHop } from "./hops/kubernetesPermissions.js";
import { registrationHop } from "./hops/registration.js";
import { serviceAccountHop } from "./hops/serviceAccount.js";
import { webIdentityHop } from "./hops/webIdentity.js";
import type { ChainResult, Finding, HopId, HopResult, VerifyResult } from "./types.js";

/** The hops in the order of the contract (HOP_IDS). */
export const HOPS: ReadonlyArray<readonly [HopId, Hop]> = [
  ["service-account", serviceAccountHop],
  ["web-identity", webIdentityHop],
  ["assume-role", assumeRoleHop],
  ["cluster-access", clusterAccessHop],
  ["kubernetes-permissions", kubernetesPermissionsHop],
  ["registration", registrationHop],
];

/**
 * Does xirsa own the chain's roles? Each is tagged xirsa.io/managed-by = xirsa, or absent while the config
 * renders it (apply creates it; a role someone else made under that name would be tagged otherwise).
 */
function ownedByXirsa(ctx: VerifyContext, chain: ChainSpec): boolean {
  return [chain.sourceRoleArn, chain.targetRoleArn].every((arn) => {
    const role = ctx.role(arn);
    if (role) return role.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE;
    return !!ctx.desired?.roles.some((r) => r.arn === arn);
  });
}

/**
 * The apply that restores one chain: limited to its target (`--target`: the shared objects it needs come
 * along), with --create-oidc-provider when the provider is missing (apply stops without it).
 */
function applyFor(base: string, chain: ChainSpec, findings: readonly Finding[]): string {
  const oidc = findings.some((f) => f.code === "XIRSA-OIDC-PROVIDER-MISSING")
    ? " --create-oidc-provider"
    : "";
  return `${base} --target ${chain.target}${oidc}`;
}

/**
 * A hop says which earlier hop its failure follows from; that holds only when that hop failed too (else the
 * hop is a root cause itself), and it names the root: a hop blocked by a blocked hop is blocked by that one's
 * root cause.
 */
export function rootCauses(hops: HopResult[]): HopResult[] {
  const byId = new Map<HopId, HopResult>();
  return hops.map((h) => {
    let out = h;
    if (h.blockedBy) {
      const by = byId.get(h.blockedBy);
      if (!by || by.ok) {
        const { blockedBy: _, ...rest } = h;
        out = rest;
      } else if (by.blockedBy) out = { ...h, blockedBy: by.blockedBy };
    }
    byId.set(out.id, out);
    return out;
  });
}

export function verify(state: State, chains: readonly ChainSpec[], opts: VerifyOptions = {}): VerifyResult {
  const ctx = new VerifyContext(state, opts);
  const findings: Finding[] = [];
  const results: ChainResult[] = chains.map((chain) => {
    const outcomes = HOPS.map(([, hop]) => hop(chain, ctx));
    const chainFindings = outcomes.flatMap((o) => o.findings);
    const apply =
      opts.applyCommand && ownedByXirsa(ctx, chain)
        ? `${applyFor(opts.applyCommand, chain, chainFindings)} (xirsa owns this stack: it restores what the config renders)`
        : undefined;
    // An error on an owned chain whose hop still holds (a trust policy without aud, say) is drift too: the
    // same apply puts the rendered document back.
    const failing = new Set(outcomes.filter((o) => !o.hop.ok).map((o) => o.hop.id));
    for (const f of chainFindings) {
      const drift = apply && f.severity === "error" && f.hop && !failing.has(f.hop);
      // not push(...): findings can be attacker-sized
      findings.push(drift ? { ...f, remediation: `${apply}; or by hand: ${f.remediation}` } : f);
    }
    const hops = outcomes.map(({ hop }) => {
      if (apply && !hop.ok) {
        const by = hop.fix ? `; or by hand: ${hop.fix}` : "";
        return { ...hop, fix: `${apply}${by}` };
      }
      return hop;
    });
    return {
      id: chain.id,
      kind: chain.kind,
      target: chain.target,
      ok: hops.every((h) => h.ok),
      hops: rootCauses(hops),
    };
  });
  return { ok: results.every((c) => c.ok), chains: results, findings: normaliseFindings(findings) };
}
