import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { xirsa } from "../helpers.js";

describe("xirsa render --only probe-job | verifier-policy", () => {
  it("prints a Job per chain that runs the probe under the flow's ServiceAccount", () => {
    const r = xirsa([
      "render",
      "--config",
      "examples/multi-target.yaml",
      "--only",
      "probe-job",
      "--target",
      "prod",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    const jobs = docs.filter((d) => d?.kind === "Job");
    expect(jobs.map((j) => [j.metadata.namespace, j.spec.template.spec.serviceAccountName])).toEqual([
      ["krci", "edp-cd-pipeline-operator"],
      ["argocd", "argocd-application-controller"],
    ]);
    // The embedded config is a valid xirsa.yaml.
    const cm = docs.find((d) => d?.kind === "ConfigMap");
    expect(typeof cm.data["xirsa.yaml"]).toBe("string");
  });

  it("prints the verifier policy of every account", () => {
    const r = xirsa(["render", "--config", "examples/multi-target.yaml", "--only", "verifier-policy"]);
    expect(r.code, r.stderr).toBe(0);
    const config = loadConfig("examples/multi-target.yaml");
    for (const id of [config.source.accountId, ...config.targets.map((t) => t.accountId)]) {
      expect(r.stdout).toContain(`# account ${id}:`);
    }
    expect(r.stdout).toContain("AmazonEKSAdminViewPolicy");
    expect(r.stdout).not.toMatch(/iam:(Create|Put|Delete|Update|Attach)/);
  });

  it("refuses an unknown target or chain with one line and exit 2", () => {
    const r = xirsa([
      "render",
      "--config",
      "examples/multi-target.yaml",
      "--only",
      "probe-job",
      "--target",
      "nope",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("xirsa render: no target named 'nope'; pick one of staging, prod\n");
    const c = xirsa([
      "render",
      "--config",
      "examples/multi-target.yaml",
      "--only",
      "probe-job",
      "--chain",
      "x",
    ]);
    expect(c.code).toBe(2);
    expect(c.stderr.trim().split("\n")).toHaveLength(1);
  });
});
