/** Builds the authorizer's view of a cluster from its stored objects. */
import { asArray, asObject, asString, isObject, type JsonObject, nameOf, namespaceOf } from "../json.js";
import type { AuthzSnapshot, Binding, CapsuleView, TenantOwner } from "./authorize.js";
import type { PolicyRule } from "./rules.js";

export const TENANT_LABEL = "capsule.clastix.io/tenant";
export const DEFAULT_OWNER_ROLES = ["admin", "capsule-namespace-deleter"];

/**
 * The tenant a namespace belongs to: the Tenant named by its ownerReferences with that Tenant's uid, as Capsule's
 * controllers index namespaces (projectcapsule/capsule pkg/webhook/namespace/mutation/ownerreference.go:
 * namespaceIsOwned compares ownerRef.UID with tenant.UID). The capsule.clastix.io/tenant label is only a hint
 * for creation: anyone who may patch a namespace can write it, so it never grants membership.
 */
export function namespaceTenantOf(ns: JsonObject, tenantUids: Map<string, string>): string | undefined {
  for (const ref of asArray(asObject(ns.metadata).ownerReferences).filter(isObject)) {
    if (ref.kind !== "Tenant" || !String(ref.apiVersion ?? "").startsWith("capsule.clastix.io/")) continue;
    const name = asString(ref.name) ?? "";
    if (name && tenantUids.get(name) === ref.uid) return name;
  }
  return undefined;
}

/** Tenant name -> uid. */
export function tenantUidMap(tenants: JsonObject[]): Map<string, string> {
  return new Map(tenants.map((t) => [nameOf(t), asString(asObject(t.metadata).uid) ?? ""]));
}

function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === "string");
}

export function toRules(v: unknown): PolicyRule[] {
  return asArray(v)
    .filter(isObject)
    .map((r) => {
      const rule: PolicyRule = { verbs: strings(r.verbs) };
      if (r.apiGroups !== undefined) rule.apiGroups = strings(r.apiGroups);
      if (r.resources !== undefined) rule.resources = strings(r.resources);
      if (r.resourceNames !== undefined) rule.resourceNames = strings(r.resourceNames);
      if (r.nonResourceURLs !== undefined) rule.nonResourceURLs = strings(r.nonResourceURLs);
      return rule;
    });
}

function toBinding(o: JsonObject): Binding {
  const ref = asObject(o.roleRef);
  const b: Binding = {
    name: nameOf(o),
    roleRef: { kind: asString(ref.kind) ?? "", name: asString(ref.name) ?? "" },
    subjects: asArray(o.subjects)
      .filter(isObject)
      .map((s) => ({
        kind: asString(s.kind) ?? "",
        name: asString(s.name) ?? "",
        ...(asString(s.namespace) ? { namespace: asString(s.namespace) } : {}),
      })),
  };
  if (namespaceOf(o)) b.namespace = namespaceOf(o);
  return b;
}

export function tenantOwners(tenant: JsonObject): TenantOwner[] {
  return asArray(asObject(tenant.spec).owners)
    .filter(isObject)
    .map((o) => ({
      kind: asString(o.kind) ?? "",
      name: asString(o.name) ?? "",
      clusterRoles: o.clusterRoles === undefined ? DEFAULT_OWNER_ROLES : strings(o.clusterRoles),
    }));
}

/**
 * Capsule users of a CapsuleConfiguration: `spec.users` (Capsule >= 0.12: {kind: User|Group|ServiceAccount,
 * name}) merged with the deprecated `spec.userGroups` / `spec.userNames`, as projectcapsule/capsule
 * pkg/runtime/configuration/client.go `UserGroups()` / `UserNames()` append them.
 */
export function capsuleUsers(config: JsonObject | undefined): { groups: string[]; names: string[] } {
  if (!config) return { groups: [], names: [] };
  const spec = asObject(config.spec);
  const strs = (v: unknown) => asArray(v).filter((g): g is string => typeof g === "string");
  const ofKind = (...kinds: string[]) =>
    asArray(spec.users)
      .map(asObject)
      .filter((u) => kinds.includes(asString(u.kind) ?? "") && typeof u.name === "string")
      .map((u) => u.name as string);
  return {
    groups: [...strs(spec.userGroups), ...ofKind("Group")],
    names: [...strs(spec.userNames), ...ofKind("User", "ServiceAccount")],
  };
}

export interface ObjectsByKind {
  clusterRoles: JsonObject[];
  roles: JsonObject[];
  clusterRoleBindings: JsonObject[];
  roleBindings: JsonObject[];
  namespaces: JsonObject[];
  tenants: JsonObject[];
  capsuleConfigurations: JsonObject[];
}

export function buildSnapshot(o: ObjectsByKind): AuthzSnapshot {
  const snap: AuthzSnapshot = {
    clusterRoles: new Map(o.clusterRoles.map((r) => [nameOf(r), toRules(r.rules)])),
    roles: new Map(o.roles.map((r) => [`${namespaceOf(r)}/${nameOf(r)}`, toRules(r.rules)])),
    clusterRoleBindings: o.clusterRoleBindings.map(toBinding),
    roleBindings: o.roleBindings.map(toBinding),
  };
  const config = o.capsuleConfigurations.find((c) => nameOf(c) === "default");
  if (config) {
    const capsule: CapsuleView = {
      ...(({ groups, names }) => ({ userGroups: groups, userNames: names }))(capsuleUsers(config)),
      tenants: new Map(o.tenants.map((t) => [nameOf(t), tenantOwners(t)])),
      namespaceTenant: new Map(),
    };
    const uids = tenantUidMap(o.tenants);
    for (const ns of o.namespaces) {
      const t = namespaceTenantOf(ns, uids);
      if (t) capsule.namespaceTenant.set(nameOf(ns), t);
    }
    snap.capsule = capsule;
  }
  return snap;
}
