import { describe, expect, it } from "vitest";
import type { AccessEntry, EksCluster, JsonObject, KubeObject } from "../../state/index.js";
import { ClusterIndex } from "../context.js";
import { requiredPermissions } from "../permissions.js";
import { Authorizer, namespaceCovers, subjectOf } from "./authorizer.js";
import { rulesCover } from "./rules.js";

const ROLE = "arn:aws:iam::222222222222:role/Agent";
const ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy";
const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const OPERATOR = requiredPermissions("cd-pipeline-operator");
const perm = (id: string) => OPERATOR.find((p) => p.id === id)!;

function cluster(objects: KubeObject[] = []): ClusterIndex {
  const c: EksCluster = {
    accountId: "222222222222",
    region: "eu-west-1",
    name: "b",
    accessEntries: [],
    objects,
  };
  return new ClusterIndex(c);
}

function entry(over: Partial<AccessEntry> = {}): AccessEntry {
  return { principalArn: ROLE, type: "STANDARD", kubernetesGroups: [], accessPolicies: [], ...over };
}

function authz(e: AccessEntry, objects: KubeObject[] = [], pattern = "krci-*"): Authorizer {
  return new Authorizer(cluster(objects), e, subjectOf(e, ROLE), pattern);
}

const binding = (name: string, role: string, subject: { kind: string; name: string }): KubeObject => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  subjects: [{ apiGroup: "rbac.authorization.k8s.io", ...subject }],
});

describe("namespaceCovers", () => {
  it.each([
    ["krci-*", "krci-*", true],
    ["krci*", "krci-*", true],
    ["*", "anything-*", true],
    ["krci-*", "krci-dev-stage", true],
    ["krci-dev", "krci-dev", true],
    ["krci-dev", "krci-*", false],
    ["other-*", "krci-*", false],
    ["krci-x-*", "krci-*", false],
  ])("%s covers %s: %s", (scope, pattern, expected) => {
    expect(namespaceCovers(scope, pattern)).toBe(expected);
  });
});

describe("rulesCover (the escalation check)", () => {
  it("a * in what is needed is only covered by a *", () => {
    expect(
      rulesCover(
        [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
        [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }],
      ),
    ).toBe(false);
    expect(
      rulesCover(
        [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
        [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }],
      ),
    ).toBe(true);
  });
  it("resourceNames narrow what is held", () => {
    const held = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["a"] }];
    expect(rulesCover(held, [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }])).toBe(false);
    expect(
      rulesCover(held, [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["a"] }]),
    ).toBe(true);
  });
});

describe("Authorizer", () => {
  it("the EKS username of a role session; groups from the entry", () => {
    expect(subjectOf(entry({ kubernetesGroups: ["g"] }), ROLE)).toEqual({
      username: "arn:aws:sts::222222222222:assumed-role/Agent/{{SessionName}}",
      groups: ["g", "system:authenticated"],
    });
  });

  it("a namespace-scoped policy grants in covered namespaces only, and never cluster-scoped creates", () => {
    const a = authz(
      entry({
        accessPolicies: [{ policyArn: ADMIN, accessScope: { type: "namespace", namespaces: ["krci-*"] } }],
      }),
    );
    expect(a.check(perm("secrets:create")).allowed).toBe(true);
    expect(a.check(perm("namespaces:get")).allowed).toBe(true);
    expect(a.check(perm("namespaces:create")).allowed).toBe(false);
    expect(a.check(perm("namespaces:delete")).allowed).toBe(false);
    const other = authz(
      entry({
        accessPolicies: [{ policyArn: ADMIN, accessScope: { type: "namespace", namespaces: ["dev-*"] } }],
      }),
    );
    expect(other.check(perm("secrets:create")).allowed).toBe(false);
  });

  it("access policies cannot bind: RoleBinding to admin is refused as an escalation (containers-roadmap#2682)", () => {
    const a = authz(
      entry({
        accessPolicies: [{ policyArn: ADMIN, accessScope: { type: "namespace", namespaces: ["krci-*"] } }],
      }),
    );
    expect(a.check(perm("rolebindings:create")).allowed).toBe(true);
    expect(a.check(perm("clusterroles:bind:admin"))).toMatchObject({ allowed: false, escalation: true });
  });

  it("cluster admin policy grants everything, bind included", () => {
    const a = authz(
      entry({ accessPolicies: [{ policyArn: CLUSTER_ADMIN, accessScope: { type: "cluster" } }] }),
    );
    for (const p of OPERATOR) expect(a.check(p).allowed, p.id).toBe(true);
  });

  it("RBAC bound to the entry's group or user; a ClusterRole in the State wins over the built-in one", () => {
    const role: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "ns-manager" },
      rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["create", "delete"] }],
    };
    const byGroup = authz(entry({ kubernetesGroups: ["mgr"] }), [
      role,
      binding("b", "ns-manager", { kind: "Group", name: "mgr" }),
    ]);
    expect(byGroup.check(perm("namespaces:create"))).toMatchObject({
      allowed: true,
      via: "ClusterRoleBinding b → ClusterRole ns-manager",
    });
    const otherGroup = authz(entry({ kubernetesGroups: ["x"] }), [
      role,
      binding("b", "ns-manager", { kind: "Group", name: "mgr" }),
    ]);
    expect(otherGroup.check(perm("namespaces:create")).allowed).toBe(false);
    const byUser = authz(entry({ username: "agent" }), [
      role,
      binding("b", "ns-manager", { kind: "User", name: "agent" }),
    ]);
    expect(byUser.check(perm("namespaces:delete")).allowed).toBe(true);
    const shadowed = { ...role, metadata: { name: "admin" }, rules: [] };
    const a = authz(entry({ kubernetesGroups: ["g"] }), [
      shadowed,
      binding("b", "admin", { kind: "Group", name: "g" }),
    ]);
    expect(a.check(perm("secrets:create")).allowed).toBe(false);
  });

  it("holding ClusterRole admin through RBAC satisfies the escalation check", () => {
    const a = authz(entry({ kubernetesGroups: ["g"] }), [
      binding("b", "cluster-admin", { kind: "Group", name: "g" }),
    ]);
    expect(a.check(perm("clusterroles:bind:admin")).allowed).toBe(true);
  });

  it("a RoleBinding covers the pattern only when the pattern is its namespace", () => {
    const rb: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "rb", namespace: "krci-dev" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
      subjects: [{ kind: "Group", name: "g" }],
    };
    expect(
      authz(entry({ kubernetesGroups: ["g"] }), [rb], "krci-dev").check(perm("secrets:create")).allowed,
    ).toBe(true);
    expect(
      authz(entry({ kubernetesGroups: ["g"] }), [rb], "krci-*").check(perm("secrets:create")).allowed,
    ).toBe(false);
  });

  it("Capsule: a userGroup owning one tenant may create, use and delete tenant namespaces", () => {
    const objects: KubeObject[] = [
      {
        apiVersion: "capsule.clastix.io/v1beta2",
        kind: "CapsuleConfiguration",
        metadata: { name: "default" },
        spec: { userGroups: ["op"] },
      },
      {
        apiVersion: "capsule.clastix.io/v1beta2",
        kind: "Tenant",
        metadata: { name: "t" },
        spec: { owners: [{ kind: "Group", name: "op" }] },
      },
    ];
    const a = authz(entry({ kubernetesGroups: ["op"] }), objects);
    expect(a.capsule).toMatchObject({
      installed: true,
      user: true,
      tenants: [{ name: "t", clusterRoles: ["admin", "capsule-namespace-deleter"] }],
    });
    for (const p of OPERATOR) expect(a.check(p).allowed, p.id).toBe(true);
    const notUser = authz(entry({ kubernetesGroups: ["other"] }), objects);
    expect(notUser.capsule.user).toBe(false);
    expect(notUser.check(perm("namespaces:create")).allowed).toBe(false);
  });

  it("Capsule >= 0.12: spec.users of kind Group makes a Capsule user, as userGroups does; both merge", () => {
    const config = (spec: JsonObject): KubeObject => ({
      apiVersion: "capsule.clastix.io/v1beta2",
      kind: "CapsuleConfiguration",
      metadata: { name: "default" },
      spec,
    });
    const tenant: KubeObject = {
      apiVersion: "capsule.clastix.io/v1beta2",
      kind: "Tenant",
      metadata: { name: "t" },
      spec: { owners: [{ kind: "Group", name: "op" }] },
    };
    const users = authz(entry({ kubernetesGroups: ["op"] }), [
      config({
        users: [
          { kind: "Group", name: "projectcapsule.dev" },
          { kind: "Group", name: "op" },
        ],
      }),
      tenant,
    ]);
    expect(users.capsule).toMatchObject({ user: true, form: "users" });
    for (const p of OPERATOR) expect(users.check(p).allowed, p.id).toBe(true);
    // A User entry names a user, not a group.
    const userKind = authz(entry({ kubernetesGroups: ["op"] }), [
      config({ users: [{ kind: "User", name: "op" }] }),
      tenant,
    ]);
    expect(userKind.capsule.user).toBe(false);
    const both = authz(entry({ kubernetesGroups: ["op"] }), [
      config({ users: [{ kind: "Group", name: "projectcapsule.dev" }], userGroups: ["op"] }),
      tenant,
    ]);
    expect(both.capsule).toMatchObject({ user: true, userGroups: ["op", "projectcapsule.dev"] });
  });
});
