/**
 * Failure modes that only a State richer than a bundle shows (a live State carries pods, unique ids, session
 * limits, attached policies), or whose parts a bundle cannot lack (loadBundle refuses a bundle without a role
 * it lists). Each mutates the desired State of an example config.
 */
import type { ChainSpec, EksCluster, KubeObject, State } from "../../src/state/types.js";
import { desiredState } from "../../src/topology/desired.js";
import type { HopId } from "../../src/verify/types.js";
import { type Example, exampleConfig } from "./fixtures.js";
import { AGENT_ARN, OPERATOR_ARN } from "./scenarios.js";

export interface StateScenario {
  name: string;
  example: Example;
  mutate: (state: State, chains: ChainSpec[]) => void;
  chain: string;
  hop?: HopId;
  alsoFails?: HopId[];
  code: string;
  reason?: RegExp;
}

export function desired(
  example: Example,
  extra: { seedCompat?: boolean } = {},
): { state: State; chains: ChainSpec[]; project: string } {
  const config = { ...exampleConfig(example), ...extra };
  const { state, chains } = desiredState(config);
  return { state: structuredClone(state), chains, project: config.source.argocd.project };
}

function source(state: State): EksCluster {
  return state.clusters.find((c) => c.name === "krci-main")!;
}

function target(state: State): EksCluster {
  return state.clusters.find((c) => c.name === "workloads-prod")!;
}

function argocdSecret(state: State, name: string): KubeObject {
  return source(state).objects.find((o) => o.kind === "Secret" && o.metadata.name === name)!;
}

function pod(name: string, serviceAccount: string, env: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "krci", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: {
      serviceAccountName: serviceAccount,
      containers: [{ name: "manager", env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }],
    },
  };
}

const IRSA_ENV = {
  AWS_ROLE_ARN: OPERATOR_ARN,
  AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
};

const OP = "prod/cd-pipeline-operator";

export const STATE_SCENARIOS: StateScenario[] = [
  {
    // A bundle with this is refused at load (exit 2, test/render/load.test.ts); a State handed to verify by a
    // library caller is not, and the seed's trap (plain JSON under data) is named.
    name: "Secret data as plain JSON instead of base64",
    example: "xirsa",
    mutate: (s) => {
      const secret = argocdSecret(s, "prod-cluster") as KubeObject & {
        data?: Record<string, string>;
        stringData?: Record<string, string>;
      };
      const plain =
        secret.stringData ??
        Object.fromEntries(
          Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
        );
      secret.data = plain;
      delete secret.stringData;
    },
    chain: OP,
    hop: "registration",
    code: "XIRSA-REG-DATA-NOT-BASE64",
  },
  {
    name: "an environment namespace bound to system:authenticated (everyone)",
    example: "xirsa",
    mutate: (s) => {
      target(s).objects.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "tenant-admin", namespace: "krci-app-dev" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:authenticated" }],
      } as KubeObject);
    },
    chain: OP,
    code: "XIRSA-K8S-SYSTEM-GROUP-BINDING",
  },
  {
    name: "extraResources lists ServiceMonitors, but an environment lacks the RoleBinding that grants them",
    example: "multi-target",
    mutate: (s, chains) => {
      for (const c of chains.filter((x) => x.target === "prod"))
        c.extraResources = [{ apiGroup: "monitoring.coreos.com", resources: ["servicemonitors"] }];
      // An environment (tenant-admin, as every one has) made before the kinds were listed.
      target(s).objects.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "tenant-admin", namespace: "krci-app-dev" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "krci-oidc-admins" }],
      } as KubeObject);
    },
    chain: "prod/argocd",
    code: "XIRSA-K8S-EXTRA-RESOURCE-DENIED",
  },
  {
    name: "pod created before the annotation (not restarted)",
    example: "xirsa",
    mutate: (s) => {
      source(s).objects.push(pod("cd-pipeline-operator-7d9f-abcde", "edp-cd-pipeline-operator", {}));
    },
    chain: OP,
    hop: "service-account",
    code: "XIRSA-SA-NOT-RESTARTED",
    reason: /runs with no AWS_ROLE_ARN/,
  },
  {
    name: "pod still carrying the previous role",
    example: "xirsa",
    mutate: (s) => {
      source(s).objects.push(
        pod("cd-pipeline-operator-7d9f-abcde", "edp-cd-pipeline-operator", {
          ...IRSA_ENV,
          AWS_ROLE_ARN: "arn:aws:iam::111111111111:role/old",
        }),
      );
    },
    chain: OP,
    hop: "service-account",
    code: "XIRSA-SA-NOT-RESTARTED",
    reason: /AWS_ROLE_ARN=arn:aws:iam::111111111111:role\/old/,
  },
  {
    name: "pod on the global STS endpoint",
    example: "xirsa",
    mutate: (s) => {
      source(s).objects.push(
        pod("cd-pipeline-operator-7d9f-abcde", "edp-cd-pipeline-operator", {
          ...IRSA_ENV,
          AWS_STS_REGIONAL_ENDPOINTS: "legacy",
        }),
      );
    },
    chain: OP,
    code: "XIRSA-STS-GLOBAL-ENDPOINT",
  },
  {
    name: "access entry bound to a re-created role",
    example: "xirsa",
    mutate: (s) => {
      target(s).accessEntries.find((e) => e.principalArn === AGENT_ARN)!.principalId =
        "AROAOLDOLDOLDOLDOLD01";
      s.roles.find((r) => r.arn === AGENT_ARN)!.uniqueId = "AROANEWNEWNEWNEWNEW02";
    },
    chain: OP,
    hop: "cluster-access",
    code: "XIRSA-EKS-ENTRY-STALE",
    reason: /re-created/,
  },
  {
    name: "target role allowing sessions longer than role chaining can",
    example: "xirsa",
    mutate: (s) => {
      s.roles.find((r) => r.arn === AGENT_ARN)!.maxSessionDuration = 43200;
    },
    chain: OP,
    code: "XIRSA-STS-CHAIN-DURATION",
  },
  {
    name: "sts:AssumeRole only in an attached managed policy",
    example: "xirsa",
    mutate: (s) => {
      const role = s.roles.find((r) => r.arn === OPERATOR_ARN)!;
      role.inlinePolicies = {};
      role.attachedPolicyArns = ["arn:aws:iam::111111111111:policy/assume-agents"];
    },
    chain: OP,
    hop: "assume-role",
    code: "XIRSA-ASSUME-IDENTITY-DENIED",
    reason: /source role's identity policies refuse/,
  },
  {
    name: "attached managed policy beside a sufficient inline policy",
    example: "xirsa",
    mutate: (s) => {
      s.roles.find((r) => r.arn === OPERATOR_ARN)!.attachedPolicyArns = [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
      ];
    },
    chain: OP,
    code: "XIRSA-IAM-ATTACHED-UNKNOWN",
  },
  {
    name: "permissions boundary (read live) without sts:AssumeRole",
    example: "xirsa",
    mutate: (s) => {
      const role = s.roles.find((r) => r.arn === OPERATOR_ARN)!;
      role.permissionsBoundary = "arn:aws:iam::111111111111:policy/platform-boundary";
      role.permissionsBoundaryDocument = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:*", "eks:Describe*"], Resource: "*" }],
      };
    },
    chain: OP,
    hop: "assume-role",
    code: "XIRSA-ASSUME-BOUNDARY-DENIED",
    reason: /permissions boundary refuses .*platform-boundary.* does not allow sts:AssumeRole/,
  },
  {
    name: "source issuer unknown",
    example: "xirsa",
    mutate: (s) => {
      delete source(s).oidcIssuer;
    },
    chain: OP,
    hop: "web-identity",
    code: "XIRSA-SOURCE-ISSUER-UNKNOWN",
  },
  {
    name: "source role missing",
    example: "xirsa",
    mutate: (s) => {
      s.roles = s.roles.filter((r) => r.arn !== OPERATOR_ARN);
    },
    chain: OP,
    hop: "web-identity",
    alsoFails: ["assume-role"],
    code: "XIRSA-ROLE-MISSING",
  },
  {
    name: "target role missing",
    example: "xirsa",
    mutate: (s) => {
      s.roles = s.roles.filter((r) => r.arn !== AGENT_ARN);
    },
    chain: OP,
    hop: "assume-role",
    code: "XIRSA-ROLE-MISSING",
  },
  {
    name: "target cluster missing",
    example: "xirsa",
    mutate: (s) => {
      s.clusters = s.clusters.filter((c) => c.name !== "workloads-prod");
    },
    chain: OP,
    hop: "cluster-access",
    alsoFails: ["kubernetes-permissions", "registration"],
    code: "XIRSA-CLUSTER-MISSING",
  },
  {
    name: "namespace-scoped Argo CD whose cluster Secret sets no namespaces (lists cluster-wide)",
    example: "multi-target",
    mutate: (s) => {
      const secret = argocdSecret(s, "cluster-prod");
      delete (secret.data as Record<string, string>).namespaces;
    },
    chain: "prod/argocd",
    hop: "registration",
    code: "XIRSA-ARGOCD-NAMESPACED-CACHE",
    reason: /sets no namespaces/,
  },
  {
    name: "namespace-scoped Argo CD listing a namespace outside its access scope",
    example: "multi-target",
    mutate: (s) => {
      const secret = argocdSecret(s, "cluster-prod");
      (secret.data as Record<string, string>).namespaces =
        Buffer.from("krci-app-dev,default").toString("base64");
    },
    chain: "prod/argocd",
    hop: "registration",
    code: "XIRSA-ARGOCD-NAMESPACES-SCOPE",
    reason: /lists default, outside the access scope/,
  },
  {
    name: "AppProject created by the add-ons as a Helm hook (a live fix is reverted)",
    example: "multi-target",
    mutate: (s) => {
      const project = source(s).objects.find((o) => o.kind === "AppProject")!;
      project.metadata.annotations = { "helm.sh/hook": "post-install" };
    },
    chain: "prod/argocd",
    code: "XIRSA-GITOPS-MANAGED",
  },
  {
    name: "the operator annotated its cluster Secret with an error",
    example: "multi-target",
    mutate: (s) => {
      const secret = source(s).objects.find(
        (o) => o.kind === "Secret" && o.metadata.name === "prod-cluster",
      )!;
      secret.metadata.annotations = {
        "app.edp.epam.com/cluster-connected": "false",
        "app.edp.epam.com/cluster-error": "failed to get token: AccessDenied",
      };
    },
    chain: "prod/cd-pipeline-operator",
    hop: "registration",
    code: "XIRSA-REG-OPERATOR-ERROR",
    reason: /operator reports on Secret krci\/prod-cluster: failed to get token: AccessDenied/,
  },
];
