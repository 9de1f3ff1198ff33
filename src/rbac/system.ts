/**
 * The `system:` ClusterRoles and ClusterRoleBindings of Kubernetes' bootstrap policy (kubernetes/kubernetes
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: clusterRoles, NodeRules, clusterRoleBindings),
 * with the feature gates of Kubernetes 1.31 (EndpointSlice, CSI, RuntimeClass, TokenRequest,
 * ServiceAccountIssuerDiscovery are GA), and the per-controller roles of controller_policy.go
 * (system:controller:*, controllerRoles.ts).
 */
import { CONTROLLER_CLUSTER_ROLE_BINDINGS, CONTROLLER_CLUSTER_ROLES } from "./controllerRoles.js";
import { EVENTS_RULE, type PolicyRule, READ, rule } from "./rules.js";

const READ_UPDATE = ["get", "list", "watch", "update", "patch"];

const NODE_RULES: PolicyRule[] = [
  rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
  rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
  rule(READ, [""], ["services"]),
  rule(["create", "get", "list", "watch"], [""], ["nodes"]),
  rule(["update", "patch"], [""], ["nodes/status"]),
  rule(["update", "patch"], [""], ["nodes"]),
  rule(["create", "update", "patch"], [""], ["events"]),
  rule(READ, [""], ["pods"]),
  rule(["create", "delete"], [""], ["pods"]),
  rule(["update", "patch"], [""], ["pods/status"]),
  rule(["create"], [""], ["pods/eviction"]),
  rule(["get", "list", "watch"], [""], ["secrets", "configmaps"]),
  rule(["get"], [""], ["persistentvolumeclaims", "persistentvolumes"]),
  rule(["get"], [""], ["endpoints"]),
  rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
  rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
  rule(["get"], ["storage.k8s.io"], ["volumeattachments"]),
  rule(["get", "update", "patch"], [""], ["persistentvolumeclaims/status"]),
  rule(["create"], [""], ["serviceaccounts/token"]),
  rule(["get", "watch", "list"], ["storage.k8s.io"], ["csidrivers"]),
  rule(["get", "create", "update", "patch", "delete"], ["storage.k8s.io"], ["csinodes"]),
  rule(["get", "list", "watch"], ["node.k8s.io"], ["runtimeclasses"]),
];

export const SYSTEM_CLUSTER_ROLES: Readonly<Record<string, PolicyRule[]>> = {
  "system:heapster": [
    rule(READ, [""], ["events", "pods", "nodes", "namespaces"]),
    rule(READ, ["extensions"], ["deployments"]),
  ],
  "system:node": NODE_RULES,
  "system:node-problem-detector": [
    rule(["get"], [""], ["nodes"]),
    rule(["patch"], [""], ["nodes/status"]),
    EVENTS_RULE,
  ],
  "system:kubelet-api-admin": [
    rule(["get", "list", "watch"], [""], ["nodes"]),
    rule(["proxy"], [""], ["nodes"]),
    rule(["*"], [""], ["nodes/proxy", "nodes/metrics", "nodes/spec", "nodes/stats", "nodes/log"]),
  ],
  "system:node-bootstrapper": [
    rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
  ],
  "system:auth-delegator": [
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
  ],
  "system:kube-aggregator": [rule(READ, [""], ["services", "endpoints"])],
  "system:kube-controller-manager": [
    EVENTS_RULE,
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
    rule(["create"], [""], ["secrets", "serviceaccounts"]),
    rule(["delete"], [""], ["secrets"]),
    rule(["get"], [""], ["namespaces", "secrets", "serviceaccounts", "configmaps"]),
    rule(["update"], [""], ["secrets", "serviceaccounts"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(["list", "watch"], ["*"], ["*"]),
    rule(["create"], [""], ["serviceaccounts/token"]),
  ],
  "system:kube-dns": [rule(["list", "watch"], [""], ["endpoints", "services"])],
  "system:persistent-volume-provisioner": [
    rule(["get", "list", "watch", "create", "delete"], [""], ["persistentvolumes"]),
    rule(["get", "list", "watch", "update"], [""], ["persistentvolumeclaims"]),
    rule(READ, ["storage.k8s.io"], ["storageclasses"]),
    rule(["watch"], [""], ["events"]),
    EVENTS_RULE,
  ],
  "system:certificates.k8s.io:certificatesigningrequests:nodeclient": [
    rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/nodeclient"]),
  ],
  "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient": [
    rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeclient"]),
  ],
  "system:volume-scheduler": [
    rule(READ_UPDATE, [""], ["persistentvolumes"]),
    rule(READ, ["storage.k8s.io"], ["storageclasses"]),
    rule(READ_UPDATE, [""], ["persistentvolumeclaims"]),
  ],
  "system:certificates.k8s.io:legacy-unknown-approver": [
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/legacy-unknown"]),
  ],
  "system:certificates.k8s.io:kubelet-serving-approver": [
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kubelet-serving"]),
  ],
  "system:certificates.k8s.io:kube-apiserver-client-approver": [
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client"]),
  ],
  "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver": [
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"]),
  ],
  "system:service-account-issuer-discovery": [
    { nonResourceURLs: ["/.well-known/openid-configuration", "/openid/v1/jwks"], verbs: ["get"] },
  ],
  "system:node-proxier": [
    rule(["list", "watch"], [""], ["services", "endpoints"]),
    rule(["get", "list", "watch"], [""], ["nodes"]),
    EVENTS_RULE,
    rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
  ],
  "system:kube-scheduler": [
    EVENTS_RULE,
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
    rule(READ, [""], ["nodes"]),
    rule(["get", "list", "watch", "delete"], [""], ["pods"]),
    rule(["create"], [""], ["pods/binding", "bindings"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    rule(READ, [""], ["services", "replicationcontrollers"]),
    rule(READ, ["apps", "extensions"], ["replicasets"]),
    rule(READ, ["apps"], ["statefulsets"]),
    rule(READ, ["policy"], ["poddisruptionbudgets"]),
    rule(READ, [""], ["persistentvolumeclaims", "persistentvolumes"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(READ, ["storage.k8s.io"], ["csinodes"]),
    rule(READ, ["storage.k8s.io"], ["csidrivers"]),
    rule(READ, ["storage.k8s.io"], ["csistoragecapacities"]),
  ],
  ...CONTROLLER_CLUSTER_ROLES,
};

/** clusterRoleBindings() of policy.go beyond the four the sandbox always had. */
export const SYSTEM_CLUSTER_ROLE_BINDINGS: Record<
  string,
  { role: string; groups: string[]; users?: string[]; serviceAccounts?: string[] }
> = {
  "system:node-proxier": { role: "system:node-proxier", groups: [], users: ["system:kube-proxy"] },
  "system:kube-controller-manager": {
    role: "system:kube-controller-manager",
    groups: [],
    users: ["system:kube-controller-manager"],
  },
  "system:kube-dns": { role: "system:kube-dns", groups: [], serviceAccounts: ["kube-system/kube-dns"] },
  "system:kube-scheduler": { role: "system:kube-scheduler", groups: [], users: ["system:kube-scheduler"] },
  "system:volume-scheduler": {
    role: "system:volume-scheduler",
    groups: [],
    users: ["system:kube-scheduler"],
  },
  "system:node": { role: "system:node", groups: [] },
  "system:service-account-issuer-discovery": {
    role: "system:service-account-issuer-discovery",
    groups: ["system:serviceaccounts"],
  },
  ...CONTROLLER_CLUSTER_ROLE_BINDINGS,
};
