/**
 * The findings catalogue: every code verify (and later probe) can report, with its severity, the hop it
 * belongs to, what it means and how to fix it. Exported as data: the docs and the SARIF rules are generated
 * from it, so codes are stable once published.
 */
import type { HopId, Severity } from "./types.js";

export interface CatalogueEntry {
  code: string;
  severity: Severity;
  /** The hop this finding breaks or weakens. */
  hop: HopId;
  title: string;
  /** What it means, in words (the AWS/Kubernetes error users see, when there is one). */
  explanation: string;
  /** How to fix it, generically; findings may say it more precisely. */
  remediation: string;
  /** Only a live State (pods, unique ids) or a live probe can show it. */
  liveOnly?: boolean;
}

const entries = [
  // service-account
  {
    code: "XIRSA-SA-MISSING",
    severity: "error",
    hop: "service-account",
    title: "ServiceAccount missing",
    explanation:
      "The chain's ServiceAccount does not exist in the source cluster, so no pod can obtain the role's web identity.",
    remediation:
      "Create the ServiceAccount (deploy edp-install / Argo CD) and annotate it with the role ARN.",
  },
  {
    code: "XIRSA-SA-NOT-ANNOTATED",
    severity: "error",
    hop: "service-account",
    title: "ServiceAccount without eks.amazonaws.com/role-arn",
    explanation:
      "Without the annotation the pod identity webhook injects no AWS_ROLE_ARN / token: the pod falls back to the node role.",
    remediation:
      "Annotate the ServiceAccount with eks.amazonaws.com/role-arn = the source role ARN, then restart its pods.",
  },
  {
    code: "XIRSA-SA-WRONG-ROLE",
    severity: "error",
    hop: "service-account",
    title: "ServiceAccount annotated with another role",
    explanation: "The eks.amazonaws.com/role-arn annotation names a role other than the chain's source role.",
    remediation: "Set eks.amazonaws.com/role-arn to the source role ARN, then restart the pods.",
  },
  {
    code: "XIRSA-SA-NOT-RESTARTED",
    severity: "error",
    hop: "service-account",
    title: "Pods not restarted after annotating",
    explanation:
      "Pods get AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE only when created after the annotation: this pod runs without them (or with an old role) and uses the node role.",
    remediation:
      "Restart the workload (kubectl rollout restart deployment …, or delete the Argo CD pods) so new pods get the IRSA environment.",
    liveOnly: true,
  },
  {
    code: "XIRSA-SA-WEBHOOK",
    severity: "error",
    hop: "service-account",
    title: "Pod identity webhook not injecting",
    explanation:
      "A pod created after the annotation still lacks AWS_ROLE_ARN: the EKS pod identity webhook did not mutate it.",
    remediation:
      "Check the cluster's pod identity webhook (EKS manages it) and that the pod does not opt out; then recreate the pod.",
    liveOnly: true,
  },
  {
    code: "XIRSA-STS-GLOBAL-ENDPOINT",
    severity: "warning",
    hop: "service-account",
    title: "Global STS endpoint",
    explanation:
      "The workload is told to use sts.amazonaws.com (AWS_STS_REGIONAL_ENDPOINTS=legacy or sts-regional-endpoints=false); from a private network the global endpoint times out and it bypasses VPC endpoints.",
    remediation:
      'Use regional STS: annotate the ServiceAccount with eks.amazonaws.com/sts-regional-endpoints: "true" (or set AWS_STS_REGIONAL_ENDPOINTS=regional).',
  },
  // web-identity
  {
    code: "XIRSA-SOURCE-ISSUER-UNKNOWN",
    severity: "error",
    hop: "web-identity",
    title: "Source cluster OIDC issuer unknown",
    explanation:
      "The State does not say which OIDC issuer the source cluster uses, so the web identity cannot be proven.",
    remediation: "Set source.oidcIssuer (identity.oidc.issuer of aws eks describe-cluster).",
  },
  {
    code: "XIRSA-OIDC-PROVIDER-MISSING",
    severity: "error",
    hop: "web-identity",
    title: "No IAM OIDC provider for the issuer",
    explanation:
      "STS answers InvalidIdentityToken: No OpenIDConnect provider found in your account for https://oidc.eks…: account A has no IAM OIDC provider whose URL is the cluster's issuer.",
    remediation:
      "Create the IAM OIDC provider for the issuer in the source account (eksctl utils associate-iam-oidc-provider, or xirsa apply) with client id sts.amazonaws.com.",
  },
  {
    code: "XIRSA-OIDC-CLIENT-ID",
    severity: "error",
    hop: "web-identity",
    title: "OIDC provider lacks client id sts.amazonaws.com",
    explanation:
      "STS answers InvalidIdentityToken: Incorrect token audience: the projected token's audience sts.amazonaws.com is not in the provider's client-id list.",
    remediation:
      "Add sts.amazonaws.com to the provider's client ids (aws iam add-client-id-to-open-id-connect-provider).",
  },
  {
    code: "XIRSA-ROLE-MISSING",
    severity: "error",
    hop: "web-identity",
    title: "Role missing",
    explanation: "A role of the chain does not exist in the State.",
    remediation: "Create the role (xirsa apply, or the Terraform / scripts of the bundle).",
  },
  {
    code: "XIRSA-IAM-POLICY-INVALID",
    severity: "error",
    hop: "web-identity",
    title: "Malformed policy document",
    explanation:
      "IAM would refuse this policy document (MalformedPolicyDocument), so it cannot grant anything.",
    remediation: "Fix the document at the JSON path given (IAM JSON policy element reference).",
  },
  {
    code: "XIRSA-WEBID-DENIED",
    severity: "error",
    hop: "web-identity",
    title: "Trust policy refuses the service account",
    explanation:
      "STS answers AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity: no statement of the source role's trust policy allows this issuer, subject and audience.",
    remediation:
      "Allow sts:AssumeRoleWithWebIdentity for Federated = the issuer's provider ARN with <issuer>:sub = system:serviceaccount:<ns>:<sa> and <issuer>:aud = sts.amazonaws.com.",
  },
  {
    code: "XIRSA-TRUST-DENY-UNSETTLED",
    severity: "error",
    hop: "web-identity",
    title: "Trust-policy Deny names the web identity only through its account",
    explanation:
      "A Deny statement of the source role's trust policy names the AWS account (arn:aws:iam::<acct>:root or the bare id) in Principal or NotPrincipal, and the caller is a web identity of that account. AWS documents an account principal as covering the account's IAM identities, not web-identity callers, but does not settle it; verify reads the Deny as applying, so the chain is not proven.",
    remediation:
      "Make the Deny say whom it means: name the OIDC provider in Principal.Federated (to deny web identities) or name the IAM roles/users (to leave them alone), instead of the account.",
  },
  {
    code: "XIRSA-TRUST-WRONG-PROVIDER",
    severity: "error",
    hop: "web-identity",
    title: "Trust names another OIDC provider",
    explanation:
      "The trust policy's Federated principal (or its condition keys) is for another issuer than the source cluster's (wrong OIDC id or region), so AssumeRoleWithWebIdentity is denied.",
    remediation: "Use the provider ARN and condition keys of the source cluster's issuer.",
  },
  {
    code: "XIRSA-TRUST-ISSUER-TYPO",
    severity: "error",
    hop: "web-identity",
    title: "oidc.<region>.eks typo",
    explanation:
      "The issuer is written oidc.<region>.eks.amazonaws.com instead of oidc.eks.<region>.amazonaws.com: the key or provider never matches.",
    remediation: "Write the issuer with eks before the region, as the source cluster's issuer: <issuer>.",
  },
  {
    code: "XIRSA-TRUST-HTTPS-KEY",
    severity: "error",
    hop: "web-identity",
    title: "https:// in a condition key",
    explanation:
      "Condition keys are <issuer host/path>:sub and :aud without the https:// scheme; with it the key is never present in the request and the condition fails.",
    remediation: "Remove https:// from the condition keys.",
  },
  {
    code: "XIRSA-TRUST-ISSUER-MISMATCH",
    severity: "error",
    hop: "web-identity",
    title: "Condition keys for another issuer than the Principal",
    explanation:
      "The :sub/:aud condition keys name another issuer than the Federated principal: STS only sets keys of the token's issuer, so the condition fails.",
    remediation: "Use the same issuer host/path in the Principal and in the condition keys.",
  },
  {
    code: "XIRSA-TRUST-WILDCARD-EQUALS",
    severity: "error",
    hop: "web-identity",
    title: "Wildcard inside StringEquals",
    explanation:
      "StringEquals compares literally: a * or ? in its value never matches (use StringLike for patterns).",
    remediation: "Use StringLike for patterns, or write the exact value under StringEquals.",
  },
  {
    code: "XIRSA-TRUST-LIKE-NO-WILDCARD",
    severity: "info",
    hop: "web-identity",
    title: "StringLike without a wildcard",
    explanation:
      "StringLike with no * or ? behaves as StringEquals; the operator suggests a pattern that is not there.",
    remediation: "Use StringEquals for exact values (the seed's Argo CD policy uses StringLike; both work).",
  },
  {
    code: "XIRSA-TRUST-SUB-MISMATCH",
    severity: "error",
    hop: "web-identity",
    title: "sub names another namespace or service account",
    explanation:
      "The :sub condition does not match system:serviceaccount:<ns>:<sa> of the chain's service account: AccessDenied for sts:AssumeRoleWithWebIdentity.",
    remediation:
      "Set <issuer>:sub to system:serviceaccount:<namespace>:<service account> of each service account.",
  },
  {
    code: "XIRSA-TRUST-NO-AUD",
    severity: "error",
    hop: "web-identity",
    title: "No aud condition",
    explanation:
      "Without <issuer>:aud = sts.amazonaws.com any token of the issuer for another audience on the provider's client-id list is accepted.",
    remediation: "Add <issuer>:aud = sts.amazonaws.com to the condition.",
  },
  {
    code: "XIRSA-TRUST-NO-SUB",
    severity: "error",
    hop: "web-identity",
    title: "No sub condition",
    explanation:
      "A web-identity statement without <issuer>:sub accepts the token of every service account in the cluster: any pod may assume the role.",
    remediation:
      "Add <issuer>:sub = system:serviceaccount:<namespace>:<service account> for each configured service account.",
  },
  {
    code: "XIRSA-TRUST-SUB-WILDCARD",
    severity: "error",
    hop: "web-identity",
    title: "sub wildcard broader than the configured service accounts",
    explanation:
      "A StringLike <issuer>:sub value with * or ? (system:serviceaccount:* for one) accepts service accounts other than the chain's: pods that are not KubeRocketCI or Argo CD may assume the role.",
    remediation:
      "List the exact subjects system:serviceaccount:<namespace>:<service account> instead of a pattern.",
  },
  {
    code: "XIRSA-TRUST-AUD-VALUE",
    severity: "error",
    hop: "web-identity",
    title: "aud other than sts.amazonaws.com",
    explanation:
      "The projected token's audience is sts.amazonaws.com; a condition expecting another value (e.g. sts.amazon.com) refuses it (InvalidIdentityToken: Incorrect token audience / AccessDenied).",
    remediation: "Set <issuer>:aud to sts.amazonaws.com.",
  },
  {
    code: "XIRSA-TRUST-BROAD-PRINCIPAL",
    severity: "error",
    hop: "assume-role",
    title: "Trust to *, AWS:* or an account root without a condition naming the principal",
    explanation:
      "A statement of the trust policy (of a source or a target role) lets any principal, any identity provider, or every principal of an account allowed by its own IAM policies assume the role.",
    remediation:
      "Name the exact source role ARN in Principal.AWS, or add a condition on aws:PrincipalArn; remove statements the chain does not need.",
  },
  {
    code: "XIRSA-TRUST-PRINCIPAL-NO-ROLE",
    severity: "error",
    hop: "assume-role",
    title: "Principal ARN without role/",
    explanation:
      "arn:aws:iam::<account>:<name> is not a role ARN (IAM refuses it as an invalid principal); the source role never matches.",
    remediation: "Write the principal as arn:aws:iam::<account>:role/<path><name>.",
  },
  // assume-role
  {
    code: "XIRSA-ASSUME-IDENTITY-DENIED",
    severity: "error",
    hop: "assume-role",
    title: "Source role may not assume the target role",
    explanation:
      "STS answers AccessDenied … when calling the AssumeRole operation: the source role's identity policies do not allow sts:AssumeRole on the target role ARN (cross-account needs both sides).",
    remediation: "Allow sts:AssumeRole on the target role ARN in the source role's permissions policy.",
  },
  {
    code: "XIRSA-ASSUME-TRUST-DENIED",
    severity: "error",
    hop: "assume-role",
    title: "Target role does not trust the source role",
    explanation:
      "STS answers AccessDenied … when calling the AssumeRole operation: the target role's trust policy names another principal (or denies this one).",
    remediation: "Trust Principal.AWS = the source role ARN for sts:AssumeRole in the target role.",
  },
  {
    code: "XIRSA-ASSUME-BOUNDARY-DENIED",
    severity: "error",
    hop: "assume-role",
    title: "The source role's permissions boundary refuses sts:AssumeRole",
    explanation:
      "STS answers AccessDenied … because no permissions boundary allows the sts:AssumeRole action (or with an explicit deny in a permissions boundary): a boundary limits what the identity policies grant; the effective permissions are the intersection and an explicit deny in either wins. Proven from the boundary's default version, which verify --live reads.",
    remediation:
      "Allow sts:AssumeRole on the target role ARN in the permissions boundary policy (and deny it nowhere there), or set a boundary that does.",
  },
  {
    code: "XIRSA-IAM-ATTACHED-UNKNOWN",
    severity: "warning",
    hop: "assume-role",
    title: "Attached managed policies or permissions boundary not in the State",
    explanation:
      "The role has attached managed policies, or a permissions boundary, whose documents are not part of the State; what they allow or deny is not proven. verify --live reads a boundary's default version and proves through it; offline (config or bundle) it is known by ARN only.",
    remediation:
      "Grant sts:AssumeRole in an inline policy: xirsa reads attached managed policies by ARN only, so their documents are never proven.",
  },
  {
    code: "XIRSA-IAM-ASSUME-ANY",
    severity: "warning",
    hop: "assume-role",
    title: "sts:AssumeRole on Resource *",
    explanation: "The source role may assume any role that trusts it, not only the target agent roles.",
    remediation: "List the target role ARNs in Resource.",
  },
  {
    code: "XIRSA-STS-CHAIN-DURATION",
    severity: "info",
    hop: "assume-role",
    title: "Role chaining caps sessions at one hour",
    explanation:
      "The target role allows sessions longer than 1 hour, but a role assumed by role chaining is capped at 1 hour: asking for more fails with DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    remediation: "Request at most 3600 seconds for the target session (the default is 3600).",
  },
  // cluster-access
  {
    code: "XIRSA-CLUSTER-MISSING",
    severity: "error",
    hop: "cluster-access",
    title: "Target cluster not in the State",
    explanation: "The target EKS cluster is not part of the State, so nothing maps the target role into it.",
    remediation: "Check the target's account, region and cluster name.",
  },
  {
    code: "XIRSA-EKS-NO-ACCESS-ENTRY",
    severity: "error",
    hop: "cluster-access",
    title: "No access entry for the target role",
    explanation:
      "kubectl answers You must be logged in to the server (Unauthorized): the target cluster has no access entry for exactly the target role ARN (path included).",
    remediation:
      "Create the access entry: aws eks create-access-entry --cluster-name <cluster> --principal-arn <target role ARN> --type STANDARD.",
  },
  {
    code: "XIRSA-EKS-ENTRY-STALE",
    severity: "error",
    hop: "cluster-access",
    title: "Access entry bound to a deleted role",
    explanation:
      "Access entries bind the role's unique id: the role was re-created with the same name, so the entry no longer maps it (Unauthorized).",
    remediation: "Delete and re-create the access entry (and its policy associations).",
    liveOnly: true,
  },
  {
    code: "XIRSA-EKS-ENTRY-TYPE",
    severity: "warning",
    hop: "cluster-access",
    title: "Access entry type is not STANDARD",
    explanation: "Access policies can only be associated with STANDARD access entries.",
    remediation: "Re-create the access entry with --type STANDARD.",
  },
  {
    code: "XIRSA-EKS-TOKEN-EXPIRED",
    severity: "error",
    hop: "cluster-access",
    title: "Expired EKS token",
    explanation:
      "EKS tokens are valid 15 minutes after signing (clients refresh after 14): an older token is Unauthorized.",
    remediation: "Let the client refresh its token (exec plugin), check the clock.",
    liveOnly: true,
  },
  // kubernetes-permissions
  {
    code: "XIRSA-K8S-PERMISSION-MISSING",
    severity: "error",
    hop: "kubernetes-permissions",
    title: "Missing Kubernetes permission",
    explanation:
      "Neither the access policies nor RBAC nor the Capsule tenant grant a permission the flow needs (Forbidden).",
    remediation:
      "Associate an access policy covering the namespaces (AmazonEKSAdminPolicy scoped to the pattern), or bind the missing verbs via RBAC.",
  },
  {
    code: "XIRSA-K8S-RBAC-ESCALATION",
    severity: "error",
    hop: "kubernetes-permissions",
    title: "RoleBinding to ClusterRole admin would be an escalation",
    explanation:
      "Kubernetes refuses to create a RoleBinding to a ClusterRole unless the creator may bind it or already holds its permissions through RBAC; EKS access policies (e.g. AmazonEKSAdminPolicy) are not RBAC and have no bind verb.",
    remediation:
      "Grant bind on clusterroles/admin via RBAC (a ClusterRole rule {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [admin], verbs: [bind]} bound to the entry's group), or use Capsule.",
  },
  {
    code: "XIRSA-K8S-SYSTEM-GROUP-BINDING",
    severity: "error",
    hop: "kubernetes-permissions",
    title: "Environment namespace bound to a system:* group",
    explanation:
      "A RoleBinding in an environment namespace grants to a system:* group: system:authenticated and system:unauthenticated are every caller of the API server, system:masters is cluster-admin. Such a binding (tenant-admin from source.krci.oidcGroups, for one) gives the namespace to anyone.",
    remediation:
      "Delete the binding's system:* subjects (kubectl edit rolebinding …) and list the identity provider's groups in source.krci.oidcGroups.",
    liveOnly: true,
  },
  {
    code: "XIRSA-K8S-NS-CREATE",
    severity: "info",
    hop: "kubernetes-permissions",
    title: "Namespace creation cannot be limited by name",
    explanation:
      "RBAC cannot restrict create on namespaces by name: the namespace-manager group may create any namespace, not only those matching the pattern.",
    remediation: "Accept it, or use Capsule (tenant-owned namespaces, quota) to bound namespace creation.",
  },
  {
    code: "XIRSA-EKS-NO-CUSTOM-RESOURCES",
    severity: "warning",
    hop: "kubernetes-permissions",
    title: "AmazonEKSAdminPolicy grants nothing on custom resources",
    explanation:
      "The namespace-scoped access policies list built-in API groups only (AmazonEKSAdminPolicy is the admin ClusterRole without what CRDs aggregate into it, and cannot be edited): Argo CD cannot sync ServiceMonitors, ExternalSecrets or any other custom resource in the environments, nor can the operator create ExternalSecrets (SECRET_MANAGER=eso).",
    remediation:
      "List the kinds in targets[].extraResources (e.g. {apiGroup: monitoring.coreos.com, resources: [servicemonitors]}) and run xirsa apply: it renders ClusterRole xirsa-extra-resources (aggregated to admin), adds group xirsa-extra-resources to both chains' access entries and binds the two by a RoleBinding in each environment namespace.",
  },
  {
    code: "XIRSA-K8S-EXTRA-RESOURCE-DENIED",
    severity: "error",
    hop: "kubernetes-permissions",
    title: "A listed custom resource is not granted in an environment",
    explanation:
      "targets[].extraResources lists the kind, but the chain's role cannot create it in an environment namespace: the RoleBinding xirsa-extra-resources there, the ClusterRole, or the access entry's group is missing.",
    remediation:
      "Run xirsa apply (it renders and applies the ClusterRole, the group and a RoleBinding per environment); xirsa env create adds the RoleBinding to a new environment.",
  },
  {
    code: "XIRSA-EKS-CLUSTER-ADMIN",
    severity: "warning",
    hop: "kubernetes-permissions",
    title: "AmazonEKSClusterAdminPolicy where namespaced access suffices",
    explanation:
      "The flow only needs its environment namespaces; cluster-admin lets a compromised source role control the whole target cluster.",
    remediation:
      "Use access: namespaced (AmazonEKSAdminPolicy scoped to the pattern plus namespace management) or Capsule.",
  },
  {
    code: "XIRSA-CAPSULE-NOT-USER",
    severity: "error",
    hop: "kubernetes-permissions",
    title: "Not a Capsule user",
    explanation:
      "None of the access entry's groups is a Capsule user group (CapsuleConfiguration spec.users of kind Group, Capsule >= 0.12, or the deprecated spec.userGroups), so Capsule does not let the operator create tenant namespaces.",
    remediation:
      "Add the group to CapsuleConfiguration spec.users as kind Group (spec.userGroups before Capsule 0.12) and to the access entry's kubernetesGroups.",
  },
  {
    code: "XIRSA-CAPSULE-NO-TENANT",
    severity: "error",
    hop: "kubernetes-permissions",
    title: "No Capsule tenant owned",
    explanation:
      "Capsule refuses namespace creation with You do not have any Tenant assigned: no Tenant lists the group (or user) among its owners.",
    remediation: "Add {kind: Group, name: <group>} to the Tenant's spec.owners.",
  },
  {
    code: "XIRSA-CAPSULE-SEVERAL-TENANTS",
    severity: "warning",
    hop: "kubernetes-permissions",
    title: "Several Capsule tenants owned",
    explanation:
      "With more than one tenant, Capsule needs the capsule.clastix.io/tenant label (or a forced prefix) on each new namespace.",
    remediation: "Keep one tenant for the group, or make the operator label namespaces with their tenant.",
  },
  // registration
  {
    code: "XIRSA-REG-SECRET-MISSING",
    severity: "error",
    hop: "registration",
    title: "Cluster Secret missing",
    explanation: "The source cluster has no cluster Secret registering the target for this flow.",
    remediation: "Create the cluster Secret (xirsa cluster register, or the bundle's manifests).",
  },
  {
    code: "XIRSA-REG-KRCI-NAME",
    severity: "error",
    hop: "registration",
    title: "KubeRocketCI cluster Secret name without -cluster",
    explanation:
      "The operator writes a kubeconfig Secret named like the cluster Secret without its -cluster suffix: without the suffix it overwrites its own input.",
    remediation: "Name the Secret <target>-cluster.",
  },
  {
    code: "XIRSA-REG-LABELS",
    severity: "error",
    hop: "registration",
    title: "Cluster Secret labels missing",
    explanation:
      "The operator and Argo CD only pick up Secrets carrying their labels (app.edp.epam.com/secret-type: cluster, app.edp.epam.com/cluster-type: irsa, argocd.argoproj.io/secret-type: cluster).",
    remediation: "Add the missing labels.",
  },
  {
    code: "XIRSA-REG-DATA-NOT-BASE64",
    severity: "error",
    hop: "registration",
    title: "Secret data not base64",
    explanation:
      "Values under data: are base64; plain JSON there is refused by the API server (or decodes to garbage). Use stringData for plain text.",
    remediation: "Base64-encode the values, or move them under stringData.",
  },
  {
    code: "XIRSA-REG-CONFIG-INVALID",
    severity: "error",
    hop: "registration",
    title: "Cluster Secret config unreadable",
    explanation:
      "The config key is not the JSON {awsAuthConfig: {clusterName, roleARN}, tlsClientConfig: {…}}.",
    remediation: "Write config as that JSON (base64 under data).",
  },
  {
    code: "XIRSA-REG-SERVER",
    severity: "error",
    hop: "registration",
    title: "Cluster Secret server is not the target endpoint",
    explanation:
      "Argo CD / the operator connect to the server of the Secret: it must be the target cluster's API endpoint.",
    remediation: "Set server to the target endpoint (aws eks describe-cluster … endpoint).",
  },
  {
    code: "XIRSA-REG-CLUSTER-NAME",
    severity: "error",
    hop: "registration",
    title: "awsAuthConfig.clusterName is not the target cluster",
    explanation:
      "The EKS token is signed for the cluster named in clusterName; the target cluster rejects a token for another cluster (Unauthorized).",
    remediation: "Set awsAuthConfig.clusterName to the target EKS cluster name.",
  },
  {
    code: "XIRSA-REG-ROLEARN-SOURCE",
    severity: "error",
    hop: "registration",
    title: "roleARN names the source role",
    explanation:
      "argocd-k8s-auth / the operator assume roleARN from the source role's session: naming the source role makes it assume itself, which its trust policy does not allow.",
    remediation: "Set awsAuthConfig.roleARN to the target agent role (ArgoCDAgentAccess / CDPipelineAgent).",
  },
  {
    code: "XIRSA-REG-ROLEARN",
    severity: "error",
    hop: "registration",
    title: "roleARN is not the target agent role",
    explanation: "awsAuthConfig.roleARN must be the agent role of this flow in the target account.",
    remediation: "Set awsAuthConfig.roleARN to the target agent role ARN.",
  },
  {
    code: "XIRSA-REG-NAME",
    severity: "warning",
    hop: "registration",
    title: "Cluster Secret name key differs from the target",
    explanation:
      "ApplicationSet elements and environments refer to the cluster by the Secret's name key; another value breaks that reference.",
    remediation: "Set the name key to the target name.",
  },
  {
    code: "XIRSA-REG-TLS",
    severity: "warning",
    hop: "registration",
    title: "Cluster Secret does not verify TLS",
    explanation:
      "tlsClientConfig has insecure: true or no caData: the connection to the target is not authenticated.",
    remediation: "Set tlsClientConfig.caData to the target cluster CA and insecure: false.",
  },
  {
    code: "XIRSA-REG-APPPROJECT",
    severity: "error",
    hop: "registration",
    title: "AppProject does not cover the target namespaces",
    explanation:
      "Argo CD refuses applications whose destination (server, namespace) is not allowed by the AppProject's spec.destinations.",
    remediation:
      "Add {namespace: <pattern>, server: <target endpoint>} to the AppProject's spec.destinations.",
  },
  {
    code: "XIRSA-REG-AVAILABLE-CLUSTERS",
    severity: "error",
    hop: "registration",
    title: "Target not in available_clusters",
    explanation:
      "KubeRocketCI offers only the clusters listed in key available_clusters of its platform ConfigMap: krci-config since edp-install v3.12.0, edp-config before.",
    remediation:
      "Add the target to available_clusters (comma and space separated), or to global.availableClusters of the edp-install Helm values.",
  },
  {
    code: "XIRSA-ARGOCD-NAMESPACED-CACHE",
    severity: "error",
    hop: "registration",
    title: "Argo CD with namespace-scoped access and a cluster-wide cache",
    explanation:
      'Argo CD lists and watches resources cluster-wide unless its cluster Secret names the namespaces it manages (key namespaces, exact names) and clusterResources is "false"; with access policies scoped to the environment namespaces those cluster-wide calls are forbidden and no application of that cluster syncs.',
    remediation:
      'Set the namespaces key of the Argo CD cluster Secret to the environment namespaces (comma-separated; xirsa apply, env create and env delete keep it up to date) and clusterResources to "false", or use access: cluster-admin.',
  },
  {
    code: "XIRSA-ARGOCD-NAMESPACES-SCOPE",
    severity: "error",
    hop: "registration",
    title: "Argo CD namespaces outside the access scope",
    explanation:
      "A namespace listed in the Argo CD cluster Secret lies outside the namespaces the access policy allows: Argo CD's list and watch there are refused and the cluster's cache does not sync.",
    remediation: "Remove it from the namespaces key, or widen the target's namespaces pattern.",
  },
  {
    code: "XIRSA-ARGOCD-NAMESPACES-EMPTY",
    severity: "warning",
    hop: "registration",
    title: "No environment namespace for Argo CD yet",
    explanation:
      "The Argo CD cluster Secret's namespaces key is empty because no environment namespace exists yet; Argo CD treats an empty list as cluster-wide until the first environment is created.",
    remediation: "Create the first environment (xirsa env create adds it to the namespaces key).",
  },
  {
    code: "XIRSA-GITOPS-MANAGED",
    severity: "warning",
    hop: "registration",
    title: "Registration object managed by Helm or Argo CD",
    explanation:
      "The object carries Helm's labels or annotations (including a helm.sh/hook such as the KubeRocketCI add-ons' post-install AppProject with before-hook-creation) or Argo CD's tracking-id annotation or instance label: Helm or a self-healing Argo CD Application re-creates or reverts it, so a live edit by xirsa or kubectl does not last.",
    remediation:
      "Make the change in its source (the values keys xirsa plan names: edp-install global.availableClusters, the add-ons AppProject template, the argo-cd and edp-install serviceAccount annotations) and sync; xirsa apply --patch-managed patches it live anyway.",
  },
  {
    code: "XIRSA-REG-OPERATOR-ERROR",
    severity: "error",
    hop: "registration",
    title: "The CD pipeline operator reports a cluster error",
    explanation:
      "The operator marks its cluster Secret with app.edp.epam.com/cluster-error (and cluster-connected: false) when it cannot build a kubeconfig or connect with it; the text is its own error. cluster-connected: true proves authentication only.",
    remediation:
      "Fix what the error names (xirsa probe --chain cd-pipeline-operator shows the failing hop); the operator retries every minute.",
  },
] as const satisfies readonly CatalogueEntry[];

export type FindingCode = (typeof entries)[number]["code"];

/** The whole catalogue, in a stable order (by hop, then as written). */
export const CATALOGUE: readonly CatalogueEntry[] = entries;

const byCode = new Map<string, CatalogueEntry>(CATALOGUE.map((e) => [e.code, e]));

export function catalogueEntry(code: FindingCode): CatalogueEntry {
  return byCode.get(code)!;
}

export function isFindingCode(code: string): code is FindingCode {
  return byCode.has(code);
}
