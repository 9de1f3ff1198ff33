import { describe, expect, it } from "vitest";
import { admitNamespace, CAPSULE_MESSAGES, tenantStatus } from "./capsule.js";
import type { JsonObject } from "./json.js";
import type { KubeUser } from "./types.js";

const config = { metadata: { name: "default" }, spec: { userGroups: ["capsule.clastix.io"] } };
const tenant = (name: string, owners: JsonObject[], quota?: number): JsonObject => ({
  apiVersion: "capsule.clastix.io/v1beta2",
  kind: "Tenant",
  metadata: { name, uid: `uid-${name}` },
  spec: { owners, ...(quota === undefined ? {} : { namespaceOptions: { quota } }) },
});
const ns = (name: string, tenantName?: string) => ({
  metadata: { name, ...(tenantName ? { labels: { "capsule.clastix.io/tenant": tenantName } } : {}) },
});
const op: KubeUser = {
  username: "arn:aws:sts::2:assumed-role/Agent/s",
  groups: ["capsule.clastix.io", "cd-pipeline-operator", "system:authenticated"],
  accessPolicies: [],
};

describe("Capsule namespace admission", () => {
  it("does not apply to users outside userGroups or without a configuration", () => {
    expect(admitNamespace({ ...op, groups: ["x"] }, ns("a"), config, [], []).kind).toBe("not-capsule");
    expect(admitNamespace(op, ns("a"), undefined, [], []).kind).toBe("not-capsule");
  });
  it("denies a Capsule user without tenant", () => {
    expect(admitNamespace(op, ns("a"), config, [tenant("t", [{ kind: "User", name: "bob" }])], [])).toEqual({
      kind: "denied",
      message: CAPSULE_MESSAGES.noTenant,
    });
  });
  it("assigns the single owned tenant: label + controller ownerReference", () => {
    const v = admitNamespace(
      op,
      ns("krci-dev"),
      config,
      [tenant("krci", [{ kind: "Group", name: "cd-pipeline-operator" }])],
      [],
    );
    expect(v.kind).toBe("assigned");
    if (v.kind !== "assigned") return;
    expect(v.namespace.metadata).toMatchObject({
      labels: { "capsule.clastix.io/tenant": "krci" },
      ownerReferences: [
        {
          apiVersion: "capsule.clastix.io/v1beta2",
          kind: "Tenant",
          name: "krci",
          uid: "uid-krci",
          controller: true,
        },
      ],
    });
  });
  it("requires the tenant label when several tenants are owned, and checks ownership of the named one", () => {
    const ts = [
      tenant("a", [{ kind: "User", name: op.username }]),
      tenant("b", [{ kind: "Group", name: "cd-pipeline-operator" }]),
      tenant("c", []),
    ];
    expect(admitNamespace(op, ns("x"), config, ts, [])).toEqual({
      kind: "denied",
      message: CAPSULE_MESSAGES.severalTenants,
    });
    const chosen = admitNamespace(
      op,
      { metadata: { name: "x", labels: { "capsule.clastix.io/tenant": "b" } } },
      config,
      ts,
      [],
    );
    expect(chosen).toMatchObject({ kind: "assigned", tenant: "b" });
    const notOwned = admitNamespace(
      op,
      { metadata: { name: "x", labels: { "capsule.clastix.io/tenant": "c" } } },
      config,
      ts,
      [],
    );
    expect(notOwned).toEqual({ kind: "denied", message: CAPSULE_MESSAGES.notOwned });
  });
  it("enforces spec.namespaceOptions.quota", () => {
    const ts = [tenant("krci", [{ kind: "Group", name: "cd-pipeline-operator" }], 2)];
    expect(admitNamespace(op, ns("n2"), config, ts, [ns("n1", "krci")]).kind).toBe("assigned");
    expect(admitNamespace(op, ns("n3"), config, ts, [ns("n1", "krci"), ns("n2", "krci")])).toEqual({
      kind: "denied",
      message: "Cannot exceed Namespace quota: please, reach out to the system administrators",
    });
  });
  it("tenant status lists its namespaces", () => {
    expect(tenantStatus("krci", [ns("b", "krci"), ns("a", "krci"), ns("z", "other")])).toEqual({
      state: "Active",
      size: 2,
      namespaces: ["a", "b"],
    });
  });
});
