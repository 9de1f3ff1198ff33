import { describe, expect, it } from "vitest";
import { admitNamespace, admitNamespaceUpdate, CAPSULE_MESSAGES, tenantStatus } from "./capsule.js";
import type { JsonObject } from "./json.js";
import type { KubeUser } from "./types.js";

const config = { metadata: { name: "default" }, spec: { userGroups: ["capsule.clastix.io"] } };
const tenant = (name: string, owners: JsonObject[], quota?: number): JsonObject => ({
  apiVersion: "capsule.clastix.io/v1beta2",
  kind: "Tenant",
  metadata: { name, uid: `uid-${name}` },
  spec: { owners, ...(quota === undefined ? {} : { namespaceOptions: { quota } }) },
});
/** A namespace of a tenant, as Capsule leaves it: the label and the Tenant ownerReference. */
const ns = (name: string, tenantName?: string): JsonObject => ({
  metadata: {
    name,
    ...(tenantName
      ? {
          labels: { "capsule.clastix.io/tenant": tenantName },
          ownerReferences: [
            {
              apiVersion: "capsule.clastix.io/v1beta2",
              kind: "Tenant",
              name: tenantName,
              uid: `uid-${tenantName}`,
            },
          ],
        }
      : {}),
  },
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
  it("Capsule >= 0.12 spec.users (kind Group) counts like the deprecated userGroups", () => {
    const users = {
      metadata: { name: "default" },
      spec: { users: [{ kind: "Group", name: "cd-pipeline-operator" }] },
    };
    const owned = [tenant("krci", [{ kind: "Group", name: "cd-pipeline-operator" }])];
    expect(admitNamespace(op, ns("krci-dev"), users, owned, []).kind).toBe("assigned");
    expect(admitNamespace({ ...op, groups: ["x"] }, ns("krci-dev"), users, owned, []).kind).toBe(
      "not-capsule",
    );
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
    const krci = tenant("krci", []);
    // A label alone (anyone who may patch the namespace can write it) is not membership.
    const labelled = { metadata: { name: "c", labels: { "capsule.clastix.io/tenant": "krci" } } };
    expect(tenantStatus(krci, [ns("b", "krci"), ns("a", "krci"), ns("z", "other"), labelled])).toEqual({
      state: "Active",
      size: 2,
      namespaces: ["a", "b"],
    });
  });
});

describe("Capsule namespace update admission (issue #11: namespace takeover)", () => {
  const ts = [tenant("krci", [{ kind: "Group", name: "cd-pipeline-operator" }]), tenant("other", [])];
  it("refuses a Capsule user's update of a namespace outside its tenants", () => {
    const kubeSystem = { metadata: { name: "kube-system" } };
    const pulled = {
      metadata: {
        name: "kube-system",
        labels: { "capsule.clastix.io/tenant": "krci" },
        ownerReferences: [
          { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "krci", uid: "uid-krci" },
        ],
      },
    };
    expect(admitNamespaceUpdate(op, pulled, kubeSystem, config, ts)).toEqual({
      kind: "denied",
      message: "Denied patch request for this namespace",
    });
    expect(admitNamespaceUpdate(op, ns("o", "krci"), ns("o", "other"), config, ts).kind).toBe("denied");
  });
  it("keeps the tenant label and Tenant ownerReferences of an owned namespace as they were", () => {
    const changed = {
      metadata: {
        name: "krci-dev",
        labels: { "capsule.clastix.io/tenant": "other", team: "a" },
        ownerReferences: [
          { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "other", uid: "uid-other" },
          { apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "cm" },
        ],
      },
    };
    const v = admitNamespaceUpdate(op, changed, ns("krci-dev", "krci"), config, ts);
    expect(v.kind).toBe("admitted");
    if (v.kind !== "admitted") return;
    expect(v.namespace.metadata).toEqual({
      name: "krci-dev",
      labels: { "capsule.clastix.io/tenant": "krci", team: "a" },
      ownerReferences: [
        { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "krci", uid: "uid-krci" },
        { apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "cm" },
      ],
    });
  });
  it("leaves administrators (outside the Capsule user groups) alone", () => {
    const admin = { ...op, groups: ["system:masters", "system:authenticated"] };
    expect(
      admitNamespaceUpdate(
        admin,
        ns("kube-system", "krci"),
        { metadata: { name: "kube-system" } },
        config,
        ts,
      ).kind,
    ).toBe("not-capsule");
  });
});
