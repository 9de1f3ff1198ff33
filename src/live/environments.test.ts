import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../config/index.js";
import { OperationError } from "../errors.js";
import type { JsonObject, KubeObject } from "../state/index.js";
import type { Change } from "./changes.js";
import { environmentsText, refuseStages, targetsLosingOperator } from "./environments.js";
import { stagesOn } from "./stages.js";

const ROOT = join(import.meta.dirname, "..", "..");
const config = parseConfigText(readFileSync(join(ROOT, "examples", "multi-target.yaml"), "utf8"));

function stage(name: string, spec: JsonObject): KubeObject {
  return { apiVersion: "v2.edp.epam.com/v1", kind: "Stage", metadata: { name, namespace: "krci" }, spec };
}

const secretDelete = (id: string, cluster = "krci-main"): Change => ({
  action: "delete",
  kind: "Secret",
  id,
  cluster,
  step: "cluster-secrets",
  diff: "",
  ops: [],
});

describe("Stages at destroy (issue 15 §7)", () => {
  it("finds the Stages that deploy to a target by spec.clusterName (default in-cluster)", () => {
    const stages = [
      stage("shop-qa", { clusterName: "staging", namespace: "krci-shop-qa" }),
      stage("shop-dev", { namespace: "krci-shop-dev" }),
      stage("shop-prod", { clusterName: "prod", namespace: "krci-shop-prod" }),
    ];
    expect(stagesOn(stages, ["staging"])).toEqual([
      { id: "krci/shop-qa", clusterName: "staging", namespace: "krci-shop-qa" },
    ]);
    expect(stagesOn(stages, ["in-cluster"]).map((s) => s.id)).toEqual(["krci/shop-dev"]);
    expect(stagesOn(stages, [])).toEqual([]);
  });

  it("a target loses the operator when destroy deletes its <name>-cluster Secret in the KubeRocketCI namespace", () => {
    expect(targetsLosingOperator(config, [secretDelete("krci/prod-cluster")])).toEqual(["prod"]);
    // The Argo CD Secret, or a same-named Secret elsewhere, is not the operator's.
    expect(
      targetsLosingOperator(config, [
        secretDelete("argocd/cluster-staging"),
        secretDelete("krci/staging-cluster", "workloads-staging"),
      ]),
    ).toEqual([]);
  });

  it("refuses while Stages deploy there, naming them, unless --force or --environments", () => {
    const envs = {
      stages: [{ id: "krci/shop-qa", clusterName: "staging", namespace: "krci-shop-qa" }],
      namespaces: [{ target: "staging", cluster: "workloads-staging", namespace: "krci-shop-qa" }],
      warnings: [],
    };
    let err: unknown;
    try {
      refuseStages(envs, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).code).toBe("destroy.stages");
    expect((err as Error).message).toContain("Stage krci/shop-qa (cluster staging, namespace krci-shop-qa)");
    expect((err as OperationError).hint).toContain("--environments");
    expect(() => refuseStages(envs, { force: true })).not.toThrow();
    expect(() => refuseStages(envs, { environments: true })).not.toThrow();
    expect(() => refuseStages({ ...envs, stages: [] }, {})).not.toThrow();
    // Stages that could not be read are not taken as none.
    expect(() => refuseStages({ ...envs, stages: [], stagesUnread: "could not read" }, {})).toThrow(
      /cannot show that KubeRocketCI no longer deploys/,
    );
    expect(environmentsText(envs, {})).toContain(
      "= namespace krci-shop-qa in workloads-staging (target staging)",
    );
    expect(environmentsText(envs, { environments: true })).toContain(
      "- namespace krci-shop-qa in workloads-staging (target staging)",
    );
    expect(environmentsText({ stages: [], namespaces: [], warnings: [] }, {})).toBe("");
  });
});
