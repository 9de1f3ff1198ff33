/**
 * What each flow needs in the target cluster (REFERENCE §5): the single list that verify proves over a State
 * and that probe asks the live cluster about with SelfSubjectAccessReviews.
 */
import type { ChainKind } from "../state/index.js";

export interface RequiredPermission {
  /** Stable id, e.g. `namespaces:create`. */
  id: string;
  verb: string;
  /** API group; "" is the core group. */
  group: string;
  resource: string;
  /** Resource name, when the permission is about one object (e.g. ClusterRole admin for bind). */
  name?: string;
  /**
   * `cluster`: a cluster-scoped request (creating a namespace has no namespace yet). `pattern`: a request in
   * each namespace matching the chain's pattern (for `namespaces` get/delete, the namespace is the object).
   */
  scope: "cluster" | "pattern";
  /** Why the flow needs it, in words. */
  why: string;
  /**
   * Kubernetes also allows `bind` when the caller already holds this ClusterRole's permissions through RBAC
   * (the escalation check); access policies do not count for that.
   */
  orHoldsClusterRole?: string;
}

const RBAC = "rbac.authorization.k8s.io";

const OPERATOR: readonly RequiredPermission[] = [
  {
    id: "namespaces:create",
    verb: "create",
    group: "",
    resource: "namespaces",
    scope: "cluster",
    why: "creates the environment namespace <krci-namespace>-<pipeline>-<stage>",
  },
  {
    id: "namespaces:get",
    verb: "get",
    group: "",
    resource: "namespaces",
    scope: "pattern",
    why: "checks whether the environment namespace exists",
  },
  {
    id: "namespaces:delete",
    verb: "delete",
    group: "",
    resource: "namespaces",
    scope: "pattern",
    why: "deletes the environment namespace with its stage",
  },
  {
    id: "rolebindings:create",
    verb: "create",
    group: RBAC,
    resource: "rolebindings",
    scope: "pattern",
    why: "creates RoleBinding tenant-admin for the OIDC groups",
  },
  {
    id: "clusterroles:bind:admin",
    verb: "bind",
    group: RBAC,
    resource: "clusterroles",
    name: "admin",
    scope: "pattern",
    why: "RoleBinding tenant-admin refers to ClusterRole admin",
    orHoldsClusterRole: "admin",
  },
  {
    id: "secrets:create",
    verb: "create",
    group: "",
    resource: "secrets",
    scope: "pattern",
    why: "copies Secret regcred into the environment namespace",
  },
];

const WORKLOADS = [
  { group: "apps", resource: "deployments" },
  { group: "", resource: "services" },
  { group: "", resource: "configmaps" },
] as const;

const ARGOCD: readonly RequiredPermission[] = WORKLOADS.flatMap((w) =>
  (["get", "create", "patch", "delete"] as const).map(
    (verb): RequiredPermission => ({
      id: `${w.resource}:${verb}`,
      verb,
      group: w.group,
      resource: w.resource,
      scope: "pattern",
      why: `Argo CD ${verb === "get" ? "reads" : verb === "patch" ? "patches" : `${verb}s`} ${w.resource} of applications in environment namespaces`,
    }),
  ),
);

export function requiredPermissions(kind: ChainKind): readonly RequiredPermission[] {
  return kind === "cd-pipeline-operator" ? OPERATOR : ARGOCD;
}

/** A namespace name matching the pattern, for asking a live cluster (`krci-*` → `krci-xirsa-probe`). */
export function sampleNamespace(pattern: string): string {
  return pattern.endsWith("*") ? `${pattern.slice(0, -1)}xirsa-probe` : pattern;
}
