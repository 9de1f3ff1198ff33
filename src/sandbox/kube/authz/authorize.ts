/**
 * The sandbox cluster's authorizer: pure, allow-only, in the order EKS evaluates: Kubernetes RBAC (with the
 * bindings Capsule would create), then the EKS access policies of the caller's access entry.
 */

import { ACCESS_POLICIES, ACCESS_POLICY_PREFIX, BUILTIN_CLUSTER_ROLES } from "../../../rbac/index.js";
import type { KubeAccessPolicy, KubeUser } from "../types.js";
import { type PolicyRule, type RequestAttributes, rulesAllow } from "./rules.js";

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface Binding {
  name: string;
  /** Set for RoleBindings. */
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

export interface TenantOwner {
  kind: string;
  name: string;
  clusterRoles: string[];
}

export interface CapsuleView {
  /** CapsuleConfiguration `default`: its user groups (spec.users of kind Group, or the deprecated userGroups). */
  userGroups: string[];
  /** Its user names (spec.users of kind User / ServiceAccount, or the deprecated userNames). */
  userNames: string[];
  /** Tenant name -> owners. */
  tenants: Map<string, TenantOwner[]>;
  /** Namespace -> the tenant owning it. */
  namespaceTenant: Map<string, string>;
}

/** What the authorizer reads from the cluster. */
export interface AuthzSnapshot {
  clusterRoles: Map<string, PolicyRule[]>;
  /** `<namespace>/<name>` -> rules */
  roles: Map<string, PolicyRule[]>;
  clusterRoleBindings: Binding[];
  roleBindings: Binding[];
  capsule?: CapsuleView;
}

export type Decision = { allowed: true; reason: string } | { allowed: false; reason: string };

/**
 * Whether a binding subject is the user. A ServiceAccount subject without a namespace means the binding's own
 * namespace (RBAC's appliesToUser); in a ClusterRoleBinding it matches nobody.
 */
export function subjectMatches(
  s: Subject,
  user: Pick<KubeUser, "username" | "groups">,
  bindingNamespace = "",
): boolean {
  switch (s.kind) {
    case "User":
      return s.name === user.username;
    case "Group":
      return user.groups.includes(s.name);
    case "ServiceAccount": {
      const ns = s.namespace || bindingNamespace;
      return ns !== "" && user.username === `system:serviceaccount:${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

/** `krci-*` matches `krci-a`; anything else matches itself. */
export function namespacePatternMatches(pattern: string, namespace: string): boolean {
  if (pattern.endsWith("*")) return namespace.startsWith(pattern.slice(0, -1));
  return pattern === namespace;
}

function roleRules(
  snap: AuthzSnapshot,
  ref: { kind: string; name: string },
  namespace?: string,
): PolicyRule[] {
  if (ref.kind === "ClusterRole") return snap.clusterRoles.get(ref.name) ?? [];
  if (ref.kind === "Role" && namespace !== undefined) return snap.roles.get(`${namespace}/${ref.name}`) ?? [];
  return [];
}

function accessPolicyAllows(p: KubeAccessPolicy, a: RequestAttributes): boolean {
  const name = p.policyArn.startsWith(ACCESS_POLICY_PREFIX)
    ? p.policyArn.slice(ACCESS_POLICY_PREFIX.length)
    : "";
  const rules = ACCESS_POLICIES[name];
  if (!rules) return false;
  if (p.accessScope.type === "namespace") {
    // A namespace-scoped association acts like a RoleBinding in each matching namespace.
    if (!a.resourceRequest || a.namespace === "") return false;
    if (!p.accessScope.namespaces.some((pat) => namespacePatternMatches(pat, a.namespace))) return false;
  }
  return rulesAllow(rules, a);
}

function isCapsuleUser(c: CapsuleView, user: KubeUser): boolean {
  return c.userGroups.some((g) => user.groups.includes(g)) || c.userNames.includes(user.username);
}

export function ownsTenant(
  owners: TenantOwner[],
  user: Pick<KubeUser, "username" | "groups">,
): TenantOwner[] {
  return owners.filter((o) => {
    if (o.kind === "User" || o.kind === "ServiceAccount") return o.name === user.username;
    if (o.kind === "Group") return user.groups.includes(o.name);
    return false;
  });
}

function capsuleAllows(
  snap: AuthzSnapshot,
  c: CapsuleView,
  user: KubeUser,
  a: RequestAttributes,
  unbound: (namespace: string) => boolean,
): string | undefined {
  // Capsule binds capsule-namespace-provisioner to its user groups (ClusterRoleBinding of the same name).
  if (isCapsuleUser(c, user)) {
    const rules =
      snap.clusterRoles.get("capsule-namespace-provisioner") ??
      BUILTIN_CLUSTER_ROLES["capsule-namespace-provisioner"]!;
    if (rulesAllow(rules, a)) return `RBAC: allowed by ClusterRoleBinding "capsule-namespace-provisioner"`;
  }
  // Tenant owners get their clusterRoles bound in every namespace of the tenant, by RoleBindings Capsule's
  // tenant controller creates after the namespace joined the tenant (projectcapsule/capsule
  // internal/controllers/tenant/rolebindings.go syncRoleBindings): none yet in a namespace still `unbound`.
  if (!a.resourceRequest || a.namespace === "" || unbound(a.namespace)) return undefined;
  const tenant = c.namespaceTenant.get(a.namespace);
  if (!tenant) return undefined;
  for (const owner of ownsTenant(c.tenants.get(tenant) ?? [], user)) {
    for (const cr of owner.clusterRoles) {
      if (rulesAllow(snap.clusterRoles.get(cr) ?? [], a))
        return `RBAC: allowed by Capsule Tenant "${tenant}" owner RoleBinding to ClusterRole "${cr}"`;
    }
  }
  return undefined;
}

/**
 * `unbound`: namespaces in which Capsule has not yet created the tenant owners' RoleBindings (the sandbox's
 * bind delay); by default there are none.
 */
export function authorize(
  user: KubeUser,
  a: RequestAttributes,
  snap: AuthzSnapshot,
  unbound: (namespace: string) => boolean = () => false,
): Decision {
  for (const b of snap.clusterRoleBindings) {
    if (!b.subjects.some((s) => subjectMatches(s, user))) continue;
    if (rulesAllow(roleRules(snap, b.roleRef), a))
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${b.name}"` };
  }
  if (a.resourceRequest && a.namespace !== "") {
    for (const b of snap.roleBindings) {
      if (b.namespace !== a.namespace || !b.subjects.some((s) => subjectMatches(s, user, b.namespace)))
        continue;
      if (rulesAllow(roleRules(snap, b.roleRef, b.namespace), a))
        return { allowed: true, reason: `RBAC: allowed by RoleBinding "${b.name}/${b.namespace}"` };
    }
  }
  if (snap.capsule) {
    const why = capsuleAllows(snap, snap.capsule, user, a, unbound);
    if (why) return { allowed: true, reason: why };
  }
  for (const p of user.accessPolicies) {
    if (accessPolicyAllows(p, a)) return { allowed: true, reason: `EKS access policy ${p.policyArn}` };
  }
  return { allowed: false, reason: "" };
}

/** kube-apiserver's text for a denial: `User "u" cannot get resource "pods" in API group "" in the namespace "n"`. */
export function denialMessage(user: KubeUser, a: RequestAttributes): string {
  if (!a.resourceRequest) return `User "${user.username}" cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  return `User "${user.username}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}" ${scope}`;
}

/**
 * The RBAC rules that apply to a user in a namespace (SelfSubjectRulesReview, `kubectl auth can-i --list`). As on
 * EKS, access policy permissions are not listed: they come from a webhook authorizer that cannot enumerate.
 */
export function rulesFor(user: KubeUser, namespace: string, snap: AuthzSnapshot): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const b of snap.clusterRoleBindings)
    if (b.subjects.some((s) => subjectMatches(s, user))) out.push(...roleRules(snap, b.roleRef));
  for (const b of snap.roleBindings)
    if (b.namespace === namespace && b.subjects.some((s) => subjectMatches(s, user, b.namespace)))
      out.push(...roleRules(snap, b.roleRef, b.namespace));
  const c = snap.capsule;
  if (c) {
    if (isCapsuleUser(c, user))
      out.push(
        ...(snap.clusterRoles.get("capsule-namespace-provisioner") ??
          BUILTIN_CLUSTER_ROLES["capsule-namespace-provisioner"]!),
      );
    const tenant = c.namespaceTenant.get(namespace);
    if (tenant)
      for (const owner of ownsTenant(c.tenants.get(tenant) ?? [], user))
        for (const cr of owner.clusterRoles) out.push(...(snap.clusterRoles.get(cr) ?? []));
  }
  return out;
}
