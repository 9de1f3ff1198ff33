import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { INLINE_POLICY_NAME } from "../names/index.js";
import type { IamRole, KubeObject, State } from "../state/index.js";
import { desiredState } from "../topology/index.js";
import { checkTargets, limitDesired } from "./limit.js";
import { addedAnnotation, ownershipLabels } from "./ownership.js";
import { plan } from "./plan.js";

const config = loadConfig(join(import.meta.dirname, "..", "..", "examples", "multi-target.yaml"));
const desired = desiredState(config).state;
const B = "arn:aws:iam::222222222222:role/AWSIRSA_platform_CDPipelineAgent";
const C = "arn:aws:iam::333333333333:role/AWSIRSA_platform_CDPipelineAgent";
const empty: State = { roles: [], oidcProviders: [], clusters: [] };

function resources(role: IamRole | undefined): string[] {
  const st = role?.inlinePolicies[INLINE_POLICY_NAME]?.Statement as { Resource: string | string[] }[];
  return st.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).sort();
}

const operator = (s: State) => s.roles.find((r) => r.name === "AWSIRSA_platform_CDPipelineOperator");

describe("limitDesired (--target)", () => {
  it("on a first apply, takes only the selected target's ARN, roles and cluster", () => {
    const limited = limitDesired({ config, desired, live: empty, selected: ["staging"], removed: [] });
    expect(resources(operator(limited))).toEqual([B]);
    expect(limited.roles.filter((r) => r.accountId === "333333333333")).toEqual([]);
    expect(limited.clusters.map((c) => c.name)).toEqual(["krci-main", "workloads-staging"]);
    const secrets = limited.clusters[0]!.objects.filter((o) => o.kind === "Secret").map(
      (o) => o.metadata.name,
    );
    expect(secrets.sort()).toEqual(["cluster-staging", "staging-cluster"]);
    const project = limited.clusters[0]!.objects.find((o) => o.kind === "AppProject")!;
    expect((project.spec as { destinations: unknown[] }).destinations).toHaveLength(1);
  });

  it("keeps another target's ARN, destination and Secrets as they are live, so the plan leaves them", () => {
    const live: State = structuredClone(desired);
    // Live: what a full apply made, owned by the stack (prod's items recorded as added).
    for (const r of live.roles) r.tags = { ...r.tags };
    const src = live.clusters[0]!;
    src.objects = src.objects.map((o): KubeObject => {
      if (o.kind === "Secret")
        return {
          ...o,
          metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...ownershipLabels("platform") } },
        };
      if (o.kind === "AppProject" || o.kind === "ConfigMap") {
        const list =
          o.kind === "AppProject"
            ? (o.spec as { destinations: { server: string; namespace: string }[] }).destinations.map(
                (d) => `${d.server} ${d.namespace}`,
              )
            : ["staging", "prod"];
        return {
          ...o,
          metadata: { ...o.metadata, annotations: { [addedAnnotation("platform")]: JSON.stringify(list) } },
        };
      }
      return o;
    });
    // The config without prod, limited to staging: nothing of prod may change.
    const stagingOnly = { ...config, targets: config.targets.filter((t) => t.name === "staging") };
    const want = desiredState(stagingOnly).state;
    const limited = limitDesired({
      config: stagingOnly,
      desired: want,
      live,
      selected: ["staging"],
      removed: [],
    });
    expect(resources(operator(limited))).toEqual([B, C]);
    const changes = plan({ desired: limited, live, stack: "platform", workloads: [] });
    expect(
      changes.filter((c) => c.step !== "service-accounts").map((c) => `${c.action} ${c.kind} ${c.id}`),
    ).toEqual([]);
    // Unlimited, the same plan drops prod everywhere.
    const full = plan({ desired: want, live, stack: "platform", workloads: [] }).map(
      (c) => `${c.action} ${c.kind} ${c.id}`,
    );
    expect(full).toEqual(
      expect.arrayContaining(["delete Secret argocd/cluster-prod", "update AppProject argocd/krci"]),
    );
  });

  it("takes a removed target's destination away even when the inventory did not record its endpoint", () => {
    const live: State = structuredClone(desired);
    const src = live.clusters[0]!;
    src.objects = src.objects.map((o): KubeObject => {
      if (o.kind !== "AppProject") return o;
      const keys = (o.spec as { destinations: { server: string; namespace: string }[] }).destinations.map(
        (d) => `${d.server} ${d.namespace}`,
      );
      return {
        ...o,
        metadata: { ...o.metadata, annotations: { [addedAnnotation("platform")]: JSON.stringify(keys) } },
      };
    });
    const stagingOnly = { ...config, targets: config.targets.filter((t) => t.name === "staging") };
    const want = desiredState(stagingOnly).state;
    // prod as a `removed:` entry of a stack applied before the inventory: no endpoint known but its Secret's.
    const removed = [
      {
        name: "prod",
        accountId: "333333333333",
        region: "us-east-1",
        cluster: "workloads-prod",
        roles: [],
        accessEntries: [],
        objects: [],
      },
    ];
    const limited = limitDesired({ config: stagingOnly, desired: want, live, selected: ["prod"], removed });
    const changes = plan({ desired: limited, live, stack: "platform", workloads: [] });
    const project = changes.find((c) => c.kind === "AppProject");
    expect(project?.diff).toMatch(/- {5}"server": "https:\/\/0D2B4F6A8C1E3A5C7E9B0D2F4A6C8E1B/);
    expect(project?.diff).not.toMatch(/- {5}"server": "https:\/\/9F3A1C5E/);
    expect(resources(operator(limited))).toEqual([B]);
  });

  it("refuses an unknown name with the closest one", () => {
    expect(() => checkTargets("plan", ["prdo"], ["staging", "prod"])).toThrow(
      "plan: --target 'prdo' is not a target of the config (did you mean 'prod'?)",
    );
    expect(() => checkTargets("plan", ["prod"], ["staging", "prod"])).not.toThrow();
  });
});
