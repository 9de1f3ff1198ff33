/**
 * Which platform ConfigMap the KubeRocketCI installation has: `source.krci.configMap` when set, else the first
 * of krci-config, edp-config that exists in cluster A (the operator's own order: epam/edp-cd-pipeline-operator
 * pkg/platform/config.go GetKrciConfig falls back to edp-config). xirsa never creates either: when neither
 * exists the plan is blocked (merges.ts availableClusters.missingFix).
 */
import type { Config } from "../config/index.js";
import type { KubeClient } from "../kube/index.js";
import { PLATFORM_CONFIGMAPS, type PlatformConfigMap } from "../names/index.js";

/** The first existing name in discovery order, or undefined (pure over an existence check). */
export async function discoverPlatformConfigMap(
  exists: (name: PlatformConfigMap) => Promise<boolean>,
): Promise<PlatformConfigMap | undefined> {
  for (const name of PLATFORM_CONFIGMAPS) if (await exists(name)) return name;
  return undefined;
}

/** The config with source.krci.configMap filled in from cluster A when the config leaves it out. */
export async function withPlatformConfigMap(config: Config, kube: KubeClient): Promise<Config> {
  if (config.source.krci.configMap) return config;
  const ns = config.source.krci.namespace;
  const found = await discoverPlatformConfigMap(
    async (name) =>
      (await kube.get({ apiVersion: "v1", kind: "ConfigMap", name, namespace: ns })) !== undefined,
  );
  if (!found) return config;
  return { ...config, source: { ...config.source, krci: { ...config.source.krci, configMap: found } } };
}
