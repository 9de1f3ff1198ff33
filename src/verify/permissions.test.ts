import { describe, expect, it } from "vitest";
import { requiredPermissions, sampleNamespace } from "./permissions.js";

describe("requiredPermissions", () => {
  it("the operator manages namespaces and creates RoleBindings to admin and Secrets in them", () => {
    expect(requiredPermissions("cd-pipeline-operator").map((p) => `${p.id}@${p.scope}`)).toEqual([
      "namespaces:create@cluster",
      "namespaces:get@pattern",
      "namespaces:delete@pattern",
      "rolebindings:create@pattern",
      "clusterroles:bind:admin@pattern",
      "secrets:create@pattern",
    ]);
    const bind = requiredPermissions("cd-pipeline-operator").find((p) => p.verb === "bind")!;
    expect(bind).toMatchObject({
      group: "rbac.authorization.k8s.io",
      resource: "clusterroles",
      name: "admin",
      orHoldsClusterRole: "admin",
    });
  });
  it("Argo CD reads, creates, patches and deletes deployments, services and configmaps", () => {
    const ids = requiredPermissions("argocd").map((p) => p.id);
    expect(ids).toHaveLength(12);
    for (const r of ["deployments", "services", "configmaps"])
      for (const v of ["get", "create", "patch", "delete"]) expect(ids).toContain(`${r}:${v}`);
    expect(requiredPermissions("argocd").find((p) => p.resource === "deployments")!.group).toBe("apps");
  });
  it("a sample namespace for live access reviews matches the pattern", () => {
    expect(sampleNamespace("krci-*")).toBe("krci-xirsa-probe");
    expect(sampleNamespace("krci-dev")).toBe("krci-dev");
  });
});
