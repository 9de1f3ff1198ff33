/**
 * ClusterRoles every target cluster has without them being in the State: Kubernetes' user-facing roles and
 * the roles Capsule installs. A ClusterRole object of the same name in the State takes precedence.
 */
import { ACCESS_POLICY_RULES } from "./accessPolicies.js";
import type { PolicyRule } from "./rules.js";

export const CAPSULE_PROVISIONER_ROLE = "capsule-namespace-provisioner";
export const CAPSULE_DELETER_ROLE = "capsule-namespace-deleter";
/** Capsule's default owner roles when a Tenant owner lists none. */
export const CAPSULE_DEFAULT_OWNER_ROLES = ["admin", CAPSULE_DELETER_ROLE];

export const BUILTIN_CLUSTER_ROLES: Readonly<Record<string, readonly PolicyRule[]>> = {
  "cluster-admin": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  // EKS documents its access policies as the user-facing roles' equivalents; their rules stand in for them.
  admin: ACCESS_POLICY_RULES.AmazonEKSAdminPolicy!,
  edit: ACCESS_POLICY_RULES.AmazonEKSEditPolicy!,
  view: ACCESS_POLICY_RULES.AmazonEKSViewPolicy!,
  [CAPSULE_PROVISIONER_ROLE]: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["create"] }],
  [CAPSULE_DELETER_ROLE]: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["delete"] }],
};
