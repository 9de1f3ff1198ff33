/**
 * The EKS access policies are written down once (src/rbac/, from the EKS user guide) and read by two matchers:
 * verify's (what xirsa proves offline) and the sandbox authorizer's (what the emulated cluster enforces). This
 * test keeps the two matchers in agreement over every request the policies name.
 */
import { describe, expect, it } from "vitest";
import { ACCESS_POLICIES } from "../../src/rbac/index.js";
import { rulesAllow as sandboxAllows } from "../../src/sandbox/kube/authz/rules.js";
import { ACCESS_POLICY_RULES } from "../../src/verify/k8s/accessPolicies.js";
import { rulesAllow as verifyAllows } from "../../src/verify/k8s/rules.js";

const VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "bind",
  "escalate",
  "impersonate",
];

describe("EKS access policies: verify's model and the sandbox agree", () => {
  it("verify reads every policy of the data, with all its resource rules", () => {
    expect(Object.keys(ACCESS_POLICY_RULES).sort()).toEqual(Object.keys(ACCESS_POLICIES).sort());
    for (const [name, rules] of Object.entries(ACCESS_POLICIES))
      expect(ACCESS_POLICY_RULES[name]).toEqual(rules.filter((r) => "resources" in r));
  });

  for (const name of Object.keys(ACCESS_POLICY_RULES)) {
    it(`${name} allows the same requests`, () => {
      const rules = ACCESS_POLICY_RULES[name]!;
      // Every (group, resource) either side names, plus a few neither does.
      const pairs = new Set<string>([
        "\u0000namespaces",
        "rbac.authorization.k8s.io\u0000clusterroles",
        "x.example\u0000widgets",
      ]);
      for (const r of rules) {
        for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) pairs.add(`${g}\u0000${res}`);
      }
      const disagreements: string[] = [];
      for (const pair of pairs) {
        const [group, resource] = pair.split("\u0000") as [string, string];
        if (group === "*" || resource === "*") continue;
        const [res, sub = ""] = resource.split("/");
        for (const verb of VERBS) {
          const v = verifyAllows(ACCESS_POLICY_RULES[name]!, { verb, group, resource });
          const s = sandboxAllows(ACCESS_POLICIES[name]!, {
            resourceRequest: true,
            verb,
            apiGroup: group,
            resource: res!,
            subresource: sub,
            namespace: "krci-app-dev",
            name: "",
          });
          if (v !== s)
            disagreements.push(`${verb} ${group || "core"}/${resource}: verify ${v}, sandbox ${s}`);
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});
