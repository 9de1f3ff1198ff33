/**
 * The environment namespaces that exist in each target whose Argo CD access is namespace-scoped: the exact
 * names the Argo CD cluster Secret's `namespaces` key must list (topology/objects.ts argocdNamespaces).
 * Terminating namespaces no longer count.
 */
import type { Config, TargetConfig } from "../config/index.js";
import type { KubeObject } from "../state/index.js";
import { namespaceCovers } from "../verify/index.js";
import type { Connections } from "./connections.js";

/** The names of `namespaces` that are environments of the target (pure). */
export function environmentNamespaces(target: TargetConfig, namespaces: readonly KubeObject[]): string[] {
  return namespaces
    .filter((n) => !n.metadata.deletionTimestamp && namespaceCovers(target.namespaces, n.metadata.name))
    .map((n) => n.metadata.name)
    .sort();
}

export async function listEnvNamespaces(
  config: Config,
  conns: Connections,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  await Promise.all(
    config.targets
      .filter((t) => t.access === "namespaced")
      .map(async (t) => {
        const kube = await conns.kube({ accountId: t.accountId, region: t.region, name: t.cluster });
        out[t.name] = environmentNamespaces(t, await kube.list("v1", "Namespace"));
      }),
  );
  return out;
}
