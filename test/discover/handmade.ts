/**
 * The seed's set-up made by hand on the sandbox with the real aws CLI and kubectl, as a reader of the seed does
 * it: roles AWSIRSA_<cluster_name>_<Kind> with the seed's trust and permission policies, the ServiceAccount
 * annotations, the AppProject destinations, access entries (staging: AmazonEKSClusterAdminPolicy for both;
 * prod: Capsule group for the operator), Capsule objects in prod, the Argo CD and KubeRocketCI cluster Secrets.
 * `typo` misspells the operator's ServiceAccount in the CDPipelineOperator trust policy.
 */
import { expect } from "vitest";
import type { E2ESandbox } from "../live/sandbox.js";
import { FIXTURE_A } from "../live/sandbox.js";

export const A = "111111111111";
export const B = "222222222222";
export const C = "333333333333";
export const CLUSTER_NAME = "main";
export const roleName = (kind: string) => `AWSIRSA_${CLUSTER_NAME}_${kind}`;
export const roleArn = (account: string, kind: string) => `arn:aws:iam::${account}:role/${roleName(kind)}`;
export const TARGETS = [
  { name: "staging", account: B, region: "eu-west-1", cluster: "workloads-staging", capsule: false },
  { name: "prod", account: C, region: "us-east-1", cluster: "workloads-prod", capsule: true },
];

function ok(r: { code: number | null; stderr: string; stdout: string }, what: string): string {
  expect(r.code, `${what}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

export function buildByHand(sb: E2ESandbox, opts: { typo: boolean }): void {
  const aws = (account: string, args: string[]) =>
    ok(sb.aws([...args, "--profile", `sandbox-${account}`]), args.join(" "));
  ok(sb.kubectl("krci-main", ["apply", "-f", FIXTURE_A]), "fixture");
  const issuer = JSON.parse(aws(A, ["eks", "describe-cluster", "--name", "krci-main"])).cluster.identity.oidc
    .issuer as string;
  const host = issuer.replace(/^https:\/\//, "");
  aws(A, [
    "iam",
    "create-open-id-connect-provider",
    "--url",
    issuer,
    "--client-id-list",
    "sts.amazonaws.com",
  ]);
  const provider = `arn:aws:iam::${A}:oidc-provider/${host}`;
  const webIdentity = (op: string, subjects: string[]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "",
          Effect: "Allow",
          Principal: { Federated: provider },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { [op]: { [`${host}:sub`]: subjects, [`${host}:aud`]: "sts.amazonaws.com" } },
        },
      ],
    });
  const assume = (kind: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Action: "sts:AssumeRole", Effect: "Allow", Resource: TARGETS.map((t) => roleArn(t.account, kind)) },
      ],
    });
  const operatorSa = opts.typo ? "edp-cd-pipline-operator" : "edp-cd-pipeline-operator";
  aws(A, [
    "iam",
    "create-role",
    "--role-name",
    roleName("CDPipelineOperator"),
    "--assume-role-policy-document",
    webIdentity("StringEquals", [`system:serviceaccount:krci:${operatorSa}`]),
  ]);
  aws(A, [
    "iam",
    "put-role-policy",
    "--role-name",
    roleName("CDPipelineOperator"),
    "--policy-name",
    "AssumeCDPipelineAgent",
    "--policy-document",
    assume("CDPipelineAgent"),
  ]);
  aws(A, [
    "iam",
    "create-role",
    "--role-name",
    roleName("ArgoCDMaster"),
    "--assume-role-policy-document",
    webIdentity("StringLike", [
      "system:serviceaccount:argocd:argocd-application-controller",
      "system:serviceaccount:argocd:argocd-applicationset-controller",
      "system:serviceaccount:argocd:argocd-server",
    ]),
  ]);
  aws(A, [
    "iam",
    "put-role-policy",
    "--role-name",
    roleName("ArgoCDMaster"),
    "--policy-name",
    "AssumeArgoCDAgentAccess",
    "--policy-document",
    assume("ArgoCDAgentAccess"),
  ]);
  const crossAccount = (kind: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: roleArn(A, kind) }, Action: "sts:AssumeRole" }],
    });
  const ca: Record<string, string> = {};
  const endpoint: Record<string, string> = {};
  for (const t of TARGETS) {
    aws(t.account, [
      "iam",
      "create-role",
      "--role-name",
      roleName("CDPipelineAgent"),
      "--assume-role-policy-document",
      crossAccount("CDPipelineOperator"),
    ]);
    aws(t.account, [
      "iam",
      "create-role",
      "--role-name",
      roleName("ArgoCDAgentAccess"),
      "--assume-role-policy-document",
      crossAccount("ArgoCDMaster"),
    ]);
    const c = JSON.parse(
      aws(t.account, ["eks", "describe-cluster", "--name", t.cluster, "--region", t.region]),
    ).cluster;
    endpoint[t.name] = c.endpoint;
    ca[t.name] = c.certificateAuthority.data;
    const entry = (kind: string, groups: string[], admin: boolean) => {
      aws(t.account, [
        "eks",
        "create-access-entry",
        "--cluster-name",
        t.cluster,
        "--region",
        t.region,
        "--principal-arn",
        roleArn(t.account, kind),
        "--type",
        "STANDARD",
        ...(groups.length ? ["--kubernetes-groups", ...groups] : []),
      ]);
      if (admin) {
        aws(t.account, [
          "eks",
          "associate-access-policy",
          "--cluster-name",
          t.cluster,
          "--region",
          t.region,
          "--principal-arn",
          roleArn(t.account, kind),
          "--policy-arn",
          "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
          "--access-scope",
          "type=cluster",
        ]);
      }
    };
    entry("CDPipelineAgent", t.capsule ? ["cd-pipeline-operator"] : [], !t.capsule);
    entry("ArgoCDAgentAccess", [], true);
    if (t.capsule) {
      ok(
        sb.kubectl(
          t.cluster,
          ["apply", "-f", "-"],
          [
            "apiVersion: capsule.clastix.io/v1beta2",
            "kind: CapsuleConfiguration",
            "metadata: {name: default}",
            "spec: {userGroups: [capsule.clastix.io, cd-pipeline-operator]}",
            "---",
            "apiVersion: capsule.clastix.io/v1beta2",
            "kind: Tenant",
            "metadata: {name: krci}",
            "spec:",
            "  owners:",
            "    - {kind: Group, name: cd-pipeline-operator, clusterRoles: [admin, capsule-namespace-deleter]}",
            "",
          ].join("\n"),
        ),
        "capsule",
      );
    }
  }
  // Cluster A: annotations (kubectl patch as the seed shows), the AppProject, the cluster Secrets.
  const annotate = (ns: string, sa: string, kind: string) =>
    ok(
      sb.kubectl("krci-main", [
        "patch",
        "serviceaccount",
        sa,
        "-n",
        ns,
        "-p",
        JSON.stringify({ metadata: { annotations: { "eks.amazonaws.com/role-arn": roleArn(A, kind) } } }),
      ]),
      `annotate ${sa}`,
    );
  annotate("krci", "edp-cd-pipeline-operator", "CDPipelineOperator");
  for (const sa of ["argocd-application-controller", "argocd-applicationset-controller", "argocd-server"]) {
    annotate("argocd", sa, "ArgoCDMaster");
  }
  ok(
    sb.kubectl("krci-main", [
      "patch",
      "appproject",
      "krci",
      "-n",
      "argocd",
      "--type",
      "json",
      "-p",
      JSON.stringify(
        TARGETS.map((t) => ({
          op: "add",
          path: "/spec/destinations/-",
          value: { namespace: "krci-*", server: endpoint[t.name] },
        })),
      ),
    ]),
    "appproject",
  );
  const secrets = TARGETS.flatMap((t) => {
    const config = (kind: string) =>
      JSON.stringify({
        awsAuthConfig: { clusterName: t.cluster, roleARN: roleArn(t.account, kind) },
        tlsClientConfig: { insecure: false, caData: ca[t.name] },
      });
    return [
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        metadata: {
          name: `cluster-${t.name}`,
          namespace: "argocd",
          labels: { "argocd.argoproj.io/secret-type": "cluster" },
        },
        stringData: { name: t.name, server: endpoint[t.name], config: config("ArgoCDAgentAccess") },
      },
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        metadata: {
          name: `${t.name}-cluster`,
          namespace: "krci",
          labels: {
            "app.edp.epam.com/cluster-type": "irsa",
            "app.edp.epam.com/secret-type": "cluster",
            "argocd.argoproj.io/secret-type": "cluster",
          },
        },
        stringData: { name: t.name, server: endpoint[t.name], config: config("CDPipelineAgent") },
      },
    ];
  });
  for (const s of secrets)
    ok(sb.kubectl("krci-main", ["apply", "-f", "-"], JSON.stringify(s)), s.metadata.name);
  ok(
    sb.kubectl("krci-main", [
      "patch",
      "configmap",
      "krci-config",
      "-n",
      "krci",
      "-p",
      JSON.stringify({
        data: { available_clusters: ["in-cluster", ...TARGETS.map((t) => t.name)].join(", ") },
      }),
    ]),
    "krci-config",
  );
  ok(
    sb.kubectl("krci-main", ["rollout", "restart", "deployment", "cd-pipeline-operator", "-n", "krci"]),
    "restart",
  );
  for (const app of ["argocd-application-controller", "argocd-applicationset-controller", "argocd-server"]) {
    ok(
      sb.kubectl("krci-main", ["delete", "pod", "-l", `app.kubernetes.io/name=${app}`, "-n", "argocd"]),
      `restart ${app}`,
    );
  }
}
