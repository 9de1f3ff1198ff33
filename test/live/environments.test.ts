/**
 * issue 15 §7 / issue 17 §6 on the sandbox: destroy while KubeRocketCI still deploys to a target. A Stage
 * (v2.edp.epam.com/v1) in cluster A names target staging; the operator could no longer delete its namespace once
 * destroy removes `staging-cluster`. So destroy refuses (exit 1, nothing changed) naming the Stage;
 * `--environments` deletes the environment namespaces first through the operator's chain; `--force` destroys
 * and lists the namespaces it leaves behind.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { A, ALL_CLUSTERS, type E2ESandbox, sandboxConfigText, startPlatformSandbox } from "./sandbox.js";

const skip = requireTools("test/live/environments.test.ts", "aws", "kubectl");

const CLUSTERS = ALL_CLUSTERS;

function stageYaml(name: string, cluster: string, namespace: string): string {
  return JSON.stringify({
    apiVersion: "v2.edp.epam.com/v1",
    kind: "Stage",
    metadata: {
      name: `shop-${name}`,
      namespace: "krci",
      labels: { "app.edp.epam.com/cdPipelineName": "shop" },
    },
    spec: {
      name,
      cdPipeline: "shop",
      description: `${name} of shop`,
      order: 0,
      qualityGates: [{ qualityGateType: "manual", stepName: "approve" }],
      triggerType: "Manual",
      clusterName: cluster,
      namespace,
    },
  });
}

describe.skipIf(!!skip)("destroy and KubeRocketCI's environments", () => {
  let sb: E2ESandbox;
  let token: string;

  const apply = () => {
    const r = sb.xirsa(["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"]);
    expect(r.code, r.stderr).toBe(0);
  };
  const envCreate = (stage: string) => {
    const r = sb.xirsa([
      "env",
      "create",
      "--config",
      sb.configFile,
      "--target",
      "staging",
      "--pipeline",
      "shop",
      "--stage",
      stage,
      "--token-file",
      token,
    ]);
    expect(r.code, r.stderr).toBe(0);
  };
  /** The namespace's phase in workloads-staging, or "gone". */
  const phase = (ns: string) => {
    const r = sb.kubectl("workloads-staging", ["get", "namespace", ns, "-o", "json"]);
    return r.code === 0 ? (JSON.parse(r.stdout).status?.phase ?? "Active") : "gone";
  };
  const roles = () =>
    (
      JSON.parse(sb.aws(["iam", "list-roles", "--profile", `sandbox-${A}`]).stdout).Roles as {
        RoleName: string;
      }[]
    ).map((r) => r.RoleName);

  beforeAll(() => {
    sb = startPlatformSandbox(sandboxConfigText(), CLUSTERS);
    token = join(sb.dir, "operator.token");
    const minted = sb.xirsa([
      "sandbox",
      "token",
      "--state-dir",
      sb.dir,
      "--cluster",
      "krci-main",
      "--namespace",
      "krci",
      "--service-account",
      "edp-cd-pipeline-operator",
      "--out",
      token,
    ]);
    expect(minted.code, minted.stderr).toBe(0);
  }, 120_000);

  afterAll(() => sb?.stop());

  it("the sandbox serves Stage objects, and destroy refuses while one deploys to a removed target", () => {
    apply();
    envCreate("qa");
    const made = sb.kubectl("krci-main", ["apply", "-f", "-"], stageYaml("qa", "staging", "krci-shop-qa"));
    expect(made.code, made.stderr).toBe(0);
    const listed = sb.kubectl("krci-main", ["get", "stages.v2.edp.epam.com", "-n", "krci", "-o", "name"]);
    expect(listed.stdout.trim()).toBe("stage.v2.edp.epam.com/shop-qa");

    const r = sb.xirsa(["destroy", "--config", sb.configFile, "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nothing was changed");
    expect(r.stderr).toContain("Stage krci/shop-qa (cluster staging, namespace krci-shop-qa)");
    expect(r.stderr).toMatch(/--environments.*--force/);
    // The plan it refused shows what would be left behind.
    expect(r.stdout).toContain("= namespace krci-shop-qa in workloads-staging (target staging)");
    expect(roles()).toHaveLength(2);
    expect(sb.kubectl("krci-main", ["get", "secret", "-n", "krci", "staging-cluster"]).code).toBe(0);
    expect(phase("krci-shop-qa")).toBe("Active");
  }, 180_000);

  it("--environments deletes the environment namespaces first, through the operator's chain, then destroys", () => {
    const r = sb.xirsa([
      "destroy",
      "--config",
      sb.configFile,
      "--yes",
      "--environments",
      "--token-file",
      token,
      "--output",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("- namespace krci-shop-qa in workloads-staging (target staging)");
    expect(r.stderr).toMatch(/environment krci-shop-qa in workloads-staging: deleted/);
    const out = JSON.parse(r.stdout) as {
      environments: { stages: { id: string }[]; deleted: { namespace: string }[] };
    };
    expect(out.environments.stages.map((s) => s.id)).toEqual(["krci/shop-qa"]);
    expect(out.environments.deleted.map((n) => n.namespace)).toEqual(["krci-shop-qa"]);
    expect(["gone", "Terminating"]).toContain(phase("krci-shop-qa"));
    expect(roles()).toEqual([]);
  }, 180_000);

  it("--force destroys and lists the environment namespaces it leaves behind; a second run still lists them", () => {
    apply();
    envCreate("uat");
    expect(
      sb.kubectl("krci-main", ["apply", "-f", "-"], stageYaml("uat", "staging", "krci-shop-uat")).code,
    ).toBe(0);
    const r = sb.xirsa(["destroy", "--config", sb.configFile, "--yes", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Stage krci/shop-uat (cluster staging, namespace krci-shop-uat)");
    expect(r.stdout).toContain("= namespace krci-shop-uat in workloads-staging (target staging)");
    expect(phase("krci-shop-uat")).toBe("Active");
    expect(roles()).toEqual([]);
    const again = sb.xirsa(["destroy", "--config", sb.configFile, "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Nothing to remove");
    expect(again.stdout).toContain("= namespace krci-shop-uat in workloads-staging (target staging)");
  }, 180_000);
});
