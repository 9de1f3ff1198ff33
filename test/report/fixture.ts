/**
 * The broken example of the report tests: the desired State of examples/multi-target.yaml, tampered the way
 * users break it (the staging Argo CD access entry deleted; the Argo CD trust policy's `aud` mistyped as
 * sts.amazon.com), and the verify result over it.
 */
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/load.js";
import type { ChainSpec, JsonObject, State } from "../../src/state/types.js";
import { desiredState, issuerHostPath } from "../../src/topology/index.js";
import type { ChainResult, HopResult, VerifyResult } from "../../src/verify/types.js";

export const EXAMPLE = fileURLToPath(new URL("../../examples/multi-target.yaml", import.meta.url));

export interface Example {
  state: State;
  chains: ChainSpec[];
  result: VerifyResult;
  /** The role whose trust policy was broken and the cluster whose access entry was removed. */
  brokenTrustRoleArn: string;
  removedEntryArn: string;
}

type Obj = Record<string, unknown>;

export function tamper(
  state: State,
  chains: ChainSpec[],
): { brokenTrustRoleArn: string; removedEntryArn: string } {
  const staging = chains.find((c) => c.id === "staging/argocd")!;
  const cluster = state.clusters.find((c) => c.name === staging.targetCluster.name)!;
  cluster.accessEntries = cluster.accessEntries.filter((e) => e.principalArn !== staging.targetRoleArn);
  const master = state.roles.find((r) => r.arn === staging.sourceRoleArn)!;
  const stmt = (master.trustPolicy.Statement as JsonObject[])[0]!;
  const block = (stmt.Condition as Record<string, JsonObject>).StringLike!;
  const audKey = Object.keys(block).find((k) => k.endsWith(":aud"))!;
  block[audKey] = "sts.amazon.com";
  return { brokenTrustRoleArn: master.arn, removedEntryArn: staging.targetRoleArn };
}

/**
 * A stand-in for src/verify's `verify` until it lands: decides the two tampered hops from the State (the
 * `aud` condition and the access entry) and reports the evaluator's explanation in the shape of src/iam's
 * StatementTrace; the other hops are reported as proven.
 */
export function standInVerify(state: State, chains: ChainSpec[]): VerifyResult {
  const results: ChainResult[] = chains.map((spec) => {
    const source = state.roles.find((r) => r.arn === spec.sourceRoleArn)!;
    const stmts = source.trustPolicy.Statement as JsonObject[];
    const cond = stmts[0]!.Condition as Record<string, Obj>;
    const [operator, block] = Object.entries(cond).find(([, b]) =>
      Object.keys(b).some((k) => k.endsWith(":aud")),
    )!;
    const audKey = Object.keys(block).find((k) => k.endsWith(":aud"))!;
    const aud = [block[audKey]].flat() as string[];
    const audOk = aud.includes("sts.amazonaws.com");
    const target = state.clusters.find((c) => c.name === spec.targetCluster.name)!;
    const entry = target.accessEntries.find((e) => e.principalArn === spec.targetRoleArn);
    const hop = (
      id: HopResult["id"],
      ok: boolean,
      reason: string,
      fix?: string,
      detail: Obj = {},
    ): HopResult => (ok ? { id, ok, reason, detail } : { id, ok, reason, fix: fix!, detail });
    const hops: HopResult[] = [
      hop("service-account", true, "every service account carries eks.amazonaws.com/role-arn of the A role"),
      hop(
        "web-identity",
        audOk,
        audOk
          ? "the A role trusts the issuer for each service account with aud sts.amazonaws.com"
          : `trust policy of ${source.arn} statement 0 requires ${operator} ${audKey} in [${aud.join(", ")}], got sts.amazonaws.com`,
        `set ${audKey} to sts.amazonaws.com in the trust policy of ${source.name}`,
        {
          issuer: issuerHostPath(state.oidcProviders[0]!.url),
          decision: {
            decision: audOk ? "Allowed" : "ImplicitlyDenied",
            missing: audOk ? [] : ["resource"],
            trace: [
              {
                statement: { policy: `trust:${source.arn}`, index: 0 },
                effect: "Allow",
                ...(audOk
                  ? {}
                  : {
                      mismatch: {
                        on: "condition",
                        failure: { operator, key: audKey, expected: aud, actual: ["sts.amazonaws.com"] },
                      },
                    }),
              },
            ],
          },
        },
      ),
      hop("assume-role", true, "the A role may assume the B role and the B role trusts the A role"),
      hop(
        "cluster-access",
        entry !== undefined,
        entry
          ? `an access entry for ${spec.targetRoleArn} exists`
          : `no access entry for ${spec.targetRoleArn} on ${target.name}`,
        `create an access entry for ${spec.targetRoleArn} on ${target.name}`,
        { principalArn: spec.targetRoleArn },
      ),
      hop(
        "kubernetes-permissions",
        entry !== undefined,
        entry ? "the access policies cover the flow" : "nothing maps the B role into the cluster",
        "associate an access policy with the access entry",
      ),
      hop("registration", true, "the cluster Secret names the B role and the target endpoint"),
    ];
    return { id: spec.id, kind: spec.kind, target: spec.target, ok: hops.every((h) => h.ok), hops };
  });
  const findings: VerifyResult["findings"] = [];
  for (const c of results) {
    for (const h of c.hops.filter((x) => !x.ok)) {
      findings.push({
        code: h.id === "web-identity" ? "XIRSA-TRUST-AUD-VALUE" : "XIRSA-ACCESS-ENTRY-MISSING",
        severity: "error",
        message: h.reason,
        resource:
          h.id === "web-identity" ? chains.find((s) => s.id === c.id)!.sourceRoleArn : `eks:${c.target}`,
        remediation: h.fix!,
        chain: c.id,
        hop: h.id,
      });
    }
  }
  return { ok: results.every((c) => c.ok), chains: results, findings };
}

export function brokenExample(): Example {
  const { state, chains } = desiredState(loadConfig(EXAMPLE));
  const tampered = tamper(state, chains);
  return { state, chains, result: standInVerify(state, chains), ...tampered };
}
