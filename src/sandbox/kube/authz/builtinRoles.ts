/**
 * Rules of the built-in ClusterRoles (aggregated ones flattened into plain rules) and of the EKS managed access
 * policies. EKS tables: "Review access policy permissions" in the Amazon EKS User Guide. ClusterRoles: the
 * Kubernetes bootstrap policy (user-facing roles), restricted to the resources that matter here; Capsule's two
 * ClusterRoles as its Helm chart installs them.
 */
import type { PolicyRule } from "./rules.js";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

/** AmazonEKSViewPolicy. */
export const EKS_VIEW: PolicyRule[] = [
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
export const EKS_EDIT: PolicyRule[] = [
  ...EKS_VIEW,
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

/** AmazonEKSAdminPolicy = edit + namespaced RBAC + local access reviews. */
export const EKS_ADMIN: PolicyRule[] = [
  ...EKS_EDIT,
  { apiGroups: ["authorization.k8s.io"], resources: ["localsubjectaccessreviews"], verbs: ["create"] },
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["rolebindings", "roles"],
    verbs: [...READ, ...WRITE],
  },
];

export const EKS_CLUSTER_ADMIN: PolicyRule[] = [
  { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
  { nonResourceURLs: ["*"], verbs: ["*"] },
];

export const EKS_ADMIN_VIEW: PolicyRule[] = [{ apiGroups: ["*"], resources: ["*"], verbs: READ }];
export const EKS_SECRET_READER: PolicyRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: READ }];

export const ACCESS_POLICY_PREFIX = "arn:aws:eks::aws:cluster-access-policy/";

export const ACCESS_POLICIES: Record<string, PolicyRule[]> = {
  AmazonEKSClusterAdminPolicy: EKS_CLUSTER_ADMIN,
  AmazonEKSAdminPolicy: EKS_ADMIN,
  AmazonEKSEditPolicy: EKS_EDIT,
  AmazonEKSViewPolicy: EKS_VIEW,
  AmazonEKSAdminViewPolicy: EKS_ADMIN_VIEW,
  AmazonEKSSecretReaderPolicy: EKS_SECRET_READER,
};

const SA_TOKEN: PolicyRule = { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] };

/** Built-in ClusterRoles every sandbox cluster starts with. */
export const BUILTIN_CLUSTER_ROLES: Record<string, PolicyRule[]> = {
  "cluster-admin": EKS_CLUSTER_ADMIN,
  admin: [...EKS_ADMIN, SA_TOKEN],
  edit: [...EKS_EDIT, SA_TOKEN],
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
  "capsule-namespace-provisioner": [
    { apiGroups: [""], resources: ["namespaces"], verbs: ["create", "patch"] },
  ],
  "capsule-namespace-deleter": [{ apiGroups: [""], resources: ["namespaces"], verbs: ["delete"] }],
};

/** Built-in ClusterRoleBindings: name -> [clusterRole, groups]. */
export const BUILTIN_CLUSTER_ROLE_BINDINGS: Record<string, { role: string; groups: string[] }> = {
  "cluster-admin": { role: "cluster-admin", groups: ["system:masters"] },
  "system:discovery": { role: "system:discovery", groups: ["system:authenticated"] },
  "system:basic-user": { role: "system:basic-user", groups: ["system:authenticated"] },
  "system:public-info-viewer": {
    role: "system:public-info-viewer",
    groups: ["system:authenticated", "system:unauthenticated"],
  },
};
