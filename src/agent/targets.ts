/**
 * The parts of a config a runtime flow needs: the target by name, the chain a flow uses to reach it (role ARNs
 * come from names alone, so no issuer or endpoint is needed), and where the target's API server is.
 */
import type { Config, TargetConfig } from "../config/index.js";
import { AwsError, InputError } from "../errors.js";
import type { Connections } from "../live/index.js";
import type { ChainKind, ChainSpec, ClusterRef } from "../state/index.js";
import { didYouMean } from "../text/index.js";
import { roleNames, sourceCluster } from "../topology/index.js";

export const CHAIN_KINDS: readonly ChainKind[] = ["cd-pipeline-operator", "argocd"];

export interface TargetRef {
  target: TargetConfig;
  /** Index in config.targets, for naming fields in messages (`targets[1].endpoint`). */
  index: number;
  cluster: ClusterRef;
}

export function findTarget(config: Config, name: string): TargetRef {
  const index = config.targets.findIndex((t) => t.name === name);
  if (index < 0) {
    const known = config.targets.map((t) => t.name);
    throw new InputError(
      "cli.target",
      `no target named '${name}' in the config${didYouMean(name, known)}`,
      `use one of: ${known.join(", ")}`,
    );
  }
  const target = config.targets[index]!;
  return {
    target,
    index,
    cluster: { accountId: target.accountId, region: target.region, name: target.cluster },
  };
}

/** The chain of a flow to one target, as topology names it (ChainSpec of desiredState, without discovery). */
export function flowChainSpec(config: Config, kind: ChainKind, targetName: string): ChainSpec {
  const { target, cluster } = findTarget(config, targetName);
  const names = roleNames(config);
  const src = config.source;
  const operator = kind === "cd-pipeline-operator";
  return {
    id: `${target.name}/${kind}`,
    kind,
    target: target.name,
    serviceAccounts: operator
      ? [{ namespace: src.krci.namespace, name: src.krci.serviceAccount }]
      : src.argocd.serviceAccounts.map((name) => ({ namespace: src.argocd.namespace, name })),
    sourceRoleArn: names.arn(operator ? "CDPipelineOperator" : "ArgoCDMaster", src.accountId),
    targetRoleArn: names.arn(operator ? "CDPipelineAgent" : "ArgoCDAgentAccess", target.accountId),
    source: sourceCluster(config),
    targetCluster: cluster,
    namespacePattern: target.namespaces,
  };
}

/** Whether a namespace belongs to a target's pattern (`krci-*` or an exact name). */
export function matchesPattern(pattern: string, namespace: string): boolean {
  return pattern.endsWith("*") ? namespace.startsWith(pattern.slice(0, -1)) : namespace === pattern;
}

/**
 * Where the API server comes from: `describe` asks EKS (DescribeCluster with the target account's own
 * credentials: its profile or the default chain); `config` takes the target's endpoint and caData; `auto`
 * asks EKS and falls back to the config when that call cannot be made (e.g. in a pod of cluster A, whose
 * credentials may not describe clusters of account B).
 */
export type EndpointFrom = "auto" | "config" | "describe";
export const ENDPOINT_FROM: readonly EndpointFrom[] = ["auto", "config", "describe"];

export interface TargetEndpoint {
  endpoint: string;
  caData: string;
  from: "config" | "DescribeCluster";
  warnings: string[];
}

function fromConfig(ref: TargetRef): TargetEndpoint | undefined {
  const { endpoint, caData } = ref.target;
  return endpoint && caData ? { endpoint, caData, from: "config", warnings: [] } : undefined;
}

export async function targetEndpoint(
  ref: TargetRef,
  conns: Pick<Connections, "describeCluster">,
  mode: EndpointFrom,
): Promise<TargetEndpoint> {
  const field = `targets[${ref.index}]`;
  const configured = fromConfig(ref);
  if (mode === "config") {
    if (configured) return configured;
    throw new InputError(
      "config.endpoint",
      `${field} has no ${ref.target.endpoint ? "caData" : "endpoint"} for --endpoint-from config`,
      "copy endpoint and certificateAuthority.data from aws eks describe-cluster into xirsa.yaml, or use --endpoint-from describe",
    );
  }
  try {
    const info = await conns.describeCluster(ref.cluster, field);
    const warnings: string[] = [];
    if (ref.target.endpoint && ref.target.endpoint !== info.endpoint) {
      warnings.push(
        `${field}.endpoint is ${ref.target.endpoint} but DescribeCluster says ${info.endpoint}; using DescribeCluster's`,
      );
    }
    return { endpoint: info.endpoint, caData: info.caData, from: "DescribeCluster", warnings };
  } catch (e) {
    if (mode === "describe" || !configured || !(e instanceof AwsError)) throw e;
    return {
      ...configured,
      warnings: [
        `DescribeCluster ${ref.cluster.name} failed (${e.message}); using ${field}.endpoint and caData`,
      ],
    };
  }
}
