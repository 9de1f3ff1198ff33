import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { desiredState } from "../../src/topology/desired.js";
import { verify } from "../../src/verify/index.js";

describe("XIRSA-ARGOCD-NAMESPACED-CACHE", () => {
  const config = loadConfig("examples/multi-target.yaml");

  it("warns when Argo CD has namespace-scoped access and its cluster Secret names no namespaces", () => {
    const { state, chains } = desiredState(config);
    const found = verify(state, chains).findings.filter((f) => f.code === "XIRSA-ARGOCD-NAMESPACED-CACHE");
    // Only prod is namespaced; staging has cluster-admin.
    expect(found.map((f) => f.resource)).toEqual(["k8s:krci-main/argocd/Secret/cluster-prod"]);
    expect(found[0]!.severity).toBe("warning");
  });

  it("is quiet once the Secret lists the namespaces", () => {
    const { state, chains } = desiredState(config);
    const source = state.clusters.find((c) => c.name === "krci-main")!;
    const secret = source.objects.find((o) => o.kind === "Secret" && o.metadata.name === "cluster-prod")!;
    (secret.data as Record<string, string>).namespaces =
      Buffer.from("krci-app-dev,krci-app-qa").toString("base64");
    const result = verify(state, chains);
    expect(result.findings.some((f) => f.code === "XIRSA-ARGOCD-NAMESPACED-CACHE")).toBe(false);
  });
});
