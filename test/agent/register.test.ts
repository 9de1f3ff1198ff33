/** Registration changes (pure): what `xirsa cluster register` would write in cluster A for one target. */
import { describe, expect, it } from "vitest";
import { registrationChanges, registrationObjects } from "../../src/agent/register.js";
import type { TargetEndpoint } from "../../src/agent/targets.js";
import type { Change } from "../../src/live/changes.js";
import type { KubeObject } from "../../src/state/types.js";
import { testConfig } from "./config.js";

const config = testConfig();
const SOURCE = { accountId: "111111111111", region: "eu-central-1", name: "krci-main" };
const ENDPOINT: TargetEndpoint = {
  endpoint: "https://127.0.0.1:7443",
  caData: "Q0E=",
  from: "DescribeCluster",
  warnings: [],
};
const TENANTS_ENDPOINT: TargetEndpoint = { ...ENDPOINT, endpoint: "https://127.0.0.1:8443" };

function target(name: string) {
  return config.targets.find((t) => t.name === name)!;
}

const appProject = (destinations: object[], annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "AppProject",
  metadata: { name: "krci", namespace: "argocd", annotations, resourceVersion: "5" },
  spec: { destinations: destinations as never },
});

const edpConfig = (clusters: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "krci-config", namespace: "krci", annotations, resourceVersion: "9" },
  data: { edp_name: "krci", available_clusters: clusters },
});

/** Applies a change's kube operations to a list of live objects (as the API server would, merge-patching). */
function applyTo(live: KubeObject[], changes: Change[]): KubeObject[] {
  const out = live.map((o) => structuredClone(o));
  type J = Record<string, unknown>;
  const isMap = (v: unknown): v is J => typeof v === "object" && v !== null && !Array.isArray(v);
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === null) return undefined;
    if (!isMap(b) || !isMap(a)) return structuredClone(b);
    const r: J = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const m = merge(a[k], v);
      if (m === undefined) delete r[k];
      else r[k] = m;
    }
    return r;
  };
  for (const op of changes.flatMap((c) => c.ops)) {
    if (op.type === "kube.create") out.push(structuredClone(op.object));
    else if (op.type === "kube.patch") {
      const i = out.findIndex(
        (o) =>
          o.kind === op.ref.kind &&
          o.metadata.name === op.ref.name &&
          o.metadata.namespace === op.ref.namespace,
      );
      out[i] = merge(out[i], op.patch) as KubeObject;
    } else throw new Error(`unexpected ${op.type}`);
  }
  return out;
}

function destinations(project: KubeObject): { namespace: string; server: string }[] {
  return (project.spec as unknown as { destinations: { namespace: string; server: string }[] }).destinations;
}

function clustersOf(objects: KubeObject[]): string {
  return (objects.find((o) => o.kind === "ConfigMap")!.data as Record<string, string>).available_clusters!;
}

describe("cluster register changes", () => {
  it("creates both Secrets with the agent roles and adds the destination and the cluster name", () => {
    const desired = registrationObjects(config, target("prod"), ENDPOINT);
    const live = [
      appProject([{ namespace: "*", server: "https://kubernetes.default.svc" }]),
      edpConfig("in-cluster"),
    ];
    const changes = registrationChanges({ config, source: SOURCE, desired, live });
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.id}`)).toEqual([
      "update AppProject argocd/krci",
      "create Secret argocd/cluster-prod",
      "create Secret krci/prod-cluster",
      "update ConfigMap krci/krci-config",
    ]);
    const secret = (changes[1]!.ops[0] as { object: KubeObject }).object;
    const cfg = JSON.parse(Buffer.from((secret.data as Record<string, string>).config!, "base64").toString());
    expect(cfg.awsAuthConfig).toEqual({
      clusterName: "workloads",
      roleARN: "arn:aws:iam::222222222222:role/AWSIRSA_dev_ArgoCDAgentAccess",
    });
    expect(cfg.tlsClientConfig).toEqual({ insecure: false, caData: "Q0E=" });
    const krci = (changes[2]!.ops[0] as { object: KubeObject }).object;
    expect(
      JSON.parse(Buffer.from((krci.data as Record<string, string>).config!, "base64").toString())
        .awsAuthConfig.roleARN,
    ).toBe("arn:aws:iam::222222222222:role/AWSIRSA_dev_CDPipelineAgent");

    const after = applyTo(live, changes);
    const project = after.find((o) => o.kind === "AppProject")!;
    expect(destinations(project)).toEqual([
      { namespace: "*", server: "https://kubernetes.default.svc" },
      { namespace: "krci-*", server: "https://127.0.0.1:7443" },
    ]);
    expect(clustersOf(after)).toBe("in-cluster, prod");

    // Idempotent: registering again changes nothing.
    expect(registrationChanges({ config, source: SOURCE, desired, live: after })).toEqual([]);

    // Registering another target keeps this one's items (the live plan alone would drop them).
    const second = registrationChanges({
      config,
      source: SOURCE,
      desired: registrationObjects(config, target("tenants"), TENANTS_ENDPOINT),
      live: after,
    });
    const after2 = applyTo(after, second);
    expect(destinations(after2.find((o) => o.kind === "AppProject")!).map((d) => d.server)).toEqual([
      "https://kubernetes.default.svc",
      "https://127.0.0.1:7443",
      "https://127.0.0.1:8443",
    ]);
    expect(clustersOf(after2)).toBe("in-cluster, prod, tenants");
  });

  it("is blocked when KubeRocketCI or Argo CD is not installed (no AppProject, no krci-config)", () => {
    const changes = registrationChanges({
      config,
      source: SOURCE,
      desired: registrationObjects(config, target("prod"), ENDPOINT),
      live: [],
    });
    const blocked = changes.filter((c) => c.blocked).map((c) => c.kind);
    expect(blocked).toEqual(["AppProject", "ConfigMap"]);
  });

  it("does not overwrite a same-named Secret it does not own unless adopting", () => {
    const foreign: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: {
        name: "cluster-prod",
        namespace: "argocd",
        labels: { "argocd.argoproj.io/secret-type": "cluster" },
      },
      data: {
        name: Buffer.from("prod").toString("base64"),
        server: Buffer.from("https://elsewhere").toString("base64"),
      },
    };
    const live = [appProject([]), edpConfig(""), foreign];
    const desired = registrationObjects(config, target("prod"), ENDPOINT);
    const refused = registrationChanges({ config, source: SOURCE, desired, live }).find(
      (c) => c.id === "argocd/cluster-prod",
    )!;
    expect(refused.blocked?.adoptable).toBe(true);
    const adopted = registrationChanges({ config, source: SOURCE, desired, live, adopt: true }).find(
      (c) => c.id === "argocd/cluster-prod",
    )!;
    expect(adopted.blocked).toBeUndefined();
    expect(adopted.action).toBe("update");
  });
});
