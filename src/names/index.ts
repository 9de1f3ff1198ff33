/**
 * The shared vocabulary: names, ARNs, labels and tags that every part agrees on (the tool, the bundle and the
 * sandbox). Pure string functions; it imports only `iam/arn.ts` and the error types, so every folder may use it.
 */
import { ConfigError } from "../errors.js";
import { parseRoleArn } from "../iam/index.js";

export const ROLE_KINDS = [
  "CDPipelineOperator",
  "ArgoCDMaster",
  "CDPipelineAgent",
  "ArgoCDAgentAccess",
] as const;
export type RoleKind = (typeof ROLE_KINDS)[number];

export const STS_AUDIENCE = "sts.amazonaws.com";
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
export const MANAGED_BY_TAG = "xirsa.io/managed-by";
export const STACK_TAG = "xirsa.io/stack";
export const MANAGED_BY_VALUE = "xirsa";
/** `xirsa.io/managed-by` of what the rendered Terraform creates: xirsa apply/destroy leave it to Terraform. */
export const TERRAFORM_MANAGED_BY_VALUE = "terraform";
/** Kubernetes label for objects xirsa creates (standard recommended label). */
export const K8S_MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const K8S_STACK_LABEL = "xirsa.io/stack";
/** On ServiceAccounts xirsa annotates but does not own: the role-arn annotation it replaced. */
export const PREVIOUS_ROLE_ARN_ANNOTATION = "xirsa.io/previous-role-arn";
export const INLINE_POLICY_NAME = "xirsa-assume-agent-roles";

/** The inline policy name of a source role: `inlinePolicyNames` in xirsa.yaml (kept by import), else the default. */
export function inlinePolicyNameOf(
  config: { inlinePolicyNames?: Partial<Record<"CDPipelineOperator" | "ArgoCDMaster", string>> },
  kind: string,
): string {
  const names = config.inlinePolicyNames;
  return (
    (kind === "CDPipelineOperator" || kind === "ArgoCDMaster" ? names?.[kind] : undefined) ??
    INLINE_POLICY_NAME
  );
}
/** Group that xirsa's namespace-manager ClusterRole is bound to (access: namespaced, no Capsule). */
export const NAMESPACE_MANAGER = "xirsa-namespace-manager";
/** ClusterRole, group and RoleBinding name of targets[].extraResources (custom resources in environments). */
export const EXTRA_RESOURCES = "xirsa-extra-resources";

export const ACCESS_POLICY_PREFIX = "arn:aws:eks::aws:cluster-access-policy/";
export const CLUSTER_ADMIN_POLICY = `${ACCESS_POLICY_PREFIX}AmazonEKSClusterAdminPolicy`;
export const ADMIN_POLICY = `${ACCESS_POLICY_PREFIX}AmazonEKSAdminPolicy`;

// Commercial, China, GovCloud and ISO partitions: us-east-1, cn-north-1, us-gov-west-1, us-isob-east-1.
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  return "aws";
}

// IAM role names: 1-64 characters of [\w+=,.@-].
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function roleName(config: { name: string; roleNameTemplate: string }, kind: RoleKind): string {
  const name = config.roleNameTemplate.replaceAll("{name}", config.name).replaceAll("{role}", kind);
  if (!ROLE_NAME.test(name)) {
    throw new ConfigError(
      "config.roleName",
      `roleNameTemplate: the role name '${name}' is not a valid IAM role name (1-64 of letters, digits, +=,.@_-)`,
      "shorten name or roleNameTemplate",
    );
  }
  return name;
}

export function roleArn(partition: string, accountId: string, path: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:role${path}${name}`;
}

/**
 * `https://oidc.eks.r.amazonaws.com/id/X` → `oidc.eks.r.amazonaws.com/id/X`: the issuer as IAM condition keys
 * and OIDC provider ARNs use it (no scheme, no trailing slash). An issuer given without its scheme is kept.
 */
export function issuerHostPath(issuer: string): string {
  return issuer.replace(/^https:\/\//, "").replace(/\/+$/, "");
}

export function oidcProviderArn(partition: string, accountId: string, issuer: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${issuerHostPath(issuer)}`;
}

/** The role name of a role ARN (path dropped); undefined for anything that is not an IAM role ARN. */
export function roleNameOf(arn: string): string | undefined {
  return parseRoleArn(arn)?.name;
}

/** Access entry types of nodes: EKS names them after the node, not the role (EKS API CreateAccessEntry). */
const NODE_ENTRY_TYPES = new Set(["EC2_LINUX", "EC2_WINDOWS"]);

/**
 * The Kubernetes username EKS gives an access entry without one (EKS User Guide, "Set a custom username for EKS
 * access entries"): for a role the session ARN template `arn:<partition>:sts::<account>:assumed-role/<name>/
 * {{SessionName}}` (the role's path removed), for a user its ARN; node entries get `system:node:{{EC2PrivateDNSName}}`.
 */
export function eksDefaultUsername(principalArn: string, type = "STANDARD"): string {
  if (NODE_ENTRY_TYPES.has(type)) return "system:node:{{EC2PrivateDNSName}}";
  const role = parseRoleArn(principalArn);
  if (!role || !/^\d{12}$/.test(role.account)) return principalArn;
  return `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/{{SessionName}}`;
}

export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * The platform ConfigMap that lists `available_clusters`: edp-install renamed `edp-config` to `krci-config` in
 * v3.12.0 (epam/edp-install deploy-templates/templates/krci_config_map.yaml, CHANGELOG "Rename ConfigMap"); the
 * operator reads krci-config and falls back to edp-config (epam/edp-cd-pipeline-operator pkg/platform/config.go).
 * Discovery order: the first is preferred.
 */
export const PLATFORM_CONFIGMAPS = ["krci-config", "edp-config"] as const;
export type PlatformConfigMap = (typeof PLATFORM_CONFIGMAPS)[number];

export function isPlatformConfigMap(obj: { kind: string; metadata: { name: string } }): boolean {
  return obj.kind === "ConfigMap" && (PLATFORM_CONFIGMAPS as readonly string[]).includes(obj.metadata.name);
}

/** The ConfigMap xirsa renders for: the configured one, else the current edp-install's (plan/apply discover). */
export function platformConfigMapName(config: {
  source: { krci: { configMap?: PlatformConfigMap | undefined } };
}): PlatformConfigMap {
  return config.source.krci.configMap ?? PLATFORM_CONFIGMAPS[0];
}

/** argo-cd chart components (argoproj/argo-helm charts/argo-cd values.yaml) by their default ServiceAccount. */
export const ARGOCD_CHART_COMPONENTS: Record<string, string> = {
  "argocd-application-controller": "controller",
  "argocd-server": "server",
  "argocd-applicationset-controller": "applicationSet",
};

/** Names of the registration Secrets (REFERENCE §4): KubeRocketCI needs the `-cluster` suffix. */
export function krciClusterSecretName(target: string): string {
  return `${target}-cluster`;
}
export function argocdClusterSecretName(target: string): string {
  return `cluster-${target}`;
}
