/**
 * Capsule's namespace admission, as its webhook `namespaces.projectcapsule.dev` decides (projectcapsule/capsule
 * pkg/webhook/namespace): a Capsule user's new namespace is assigned to the single tenant it owns, or to the one
 * named by the capsule.clastix.io/tenant label; denials and the namespace quota use Capsule's messages. Pure.
 */
import { ownsTenant } from "./authz/authorize.js";
import {
  capsuleUsers,
  namespaceTenantOf,
  TENANT_LABEL,
  tenantOwners,
  tenantUidMap,
} from "./authz/snapshot.js";
import { asArray, asObject, asString, clone, type JsonObject, labelsOf, meta, nameOf } from "./json.js";
import type { KubeUser } from "./types.js";

export const CAPSULE_WEBHOOK = "namespaces.projectcapsule.dev";
export const TENANT_API_VERSION = "capsule.clastix.io/v1beta2";

export const CAPSULE_MESSAGES = {
  noTenant: "You do not have any Tenant assigned: please, reach out to the system administrators",
  severalTenants: `Unable to assign namespace to tenant. Please use ${TENANT_LABEL} label when creating a namespace`,
  notOwned: "Cannot assign the desired namespace to a non-owned Tenant",
  quota: "Cannot exceed Namespace quota: please, reach out to the system administrators",
} as const;

export type CapsuleAdmission =
  | { kind: "not-capsule" }
  | { kind: "assigned"; namespace: JsonObject; tenant: string }
  | { kind: "denied"; message: string };

export function isCapsuleUser(config: JsonObject | undefined, user: KubeUser): boolean {
  const { groups, names } = capsuleUsers(config);
  return groups.some((g) => user.groups.includes(g)) || names.includes(user.username);
}

/** Namespaces currently assigned to the tenant (by ownerReference, as Capsule's index does). */
export function tenantNamespaces(tenant: JsonObject, namespaces: JsonObject[]): string[] {
  const uids = tenantUidMap([tenant]);
  return namespaces
    .filter((n) => namespaceTenantOf(n, uids) === nameOf(tenant))
    .map(nameOf)
    .sort();
}

export function admitNamespace(
  user: KubeUser,
  namespace: JsonObject,
  config: JsonObject | undefined,
  tenants: JsonObject[],
  namespaces: JsonObject[],
): CapsuleAdmission {
  if (!isCapsuleUser(config, user)) return { kind: "not-capsule" };
  const wanted = labelsOf(namespace)[TENANT_LABEL];
  let tenant: JsonObject | undefined;
  if (wanted) {
    tenant = tenants.find((t) => nameOf(t) === wanted);
    if (!tenant) return { kind: "denied", message: `tenants.capsule.clastix.io "${wanted}" not found` };
    if (ownsTenant(tenantOwners(tenant), user).length === 0)
      return { kind: "denied", message: CAPSULE_MESSAGES.notOwned };
  } else {
    const owned = tenants.filter((t) => ownsTenant(tenantOwners(t), user).length > 0);
    if (owned.length === 0) return { kind: "denied", message: CAPSULE_MESSAGES.noTenant };
    if (owned.length > 1) return { kind: "denied", message: CAPSULE_MESSAGES.severalTenants };
    tenant = owned[0]!;
  }
  const quota = asObject(asObject(tenant.spec).namespaceOptions).quota;
  const tenantName = nameOf(tenant);
  if (typeof quota === "number" && tenantNamespaces(tenant, namespaces).length >= quota)
    return { kind: "denied", message: CAPSULE_MESSAGES.quota };
  const out = clone(namespace);
  const m = meta(out);
  m.labels = { ...labelsOf(out), [TENANT_LABEL]: tenantName };
  m.ownerReferences = [
    {
      apiVersion: TENANT_API_VERSION,
      kind: "Tenant",
      name: tenantName,
      uid: asString(asObject(tenant.metadata).uid) ?? "",
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  return { kind: "assigned", namespace: out, tenant: tenantName };
}

/**
 * Capsule's admission of a namespace update by a Capsule user (projectcapsule/capsule
 * pkg/webhook/namespace/mutation/ownerreference.go OnUpdate and validation/patch.go): the namespace must
 * already belong to a tenant the user owns, else "Denied patch request for this namespace"; its Tenant
 * ownerReferences and tenant label stay as they were, whatever the update says.
 */
export function admitNamespaceUpdate(
  user: KubeUser,
  next: JsonObject,
  before: JsonObject,
  config: JsonObject | undefined,
  tenants: JsonObject[],
):
  | { kind: "not-capsule" }
  | { kind: "admitted"; namespace: JsonObject }
  | { kind: "denied"; message: string } {
  if (!isCapsuleUser(config, user)) return { kind: "not-capsule" };
  const tenantName = namespaceTenantOf(before, tenantUidMap(tenants));
  const tenant = tenants.find((t) => nameOf(t) === tenantName);
  if (!tenant || ownsTenant(tenantOwners(tenant), user).length === 0)
    return { kind: "denied", message: "Denied patch request for this namespace" };
  const isTenantRef = (ref: unknown) =>
    asObject(ref).kind === "Tenant" &&
    String(asObject(ref).apiVersion ?? "").startsWith("capsule.clastix.io/");
  const out = clone(next);
  const m = meta(out);
  const refs = [
    ...asArray(asObject(before.metadata).ownerReferences).filter(isTenantRef),
    ...asArray(m.ownerReferences).filter((r) => !isTenantRef(r)),
  ];
  if (refs.length) m.ownerReferences = refs;
  else delete m.ownerReferences;
  const labels = { ...labelsOf(out) };
  const was = labelsOf(before)[TENANT_LABEL];
  if (was === undefined) delete labels[TENANT_LABEL];
  else labels[TENANT_LABEL] = was;
  m.labels = labels;
  return { kind: "admitted", namespace: out };
}

/** The status Capsule's controller keeps on a Tenant. */
export function tenantStatus(tenant: JsonObject, namespaces: JsonObject[]): JsonObject {
  const names = tenantNamespaces(tenant, namespaces);
  return { state: "Active", size: names.length, namespaces: names };
}
