/**
 * A description for every field of xirsa.yaml, put into the JSON Schema (`xirsa schema`) so that editors show
 * it on hover. Keyed by path (`targets[]` for each target); a field without one fails src/config/load.test.ts.
 */
export const FIELD_DESCRIPTIONS: Record<string, string> = {
  name: "The stack name: the {name} of the role names and the xirsa.io/stack tag (1–40 of A-Za-z0-9_-).",
  roleNameTemplate:
    "IAM role names; {name} is the stack name, {role} one of CDPipelineOperator, ArgoCDMaster, CDPipelineAgent, ArgoCDAgentAccess.",
  path: "IAM path of the roles (starts and ends with /).",
  inlinePolicyNames:
    "Names of the inline policies that let the source roles assume the agent roles (default xirsa-assume-agent-roles for both).",
  "inlinePolicyNames.CDPipelineOperator": "Inline policy name of the CD pipeline operator's role.",
  "inlinePolicyNames.ArgoCDMaster": "Inline policy name of Argo CD's role in account A.",
  permissionsBoundary:
    "ARN of a managed policy set as the permissions boundary of every role xirsa creates; write {account} for the account (arn:aws:iam::{account}:policy/<name>) when roles live in several accounts, as IAM attaches a boundary only from the role's own account.",
  tags: "Extra tags on every AWS resource (xirsa adds xirsa.io/managed-by and xirsa.io/stack).",
  source: "Account A and its EKS cluster, which runs KubeRocketCI and Argo CD.",
  "source.accountId": "AWS account id of the source cluster (12 digits, quoted).",
  "source.region": "AWS region of the source cluster, e.g. eu-central-1.",
  "source.cluster": "EKS cluster name of the source cluster.",
  "source.oidcIssuer":
    "identity.oidc.issuer of the source cluster (https://oidc.eks.<region>.amazonaws.com/id/<ID>); discovered by plan/apply when absent, needed offline.",
  "source.profile": "AWS profile for account A (default: the default credential chain).",
  "source.kubeContext":
    "kubeconfig context for the source cluster (default: the endpoint DescribeCluster gives, with an EKS token).",
  "source.krci": "The KubeRocketCI CD pipeline operator in the source cluster.",
  "source.krci.namespace":
    "Namespace of KubeRocketCI (default krci); also the prefix of environment namespaces.",
  "source.krci.serviceAccount":
    "Service account of the CD pipeline operator (default edp-cd-pipeline-operator).",
  "source.krci.deployment":
    "Deployment of the CD pipeline operator, restarted after annotating (default cd-pipeline-operator).",
  "source.krci.oidcGroups":
    "Groups bound to ClusterRole admin in environment namespaces (default <namespace>-oidc-admins, <namespace>-oidc-developers).",
  "source.krci.configMap":
    "The platform ConfigMap holding available_clusters: krci-config (edp-install >= 3.12.0) or edp-config (older); default: the one that exists, krci-config first; never created.",
  "source.argocd": "Argo CD in the source cluster.",
  "source.argocd.namespace": "Namespace of Argo CD (default argocd).",
  "source.argocd.serviceAccounts":
    "Service accounts that assume the Argo CD role (default argocd-application-controller, argocd-applicationset-controller, argocd-server).",
  "source.argocd.project": "AppProject whose destinations get each target (default krci).",
  seedCompat:
    "true renders the Argo CD trust policy as the seed writes it (StringLike with exact subjects, reported as info); default false: StringEquals, the same match.",
  accept:
    "Findings the team accepts: verify shows them as accepted (SARIF suppressions) and they do not decide --fail-on.",
  "accept[].code": "The finding code, e.g. XIRSA-EKS-CLUSTER-ADMIN.",
  "accept[].resource":
    "Only this resource (or document, e.g. <role ARN>#trust-policy); default: every resource.",
  "accept[].reason": "Why the team accepts it (required).",
  "accept[].until": "YYYY-MM-DD after which the finding counts again.",
  targets: "The target clusters (accounts B, C, …), one entry each.",
  "targets[].name": "The target's name in Argo CD and KubeRocketCI (a Kubernetes name).",
  "targets[].accountId": "AWS account id of the target cluster (12 digits, quoted).",
  "targets[].region": "AWS region of the target cluster, e.g. eu-west-1.",
  "targets[].cluster": "EKS cluster name of the target cluster.",
  "targets[].endpoint":
    "API server endpoint of the target cluster (https://…); discovered when absent, needed offline.",
  "targets[].caData": "Base64 PEM CA of the target cluster; discovered when absent.",
  "targets[].profile": "AWS profile for the target's account (default: the default credential chain).",
  "targets[].kubeContext":
    "kubeconfig context for the target cluster (default: the endpoint, with an EKS token).",
  "targets[].namespaces":
    "The environment namespaces: a name, or a prefix with one trailing * (default krci-*).",
  "targets[].access":
    "cluster-admin: AmazonEKSClusterAdminPolicy as the guide does; namespaced: AmazonEKSAdminPolicy scoped to namespaces, plus what the operator needs cluster-wide.",
  "targets[].capsule": "Capsule tenancy: the operator's access entry gets the group and no admin policy.",
  "targets[].capsule.tenant": "Capsule Tenant that owns the environment namespaces (default krci).",
  "targets[].capsule.group":
    "Group of the operator's access entry, a Capsule user group of the CapsuleConfiguration (default cd-pipeline-operator).",
  "targets[].extraResources":
    "Custom resources (e.g. {apiGroup: monitoring.coreos.com, resources: [servicemonitors]}) that Argo CD and the operator must manage in the environment namespaces under namespaced access, where AmazonEKSAdminPolicy grants none: xirsa renders ClusterRole xirsa-extra-resources (aggregated to admin) and binds it to the chains' group with a RoleBinding in each environment namespace.",
  "targets[].extraResources[].apiGroup": "API group of the custom resources, e.g. external-secrets.io.",
  "targets[].extraResources[].resources": "Their plural names, e.g. [externalsecrets].",
  "targets[].extraResources[].verbs":
    "Verbs granted (default all of admin's: get, list, watch, create, update, patch, delete, deletecollection).",
  "targets[].capsule.usersForm":
    "How the rendered CapsuleConfiguration lists the group: users (kind Group, Capsule >= 0.12, default) or userGroups (older Capsule; deprecated since 0.12). apply and verify --live follow the installed object's form.",
  removed:
    "Targets taken out of targets whose roles, access entries and objects in their account plan/apply should still delete; needed only for the credentials (profile) or when the inventory ConfigMap xirsa-stack-<name> does not know the target.",
  "removed[].name": "The removed target's name (as it was under targets).",
  "removed[].accountId": "AWS account id of the removed target's cluster (12 digits, quoted).",
  "removed[].region": "AWS region of the removed target's cluster.",
  "removed[].cluster": "EKS cluster name of the removed target.",
  "removed[].profile":
    "AWS profile for the removed target's account (default: the profile the inventory recorded, else the default chain).",
  "removed[].kubeContext":
    "kubeconfig context for the removed target's cluster (default: its endpoint, with an EKS token).",
};
