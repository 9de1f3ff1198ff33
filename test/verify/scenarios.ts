/**
 * Failure modes reproduced by tampering a rendered bundle, as a user editing it in Git would: every mistake of
 * issue 3 §3 and every failure mode of REFERENCE §7 that has a static form. Each names the chain, the hop that
 * must fail (none when the chain stays proven and only a finding is expected) and the finding code.
 */
import type { HopId } from "../../src/verify/types.js";
import {
  appendYaml,
  type Example,
  editJson,
  editYaml,
  exampleConfig,
  type Files,
  pathOf,
  renderConfig,
} from "./fixtures.js";

export interface Scenario {
  name: string;
  /** The example bundle to start from, or a function making the starting files. */
  base: Example | (() => Files);
  tamper: (files: Files) => void;
  chain: string;
  /** The hop that fails; undefined when the chain must stay proven (a warning or info finding). */
  hop?: HopId;
  /** Other hops of the chain that fail as a consequence. */
  alsoFails?: HopId[];
  code: string;
  /** Words the failing hop's reason must contain. */
  reason?: RegExp;
}

const ID = "5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F";
const OTHER_ID = "0A1B2C3D4E5F60718293A4B5C6D7E8F9";
const HOST = "oidc.eks.eu-central-1.amazonaws.com";
const A = "111111111111";
const B = "222222222222";
const OPERATOR_TRUST = /aws\/111111111111\/roles\/AWSIRSA_dev_CDPipelineOperator\/trust-policy\.json$/;
const OPERATOR_PERMS = /aws\/111111111111\/roles\/AWSIRSA_dev_CDPipelineOperator\/permissions-policy\.json$/;
const AGENT_TRUST = /aws\/222222222222\/roles\/AWSIRSA_dev_CDPipelineAgent\/trust-policy\.json$/;
const ACCESS_ENTRIES = /aws\/222222222222\/eks\/workloads-prod\/access-entries\.json$/;
const PROD_ENTRIES_MT = /aws\/333333333333\/eks\/workloads-prod\/access-entries\.json$/;
const OIDC = /aws\/111111111111\/oidc-providers\.json$/;
const SOURCE_K8S = (name: string) => new RegExp(`kubernetes/krci-main/${name}\\.yaml$`);
const CAPSULE = /kubernetes\/workloads-prod\/capsule\.yaml$/;
const OPERATOR_ARN = `arn:aws:iam::${A}:role/AWSIRSA_dev_CDPipelineOperator`;
const MASTER_ARN = `arn:aws:iam::${A}:role/AWSIRSA_dev_ArgoCDMaster`;
const AGENT_ARN = `arn:aws:iam::${B}:role/AWSIRSA_dev_CDPipelineAgent`;
const ACCESS_ARN = `arn:aws:iam::${B}:role/AWSIRSA_dev_ArgoCDAgentAccess`;

const OP = "prod/cd-pipeline-operator";
const ARGO = "prod/argocd";

function replaceText(files: Files, pattern: RegExp, from: string, to: string): void {
  const path = pathOf(files, pattern);
  const text = files.get(path)!;
  if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
  files.set(path, text.replaceAll(from, to));
}

/** The operator role's web-identity condition block (StringEquals). */
// biome-ignore lint/suspicious/noExplicitAny: free-form policy JSON
function operatorCondition(doc: any): Record<string, unknown> {
  return doc.Statement[0].Condition.StringEquals;
}

// biome-ignore lint/suspicious/noExplicitAny: free-form Secret
function editConfig(secret: any, edit: (config: any) => void): any {
  const config = JSON.parse(secret.stringData.config);
  edit(config);
  secret.stringData.config = JSON.stringify(config);
  return secret;
}

/** xirsa.yaml with `access: namespaced` and no Capsule: namespace-scoped AdminPolicy + namespace-manager RBAC. */
function namespacedBundle(): Files {
  const config = exampleConfig("xirsa");
  return renderConfig({
    ...config,
    targets: config.targets.map((t) => ({ ...t, access: "namespaced" as const })),
  });
}

export const SCENARIOS: Scenario[] = [
  // web-identity: REFERENCE §7 InvalidIdentityToken / AccessDenied for AssumeRoleWithWebIdentity
  {
    name: "no IAM OIDC provider for the issuer",
    base: "xirsa",
    tamper: (f) => editJson(f, OIDC, () => []),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-OIDC-PROVIDER-MISSING",
    reason: /No OpenIDConnect provider found/,
  },
  {
    name: "OIDC provider without client id sts.amazonaws.com",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OIDC, (d) => {
        d[0].clientIds = ["sts.amazon.com"];
      }),
    chain: ARGO,
    hop: "web-identity",
    code: "XIRSA-OIDC-CLIENT-ID",
    reason: /Incorrect token audience/,
  },
  {
    name: "trust policy for another OIDC id",
    base: "xirsa",
    tamper: (f) => replaceText(f, OPERATOR_TRUST, ID, OTHER_ID),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-WRONG-PROVIDER",
    reason: /names principals/,
  },
  {
    name: "trust-policy Deny naming the account (a web identity's match is unsettled)",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        d.Statement = [
          ...[d.Statement].flat(),
          { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "sts:*", Resource: "*" },
        ];
      }),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-DENY-UNSETTLED",
    reason: /AWS may not apply to a web identity/,
  },
  {
    name: "trust-policy Deny with NotPrincipal naming the account",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        d.Statement = [
          ...[d.Statement].flat(),
          {
            Effect: "Deny",
            NotPrincipal: { AWS: A },
            Action: "sts:AssumeRoleWithWebIdentity",
            Resource: "*",
          },
        ];
      }),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-DENY-UNSETTLED",
  },
  {
    name: "oidc.<region>.eks typo",
    base: "xirsa",
    tamper: (f) => replaceText(f, OPERATOR_TRUST, HOST, "oidc.eu-central-1.eks.amazonaws.com"),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-ISSUER-TYPO",
  },
  {
    name: "https:// in the condition keys",
    base: "xirsa",
    tamper: (f) => replaceText(f, OPERATOR_TRUST, `"${HOST}/id/${ID}:`, `"https://${HOST}/id/${ID}:`),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-HTTPS-KEY",
    reason: /the key is absent from the request/,
  },
  {
    name: "sub names another namespace",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        operatorCondition(d)[`${HOST}/id/${ID}:sub`] = [
          "system:serviceaccount:default:edp-cd-pipeline-operator",
        ];
      }),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-SUB-MISMATCH",
    reason: /system:serviceaccount:krci:edp-cd-pipeline-operator/,
  },
  {
    name: "wildcard inside StringEquals",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        operatorCondition(d)[`${HOST}/id/${ID}:sub`] = "system:serviceaccount:krci:*";
      }),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-WILDCARD-EQUALS",
  },
  {
    name: "aud other than sts.amazonaws.com",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        operatorCondition(d)[`${HOST}/id/${ID}:aud`] = "sts.amazon.com";
      }),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-AUD-VALUE",
    reason: /sts\.amazon\.com/,
  },
  {
    name: "condition keys for another issuer than the Principal",
    base: "xirsa",
    tamper: (f) => replaceText(f, OPERATOR_TRUST, `"${HOST}/id/${ID}:`, `"${HOST}/id/${OTHER_ID}:`),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-TRUST-ISSUER-MISMATCH",
  },
  {
    name: "malformed trust policy",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        d.Statement[0].Effect = "Alow";
      }),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-IAM-POLICY-INVALID",
    reason: /Statement\[0\]\.Effect/,
  },
  {
    name: "explicit deny of the web identity",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        d.Statement.push({
          Effect: "Deny",
          Principal: { Federated: `arn:aws:iam::${A}:oidc-provider/${HOST}/id/${ID}` },
          Action: "sts:AssumeRoleWithWebIdentity",
        });
      }),
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-WEBID-DENIED",
    reason: /explicitly denied by trust policy/,
  },
  {
    name: "missing aud condition (the chain still works)",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        delete operatorCondition(d)[`${HOST}/id/${ID}:aud`];
      }),
    chain: OP,
    code: "XIRSA-TRUST-NO-AUD",
  },
  {
    name: "StringLike without a wildcard",
    base: "xirsa",
    tamper: (f) => replaceText(f, OPERATOR_TRUST, '"StringEquals"', '"StringLike"'),
    chain: OP,
    code: "XIRSA-TRUST-LIKE-NO-WILDCARD",
  },
  // assume-role: AccessDenied when calling the AssumeRole operation
  {
    name: "A identity policy lacks the B role",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_PERMS, (d) => {
        d.Statement[0].Resource = `arn:aws:iam::${B}:role/SomeOtherRole`;
      }),
    chain: OP,
    hop: "assume-role",
    code: "XIRSA-ASSUME-IDENTITY-DENIED",
    reason: /source role's identity policies refuse/,
  },
  {
    name: "explicit deny in the A identity policy",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_PERMS, (d) => {
        d.Statement.push({ Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" });
      }),
    chain: OP,
    hop: "assume-role",
    code: "XIRSA-ASSUME-IDENTITY-DENIED",
    reason: /explicitly denied by inline policy/,
  },
  {
    name: "B trust names another principal",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, AGENT_TRUST, (d) => {
        d.Statement[0].Principal.AWS = MASTER_ARN;
      }),
    chain: OP,
    hop: "assume-role",
    code: "XIRSA-ASSUME-TRUST-DENIED",
    reason: /target role's trust policy refuses/,
  },
  {
    name: "Principal ARN without role/",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, AGENT_TRUST, (d) => {
        d.Statement[0].Principal.AWS = `arn:aws:iam::${A}:AWSIRSA_dev_CDPipelineOperator`;
      }),
    chain: OP,
    hop: "assume-role",
    code: "XIRSA-TRUST-PRINCIPAL-NO-ROLE",
  },
  {
    name: "B trust to the account root without conditions",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, AGENT_TRUST, (d) => {
        d.Statement[0].Principal.AWS = `arn:aws:iam::${A}:root`;
      }),
    chain: OP,
    code: "XIRSA-TRUST-BROAD-PRINCIPAL",
  },
  {
    name: "B trust to * without conditions",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, AGENT_TRUST, (d) => {
        d.Statement[0].Principal = "*";
      }),
    chain: OP,
    code: "XIRSA-TRUST-BROAD-PRINCIPAL",
  },
  // trust policies that let anyone in (issue 11 item 5): the chain still works, and verify says so
  {
    name: "source trust: sub system:serviceaccount:* (every pod of the cluster)",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        delete operatorCondition(d)[`${HOST}/id/${ID}:sub`];
        d.Statement[0].Condition.StringLike = { [`${HOST}/id/${ID}:sub`]: "system:serviceaccount:*" };
      }),
    chain: OP,
    code: "XIRSA-TRUST-SUB-WILDCARD",
  },
  {
    name: "source trust: no sub condition",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        delete operatorCondition(d)[`${HOST}/id/${ID}:sub`];
      }),
    chain: OP,
    code: "XIRSA-TRUST-NO-SUB",
  },
  {
    name: "source trust: an extra statement allowing AWS *",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_TRUST, (d) => {
        d.Statement.push({
          Sid: "Anyone",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "sts:AssumeRole",
        });
      }),
    chain: OP,
    code: "XIRSA-TRUST-BROAD-PRINCIPAL",
  },
  {
    name: "target trust: account root with a condition that does not name the principal",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, AGENT_TRUST, (d) => {
        d.Statement[0].Principal.AWS = `arn:aws:iam::${A}:root`;
        d.Statement[0].Condition = { StringEquals: { "aws:PrincipalAccount": A } };
      }),
    chain: OP,
    code: "XIRSA-TRUST-BROAD-PRINCIPAL",
  },
  {
    name: "sts:AssumeRole on Resource *",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, OPERATOR_PERMS, (d) => {
        d.Statement[0].Resource = "*";
      }),
    chain: OP,
    code: "XIRSA-IAM-ASSUME-ANY",
  },
  // cluster-access: You must be logged in to the server (Unauthorized)
  {
    name: "no access entry for the B role",
    base: "xirsa",
    tamper: (f) =>
      // biome-ignore lint/suspicious/noExplicitAny: free-form JSON
      editJson(f, ACCESS_ENTRIES, (d) => d.filter((e: any) => e.principalArn !== AGENT_ARN)),
    chain: OP,
    hop: "cluster-access",
    alsoFails: ["kubernetes-permissions"],
    code: "XIRSA-EKS-NO-ACCESS-ENTRY",
    reason: /Unauthorized/,
  },
  {
    name: "access entry for the role under another path",
    base: "xirsa",
    tamper: (f) =>
      replaceText(f, ACCESS_ENTRIES, AGENT_ARN, `arn:aws:iam::${B}:role/xirsa/AWSIRSA_dev_CDPipelineAgent`),
    chain: OP,
    hop: "cluster-access",
    alsoFails: ["kubernetes-permissions"],
    code: "XIRSA-EKS-NO-ACCESS-ENTRY",
    reason: /an entry exists for arn:aws:iam::222222222222:role\/xirsa\/AWSIRSA_dev_CDPipelineAgent/,
  },
  {
    name: "access entry of another type",
    base: "xirsa",
    tamper: (f) =>
      editJson(f, ACCESS_ENTRIES, (d) => {
        d[0].type = "EC2_LINUX";
      }),
    chain: OP,
    code: "XIRSA-EKS-ENTRY-TYPE",
  },
  // kubernetes-permissions
  {
    name: "AmazonEKSClusterAdminPolicy where namespaced access suffices (the seed's set-up)",
    base: "xirsa",
    tamper: () => {},
    chain: ARGO,
    code: "XIRSA-EKS-CLUSTER-ADMIN",
  },
  {
    name: "access policy scoped to other namespaces",
    base: "multi-target",
    tamper: (f) =>
      editJson(f, PROD_ENTRIES_MT, (d) => {
        d[1].accessPolicies[0].accessScope.namespaces = ["other-*"];
      }),
    chain: ARGO,
    hop: "kubernetes-permissions",
    code: "XIRSA-K8S-PERMISSION-MISSING",
    reason:
      /cannot get\/create\/patch\/delete apps\/deployments, .* in krci-\*: none of access policy AmazonEKSAdminPolicy on other-\* grants it/,
  },
  {
    name: "AmazonEKSViewPolicy instead of admin",
    base: "xirsa",
    tamper: (f) => replaceText(f, ACCESS_ENTRIES, "AmazonEKSClusterAdminPolicy", "AmazonEKSViewPolicy"),
    chain: ARGO,
    hop: "kubernetes-permissions",
    code: "XIRSA-K8S-PERMISSION-MISSING",
  },
  {
    name: "Capsule: the group is not a Capsule user group (spec.users)",
    base: "multi-target",
    tamper: (f) =>
      editYaml(f, CAPSULE, { kind: "CapsuleConfiguration", name: "default" }, (d) => {
        d.spec.users = [{ kind: "Group", name: "projectcapsule.dev" }];
      }),
    chain: OP,
    hop: "kubernetes-permissions",
    code: "XIRSA-CAPSULE-NOT-USER",
  },
  {
    name: "Capsule: the group is not a Capsule user group (deprecated userGroups)",
    base: "multi-target",
    tamper: (f) =>
      editYaml(f, CAPSULE, { kind: "CapsuleConfiguration", name: "default" }, (d) => {
        delete d.spec.users;
        d.spec.userGroups = ["capsule.clastix.io"];
      }),
    chain: OP,
    hop: "kubernetes-permissions",
    code: "XIRSA-CAPSULE-NOT-USER",
  },
  {
    name: "Capsule: no tenant owned by the group",
    base: "multi-target",
    tamper: (f) =>
      editYaml(f, CAPSULE, { kind: "Tenant", name: "krci" }, (d) => {
        d.spec.owners[0].name = "someone-else";
      }),
    chain: OP,
    hop: "kubernetes-permissions",
    code: "XIRSA-CAPSULE-NO-TENANT",
    reason: /You do not have any Tenant assigned/,
  },
  {
    name: "Capsule: owners cannot delete namespaces",
    base: "multi-target",
    tamper: (f) =>
      editYaml(f, CAPSULE, { kind: "Tenant", name: "krci" }, (d) => {
        d.spec.owners[0].clusterRoles = ["admin"];
      }),
    chain: OP,
    hop: "kubernetes-permissions",
    code: "XIRSA-K8S-PERMISSION-MISSING",
    reason: /cannot delete namespaces in krci-\*/,
  },
  {
    name: "Capsule: several tenants owned",
    base: "multi-target",
    tamper: (f) =>
      appendYaml(f, CAPSULE, {
        apiVersion: "capsule.clastix.io/v1beta2",
        kind: "Tenant",
        metadata: { name: "second" },
        spec: { owners: [{ kind: "Group", name: "cd-pipeline-operator" }] },
      }),
    chain: OP,
    code: "XIRSA-CAPSULE-SEVERAL-TENANTS",
  },
  {
    name: "namespaced access without Capsule: the bind rule on ClusterRole admin removed → RoleBinding to admin is an escalation",
    base: namespacedBundle,
    tamper: (f) =>
      editYaml(
        f,
        /kubernetes\/workloads-prod\/rbac\.yaml$/,
        { kind: "ClusterRole", name: "xirsa-namespace-manager" },
        (r) => {
          r.rules = r.rules.filter((rule: { verbs: string[] }) => !rule.verbs.includes("bind"));
        },
      ),
    chain: OP,
    hop: "kubernetes-permissions",
    code: "XIRSA-K8S-RBAC-ESCALATION",
    reason: /bind rbac\.authorization\.k8s\.io\/clusterroles\/admin/,
  },
  {
    name: "namespaced access as rendered: the chain holds, but namespace creation is not limited by name",
    base: namespacedBundle,
    tamper: () => {},
    chain: OP,
    code: "XIRSA-K8S-NS-CREATE",
  },
  // registration
  {
    name: "roleARN of the Argo CD Secret names the A role",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "cluster-prod" }, (s) =>
        editConfig(s, (c) => {
          c.awsAuthConfig.roleARN = MASTER_ARN;
        }),
      ),
    chain: ARGO,
    hop: "registration",
    code: "XIRSA-REG-ROLEARN-SOURCE",
    reason: /assume itself/,
  },
  {
    name: "roleARN of the KubeRocketCI Secret names another agent role",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "prod-cluster" }, (s) =>
        editConfig(s, (c) => {
          c.awsAuthConfig.roleARN = ACCESS_ARN;
        }),
      ),
    chain: OP,
    hop: "registration",
    code: "XIRSA-REG-ROLEARN",
  },
  {
    name: "KubeRocketCI cluster Secret without -cluster",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "prod-cluster" }, (s) => {
        s.metadata.name = "prod";
      }),
    chain: OP,
    hop: "registration",
    code: "XIRSA-REG-KRCI-NAME",
  },
  {
    name: "AppProject pattern not covering the target namespaces",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("appproject"), { kind: "AppProject", name: "krci" }, (p) => {
        p.spec.destinations[0].namespace = "other-*";
      }),
    chain: ARGO,
    hop: "registration",
    code: "XIRSA-REG-APPPROJECT",
  },
  {
    name: "token for another cluster (clusterName)",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "cluster-prod" }, (s) =>
        editConfig(s, (c) => {
          c.awsAuthConfig.clusterName = "workloads-staging";
        }),
      ),
    chain: ARGO,
    hop: "registration",
    code: "XIRSA-REG-CLUSTER-NAME",
  },
  {
    name: "cluster Secret server is not the target endpoint",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "prod-cluster" }, (s) => {
        s.stringData.server = "https://example.invalid";
      }),
    chain: OP,
    hop: "registration",
    code: "XIRSA-REG-SERVER",
  },
  {
    name: "KubeRocketCI cluster Secret without its labels",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "prod-cluster" }, (s) => {
        delete s.metadata.labels["app.edp.epam.com/cluster-type"];
      }),
    chain: OP,
    hop: "registration",
    code: "XIRSA-REG-LABELS",
  },
  {
    name: "target missing from available_clusters",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("krci-config"), { kind: "ConfigMap", name: "krci-config" }, (c) => {
        c.data.available_clusters = "staging, dev";
      }),
    chain: OP,
    hop: "registration",
    code: "XIRSA-REG-AVAILABLE-CLUSTERS",
  },
  {
    name: "Argo CD cluster Secret deleted",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "cluster-prod" }, () => null),
    chain: ARGO,
    hop: "registration",
    code: "XIRSA-REG-SECRET-MISSING",
  },
  {
    name: "cluster Secret config is not JSON",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "prod-cluster" }, (s) => {
        s.stringData.config = "clusterName=workloads-prod";
      }),
    chain: OP,
    hop: "registration",
    code: "XIRSA-REG-CONFIG-INVALID",
  },
  {
    name: "cluster Secret name key differs from the target",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "cluster-prod" }, (s) => {
        s.stringData.name = "production";
      }),
    chain: ARGO,
    code: "XIRSA-REG-NAME",
  },
  {
    name: "cluster Secret without TLS verification",
    base: "xirsa",
    tamper: (f) =>
      editYaml(f, SOURCE_K8S("cluster-secrets"), { kind: "Secret", name: "cluster-prod" }, (s) =>
        editConfig(s, (c) => {
          c.tlsClientConfig.insecure = true;
        }),
      ),
    chain: ARGO,
    code: "XIRSA-REG-TLS",
  },
  // service-account
  {
    name: "ServiceAccount not annotated",
    base: "xirsa",
    tamper: (f) =>
      editYaml(
        f,
        SOURCE_K8S("service-accounts"),
        { kind: "ServiceAccount", name: "edp-cd-pipeline-operator" },
        (s) => {
          delete s.metadata.annotations;
        },
      ),
    chain: OP,
    hop: "service-account",
    code: "XIRSA-SA-NOT-ANNOTATED",
  },
  {
    name: "ServiceAccount annotated with the B role",
    base: "xirsa",
    tamper: (f) =>
      editYaml(
        f,
        SOURCE_K8S("service-accounts"),
        { kind: "ServiceAccount", name: "edp-cd-pipeline-operator" },
        (s) => {
          s.metadata.annotations["eks.amazonaws.com/role-arn"] = AGENT_ARN;
        },
      ),
    chain: OP,
    hop: "service-account",
    code: "XIRSA-SA-WRONG-ROLE",
    reason: /the target role/,
  },
  {
    name: "ServiceAccount missing",
    base: "xirsa",
    tamper: (f) =>
      editYaml(
        f,
        SOURCE_K8S("service-accounts"),
        { kind: "ServiceAccount", name: "argocd-server" },
        () => null,
      ),
    chain: ARGO,
    hop: "service-account",
    code: "XIRSA-SA-MISSING",
  },
  {
    name: "global STS endpoint requested",
    base: "xirsa",
    tamper: (f) =>
      editYaml(
        f,
        SOURCE_K8S("service-accounts"),
        { kind: "ServiceAccount", name: "edp-cd-pipeline-operator" },
        (s) => {
          s.metadata.annotations["eks.amazonaws.com/sts-regional-endpoints"] = "false";
        },
      ),
    chain: OP,
    code: "XIRSA-STS-GLOBAL-ENDPOINT",
  },
];

export { ACCESS_ARN, AGENT_ARN, MASTER_ARN, OPERATOR_ARN };
