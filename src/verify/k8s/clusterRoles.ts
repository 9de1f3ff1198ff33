/**
 * ClusterRoles every target cluster has without them being in the State: Kubernetes' user-facing roles and
 * the roles Capsule installs (their rules: rbac/, shared with the sandbox). A ClusterRole object of the same
 * name in the State takes precedence.
 */
import { BUILTIN_CLUSTER_ROLES as ALL, resourceRules } from "../../rbac/index.js";
import type { PolicyRule } from "./rules.js";

export {
  CAPSULE_DEFAULT_OWNER_ROLES,
  CAPSULE_DELETER_ROLE,
  CAPSULE_PROVISIONER_ROLE,
} from "../../rbac/index.js";

export const BUILTIN_CLUSTER_ROLES: Readonly<Record<string, readonly PolicyRule[]>> = Object.fromEntries(
  Object.entries(ALL).map(([name, rules]) => [name, resourceRules(rules)]),
);
