/**
 * The broken example of the report tests: the desired State of examples/multi-target.yaml, tampered the way
 * users break it (the staging Argo CD access entry deleted; the Argo CD trust policy's `aud` mistyped as
 * sts.amazon.com), and src/verify's result over it.
 */
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/load.js";
import type { ChainSpec, JsonObject, State } from "../../src/state/types.js";
import { desiredState } from "../../src/topology/index.js";
import { type VerifyResult, verify } from "../../src/verify/index.js";

export const EXAMPLE = fileURLToPath(new URL("../../examples/multi-target.yaml", import.meta.url));

export interface Example {
  state: State;
  chains: ChainSpec[];
  result: VerifyResult;
  /** The role whose trust policy was broken and the cluster whose access entry was removed. */
  brokenTrustRoleArn: string;
  removedEntryArn: string;
}

export function tamper(
  state: State,
  chains: ChainSpec[],
): { brokenTrustRoleArn: string; removedEntryArn: string } {
  const staging = chains.find((c) => c.id === "staging/argocd")!;
  const cluster = state.clusters.find((c) => c.name === staging.targetCluster.name)!;
  cluster.accessEntries = cluster.accessEntries.filter((e) => e.principalArn !== staging.targetRoleArn);
  const master = state.roles.find((r) => r.arn === staging.sourceRoleArn)!;
  const stmt = (master.trustPolicy.Statement as JsonObject[])[0]!;
  const condition = stmt.Condition as Record<string, JsonObject>;
  const block = (condition.StringEquals ?? condition.StringLike)!;
  const audKey = Object.keys(block).find((k) => k.endsWith(":aud"))!;
  block[audKey] = "sts.amazon.com";
  return { brokenTrustRoleArn: master.arn, removedEntryArn: staging.targetRoleArn };
}

export function brokenExample(): Example {
  const { state, chains } = desiredState(loadConfig(EXAMPLE));
  const tampered = tamper(state, chains);
  return { state, chains, result: verify(state, chains), ...tampered };
}

/**
 * `n` targets (alternately as staging and prod of examples/multi-target.yaml, each in its own account and
 * cluster), tampered as brokenExample is: the first target's Argo CD chain is broken twice.
 */
export function manyTargets(n: number): Example {
  const config = loadConfig(EXAMPLE);
  const base = config.targets;
  config.targets = Array.from({ length: n }, (_, i) => {
    const t = base[i % base.length]!;
    return {
      ...t,
      name: i === 0 ? "staging" : `target-${String(i + 1).padStart(2, "0")}`,
      accountId: String(200000000000 + i * 1111),
      cluster: `workloads-${String(i + 1).padStart(2, "0")}`,
    };
  });
  const { state, chains } = desiredState(config);
  const broken = tamper(state, chains);
  return { state, chains, result: verify(state, chains), ...broken };
}
