import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../config/index.js";
import type { KubeObject, State } from "../state/index.js";
import { desiredState } from "../topology/index.js";
import { planTable } from "./format.js";
import { plan } from "./plan.js";
import { discoverPlatformConfigMap } from "./platform.js";

const ROOT = join(import.meta.dirname, "..", "..");
const config = parseConfigText(readFileSync(join(ROOT, "examples", "multi-target.yaml"), "utf8"));

describe("discoverPlatformConfigMap", () => {
  it("prefers krci-config, falls back to edp-config, and finds none when neither exists", async () => {
    const having =
      (...names: string[]) =>
      (n: string) =>
        Promise.resolve(names.includes(n));
    expect(await discoverPlatformConfigMap(having("krci-config", "edp-config"))).toBe("krci-config");
    expect(await discoverPlatformConfigMap(having("edp-config"))).toBe("edp-config");
    expect(await discoverPlatformConfigMap(having())).toBeUndefined();
  });
});

function liveWith(objects: KubeObject[]): State {
  const d = desiredState(config).state;
  return { roles: [], oidcProviders: [], clusters: [{ ...d.clusters[0]!, objects }] };
}

const cm = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "krci" },
  data: { available_clusters: "in-cluster" },
});

describe("plan of the platform ConfigMap", () => {
  const cmChanges = (cfg: typeof config, live: KubeObject[]) =>
    plan({ desired: desiredState(cfg).state, live: liveWith(live), stack: cfg.name, workloads: [] }).filter(
      (c) => c.kind === "ConfigMap",
    );

  it("patches the one the installation has (edp-config when configured so) and never creates the other", () => {
    const older = {
      ...config,
      source: { ...config.source, krci: { ...config.source.krci, configMap: "edp-config" as const } },
    };
    const changes = cmChanges(older, [cm("edp-config")]);
    expect(changes.map((c) => `${c.action} ${c.id} ${c.blocked ? "blocked" : ""}`)).toEqual([
      "update krci/edp-config ",
    ]);
    expect(JSON.stringify(changes[0]!.ops)).toContain('"available_clusters":"in-cluster, staging, prod"');
  });

  it("is blocked, not created, when the installation has neither", () => {
    const [c] = cmChanges(config, []);
    expect(c?.action).toBe("create");
    expect(c?.ops).toEqual([]);
    expect(c?.blocked?.fix).toMatch(/krci-config.*edp-config.*source\.krci\.configMap/);
  });
});

describe("plan of GitOps-managed objects", () => {
  const hooked = (): KubeObject => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: {
      name: "krci",
      namespace: "argocd",
      annotations: { "helm.sh/hook": "post-install", "helm.sh/hook-delete-policy": "before-hook-creation" },
    },
    spec: { destinations: [{ namespace: "krci-*", server: "https://kubernetes.default.svc" }] },
  });
  const planFor = (patchManaged: boolean) =>
    plan({
      desired: desiredState(config).state,
      live: liveWith([hooked(), cm("krci-config")]),
      stack: config.name,
      workloads: [],
      config,
      patchManaged,
    }).find((c) => c.kind === "AppProject")!;

  it("blocks a change to the add-ons' hook AppProject, naming the template to change, unless --patch-managed", () => {
    const c = planFor(false);
    expect(c.blocked?.managedBy).toMatch(/^Helm \(hook post-install/);
    expect(c.blocked?.fix).toContain("argo-cd/templates/appProjectKRCI.yaml");
    expect(c.blocked?.fix).toContain("--patch-managed");
    expect(planTable([c])).toContain("BLOCKED (managed by Helm (hook post-install");
    expect(planFor(true).blocked).toBeUndefined();
  });
});
