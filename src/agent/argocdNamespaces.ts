/**
 * Keeps the `namespaces` key of a namespace-scoped Argo CD cluster Secret true as environments come and go
 * (Argo CD takes exact names, no patterns: argoproj/argo-cd docs/operator-manual/declarative-setup.md#clusters).
 * `env create` adds the new namespace, `env delete` removes it; `apply` recomputes the whole list from the
 * namespaces that exist (live/envNamespaces.ts).
 */
import type { Config, TargetConfig } from "../config/index.js";
import { OperationError } from "../errors.js";
import type { KubeClient } from "../kube/index.js";
import { argocdClusterSecretName } from "../names/index.js";
import { diagnose, errorText } from "./diagnose.js";

/** The list after adding and removing one name: sorted, unique, comma-separated (pure). */
export function nextNamespaces(current: string, change: { add?: string; remove?: string }): string {
  const names = new Set(
    current
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean),
  );
  if (change.add) names.add(change.add);
  if (change.remove) names.delete(change.remove);
  return [...names].sort().join(",");
}

export type NamespacesResult = "updated" | "unchanged" | "absent";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/**
 * Patches the Argo CD cluster Secret of `target` in cluster A; `absent` when the target is not registered
 * yet (apply or cluster register will write the list). Only for `access: namespaced` targets.
 */
export async function updateArgocdNamespaces(args: {
  config: Config;
  target: TargetConfig;
  source: KubeClient;
  change: { add?: string; remove?: string };
}): Promise<NamespacesResult> {
  const ns = args.config.source.argocd.namespace;
  const name = argocdClusterSecretName(args.target.name);
  try {
    const ref = { apiVersion: "v1", kind: "Secret", name, namespace: ns };
    const secret = await args.source.get(ref);
    if (!secret) return "absent";
    const data = (secret.data ?? {}) as Record<string, string>;
    const current = data.namespaces ? Buffer.from(data.namespaces, "base64").toString("utf8") : "";
    const next = nextNamespaces(current, args.change);
    if (data.namespaces !== undefined && next === current && data.clusterResources === b64("false")) {
      return "unchanged";
    }
    await args.source.patch(
      ref,
      {
        data: { namespaces: b64(next), clusterResources: b64("false") },
        // Optimistic concurrency: a parallel env create is not overwritten.
        ...(secret.metadata.resourceVersion
          ? { metadata: { resourceVersion: secret.metadata.resourceVersion } }
          : {}),
      },
      "strategic",
    );
    return "updated";
  } catch (e) {
    const d = diagnose(e, { step: "kubernetes", clusterName: args.config.source.cluster });
    throw new OperationError(
      `env.argocd-namespaces`,
      `updating namespaces of Argo CD cluster Secret ${ns}/${name} in cluster ${args.config.source.cluster} failed: ${d.cause} (${errorText(e)}); Argo CD cannot sync ${args.change.add ?? args.change.remove} until it lists it`,
      `${d.fix}; then rerun the command or xirsa apply (both are idempotent)`,
      { cause: e },
    );
  }
}
