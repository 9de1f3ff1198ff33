/**
 * Kubernetes objects of the desired State: what the seed applies in cluster A (annotations, AppProject, cluster
 * Secrets, available_clusters) and in cluster B (Capsule tenancy or xirsa's namespace-manager RBAC).
 */
import { type Config, EXTRA_RESOURCE_VERBS, type TargetConfig } from "../config/index.js";
import {
  argocdClusterSecretName,
  EXTRA_RESOURCES,
  K8S_MANAGED_BY_LABEL,
  K8S_STACK_LABEL,
  krciClusterSecretName,
  MANAGED_BY_VALUE,
  NAMESPACE_MANAGER,
  platformConfigMapName,
  ROLE_ARN_ANNOTATION,
} from "../names/index.js";
import type { KubeObject } from "../state/index.js";
import { CAPSULE_DEFAULT_GROUP, type CapsuleUsersForm, capsuleUsersSpec } from "./capsuleConfig.js";

function ownedLabels(stack: string): Record<string, string> {
  return { [K8S_MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [K8S_STACK_LABEL]: stack };
}

export function annotatedServiceAccount(namespace: string, name: string, roleArn: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace, annotations: { [ROLE_ARN_ANNOTATION]: roleArn } },
  };
}

export function appProject(config: Config, targets: { endpoint: string; namespaces: string }[]): KubeObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: config.source.argocd.project, namespace: config.source.argocd.namespace },
    spec: { destinations: targets.map((t) => ({ namespace: t.namespaces, server: t.endpoint })) },
  };
}

/** The `config` key of Argo CD and KubeRocketCI cluster Secrets (REFERENCE §4). */
export function clusterSecretConfig(
  clusterName: string,
  roleArn: string,
  caData: string | undefined,
): string {
  const tls: Record<string, unknown> = { insecure: false };
  if (caData) tls.caData = caData;
  return JSON.stringify({ awsAuthConfig: { clusterName, roleARN: roleArn }, tlsClientConfig: tls });
}

function b64(s: string): string {
  return Buffer.from(s, "utf8").toString("base64");
}

/** A cluster Secret (REFERENCE §4): Argo CD's and KubeRocketCI's differ only in name, namespace and labels. */
function clusterSecret(
  target: TargetConfig & { endpoint: string },
  agentRoleArn: string,
  metadata: { name: string; namespace: string; labels: Record<string, string> },
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata,
    data: {
      name: b64(target.name),
      server: b64(target.endpoint),
      config: b64(clusterSecretConfig(target.cluster, agentRoleArn, target.caData)),
    },
  };
}

/**
 * The `namespaces` key of a namespace-scoped Argo CD cluster Secret: exact names, comma-separated (no
 * patterns); empty means cluster-wide (argoproj/argo-cd docs/operator-manual/declarative-setup.md#clusters,
 * util/db/cluster.go). The environment namespaces that exist (collect lists them); offline, a pattern without
 * `*` is itself the only one.
 */
export function argocdNamespaces(target: TargetConfig, existing: readonly string[] | undefined): string[] {
  if (existing) return [...new Set(existing)].sort();
  return target.namespaces.endsWith("*") ? [] : [target.namespaces];
}

export function argocdClusterSecret(
  config: Config,
  target: TargetConfig & { endpoint: string },
  agentRoleArn: string,
  envNamespaces?: readonly string[],
): KubeObject {
  const secret = clusterSecret(target, agentRoleArn, {
    name: argocdClusterSecretName(target.name),
    namespace: config.source.argocd.namespace,
    labels: { "argocd.argoproj.io/secret-type": "cluster", ...ownedLabels(config.name) },
  });
  if (target.access === "namespaced") {
    // Namespace-scoped access: Argo CD must neither list cluster-wide nor manage cluster-scoped resources.
    const data = secret.data as Record<string, string>;
    data.namespaces = b64(argocdNamespaces(target, envNamespaces).join(","));
    data.clusterResources = b64("false");
  }
  return secret;
}

export function krciClusterSecret(
  config: Config,
  target: TargetConfig & { endpoint: string },
  agentRoleArn: string,
): KubeObject {
  return clusterSecret(target, agentRoleArn, {
    name: krciClusterSecretName(target.name),
    namespace: config.source.krci.namespace,
    labels: {
      "app.edp.epam.com/secret-type": "cluster",
      "app.edp.epam.com/cluster-type": "irsa",
      "argocd.argoproj.io/secret-type": "cluster",
      ...ownedLabels(config.name),
    },
  });
}

/** Only the key xirsa manages; edp-install owns the rest of the platform ConfigMap (krci-config / edp-config). */
export function edpConfig(config: Config): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: platformConfigMapName(config), namespace: config.source.krci.namespace },
    data: { available_clusters: config.targets.map((t) => t.name).join(", ") },
  };
}

export function capsuleObjects(
  config: Config,
  capsule: { tenant: string; group: string; usersForm: CapsuleUsersForm },
): KubeObject[] {
  const form = capsule.usersForm;
  return [
    {
      apiVersion: "capsule.clastix.io/v1beta2",
      kind: "CapsuleConfiguration",
      metadata: { name: "default" },
      // Capsule's own default group stays a user group (as its chart sets it), besides the operator's.
      spec: capsuleUsersSpec(form, [CAPSULE_DEFAULT_GROUP[form], capsule.group]),
    },
    {
      apiVersion: "capsule.clastix.io/v1beta2",
      kind: "Tenant",
      metadata: { name: capsule.tenant, labels: ownedLabels(config.name) },
      spec: {
        owners: [
          { kind: "Group", name: capsule.group, clusterRoles: ["admin", "capsule-namespace-deleter"] },
        ],
      },
    },
  ];
}

/**
 * Least privilege without Capsule: the operator may manage namespaces cluster-wide. RBAC cannot restrict
 * `create` by name, so this allows creating any namespace (finding XIRSA-K8S-NS-CREATE says so).
 */
export function namespaceManagerRbac(config: Config): KubeObject[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: NAMESPACE_MANAGER, labels: ownedLabels(config.name) },
      rules: [
        { apiGroups: [""], resources: ["namespaces"], verbs: ["create", "get", "list", "watch", "delete"] },
        // RoleBinding tenant-admin refers to ClusterRole admin: Kubernetes' escalation check wants `bind` on it,
        // and access policies (not RBAC) do not count for that check.
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["clusterroles"],
          resourceNames: ["admin"],
          verbs: ["bind"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: NAMESPACE_MANAGER, labels: ownedLabels(config.name) },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: NAMESPACE_MANAGER },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: NAMESPACE_MANAGER }],
    },
  ];
}

/** Whether a target needs the extra-resources RBAC: namespaced access (AmazonEKSAdminPolicy) and kinds listed. */
export function needsExtraResources(target: TargetConfig): boolean {
  return target.access === "namespaced" && target.extraResources.length > 0;
}

/** The rules of targets[].extraResources. */
export function extraResourceRules(target: TargetConfig) {
  return target.extraResources.map((e) => ({
    apiGroups: [e.apiGroup],
    resources: [...e.resources],
    verbs: [...(e.verbs ?? EXTRA_RESOURCE_VERBS)],
  }));
}

/** The environment namespace's RoleBinding that grants the extra resources to the chains' group. */
export function extraResourcesBinding(config: Config, namespace: string): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: EXTRA_RESOURCES, namespace, labels: ownedLabels(config.name) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: EXTRA_RESOURCES },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: EXTRA_RESOURCES }],
  };
}

/**
 * AmazonEKSAdminPolicy names built-in API groups only (Amazon EKS User Guide, "Review access policy
 * permissions"): it is the `admin` ClusterRole without what CRDs aggregate into it, and cannot be edited. So
 * custom resources come from RBAC: ClusterRole xirsa-extra-resources with the listed kinds, labelled to
 * aggregate into `admin` (so Capsule owners and tenant-admin get them too), bound to group xirsa-extra-resources
 * (on both chains' access entries) by a RoleBinding in each environment namespace that exists; the operator may
 * `bind` it so that `xirsa env create` adds the RoleBinding to a new environment.
 */
export function extraResourceObjects(
  config: Config,
  target: TargetConfig,
  envNamespaces: readonly string[] | undefined,
): KubeObject[] {
  if (!needsExtraResources(target)) return [];
  const operatorGroup = target.capsule ? target.capsule.group : NAMESPACE_MANAGER;
  const binder = `${EXTRA_RESOURCES}-binder`;
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: {
        name: EXTRA_RESOURCES,
        labels: { ...ownedLabels(config.name), "rbac.authorization.k8s.io/aggregate-to-admin": "true" },
      },
      rules: extraResourceRules(target),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: binder, labels: ownedLabels(config.name) },
      rules: [
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["clusterroles"],
          resourceNames: [EXTRA_RESOURCES],
          verbs: ["bind"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: binder, labels: ownedLabels(config.name) },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: binder },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: operatorGroup }],
    },
    ...(envNamespaces ?? []).map((ns) => extraResourcesBinding(config, ns)),
  ];
}
