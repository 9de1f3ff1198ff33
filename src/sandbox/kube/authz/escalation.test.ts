import { describe, expect, it } from "vitest";
import { BUILTIN_CLUSTER_ROLE_BINDINGS, BUILTIN_CLUSTER_ROLES } from "../../../rbac/index.js";
import type { JsonObject } from "../json.js";
import type { KubeUser } from "../types.js";
import type { AuthzSnapshot } from "./authorize.js";
import {
  breakdownRule,
  checkBinding,
  checkRoleWrite,
  compactRules,
  compactString,
  covers,
  type EscalationVerdict,
  escalationMessage,
  hasAggregationRule,
  onlyGcFieldsChange,
  type RoleRef,
} from "./escalation.js";
import type { PolicyRule } from "./rules.js";
import { buildSnapshot, type ObjectsByKind } from "./snapshot.js";

const RBAC = "rbac.authorization.k8s.io";
const P = (n: string) => `arn:aws:eks::aws:cluster-access-policy/${n}`;
const CLUSTER_ADMIN = [
  { policyArn: P("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" as const } },
];
const NS_ADMIN = [
  {
    policyArn: P("AmazonEKSAdminPolicy"),
    accessScope: { type: "namespace" as const, namespaces: ["krci-*"] },
  },
];
const user = (over: Partial<KubeUser> = {}): KubeUser => ({
  username: "u",
  groups: ["system:authenticated"],
  accessPolicies: [],
  ...over,
});

const POD_READER: PolicyRule[] = [
  { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] },
  { nonResourceURLs: ["/metrics"], verbs: ["get"] },
  { apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["op"], verbs: ["get"] },
];
const POD_READER_MISSING = [
  '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
  '{APIGroups:[""], Resources:["pods/log"], Verbs:["get" "list"]}',
  '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["op"], Verbs:["get"]}',
  '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
].join("\n");

const clusterRole = (name: string, rules: PolicyRule[]): JsonObject => ({
  metadata: { name },
  rules: rules as unknown as JsonObject[],
});
const crb = (name: string, role: string, subjects: object[]): JsonObject => ({
  metadata: { name },
  roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: role },
  subjects: subjects as JsonObject[],
});
const rb = (ns: string, name: string, roleRef: RoleRef, subjects: object[]): JsonObject => ({
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: RBAC, ...roleRef },
  subjects: subjects as JsonObject[],
});

const snap: AuthzSnapshot = buildSnapshot({
  clusterRoles: [
    ...Object.entries(BUILTIN_CLUSTER_ROLES).map(([n, r]) => clusterRole(n, r)),
    clusterRole("pod-reader", POD_READER),
    clusterRole("admin-binder", [
      { apiGroups: [RBAC], resources: ["clusterroles"], resourceNames: ["admin"], verbs: ["bind"] },
    ]),
    clusterRole("edit-binder", [
      { apiGroups: [RBAC], resources: ["clusterroles"], resourceNames: ["edit"], verbs: ["bind"] },
    ]),
    clusterRole("role-escalator", [{ apiGroups: [RBAC], resources: ["roles"], verbs: ["escalate"] }]),
  ],
  roles: [
    {
      metadata: { name: "cm-reader", namespace: "team" },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
    },
  ],
  clusterRoleBindings: [
    ...Object.entries(BUILTIN_CLUSTER_ROLE_BINDINGS).map(([n, b]) =>
      crb(
        n,
        b.role,
        b.groups.map((g) => ({ kind: "Group", name: g })),
      ),
    ),
    crb("binders", "admin-binder", [{ kind: "Group", name: "xirsa-namespace-manager" }]),
    crb("edit-binders", "edit-binder", [{ kind: "Group", name: "edit-binders" }]),
    crb("escalators", "role-escalator", [{ kind: "User", name: "escalator" }]),
    crb("root", "cluster-admin", [{ kind: "User", name: "root" }]),
  ],
  roleBindings: [
    rb("team", "team-admin", { kind: "ClusterRole", name: "admin" }, [{ kind: "User", name: "lead" }]),
    rb("team", "bot-admin", { kind: "ClusterRole", name: "admin" }, [
      { kind: "ServiceAccount", name: "bot" },
    ]),
    rb("team", "cm", { kind: "Role", name: "cm-reader" }, [{ kind: "User", name: "reader" }]),
  ],
  namespaces: [
    {
      metadata: {
        name: "krci-a",
        labels: { "capsule.clastix.io/tenant": "krci" },
        ownerReferences: [
          { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "krci", uid: "uid-krci" },
        ],
      },
    },
    {
      metadata: {
        name: "other-a",
        labels: { "capsule.clastix.io/tenant": "other" },
        ownerReferences: [
          { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "other", uid: "uid-other" },
        ],
      },
    },
  ],
  tenants: [
    {
      metadata: { name: "krci", uid: "uid-krci" },
      spec: { owners: [{ kind: "Group", name: "cd-pipeline-operator" }] },
    },
    {
      metadata: { name: "other", uid: "uid-other" },
      spec: { owners: [{ kind: "Group", name: "someone-else" }] },
    },
  ],
  capsuleConfigurations: [{ metadata: { name: "default" }, spec: { userGroups: ["capsule.clastix.io"] } }],
} satisfies ObjectsByKind);

const OWNER = { groups: ["cd-pipeline-operator", "capsule.clastix.io", "system:authenticated"] };
const ADMIN_REF: RoleRef = { apiGroup: RBAC, kind: "ClusterRole", name: "admin" };

describe("covers (policy_comparator)", () => {
  const cases: [string, PolicyRule[], PolicyRule, boolean][] = [
    [
      "same verb and resource",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      true,
    ],
    [
      "other verb",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
      false,
    ],
    [
      "verb *",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["bind"] },
      true,
    ],
    [
      "group * and resource *",
      [{ apiGroups: ["*"], resources: ["*"], verbs: ["get"] }],
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
      true,
    ],
    [
      "other group",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      { apiGroups: ["apps"], resources: ["pods"], verbs: ["get"] },
      false,
    ],
    [
      "a literal * is only covered by *",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      { apiGroups: [""], resources: ["*"], verbs: ["get"] },
      false,
    ],
    [
      "*/status covers pods/status",
      [{ apiGroups: [""], resources: ["*/status"], verbs: ["get"] }],
      { apiGroups: [""], resources: ["pods/status"], verbs: ["get"] },
      true,
    ],
    [
      "*/status does not cover pods",
      [{ apiGroups: [""], resources: ["*/status"], verbs: ["get"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      false,
    ],
    [
      "pods does not cover pods/log",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      false,
    ],
    [
      "unnamed covers named",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["p"] },
      true,
    ],
    [
      "named does not cover unnamed",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["p"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      false,
    ],
    [
      "named covers the same name",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["p", "q"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["q"] },
      true,
    ],
    [
      "named does not cover another name",
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["p"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["q"] },
      false,
    ],
    [
      "URL prefix",
      [{ nonResourceURLs: ["/apis/*"], verbs: ["get"] }],
      { nonResourceURLs: ["/apis/apps"], verbs: ["get"] },
      true,
    ],
    [
      "URL elsewhere",
      [{ nonResourceURLs: ["/apis/*"], verbs: ["get"] }],
      { nonResourceURLs: ["/metrics"], verbs: ["get"] },
      false,
    ],
    [
      "resource rules do not cover URLs",
      [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
      { nonResourceURLs: ["/metrics"], verbs: ["get"] },
      false,
    ],
    [
      "URL rules do not cover resources",
      [{ nonResourceURLs: ["*"], verbs: ["*"] }],
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      false,
    ],
  ];
  it.each(cases)("%s", (_, owner, servant, ok) => {
    expect(covers(owner, [servant]).ok).toBe(ok);
  });
  it("breaks rules down to one verb, group, resource and name each", () => {
    expect(breakdownRule(POD_READER[2]!)).toEqual([
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"], resourceNames: ["op"] },
    ]);
    expect(
      breakdownRule({ apiGroups: ["", "apps"], resources: ["a", "b"], verbs: ["get", "list"] }),
    ).toHaveLength(8);
    expect(breakdownRule({ nonResourceURLs: ["/a", "/b"], verbs: ["get"] })).toEqual([
      { nonResourceURLs: ["/a"], verbs: ["get"] },
      { nonResourceURLs: ["/b"], verbs: ["get"] },
    ]);
  });
  it("lists only what is not covered", () => {
    const r = covers(
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "delete"] }],
    );
    expect(r).toEqual({ ok: false, missing: [{ apiGroups: [""], resources: ["pods"], verbs: ["delete"] }] });
  });
});

describe("message format (CompactRules, CompactString)", () => {
  it("joins verbs of the same group/resource/name, keeps URL rules apart", () => {
    const missing = covers([], POD_READER).missing;
    expect(compactRules(missing).map(compactString)).toEqual([
      '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
      '{APIGroups:[""], Resources:["pods/log"], Verbs:["get" "list"]}',
      '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["op"], Verbs:["get"]}',
    ]);
  });
  it("quotes like Go's %q and sorts the lines", () => {
    expect(
      escalationMessage(
        { username: 'a"b', groups: ["g", "system:authenticated"] },
        covers([], POD_READER).missing,
      ),
    ).toBe(
      `user "a\\"b" (groups=["g" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n${POD_READER_MISSING}`,
    );
  });
});

describe("checkBinding", () => {
  const denied = (u: Partial<KubeUser>, missing: string): EscalationVerdict => ({
    allowed: false,
    reason: "escalation",
    message: `user "${u.username ?? "u"}" (groups=[${(u.groups ?? ["system:authenticated"]).map((g) => `"${g}"`).join(" ")}]) is attempting to grant RBAC permissions not currently held:\n${missing}`,
  });
  const cases: [
    string,
    Partial<KubeUser>,
    string,
    RoleRef,
    EscalationVerdict | EscalationVerdict["allowed"],
  ][] = [
    [
      "ClusterAdmin access policy: bind is allowed by the webhook",
      { accessPolicies: CLUSTER_ADMIN },
      "krci-a",
      ADMIN_REF,
      { allowed: true, via: "bind" },
    ],
    [
      "ClusterAdmin access policy: cluster-wide too",
      { accessPolicies: CLUSTER_ADMIN },
      "",
      ADMIN_REF,
      { allowed: true, via: "bind" },
    ],
    [
      "namespaced AmazonEKSAdminPolicy alone: no bind, and access policies hold nothing",
      { accessPolicies: NS_ADMIN },
      "krci-a",
      ADMIN_REF,
      false,
    ],
    [
      "namespaced AmazonEKSAdminPolicy + RBAC bind on clusterroles/admin",
      { accessPolicies: NS_ADMIN, groups: ["xirsa-namespace-manager", "system:authenticated"] },
      "krci-a",
      ADMIN_REF,
      { allowed: true, via: "bind" },
    ],
    [
      "bind on edit is not bind on admin",
      { groups: ["edit-binders", "system:authenticated"] },
      "team",
      ADMIN_REF,
      false,
    ],
    [
      "bind on edit",
      { groups: ["edit-binders", "system:authenticated"] },
      "team",
      { kind: "ClusterRole", name: "edit" },
      { allowed: true, via: "bind" },
    ],
    [
      "Capsule owner holds admin in its tenant's namespace",
      OWNER,
      "krci-a",
      ADMIN_REF,
      { allowed: true, via: "holds" },
    ],
    ["Capsule owner: not in another tenant's namespace", OWNER, "other-a", ADMIN_REF, false],
    [
      "Capsule owner: admin does not hold cluster-admin",
      OWNER,
      "krci-a",
      { kind: "ClusterRole", name: "cluster-admin" },
      false,
    ],
    [
      "RoleBinding to admin: may grant admin in that namespace",
      { username: "lead" },
      "team",
      ADMIN_REF,
      { allowed: true, via: "holds" },
    ],
    [
      "RoleBinding to admin: may grant edit and view there (subsets)",
      { username: "lead" },
      "team",
      { kind: "ClusterRole", name: "edit" },
      { allowed: true, via: "holds" },
    ],
    ["RoleBinding to admin: not in another namespace", { username: "lead" }, "krci-a", ADMIN_REF, false],
    ["RoleBinding to admin: not in a ClusterRoleBinding", { username: "lead" }, "", ADMIN_REF, false],
    [
      "ServiceAccount subject without namespace = the binding's",
      { username: "system:serviceaccount:team:bot" },
      "team",
      ADMIN_REF,
      { allowed: true, via: "holds" },
    ],
    [
      "a Role of the namespace",
      { username: "reader" },
      "team",
      { kind: "Role", name: "cm-reader" },
      { allowed: true, via: "holds" },
    ],
    [
      "a Role of the namespace, not held",
      { username: "lead2" },
      "team",
      { kind: "Role", name: "cm-reader" },
      denied({ username: "lead2" }, '{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}'),
    ],
    [
      "pod-reader, exact message",
      {},
      "team",
      { kind: "ClusterRole", name: "pod-reader" },
      denied({}, POD_READER_MISSING),
    ],
    [
      "cluster-admin RBAC holds everything",
      { username: "root" },
      "",
      { kind: "ClusterRole", name: "cluster-admin" },
      { allowed: true, via: "bind" },
    ],
    [
      "system:masters skips the check",
      { groups: ["system:masters", "system:authenticated"] },
      "",
      ADMIN_REF,
      { allowed: true, via: "system:masters" },
    ],
    [
      "a missing ClusterRole",
      {},
      "team",
      { kind: "ClusterRole", name: "ghost" },
      { allowed: false, reason: "role-not-found", roleKind: "ClusterRole", name: "ghost" },
    ],
    [
      "a missing Role in this namespace",
      { username: "reader" },
      "krci-a",
      { kind: "Role", name: "cm-reader" },
      { allowed: false, reason: "role-not-found", roleKind: "Role", name: "cm-reader" },
    ],
    [
      "a missing role with bind granted",
      { accessPolicies: CLUSTER_ADMIN },
      "team",
      { kind: "ClusterRole", name: "ghost" },
      { allowed: true, via: "bind" },
    ],
  ];
  it.each(cases)("%s", (_, u, ns, ref, want) => {
    const got = checkBinding(user(u), ns, ref, snap);
    if (typeof want === "boolean") expect(got.allowed).toBe(want);
    else expect(got).toEqual(want);
  });
  it("names every missing rule of admin for an access-policy-only caller", () => {
    const got = checkBinding(
      user({ username: "arn:aws:sts::1:assumed-role/R/s", accessPolicies: NS_ADMIN }),
      "krci-a",
      ADMIN_REF,
      snap,
    );
    expect(got.allowed).toBe(false);
    const message = (got as { message: string }).message;
    expect(message.split("\n")[0]).toBe(
      'user "arn:aws:sts::1:assumed-role/R/s" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:',
    );
    expect(message.split("\n")).toContain(
      '{APIGroups:["rbac.authorization.k8s.io"], Resources:["rolebindings"], Verbs:["get" "list" "watch" "create" "delete" "deletecollection" "patch" "update"]}',
    );
    // The caller's RBAC (discovery, self reviews) is subtracted: no line names selfsubjectaccessreviews.
    expect(message).not.toContain("selfsubjectaccessreviews");
  });
});

describe("checkRoleWrite", () => {
  const podGet: PolicyRule[] = [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }];
  const cases: [
    string,
    Partial<KubeUser>,
    Parameters<typeof checkRoleWrite>[1],
    EscalationVerdict["allowed"] | EscalationVerdict,
  ][] = [
    [
      "holds the rules",
      { username: "lead" },
      { kind: "Role", namespace: "team", requestName: "", rules: podGet },
      { allowed: true, via: "holds" },
    ],
    [
      "access policies do not count",
      { username: "x", accessPolicies: NS_ADMIN },
      { kind: "Role", namespace: "krci-a", requestName: "", rules: podGet },
      {
        allowed: false,
        reason: "escalation",
        message:
          'user "x" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get"]}',
      },
    ],
    [
      "escalate on roles",
      { username: "escalator" },
      { kind: "Role", namespace: "krci-a", requestName: "r", rules: podGet },
      { allowed: true, via: "escalate" },
    ],
    [
      "escalate on roles is not on clusterroles",
      { username: "escalator" },
      { kind: "ClusterRole", namespace: "", requestName: "", rules: podGet },
      false,
    ],
    [
      "ClusterAdmin access policy may escalate",
      { accessPolicies: CLUSTER_ADMIN },
      { kind: "ClusterRole", namespace: "", requestName: "", rules: podGet },
      { allowed: true, via: "escalate" },
    ],
    [
      "an aggregationRule needs everything",
      { username: "lead" },
      { kind: "ClusterRole", namespace: "", requestName: "", rules: [], aggregation: true },
      {
        allowed: false,
        reason: "aggregation",
        message: "must have cluster-admin privileges to use the aggregationRule",
      },
    ],
    [
      "an aggregationRule by a cluster-admin",
      { username: "root" },
      { kind: "ClusterRole", namespace: "", requestName: "", rules: [], aggregation: true },
      true,
    ],
  ];
  it.each(cases)("%s", (_, u, role, want) => {
    const got = checkRoleWrite(user(u), role, snap);
    if (typeof want === "boolean") expect(got.allowed).toBe(want);
    else expect(got).toEqual(want);
  });
});

describe("onlyGcFieldsChange and hasAggregationRule", () => {
  const before: JsonObject = {
    metadata: { name: "b", resourceVersion: "5", finalizers: ["a"] },
    subjects: [{ kind: "Group", name: "g" }],
  };
  const cases: [string, JsonObject, boolean][] = [
    ["identical", structuredClone(before), true],
    [
      "ownerReferences added",
      { ...before, metadata: { ...(before.metadata as JsonObject), ownerReferences: [{ uid: "x" }] } },
      true,
    ],
    ["finalizers removed", { ...before, metadata: { name: "b", resourceVersion: "5" } }, true],
    ["a label", { ...before, metadata: { ...(before.metadata as JsonObject), labels: { a: "b" } } }, false],
    ["subjects", { ...before, subjects: [{ kind: "Group", name: "h" }] }, false],
  ];
  it.each(cases)("%s", (_, next, want) => {
    expect(onlyGcFieldsChange(next, before)).toBe(want);
  });
  it("an aggregationRule counts only with selectors", () => {
    expect(
      hasAggregationRule({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "b" } }] } }),
    ).toBe(true);
    expect(hasAggregationRule({ aggregationRule: { clusterRoleSelectors: [] } })).toBe(false);
    expect(hasAggregationRule(undefined)).toBe(false);
  });
});
