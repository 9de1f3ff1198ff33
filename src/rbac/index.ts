/**
 * The one source of the Kubernetes permissions xirsa reasons about, as plain data: the rules of the EKS managed
 * access policies and of the ClusterRoles every cluster has. verify (verify/k8s/) proves over them offline and
 * the sandbox's authorizer (sandbox/kube/authz/) enforces them, so the two cannot drift.
 *
 * - Access policies: "Review access policy permissions", Amazon EKS User Guide (awsdocs/amazon-eks-user-guide
 *   latest/ug/manage-access/k8s-access/access-policy-reference.adoc); each table row is one rule.
 * - admin/edit/view and the system: roles: Kubernetes' bootstrap policy (kubernetes/kubernetes
 *   plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), aggregated roles flattened. EKS documents its
 *   access policies as "similar to" these, not equal: edit (and so admin) also grants `create` on
 *   `serviceaccounts/token` and `pods/eviction`, which the access policy tables do not list.
 * - Capsule's ClusterRoles: projectcapsule/capsule internal/controllers/rbac/const.go (the provisioner may
 *   create and patch namespaces; the deleter may delete them).
 */
import { ACCESS_POLICY_PREFIX } from "../names/index.js";
import type { PolicyRule, ResourceRule } from "./rules.js";
import { SYSTEM_CLUSTER_ROLE_BINDINGS, SYSTEM_CLUSTER_ROLES } from "./system.js";

export { type NonResourceRule, type PolicyRule, type ResourceRule, resourceRules } from "./rules.js";
export { ACCESS_POLICY_PREFIX };

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

/** AmazonEKSViewPolicy. */
const EKS_VIEW: ResourceRule[] = [
  {
    apiGroups: ["apps"],
    resources: [
      "controllerrevisions",
      "daemonsets",
      "daemonsets/status",
      "deployments",
      "deployments/scale",
      "deployments/status",
      "replicasets",
      "replicasets/scale",
      "replicasets/status",
      "statefulsets",
      "statefulsets/scale",
      "statefulsets/status",
    ],
    verbs: READ,
  },
  {
    apiGroups: ["autoscaling"],
    resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"],
    verbs: READ,
  },
  { apiGroups: ["batch"], resources: ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], verbs: READ },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
  {
    apiGroups: ["extensions"],
    resources: [
      "daemonsets",
      "daemonsets/status",
      "deployments",
      "deployments/scale",
      "deployments/status",
      "ingresses",
      "ingresses/status",
      "networkpolicies",
      "replicasets",
      "replicasets/scale",
      "replicasets/status",
      "replicationcontrollers/scale",
    ],
    verbs: READ,
  },
  {
    apiGroups: ["networking.k8s.io"],
    resources: ["ingresses", "ingresses/status", "networkpolicies"],
    verbs: READ,
  },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"], verbs: READ },
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "endpoints",
      "persistentvolumeclaims",
      "persistentvolumeclaims/status",
      "pods",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "serviceaccounts",
      "services",
      "services/status",
    ],
    verbs: READ,
  },
  {
    apiGroups: [""],
    resources: [
      "bindings",
      "events",
      "limitranges",
      "namespaces/status",
      "pods/log",
      "pods/status",
      "replicationcontrollers/status",
      "resourcequotas",
      "resourcequotas/status",
    ],
    verbs: READ,
  },
  { apiGroups: [""], resources: ["namespaces"], verbs: READ },
];

/** AmazonEKSEditPolicy = view + writes on workloads, secrets readable. */
const EKS_EDIT_ONLY: ResourceRule[] = [
  {
    apiGroups: ["apps"],
    resources: [
      "daemonsets",
      "deployments",
      "deployments/rollback",
      "deployments/scale",
      "replicasets",
      "replicasets/scale",
      "statefulsets",
      "statefulsets/scale",
    ],
    verbs: WRITE,
  },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: WRITE },
  {
    apiGroups: ["extensions"],
    resources: [
      "daemonsets",
      "deployments",
      "deployments/rollback",
      "deployments/scale",
      "ingresses",
      "networkpolicies",
      "replicasets",
      "replicasets/scale",
      "replicationcontrollers/scale",
    ],
    verbs: WRITE,
  },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
  {
    apiGroups: [""],
    resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"],
    verbs: READ,
  },
  { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
  {
    apiGroups: [""],
    resources: ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"],
    verbs: WRITE,
  },
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "events",
      "persistentvolumeclaims",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "secrets",
      "serviceaccounts",
      "services",
      "services/proxy",
    ],
    verbs: WRITE,
  },
];

const EKS_EDIT: ResourceRule[] = [...EKS_VIEW, ...EKS_EDIT_ONLY];

/** AmazonEKSAdminPolicy = edit + namespaced RBAC + local access reviews. */
const EKS_ADMIN_ONLY: ResourceRule[] = [
  { apiGroups: ["authorization.k8s.io"], resources: ["localsubjectaccessreviews"], verbs: ["create"] },
  // Listed in the policy, but EKS access policies carry no `bind`/`escalate`: Kubernetes' escalation check
  // still refuses RoleBindings to roles the caller does not hold through RBAC (aws/containers-roadmap#2682).
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["rolebindings", "roles"],
    verbs: [...READ, ...WRITE],
  },
];
const EKS_ADMIN: ResourceRule[] = [...EKS_EDIT, ...EKS_ADMIN_ONLY];

const EKS_CLUSTER_ADMIN: PolicyRule[] = [
  { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
  { nonResourceURLs: ["*"], verbs: ["*"] },
];

const EKS_ADMIN_VIEW: ResourceRule[] = [{ apiGroups: ["*"], resources: ["*"], verbs: READ }];
const EKS_SECRET_READER: ResourceRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: READ }];

/**
 * Rules by policy name (the part after `cluster-access-policy/`). Policies not listed (service-specific ones)
 * grant nothing here.
 */
export const ACCESS_POLICIES: Readonly<Record<string, PolicyRule[]>> = {
  AmazonEKSClusterAdminPolicy: EKS_CLUSTER_ADMIN,
  AmazonEKSAdminPolicy: EKS_ADMIN,
  AmazonEKSEditPolicy: EKS_EDIT,
  AmazonEKSViewPolicy: EKS_VIEW,
  AmazonEKSAdminViewPolicy: EKS_ADMIN_VIEW,
  AmazonEKSSecretReaderPolicy: EKS_SECRET_READER,
};

/** What Kubernetes' edit role (system:aggregate-to-edit) grants beyond AmazonEKSEditPolicy. */
const EDIT_EXTRA: ResourceRule[] = [
  { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
  { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
];

export const CAPSULE_PROVISIONER_ROLE = "capsule-namespace-provisioner";
export const CAPSULE_DELETER_ROLE = "capsule-namespace-deleter";
/** Capsule's default owner roles when a Tenant owner lists none. */
export const CAPSULE_DEFAULT_OWNER_ROLES = ["admin", CAPSULE_DELETER_ROLE];

/** The label a ClusterRole carries to have its rules aggregated into `admin`, `edit` or `view`. */
export const aggregateToLabel = (role: "admin" | "edit" | "view"): string =>
  `rbac.authorization.k8s.io/aggregate-to-${role}`;

/**
 * The aggregated roles of the bootstrap policy (policy.go): `admin` gathers the roles labelled
 * aggregate-to-admin (`edit` and system:aggregate-to-admin), `edit` those labelled aggregate-to-edit (`view` and
 * system:aggregate-to-edit), `view` those labelled aggregate-to-view; the clusterrole-aggregation controller
 * (pkg/controller/clusterroleaggregation) writes their rules. BUILTIN_CLUSTER_ROLES holds the result.
 */
export const AGGREGATED_CLUSTER_ROLES: Readonly<
  Record<"admin" | "edit" | "view", { selects: string; labels: Record<string, string> }>
> = {
  admin: { selects: aggregateToLabel("admin"), labels: {} },
  edit: { selects: aggregateToLabel("edit"), labels: { [aggregateToLabel("admin")]: "true" } },
  view: { selects: aggregateToLabel("view"), labels: { [aggregateToLabel("edit")]: "true" } },
};

/** The labelled pieces the aggregated roles are made of, and the label each carries. */
export const AGGREGATION_SOURCES: Readonly<Record<string, { label: string; rules: PolicyRule[] }>> = {
  "system:aggregate-to-admin": { label: aggregateToLabel("admin"), rules: EKS_ADMIN_ONLY },
  "system:aggregate-to-edit": { label: aggregateToLabel("edit"), rules: [...EKS_EDIT_ONLY, ...EDIT_EXTRA] },
  "system:aggregate-to-view": { label: aggregateToLabel("view"), rules: EKS_VIEW },
};

/** The ClusterRoles every cluster has (a sandbox cluster starts with them; verify assumes them). */
export const BUILTIN_CLUSTER_ROLES: Readonly<Record<string, PolicyRule[]>> = {
  "cluster-admin": EKS_CLUSTER_ADMIN,
  admin: [...EKS_ADMIN, ...EDIT_EXTRA],
  edit: [...EKS_EDIT, ...EDIT_EXTRA],
  view: EKS_VIEW,
  "system:discovery": [
    {
      nonResourceURLs: [
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
        "/healthz",
        "/livez",
        "/openapi",
        "/openapi/*",
        "/readyz",
        "/version",
        "/version/",
      ],
      verbs: ["get"],
    },
  ],
  "system:basic-user": [
    {
      apiGroups: ["authorization.k8s.io"],
      resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
      verbs: ["create"],
    },
    { apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"], verbs: ["create"] },
  ],
  "system:public-info-viewer": [
    { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"] },
  ],
  ...Object.fromEntries(Object.entries(AGGREGATION_SOURCES).map(([n, s]) => [n, s.rules])),
  ...SYSTEM_CLUSTER_ROLES,
  [CAPSULE_PROVISIONER_ROLE]: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["create", "patch"] }],
  [CAPSULE_DELETER_ROLE]: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["delete"] }],
};

/** Built-in ClusterRoleBindings: name -> [clusterRole, groups, users, service accounts]. */
export const BUILTIN_CLUSTER_ROLE_BINDINGS: Record<
  string,
  { role: string; groups: string[]; users?: string[]; serviceAccounts?: string[] }
> = {
  ...SYSTEM_CLUSTER_ROLE_BINDINGS,
  "cluster-admin": { role: "cluster-admin", groups: ["system:masters"] },
  "system:discovery": { role: "system:discovery", groups: ["system:authenticated"] },
  "system:basic-user": { role: "system:basic-user", groups: ["system:authenticated"] },
  "system:public-info-viewer": {
    role: "system:public-info-viewer",
    groups: ["system:authenticated", "system:unauthenticated"],
  },
};
