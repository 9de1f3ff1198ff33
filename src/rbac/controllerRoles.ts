/**
 * The per-controller ClusterRoles `system:controller:<name>` and their bindings to the ServiceAccount
 * `kube-system/<name>` (kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/
 * controller_policy.go: buildControllerRoles, addControllerRole), with the feature gates of Kubernetes 1.31:
 * the roles behind gates that are off there (DynamicResourceAllocation, MultiCIDRServiceAllocator,
 * ClusterTrustBundle, StorageVersionAPI, StorageVersionMigrator, VolumeAttributesClass, ...) are left out.
 */
import { EVENTS_RULE, type PolicyRule, READ, rule } from "./rules.js";

const APPS = ["extensions", "apps"];

const ROLES: Readonly<Record<string, PolicyRule[]>> = {
  "attachdetach-controller": [
    rule(["list", "watch"], [""], ["persistentvolumes", "persistentvolumeclaims"]),
    rule(READ, [""], ["nodes"]),
    rule(["patch", "update"], [""], ["nodes/status"]),
    rule(["list", "watch"], [""], ["pods"]),
    EVENTS_RULE,
    rule(["get", "create", "delete", "list", "watch"], ["storage.k8s.io"], ["volumeattachments"]),
    rule(["get", "watch", "list"], ["storage.k8s.io"], ["csidrivers"]),
    rule(["get", "watch", "list"], ["storage.k8s.io"], ["csinodes"]),
  ],
  "clusterrole-aggregation-controller": [
    rule(
      ["escalate", "get", "list", "watch", "update", "patch"],
      ["rbac.authorization.k8s.io"],
      ["clusterroles"],
    ),
  ],
  "cronjob-controller": [
    rule(["get", "list", "watch", "update"], ["batch"], ["cronjobs"]),
    rule(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["cronjobs/status"]),
    rule(["update"], ["batch"], ["cronjobs/finalizers"]),
    rule(["list", "watch", "delete"], [""], ["pods"]),
    EVENTS_RULE,
  ],
  "daemon-set-controller": [
    rule(READ, APPS, ["daemonsets"]),
    rule(["update"], APPS, ["daemonsets/status"]),
    rule(["update"], APPS, ["daemonsets/finalizers"]),
    rule(["list", "watch"], [""], ["nodes"]),
    rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
    rule(["create"], [""], ["pods/binding"]),
    rule(["get", "list", "watch", "create", "delete", "update", "patch"], ["apps"], ["controllerrevisions"]),
    EVENTS_RULE,
  ],
  "deployment-controller": [
    rule(["get", "list", "watch", "update"], APPS, ["deployments"]),
    rule(["update"], APPS, ["deployments/status"]),
    rule(["update"], APPS, ["deployments/finalizers"]),
    rule(
      ["get", "list", "watch", "create", "update", "patch", "delete"],
      ["apps", "extensions"],
      ["replicasets"],
    ),
    rule(["get", "list", "watch", "update"], [""], ["pods"]),
    EVENTS_RULE,
  ],
  "disruption-controller": [
    rule(READ, APPS, ["deployments"]),
    rule(READ, ["apps", "extensions"], ["replicasets"]),
    rule(READ, [""], ["replicationcontrollers"]),
    rule(READ, ["policy"], ["poddisruptionbudgets"]),
    rule(READ, ["apps"], ["statefulsets"]),
    rule(["update"], ["policy"], ["poddisruptionbudgets/status"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    rule(["get"], ["*"], ["*/scale"]),
    EVENTS_RULE,
  ],
  "endpoint-controller": [
    rule(READ, [""], ["services", "pods"]),
    rule(["get", "list", "watch", "create", "update", "delete"], [""], ["endpoints"]),
    rule(["create"], [""], ["endpoints/restricted"]),
    EVENTS_RULE,
  ],
  "endpointslice-controller": [
    rule(READ, [""], ["services", "pods", "nodes"]),
    rule(["update"], [""], ["services/finalizers"]),
    rule(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    EVENTS_RULE,
  ],
  "endpointslicemirroring-controller": [
    rule(READ, [""], ["services", "endpoints"]),
    rule(["update"], [""], ["services/finalizers"]),
    rule(["update"], [""], ["endpoints/finalizers"]),
    rule(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    EVENTS_RULE,
  ],
  "expand-controller": [
    rule(["get", "list", "watch", "update", "patch"], [""], ["persistentvolumes"]),
    rule(["update", "patch"], [""], ["persistentvolumeclaims/status"]),
    rule(READ, [""], ["persistentvolumeclaims"]),
    EVENTS_RULE,
    rule(["get"], [""], ["services"]),
  ],
  "ephemeral-volume-controller": [
    rule(READ, [""], ["pods"]),
    rule(["update"], [""], ["pods/finalizers"]),
    rule(["get", "list", "watch", "create"], [""], ["persistentvolumeclaims"]),
    EVENTS_RULE,
  ],
  "generic-garbage-collector": [
    rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"]),
    EVENTS_RULE,
  ],
  "horizontal-pod-autoscaler": [
    rule(READ, ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
    rule(["get", "update"], ["*"], ["*/scale"]),
    rule(["list", "watch"], [""], ["pods"]),
    rule(["list", "watch"], ["metrics.k8s.io"], ["pods"]),
    rule(READ, ["custom.metrics.k8s.io"], ["*"]),
    rule(READ, ["external.metrics.k8s.io"], ["*"]),
    EVENTS_RULE,
  ],
  "job-controller": [
    rule(["get", "list", "watch", "update", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["jobs/status"]),
    rule(["update"], ["batch"], ["jobs/finalizers"]),
    rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
    EVENTS_RULE,
  ],
  "namespace-controller": [
    rule(["get", "list", "watch", "delete"], [""], ["namespaces"]),
    rule(["update"], [""], ["namespaces/finalize", "namespaces/status"]),
    rule(["get", "list", "watch", "delete", "deletecollection"], ["*"], ["*"]),
  ],
  "node-controller": [
    rule(["get", "list", "watch", "update", "delete", "patch"], [""], ["nodes"]),
    rule(["patch", "update"], [""], ["nodes/status"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    rule(["list", "watch", "get", "delete"], [""], ["pods"]),
    EVENTS_RULE,
  ],
  "persistent-volume-binder": [
    rule(["get", "list", "watch", "update", "create", "delete"], [""], ["persistentvolumes"]),
    rule(["update"], [""], ["persistentvolumes/status"]),
    rule(["get", "list", "watch", "update"], [""], ["persistentvolumeclaims"]),
    rule(["update"], [""], ["persistentvolumeclaims/status"]),
    rule(["list", "watch", "get", "create", "delete"], [""], ["pods"]),
    rule(READ, ["storage.k8s.io"], ["storageclasses"]),
    rule(["list", "watch"], [""], ["nodes"]),
    EVENTS_RULE,
    rule(["watch"], [""], ["events"]),
    rule(["get"], [""], ["services"]),
  ],
  "pod-garbage-collector": [
    rule(["list", "watch", "delete"], [""], ["pods"]),
    rule(READ, [""], ["nodes"]),
    rule(["patch"], [""], ["pods/status"]),
  ],
  "replicaset-controller": [
    rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["replicasets"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/status"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/finalizers"]),
    rule(["list", "watch", "patch", "create", "delete"], [""], ["pods"]),
    EVENTS_RULE,
  ],
  "replication-controller": [
    rule(["get", "list", "watch", "update"], [""], ["replicationcontrollers"]),
    rule(["update"], [""], ["replicationcontrollers/status"]),
    rule(["update"], [""], ["replicationcontrollers/finalizers"]),
    rule(["list", "watch", "patch", "create", "delete"], [""], ["pods"]),
    EVENTS_RULE,
  ],
  "resourcequota-controller": [
    rule(["list", "watch"], ["*"], ["*"]),
    rule(["update"], [""], ["resourcequotas/status"]),
    EVENTS_RULE,
  ],
  "route-controller": [
    rule(["list", "watch"], [""], ["nodes"]),
    rule(["patch"], [""], ["nodes/status"]),
    EVENTS_RULE,
  ],
  "service-account-controller": [rule(["create"], [""], ["serviceaccounts"]), EVENTS_RULE],
  "service-controller": [
    rule(READ, [""], ["services"]),
    rule(["patch", "update"], [""], ["services/status"]),
    rule(["list", "watch"], [""], ["nodes"]),
    EVENTS_RULE,
  ],
  "statefulset-controller": [
    rule(["list", "watch"], [""], ["pods"]),
    rule(READ, ["apps"], ["statefulsets"]),
    rule(["update"], ["apps"], ["statefulsets/status"]),
    rule(["update"], ["apps"], ["statefulsets/finalizers"]),
    rule(["get", "create", "delete", "update", "patch"], [""], ["pods"]),
    rule(["get", "create", "delete", "update", "patch", "list", "watch"], ["apps"], ["controllerrevisions"]),
    rule(["get", "create", "list", "watch"], [""], ["persistentvolumeclaims"]),
    rule(["update", "delete"], [""], ["persistentvolumeclaims"]),
    rule(["update"], [""], ["pods/finalizers"]),
    EVENTS_RULE,
  ],
  "ttl-controller": [rule(["update", "patch", "list", "watch"], [""], ["nodes"]), EVENTS_RULE],
  "certificate-controller": [
    rule(["get", "list", "watch", "delete"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    rule(
      ["update"],
      ["certificates.k8s.io"],
      ["certificatesigningrequests/status", "certificatesigningrequests/approval"],
    ),
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"]),
    rule(
      ["sign"],
      ["certificates.k8s.io"],
      ["signers"],
      [
        "kubernetes.io/legacy-unknown",
        "kubernetes.io/kube-apiserver-client",
        "kubernetes.io/kube-apiserver-client-kubelet",
        "kubernetes.io/kubelet-serving",
      ],
    ),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    EVENTS_RULE,
  ],
  "pvc-protection-controller": [
    rule(["get", "list", "watch", "update"], [""], ["persistentvolumeclaims"]),
    rule(["list", "watch", "get"], [""], ["pods"]),
    EVENTS_RULE,
  ],
  "pv-protection-controller": [
    rule(["get", "list", "watch", "update"], [""], ["persistentvolumes"]),
    EVENTS_RULE,
  ],
  "ttl-after-finished-controller": [
    rule(["get", "list", "watch", "delete"], ["batch"], ["jobs"]),
    EVENTS_RULE,
  ],
  "root-ca-cert-publisher": [rule(["create", "update"], [""], ["configmaps"]), EVENTS_RULE],
  "validatingadmissionpolicy-status-controller": [
    rule(READ, ["admissionregistration.k8s.io"], ["validatingadmissionpolicies"]),
    rule(
      ["get", "patch", "update"],
      ["admissionregistration.k8s.io"],
      ["validatingadmissionpolicies/status"],
    ),
    EVENTS_RULE,
  ],
  "legacy-service-account-token-cleaner": [
    rule(["get"], [""], ["configmaps"], ["kube-apiserver-legacy-service-account-token-tracking"]),
    rule(["patch", "delete"], [""], ["secrets"]),
  ],
};

const PREFIX = "system:controller:";

export const CONTROLLER_CLUSTER_ROLES: Readonly<Record<string, PolicyRule[]>> = Object.fromEntries(
  Object.entries(ROLES).map(([name, rules]) => [`${PREFIX}${name}`, rules]),
);

/** addControllerRole: each role bound to the controller's ServiceAccount in kube-system. */
export const CONTROLLER_CLUSTER_ROLE_BINDINGS: Record<
  string,
  { role: string; groups: string[]; serviceAccounts: string[] }
> = Object.fromEntries(
  Object.keys(ROLES).map((name) => [
    `${PREFIX}${name}`,
    { role: `${PREFIX}${name}`, groups: [], serviceAccounts: [`kube-system/${name}`] },
  ]),
);
