/**
 * A xirsa.yaml as the sandbox's own spec: one account per source/target account id and one EKS cluster per
 * source/target cluster. The mapping lives on the tool's side so that the sandbox reads no xirsa config.
 */
import type { Config } from "../config/index.js";
import type { ClusterSpec, SandboxSpec } from "../sandbox/index.js";

export function sandboxSpecOf(cfg: Config): SandboxSpec {
  const clusters: ClusterSpec[] = [
    { accountId: cfg.source.accountId, region: cfg.source.region, name: cfg.source.cluster },
  ];
  for (const t of cfg.targets) {
    if (!clusters.some((c) => c.accountId === t.accountId && c.region === t.region && c.name === t.cluster)) {
      clusters.push({ accountId: t.accountId, region: t.region, name: t.cluster });
    }
  }
  const accounts = [...new Set([cfg.source.accountId, ...cfg.targets.map((t) => t.accountId)])];
  return { accounts, clusters };
}
