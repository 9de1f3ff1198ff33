/**
 * The Kubernetes rules of the EKS managed access policies, as AWS documents them ("Review access policy
 * permissions", Amazon EKS User Guide). They cannot be edited, so they are data here. Policies not listed
 * (service-specific ones) grant nothing as far as verify is concerned.
 */
import type { PolicyRule } from "./rules.js";

const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const READ = ["get", "list", "watch"];

const r = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({
  apiGroups,
  resources,
  verbs,
});

/** Rules shared by AmazonEKSEditPolicy and AmazonEKSAdminPolicy. */
const EDIT_RULES: PolicyRule[] = [
  r(
    ["apps"],
    [
      "daemonsets",
      "deployments",
      "deployments/rollback",
      "deployments/scale",
      "replicasets",
      "replicasets/scale",
      "statefulsets",
      "statefulsets/scale",
    ],
    WRITE,
  ),
  r(
    ["apps"],
    [
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
    READ,
  ),
  r(["autoscaling"], ["horizontalpodautoscalers"], WRITE),
  r(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
  r(["batch"], ["cronjobs", "jobs"], WRITE),
  r(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
  r(["discovery.k8s.io"], ["endpointslices"], READ),
  r(
    ["extensions"],
    [
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
    WRITE,
  ),
  r(
    ["extensions"],
    [
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
    READ,
  ),
  r(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
  r(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
  r(["policy"], ["poddisruptionbudgets"], WRITE),
  r(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
  r(
    [""],
    [
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
    READ,
  ),
  r([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], READ),
  r(
    [""],
    [
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
    WRITE,
  ),
  r([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
  r([""], ["serviceaccounts"], ["impersonate"]),
  r(
    [""],
    [
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
    READ,
  ),
  r([""], ["namespaces"], READ),
];

const ADMIN_RULES: PolicyRule[] = [
  ...EDIT_RULES,
  r(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
  // Listed in the policy, but EKS access policies carry no `bind`/`escalate`: Kubernetes' escalation check
  // still refuses RoleBindings to roles the caller does not hold through RBAC (aws/containers-roadmap#2682).
  r(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], [...WRITE, ...READ]),
];

const VIEW_RULES: PolicyRule[] = [
  r(
    ["apps"],
    [
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
    READ,
  ),
  r(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
  r(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
  r(["discovery.k8s.io"], ["endpointslices"], READ),
  r(
    ["extensions"],
    [
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
    READ,
  ),
  r(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
  r(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
  r(
    [""],
    [
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
    READ,
  ),
  r(
    [""],
    [
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
    READ,
  ),
  r([""], ["namespaces"], READ),
];

/** Rules by policy name (the part after `cluster-access-policy/`). */
export const ACCESS_POLICY_RULES: Readonly<Record<string, readonly PolicyRule[]>> = {
  AmazonEKSClusterAdminPolicy: [r(["*"], ["*"], ["*"])],
  AmazonEKSAdminPolicy: ADMIN_RULES,
  AmazonEKSEditPolicy: EDIT_RULES,
  AmazonEKSViewPolicy: VIEW_RULES,
  AmazonEKSAdminViewPolicy: [r(["*"], ["*"], READ)],
  AmazonEKSSecretReaderPolicy: [r([""], ["secrets"], READ)],
};

/** `arn:<partition>:eks::aws:cluster-access-policy/<Name>` → Name; undefined for other ARNs. */
export function accessPolicyName(arn: string): string | undefined {
  const m = /^arn:[a-z-]+:eks::aws:cluster-access-policy\/([A-Za-z0-9]+)$/.exec(arn);
  return m?.[1];
}

/** The documented rules of a managed access policy; undefined when xirsa does not know the policy. */
export function accessPolicyRules(arn: string): readonly PolicyRule[] | undefined {
  const name = accessPolicyName(arn);
  return name === undefined ? undefined : ACCESS_POLICY_RULES[name];
}

export function isClusterAdminPolicy(arn: string): boolean {
  return accessPolicyName(arn) === "AmazonEKSClusterAdminPolicy";
}
