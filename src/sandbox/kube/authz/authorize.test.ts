import { describe, expect, it } from "vitest";
import { BUILTIN_CLUSTER_ROLES } from "../../../rbac/index.js";
import type { JsonObject } from "../json.js";
import type { KubeUser } from "../types.js";
import { type AuthzSnapshot, authorize, denialMessage, namespacePatternMatches } from "./authorize.js";
import type { RequestAttributes } from "./rules.js";
import { buildSnapshot } from "./snapshot.js";

const P = (n: string) => `arn:aws:eks::aws:cluster-access-policy/${n}`;
const user = (over: Partial<KubeUser> = {}): KubeUser => ({
  username: "arn:aws:sts::1:assumed-role/R/s",
  groups: ["system:authenticated"],
  accessPolicies: [],
  ...over,
});
const res = (
  verb: string,
  resource: string,
  namespace = "",
  apiGroup = "",
  name = "",
  subresource = "",
): RequestAttributes => ({
  resourceRequest: true,
  verb,
  apiGroup,
  resource,
  subresource,
  namespace,
  name,
});

const builtins = Object.entries(BUILTIN_CLUSTER_ROLES).map(([name, rules]) => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name },
  rules: rules as never,
}));

function snap(extra: Partial<Parameters<typeof buildSnapshot>[0]> = {}): AuthzSnapshot {
  return buildSnapshot({
    clusterRoles: builtins,
    roles: [],
    clusterRoleBindings: [
      {
        metadata: { name: "system:discovery" },
        roleRef: { kind: "ClusterRole", name: "system:discovery" },
        subjects: [{ kind: "Group", name: "system:authenticated" }],
      },
    ],
    roleBindings: [],
    namespaces: [],
    tenants: [],
    capsuleConfigurations: [],
    ...extra,
  });
}

describe("authorize: EKS access policies", () => {
  const cases: [string, KubeUser["accessPolicies"], RequestAttributes, boolean][] = [
    [
      "cluster admin: anything",
      [{ policyArn: P("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" } }],
      res("create", "namespaces"),
      true,
    ],
    [
      "cluster admin: non-resource",
      [{ policyArn: P("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" } }],
      { resourceRequest: false, verb: "get", path: "/metrics" },
      true,
    ],
    [
      "view: list pods anywhere",
      [{ policyArn: P("AmazonEKSViewPolicy"), accessScope: { type: "cluster" } }],
      res("list", "pods", "a"),
      true,
    ],
    [
      "view: no secrets",
      [{ policyArn: P("AmazonEKSViewPolicy"), accessScope: { type: "cluster" } }],
      res("get", "secrets", "a"),
      false,
    ],
    [
      "view: no writes",
      [{ policyArn: P("AmazonEKSViewPolicy"), accessScope: { type: "cluster" } }],
      res("create", "pods", "a"),
      false,
    ],
    [
      "edit: secrets readable",
      [{ policyArn: P("AmazonEKSEditPolicy"), accessScope: { type: "cluster" } }],
      res("get", "secrets", "a"),
      true,
    ],
    [
      "edit: patch deployments",
      [{ policyArn: P("AmazonEKSEditPolicy"), accessScope: { type: "cluster" } }],
      res("patch", "deployments", "a", "apps"),
      true,
    ],
    [
      "edit: no rolebindings",
      [{ policyArn: P("AmazonEKSEditPolicy"), accessScope: { type: "cluster" } }],
      res("create", "rolebindings", "a", "rbac.authorization.k8s.io"),
      false,
    ],
    [
      "admin: rolebindings",
      [{ policyArn: P("AmazonEKSAdminPolicy"), accessScope: { type: "cluster" } }],
      res("create", "rolebindings", "a", "rbac.authorization.k8s.io"),
      true,
    ],
    [
      "admin: cannot create namespaces",
      [{ policyArn: P("AmazonEKSAdminPolicy"), accessScope: { type: "cluster" } }],
      res("create", "namespaces"),
      false,
    ],
    [
      "admin: no argo CRDs",
      [{ policyArn: P("AmazonEKSAdminPolicy"), accessScope: { type: "cluster" } }],
      res("list", "applications", "a", "argoproj.io"),
      false,
    ],
    [
      "namespaced: inside pattern",
      [{ policyArn: P("AmazonEKSEditPolicy"), accessScope: { type: "namespace", namespaces: ["krci-*"] } }],
      res("create", "pods", "krci-dev"),
      true,
    ],
    [
      "namespaced: outside pattern",
      [{ policyArn: P("AmazonEKSEditPolicy"), accessScope: { type: "namespace", namespaces: ["krci-*"] } }],
      res("create", "pods", "default"),
      false,
    ],
    [
      "namespaced: all-namespace list refused",
      [{ policyArn: P("AmazonEKSViewPolicy"), accessScope: { type: "namespace", namespaces: ["krci-*"] } }],
      res("list", "pods", ""),
      false,
    ],
    [
      "namespaced: its own namespace object",
      [{ policyArn: P("AmazonEKSViewPolicy"), accessScope: { type: "namespace", namespaces: ["team"] } }],
      res("get", "namespaces", "team", "", "team"),
      true,
    ],
    [
      "namespaced cluster admin is not cluster-wide",
      [
        {
          policyArn: P("AmazonEKSClusterAdminPolicy"),
          accessScope: { type: "namespace", namespaces: ["a"] },
        },
      ],
      res("create", "namespaces"),
      false,
    ],
    [
      "unknown policy",
      [{ policyArn: P("AmazonEKSNope"), accessScope: { type: "cluster" } }],
      res("get", "pods", "a"),
      false,
    ],
  ];
  it.each(cases)("%s", (_, accessPolicies, attrs, allowed) => {
    expect(authorize(user({ accessPolicies }), attrs, snap()).allowed).toBe(allowed);
  });
});

describe("authorize: RBAC", () => {
  const rbacSnap = snap({
    roles: [
      {
        metadata: { name: "reader", namespace: "a" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["cm1"] }],
      },
    ],
    roleBindings: [
      {
        metadata: { name: "rb", namespace: "a" },
        roleRef: { kind: "Role", name: "reader" },
        subjects: [{ kind: "User", name: "alice" }],
      },
      {
        metadata: { name: "tenant-admin", namespace: "b" },
        roleRef: { kind: "ClusterRole", name: "admin" },
        subjects: [{ kind: "Group", name: "devs" }],
      },
      {
        metadata: { name: "sa", namespace: "c" },
        roleRef: { kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "ServiceAccount", name: "bot", namespace: "ops" }],
      },
    ],
    clusterRoleBindings: [
      {
        metadata: { name: "system:discovery" },
        roleRef: { kind: "ClusterRole", name: "system:discovery" },
        subjects: [{ kind: "Group", name: "system:authenticated" }],
      },
      {
        metadata: { name: "ops-edit" },
        roleRef: { kind: "ClusterRole", name: "edit" },
        subjects: [{ kind: "Group", name: "ops" }],
      },
    ],
  });
  const cases: [string, Partial<KubeUser>, RequestAttributes, boolean][] = [
    ["role with resourceNames: named", { username: "alice" }, res("get", "configmaps", "a", "", "cm1"), true],
    [
      "role with resourceNames: other name",
      { username: "alice" },
      res("get", "configmaps", "a", "", "cm2"),
      false,
    ],
    [
      "role binding only in its namespace",
      { username: "alice" },
      res("get", "configmaps", "b", "", "cm1"),
      false,
    ],
    [
      "group binding to admin clusterrole",
      { groups: ["devs"] },
      res("create", "rolebindings", "b", "rbac.authorization.k8s.io"),
      true,
    ],
    [
      "admin clusterrole via rolebinding: not elsewhere",
      { groups: ["devs"] },
      res("create", "pods", "a"),
      false,
    ],
    [
      "service account subject",
      { username: "system:serviceaccount:ops:bot" },
      res("list", "pods", "c"),
      true,
    ],
    [
      "clusterrolebinding: any namespace",
      { groups: ["ops"] },
      res("update", "deployments", "zzz", "apps"),
      true,
    ],
    [
      "clusterrolebinding to edit: no namespace create",
      { groups: ["ops"] },
      res("create", "namespaces"),
      false,
    ],
    [
      "discovery for authenticated",
      { groups: ["system:authenticated"] },
      { resourceRequest: false, verb: "get", path: "/apis/apps/v1" },
      true,
    ],
    [
      "discovery: not /metrics",
      { groups: ["system:authenticated"] },
      { resourceRequest: false, verb: "get", path: "/metrics" },
      false,
    ],
  ];
  it.each(cases)("%s", (_, u, attrs, allowed) => {
    expect(authorize(user(u), attrs, rbacSnap).allowed).toBe(allowed);
  });
});

describe("authorize: Capsule", () => {
  const capsuleSnap = snap({
    capsuleConfigurations: [{ metadata: { name: "default" }, spec: { userGroups: ["capsule.clastix.io"] } }],
    tenants: [
      {
        metadata: { name: "oil", uid: "uid-oil" },
        spec: { owners: [{ kind: "Group", name: "cd-pipeline-operator" }] },
      },
      {
        metadata: { name: "gas", uid: "uid-gas" },
        spec: { owners: [{ kind: "User", name: "bob", clusterRoles: ["view"] }] },
      },
    ],
    namespaces: [
      {
        metadata: {
          name: "oil-dev",
          labels: { "capsule.clastix.io/tenant": "oil" },
          ownerReferences: [
            { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "oil", uid: "uid-oil" },
          ],
        },
      },
      {
        metadata: {
          name: "gas-dev",
          labels: { "capsule.clastix.io/tenant": "gas" },
          ownerReferences: [
            { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "gas", uid: "uid-gas" },
          ],
        },
      },
    ],
  });
  const op = { groups: ["capsule.clastix.io", "cd-pipeline-operator", "system:authenticated"] };
  const cases: [string, Partial<KubeUser>, RequestAttributes, boolean][] = [
    ["capsule user may create namespaces", op, res("create", "namespaces"), true],
    ["non-capsule user may not", { groups: ["cd-pipeline-operator"] }, res("create", "namespaces"), false],
    [
      "owner: admin in tenant namespace",
      op,
      res("create", "rolebindings", "oil-dev", "rbac.authorization.k8s.io"),
      true,
    ],
    [
      "owner: may delete own tenant namespace",
      op,
      res("delete", "namespaces", "oil-dev", "", "oil-dev"),
      true,
    ],
    ["owner: not in another tenant's namespace", op, res("get", "pods", "gas-dev"), false],
    [
      "owner with custom clusterRoles: view only",
      { username: "bob" },
      res("create", "pods", "gas-dev"),
      false,
    ],
    ["owner with custom clusterRoles: view", { username: "bob" }, res("list", "pods", "gas-dev"), true],
    ["owner: not cluster-wide", op, res("list", "pods", ""), false],
  ];
  it.each(cases)("%s", (_, u, attrs, allowed) => {
    expect(authorize(user(u), attrs, capsuleSnap).allowed).toBe(allowed);
  });
  it("without a CapsuleConfiguration, Capsule grants nothing", () => {
    expect(authorize(user(op), res("create", "namespaces"), snap()).allowed).toBe(false);
  });
  it("Capsule >= 0.12: spec.users of kind Group or User make Capsule users, as userGroups did", () => {
    const users = (list: JsonObject[]) =>
      snap({ capsuleConfigurations: [{ metadata: { name: "default" }, spec: { users: list } }] });
    const create = res("create", "namespaces");
    const byGroup = users([{ kind: "Group", name: "projectcapsule.dev" }]);
    expect(authorize(user({ groups: ["projectcapsule.dev"] }), create, byGroup).allowed).toBe(true);
    expect(authorize(user({ groups: ["capsule.clastix.io"] }), create, byGroup).allowed).toBe(false);
    const byName = users([{ kind: "User", name: "alice" }]);
    expect(authorize(user({ username: "alice" }), create, byName).allowed).toBe(true);
    // A Group entry does not name a user, nor a User entry a group.
    expect(authorize(user({ username: "projectcapsule.dev" }), create, byGroup).allowed).toBe(false);
    expect(authorize(user({ groups: ["alice"] }), create, byName).allowed).toBe(false);
  });
  it("owners are refused in a namespace Capsule has not bound yet, and allowed once it has", () => {
    const rb = res("create", "rolebindings", "oil-dev", "rbac.authorization.k8s.io");
    const unbound = (ns: string) => ns === "oil-dev";
    expect(authorize(user(op), rb, capsuleSnap, unbound).allowed).toBe(false);
    // Creating namespaces is a ClusterRoleBinding Capsule has long made: not delayed.
    expect(authorize(user(op), res("create", "namespaces"), capsuleSnap, unbound).allowed).toBe(true);
    expect(authorize(user(op), rb, capsuleSnap, () => false).allowed).toBe(true);
  });
});

describe("denialMessage", () => {
  it("uses kube-apiserver's wording", () => {
    expect(denialMessage(user({ username: "X" }), res("create", "namespaces"))).toBe(
      'User "X" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
    expect(
      denialMessage(user({ username: "X" }), res("patch", "deployments", "n", "apps", "d", "status")),
    ).toBe('User "X" cannot patch resource "deployments/status" in API group "apps" in the namespace "n"');
    expect(
      denialMessage(user({ username: "X" }), { resourceRequest: false, verb: "get", path: "/api" }),
    ).toBe('User "X" cannot get path "/api"');
  });
  it("matches trailing-* namespace patterns only", () => {
    expect(namespacePatternMatches("krci-*", "krci-a")).toBe(true);
    expect(namespacePatternMatches("krci-*", "krci")).toBe(false);
    expect(namespacePatternMatches("krci", "krci-a")).toBe(false);
  });
});
