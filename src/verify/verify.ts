/**
 * verify(): prove every hop of every chain over a State, in order, evaluating each hop even after an earlier
 * one failed (users fix several things at once). Pure: data in, data out.
 */

import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from "../names/index.js";
import type { ChainSpec, State } from "../state/types.js";
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

/** Does xirsa own the chain's roles (both tagged xirsa.io/managed-by = xirsa)? */
function ownedByXirsa(ctx: VerifyContext, chain: ChainSpec): boolean {
  return [chain.sourceRoleArn, chain.targetRoleArn].every(
    (arn) => ctx.role(arn)?.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE,
  );
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
    const apply = opts.applyCommand && ownedByXirsa(ctx, chain) ? opts.applyCommand : undefined;
    const hops = HOPS.map(([, hop]) => {
      const outcome = hop(chain, ctx);
      for (const f of outcome.findings) findings.push(f); // not push(...): findings can be attacker-sized
      if (apply && !outcome.hop.ok) {
        const by = outcome.hop.fix ? `; or by hand: ${outcome.hop.fix}` : "";
        return {
          ...outcome.hop,
          fix: `${apply} (xirsa owns this stack: it restores what the config renders)${by}`,
        };
      }
      return outcome.hop;
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
