import { describe, expect, it } from "vitest";
import {
  ACCESS_POLICIES,
  BUILTIN_CLUSTER_ROLES,
  CAPSULE_DELETER_ROLE,
  CAPSULE_PROVISIONER_ROLE,
  type PolicyRule,
  resourceRules,
} from "./index.js";

/** Does a rule list grant `verb` on core-group `resource`? (the data's own shape, no authorizer) */
function grants(rules: readonly PolicyRule[], verb: string, resource: string): boolean {
  return resourceRules(rules).some(
    (r) =>
      (r.verbs.includes(verb) || r.verbs.includes("*")) &&
      (r.apiGroups.includes("") || r.apiGroups.includes("*")) &&
      (r.resources.includes(resource) || r.resources.includes("*")),
  );
}

describe("rbac data", () => {
  it("Kubernetes' edit and admin mint service-account tokens and evict pods; the EKS policies do not", () => {
    for (const role of ["edit", "admin"]) {
      expect(grants(BUILTIN_CLUSTER_ROLES[role]!, "create", "serviceaccounts/token")).toBe(true);
      expect(grants(BUILTIN_CLUSTER_ROLES[role]!, "create", "pods/eviction")).toBe(true);
    }
    for (const policy of ["AmazonEKSEditPolicy", "AmazonEKSAdminPolicy"]) {
      expect(grants(ACCESS_POLICIES[policy]!, "create", "serviceaccounts/token")).toBe(false);
      expect(grants(ACCESS_POLICIES[policy]!, "create", "pods/eviction")).toBe(false);
    }
    expect(grants(BUILTIN_CLUSTER_ROLES.view!, "create", "serviceaccounts/token")).toBe(false);
  });

  it("the user-facing roles hold every rule of their EKS look-alikes", () => {
    const pairs = [
      ["view", "AmazonEKSViewPolicy"],
      ["edit", "AmazonEKSEditPolicy"],
      ["admin", "AmazonEKSAdminPolicy"],
      ["cluster-admin", "AmazonEKSClusterAdminPolicy"],
    ] as const;
    for (const [role, policy] of pairs)
      for (const rule of ACCESS_POLICIES[policy]!) expect(BUILTIN_CLUSTER_ROLES[role]).toContainEqual(rule);
  });

  it("Capsule's provisioner creates and patches namespaces; its deleter only deletes them", () => {
    const provisioner = BUILTIN_CLUSTER_ROLES[CAPSULE_PROVISIONER_ROLE]!;
    expect(["create", "patch", "delete"].map((v) => grants(provisioner, v, "namespaces"))).toEqual([
      true,
      true,
      false,
    ]);
    const deleter = BUILTIN_CLUSTER_ROLES[CAPSULE_DELETER_ROLE]!;
    expect(["create", "patch", "delete"].map((v) => grants(deleter, v, "namespaces"))).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("the resource rules leave out the non-resource ones", () => {
    expect(resourceRules(ACCESS_POLICIES.AmazonEKSClusterAdminPolicy!)).toEqual([
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
    ]);
    expect(ACCESS_POLICIES.AmazonEKSClusterAdminPolicy).toContainEqual({
      nonResourceURLs: ["*"],
      verbs: ["*"],
    });
  });
});
