/**
 * kube-apiserver's RBAC escalation prevention, as the policy-based RBAC storages apply it on create and update
 * (rules from kubernetes pkg/registry/rbac/{rolebinding,clusterrolebinding,role,clusterrole}/policybased,
 * pkg/registry/rbac/escalation_check.go, pkg/registry/rbac/validation/{rule,compact}.go and
 * component-helpers/auth/rbac/validation/policy_comparator.go, v1.31):
 *
 * - a RoleBinding/ClusterRoleBinding may be written when the caller is authorized for `bind` on the referenced
 *   role by the whole authorizer chain (RBAC, Capsule's bindings, and on EKS the access-policy webhook), or
 *   when the caller already holds every rule of that role through RBAC rule resolution alone (bindings in the
 *   binding's namespace + ClusterRoleBindings; access policies are invisible to the rule resolver);
 * - a Role/ClusterRole may be written with `escalate` on it, or when the caller holds all its rules;
 * - members of `system:masters` skip both checks.
 */
import { asObject, type JsonObject, jsonEqual } from "../json.js";
import type { KubeUser } from "../types.js";
import { type AuthzSnapshot, authorize, rulesFor } from "./authorize.js";
import type { PolicyRule } from "./rules.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";
const PRIVILEGED_GROUP = "system:masters";

/** `*` on everything: what an aggregationRule needs, since it can gather any rule. */
export const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

export type EscalationVerdict =
  | { allowed: true; via: "system:masters" | "bind" | "escalate" | "holds" | "metadata-only" }
  | { allowed: false; reason: "escalation" | "aggregation"; message: string }
  | { allowed: false; reason: "role-not-found"; roleKind: "Role" | "ClusterRole"; name: string };

const has = (set: readonly string[] | undefined, e: string): boolean => (set ?? []).includes(e);
const hasAll = (set: readonly string[] | undefined, contains: readonly string[]): boolean =>
  contains.every((c) => has(set, c));

/** One rule per (group, resource, verb, resourceName) and per (nonResourceURL, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        else
          for (const name of names)
            out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
      }
  for (const url of rule.nonResourceURLs ?? [])
    for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourceCoversAll(set: readonly string[] | undefined, covers: readonly string[]): boolean {
  if (has(set, "*") || hasAll(set, covers)) return true;
  for (const path of covers) {
    if (has(set, path)) continue;
    const slash = path.indexOf("/");
    // `*/status` covers the status subresource of every resource; nothing covers a plain resource but itself.
    if (slash < 0 || !has(set, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceUrlCovers(owner: string, sub: string): boolean {
  return owner === sub || (owner.endsWith("*") && sub.startsWith(owner.replace(/\*+$/, "")));
}

/** Whether `owner` covers `sub`, a rule with at most one verb, group, resource, name or URL. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, "*") || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, "*") || hasAll(owner.apiGroups, sub.apiGroups ?? []);
  const resources = resourceCoversAll(owner.resources, sub.resources ?? []);
  const urls = (sub.nonResourceURLs ?? []).every((u) =>
    (owner.nonResourceURLs ?? []).some((o) => nonResourceUrlCovers(o, u)),
  );
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const names =
    subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  return verbs && groups && resources && names && urls;
}

/** Whether the owner's rules cover every servant rule; the uncovered pieces otherwise. */
export function covers(
  owner: readonly PolicyRule[],
  servant: readonly PolicyRule[],
): { ok: boolean; missing: PolicyRule[] } {
  const missing = servant.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
  return { ok: missing.length === 0, missing };
}

/** Joins rules that differ only by verb (one group, one resource, at most one name), as CompactRules does. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const names = r.resourceNames ?? [];
    const isSimple =
      names.length <= 1 &&
      (r.nonResourceURLs ?? []).length === 0 &&
      (r.apiGroups ?? []).length === 1 &&
      (r.resources ?? []).length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], names[0] ?? null]);
    const seen = simple.get(key);
    if (seen) seen.verbs = [...seen.verbs, ...r.verbs];
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

/** Go's %q of one string (strconv.Quote) for the characters that can appear in RBAC names. */
function goQuote(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u0007/g, "\\a")
    .replace(/\\u000b/g, "\\v")
    .replace(/\\u00([0-9a-f]{2})/g, "\\x$1")
    .replace(/\u007f/g, "\\x7f");
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(" ")}]`;
}

/** rbacv1helpers.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/** ConfirmNoEscalation's error text: the missing rules compacted, de-duplicated and sorted, one a line. */
export function escalationMessage(
  user: Pick<KubeUser, "username" | "groups">,
  missing: readonly PolicyRule[],
) {
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  return `user ${goQuote(user.username)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}`;
}

function isPrivileged(user: KubeUser): boolean {
  return user.groups.includes(PRIVILEGED_GROUP);
}

/** The caller holds `rules` through RBAC in `namespace` ("" = ClusterRoleBindings only). */
export function confirmNoEscalation(
  user: KubeUser,
  namespace: string,
  rules: readonly PolicyRule[],
  snap: AuthzSnapshot,
): EscalationVerdict {
  const held = covers(rulesFor(user, namespace, snap), rules);
  if (held.ok) return { allowed: true, via: "holds" };
  return { allowed: false, reason: "escalation", message: escalationMessage(user, held.missing) };
}

export interface RoleRef {
  apiGroup?: string;
  kind: string;
  name: string;
}

/**
 * May `user` write a binding to `roleRef` in `namespace` ("" for a ClusterRoleBinding)? `bind` is asked of the
 * full authorizer (access policies included); holding the rules is judged on RBAC alone.
 */
export function checkBinding(
  user: KubeUser,
  namespace: string,
  roleRef: RoleRef,
  snap: AuthzSnapshot,
): EscalationVerdict {
  if (isPrivileged(user)) return { allowed: true, via: "system:masters" };
  const resource = roleRef.kind === "ClusterRole" ? "clusterroles" : "roles";
  const bind = authorize(
    user,
    {
      resourceRequest: true,
      verb: "bind",
      apiGroup: roleRef.apiGroup || RBAC_GROUP,
      resource,
      subresource: "",
      namespace,
      name: roleRef.name,
    },
    snap,
  );
  if (bind.allowed) return { allowed: true, via: "bind" };
  const rules =
    roleRef.kind === "ClusterRole"
      ? snap.clusterRoles.get(roleRef.name)
      : snap.roles.get(`${namespace}/${roleRef.name}`);
  if (!rules)
    return {
      allowed: false,
      reason: "role-not-found",
      roleKind: roleRef.kind === "ClusterRole" ? "ClusterRole" : "Role",
      name: roleRef.name,
    };
  return confirmNoEscalation(user, namespace, rules, snap);
}

/**
 * May `user` write a Role or ClusterRole with these rules? `requestName` is the name on the URL ("" on create),
 * which is what kube-apiserver asks `escalate` about.
 */
export function checkRoleWrite(
  user: KubeUser,
  role: {
    kind: "Role" | "ClusterRole";
    /** The Role's namespace; "" for a ClusterRole. */
    namespace: string;
    requestName: string;
    rules: readonly PolicyRule[];
    /** ClusterRoles: the new or the old object has an aggregationRule with selectors. */
    aggregation?: boolean;
  },
  snap: AuthzSnapshot,
): EscalationVerdict {
  if (isPrivileged(user)) return { allowed: true, via: "system:masters" };
  const escalate = authorize(
    user,
    {
      resourceRequest: true,
      verb: "escalate",
      apiGroup: RBAC_GROUP,
      resource: role.kind === "Role" ? "roles" : "clusterroles",
      subresource: "",
      namespace: role.namespace,
      name: role.requestName,
    },
    snap,
  );
  if (escalate.allowed) return { allowed: true, via: "escalate" };
  const held = confirmNoEscalation(user, role.namespace, role.rules, snap);
  if (!held.allowed || !role.aggregation) return held;
  if (confirmNoEscalation(user, role.namespace, FULL_AUTHORITY, snap).allowed) return held;
  return {
    allowed: false,
    reason: "aggregation",
    message: "must have cluster-admin privileges to use the aggregationRule",
  };
}

/**
 * IsOnlyMutatingGCFields: an update that changes nothing but ownerReferences, finalizers, selfLink or
 * managedFields is not checked (the garbage collector must be able to clean up any binding).
 */
export function onlyGcFieldsChange(next: JsonObject, before: JsonObject): boolean {
  const m = { ...asObject(next.metadata) };
  const b = asObject(before.metadata);
  for (const k of ["ownerReferences", "finalizers", "selfLink", "managedFields"]) {
    if (b[k] === undefined) delete m[k];
    else m[k] = b[k];
  }
  return jsonEqual({ ...next, metadata: m }, before);
}

/** Whether a ClusterRole object carries an aggregationRule with at least one selector. */
export function hasAggregationRule(o: JsonObject | undefined): boolean {
  const selectors = asObject(o?.aggregationRule).clusterRoleSelectors;
  return Array.isArray(selectors) && selectors.length > 0;
}
