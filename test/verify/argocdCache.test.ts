import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { KubeObject } from "../../src/state/types.js";
import { desiredState } from "../../src/topology/desired.js";
import { verify } from "../../src/verify/index.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const decode = (o: KubeObject, k: string) =>
  Buffer.from((o.data as Record<string, string>)[k]!, "base64").toString();

describe("namespace-scoped Argo CD and its cluster Secret", () => {
  const config = loadConfig("examples/multi-target.yaml");
  const prodChain = "prod/argocd";
  const setup = (edit?: (data: Record<string, string>) => void, envNamespaces = ["krci-app-dev"]) => {
    const { state, chains } = desiredState(config, { envNamespaces: { prod: envNamespaces } });
    const source = state.clusters.find((c) => c.name === "krci-main")!;
    const secret = source.objects.find((o) => o.kind === "Secret" && o.metadata.name === "cluster-prod")!;
    edit?.(secret.data as Record<string, string>);
    const r = verify(state, chains);
    const hop = r.chains.find((c) => c.id === prodChain)!.hops.find((h) => h.id === "registration")!;
    return { r, hop, secret };
  };

  it("renders the existing environment namespaces and clusterResources false only for the namespaced target", () => {
    const { state } = desiredState(config, { envNamespaces: { prod: ["krci-b", "krci-a"] } });
    const secrets = state.clusters[0]!.objects.filter(
      (o) => o.kind === "Secret" && o.metadata.namespace === "argocd",
    );
    const prod = secrets.find((s) => s.metadata.name === "cluster-prod")!;
    const staging = secrets.find((s) => s.metadata.name === "cluster-staging")!;
    expect(decode(prod, "namespaces")).toBe("krci-a,krci-b");
    expect(decode(prod, "clusterResources")).toBe("false");
    expect(Object.keys(staging.data as object).sort()).toEqual(["config", "name", "server"]);
  });

  it("passes when the Secret lists environment namespaces inside the scope", () => {
    const { hop, r } = setup();
    expect(hop.ok, hop.reason).toBe(true);
    expect(r.findings.filter((f) => f.code.startsWith("XIRSA-ARGOCD-"))).toEqual([]);
  });

  it("fails the registration hop (error) when the Secret has no namespaces key", () => {
    const { hop, r } = setup((d) => {
      delete d.namespaces;
    });
    expect(hop.ok).toBe(false);
    expect(hop.codes?.[0]).toBe("XIRSA-ARGOCD-NAMESPACED-CACHE");
    expect(hop.reason).toMatch(/sets no namespaces/);
    const f = r.findings.find((x) => x.code === "XIRSA-ARGOCD-NAMESPACED-CACHE")!;
    expect(f.severity).toBe("error");
    expect(f.resource).toBe("k8s:krci-main/argocd/Secret/cluster-prod");
  });

  it("fails when a listed namespace is outside the access scope, or clusterResources is not false", () => {
    const outside = setup((d) => {
      d.namespaces = b64("krci-app-dev,kube-system");
    });
    expect(outside.hop.ok).toBe(false);
    expect(outside.hop.codes?.[0]).toBe("XIRSA-ARGOCD-NAMESPACES-SCOPE");
    expect(outside.hop.reason).toMatch(/kube-system, outside the access scope krci-\*/);
    const cr = setup((d) => {
      d.clusterResources = b64("true");
    });
    expect(cr.hop.ok).toBe(false);
    expect(cr.hop.reason).toMatch(/clusterResources/);
  });

  it("only warns while no environment exists yet (empty list)", () => {
    const { hop, r } = setup(undefined, []);
    expect(hop.ok).toBe(true);
    expect(r.findings.find((f) => f.code === "XIRSA-ARGOCD-NAMESPACES-EMPTY")?.severity).toBe("warning");
  });

  it("says nothing for a cluster-admin target without the keys", () => {
    const { r } = setup();
    expect(r.findings.some((f) => f.chain === "staging/argocd" && f.code.startsWith("XIRSA-ARGOCD-"))).toBe(
      false,
    );
  });
});
