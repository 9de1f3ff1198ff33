import { describe, expect, it } from "vitest";
import { BUILTIN_CLUSTER_ROLES } from "../../rbac/index.js";
import { aggregateClusterRoles } from "./aggregation.js";
import { asArray, type JsonObject, nameOf } from "./json.js";
import { seedObjects } from "./seed.js";

let n = 0;
const roles = () =>
  seedObjects(() => `uid-${n++}`, "2026-01-01T00:00:00Z").filter((o) => o.kind === "ClusterRole");
const key = (r: unknown) => JSON.stringify(r);

describe("clusterrole aggregation", () => {
  it("admin, edit and view aggregated from their labelled pieces hold exactly the rules verify assumes", () => {
    const seeded = roles();
    for (const name of ["admin", "edit", "view"]) {
      const role = seeded.find((r) => nameOf(r) === name)!;
      expect(role.aggregationRule).toBeDefined();
      expect(new Set(asArray(role.rules).map(key))).toEqual(new Set(BUILTIN_CLUSTER_ROLES[name]!.map(key)));
    }
    // The seed is already settled: nothing moves.
    expect(aggregateClusterRoles(seeded)).toEqual([]);
  });

  it("a ClusterRole labelled aggregate-to-edit reaches edit and admin, not view", () => {
    const extra: JsonObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "widgets-edit", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
      rules: [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["*"] }],
    };
    const changed = aggregateClusterRoles([...roles(), extra]);
    expect(changed.map(nameOf).sort()).toEqual(["admin", "edit"]);
    for (const r of changed) expect(r.rules).toContainEqual(asArray(extra.rules)[0]);
  });
});
