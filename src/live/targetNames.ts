/**
 * Target names the CD pipeline operator would misuse, refused before any change (exit 2):
 * - `in-cluster` makes the operator use its own cluster (epam/edp-cd-pipeline-operator api/v1/stage_types.go
 *   InCluster; internal/controller/stage/chain/factory.go);
 * - the operator writes the generated kubeconfig into Secret `<name>` (the cluster Secret's name without
 *   `-cluster`, internal/controller/clustersecret/clustersecret_controller.go irsaToKubeConfigSecret), so an
 *   existing `<name>` it did not make (e.g. regcred) would be overwritten; and `<name>-cluster` must be a
 *   cluster Secret of this stack, not someone else's Secret.
 */
import type { Config } from "../config/index.js";
import { InputError } from "../errors.js";
import type { KubeClient } from "../kube/index.js";
import { K8S_STACK_LABEL, krciClusterSecretName } from "../names/index.js";
import type { KubeObject } from "../state/index.js";

export const IN_CLUSTER = "in-cluster";

function controlledBy(obj: KubeObject, kind: string, name: string): boolean {
  const refs = obj.metadata.ownerReferences;
  return (
    Array.isArray(refs) &&
    refs.some(
      (r) =>
        r !== null &&
        typeof r === "object" &&
        !Array.isArray(r) &&
        r.controller === true &&
        r.kind === kind &&
        r.name === name,
    )
  );
}

/** The first conflict of a target name with what exists in the KubeRocketCI namespace, or undefined (pure). */
export function targetNameConflict(
  config: Config,
  target: string,
  existing: { kubeconfig?: KubeObject; cluster?: KubeObject },
): string | undefined {
  const ns = config.source.krci.namespace;
  const clusterName = krciClusterSecretName(target);
  if (target === IN_CLUSTER) return `target name '${IN_CLUSTER}' means the operator's own cluster`;
  const { kubeconfig, cluster } = existing;
  if (kubeconfig && !controlledBy(kubeconfig, "Secret", clusterName)) {
    return `Secret ${ns}/${target} already exists and is not the operator's kubeconfig for ${clusterName}: the operator would overwrite it with the generated kubeconfig`;
  }
  if (cluster) {
    const labels = cluster.metadata.labels ?? {};
    if (labels["app.edp.epam.com/secret-type"] !== "cluster") {
      return `Secret ${ns}/${clusterName} already exists and is not a KubeRocketCI cluster Secret`;
    }
    const stack = labels[K8S_STACK_LABEL];
    if (stack && stack !== config.name) {
      return `Secret ${ns}/${clusterName} is the cluster Secret of xirsa stack '${stack}'`;
    }
  }
  return undefined;
}

/** Reads `<name>` and `<name>-cluster` of every target in cluster A and refuses the first conflict. */
export async function checkTargetNames(config: Config, kube: KubeClient, only?: string): Promise<void> {
  const ns = config.source.krci.namespace;
  for (const [i, t] of config.targets.entries()) {
    if (only !== undefined && t.name !== only) continue;
    const read = (name: string) => kube.get({ apiVersion: "v1", kind: "Secret", name, namespace: ns });
    const [kubeconfig, cluster] = await Promise.all([read(t.name), read(krciClusterSecretName(t.name))]);
    const conflict = targetNameConflict(config, t.name, {
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(cluster ? { cluster } : {}),
    });
    if (conflict) {
      throw new InputError(
        "config.target-name",
        `targets[${i}].name: ${conflict}; nothing was changed`,
        "give the target another name (it names the cluster in Argo CD and KubeRocketCI)",
      );
    }
  }
}
