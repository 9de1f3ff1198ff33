/**
 * The pure parts of --discover: reading cluster Secrets as Argo CD and KubeRocketCI do, role names back to a
 * template, and what was found → xirsa.yaml with the notes on what it cannot say.
 */
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { importConfig } from "../../src/discover/model.js";
import { inferNaming } from "../../src/discover/naming.js";
import type { Found } from "../../src/discover/read.js";
import { parseClusterSecret, regionOfEndpoint } from "../../src/discover/secrets.js";
import type { IamRole, KubeObject } from "../../src/state/types.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const A = "111111111111";
const B = "222222222222";

function secret(
  ns: string,
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: ns, labels },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

const config = (roleARN: string) =>
  JSON.stringify({
    awsAuthConfig: { clusterName: "workloads", roleARN },
    tlsClientConfig: { insecure: false },
  });

describe("cluster Secrets", () => {
  it("reads name, server (trailing slash trimmed), awsAuthConfig and namespaces", () => {
    const p = parseClusterSecret(
      secret("argocd", "cluster-b", {
        name: "b",
        server: "https://X.gr7.eu-west-1.eks.amazonaws.com/",
        config: config(`arn:aws:iam::${B}:role/Agent`),
        namespaces: "krci-a, krci-b ,",
      }),
      "argocd",
    );
    expect(p).toEqual({
      ok: true,
      cluster: {
        registrar: "argocd",
        secret: "argocd/cluster-b",
        name: "b",
        server: "https://X.gr7.eu-west-1.eks.amazonaws.com",
        clusterName: "workloads",
        roleArn: `arn:aws:iam::${B}:role/Agent`,
        namespaces: ["krci-a", "krci-b"],
      },
    });
  });

  it("skips KubeRocketCI bearer Secrets and Secrets without awsAuthConfig, saying why", () => {
    const data = { name: "b", server: "https://x", config: config(`arn:aws:iam::${B}:role/Agent`) };
    const bearer = parseClusterSecret(
      secret("krci", "b-cluster", data, { "app.edp.epam.com/cluster-type": "bearer" }),
      "krci",
    );
    expect(bearer).toMatchObject({ ok: false, why: expect.stringContaining("not an IRSA cluster") });
    const irsa = parseClusterSecret(
      secret("krci", "b-cluster", data, { "app.edp.epam.com/cluster-type": "irsa" }),
      "krci",
    );
    expect(irsa.ok).toBe(true);
    const token = parseClusterSecret(
      secret("argocd", "c", { name: "c", server: "https://x", config: '{"bearerToken":"t"}' }),
      "argocd",
    );
    expect(token).toMatchObject({ ok: false, why: expect.stringContaining("not IRSA") });
    const broken = parseClusterSecret(
      secret("argocd", "d", { name: "d", server: "https://x", config: "{" }),
      "argocd",
    );
    expect(broken).toMatchObject({ ok: false, why: "data.config is not JSON" });
  });

  it("finds the region in a public EKS endpoint only", () => {
    expect(regionOfEndpoint("https://0D2B.gr7.us-east-1.eks.amazonaws.com")).toBe("us-east-1");
    expect(regionOfEndpoint("https://127.0.0.1:6443")).toBeUndefined();
  });
});

describe("role names → roleNameTemplate", () => {
  const names = (f: (k: string) => string) => ({
    CDPipelineOperator: f("CDPipelineOperator"),
    ArgoCDMaster: f("ArgoCDMaster"),
    CDPipelineAgent: f("CDPipelineAgent"),
    ArgoCDAgentAccess: f("ArgoCDAgentAccess"),
  });
  it("the seed's names give the default template and the name", () => {
    expect(
      inferNaming(
        names((k) => `AWSIRSA_prod-eu_${k}`),
        "x",
      ),
    ).toEqual({
      name: "prod-eu",
      roleNameTemplate: "AWSIRSA_{name}_{role}",
    });
  });
  it("another common shape gives a literal template", () => {
    expect(
      inferNaming(
        names((k) => `irsa-${k}-role`),
        "krci-main",
      ),
    ).toEqual({
      name: "krci-main",
      roleNameTemplate: "irsa-{role}-role",
    });
  });
  it("names that share no shape give none", () => {
    const n = names((k) => `AWSIRSA_a_${k}`);
    expect(inferNaming({ ...n, ArgoCDMaster: "argo-master" }, "x")).toBeUndefined();
    expect(inferNaming({ ...n, ArgoCDMaster: "AWSIRSA_b_ArgoCDMaster" }, "x")).toBeUndefined();
  });
});

function role(arn: string, trust: object, inline: Record<string, object> = {}): IamRole {
  const [, , , , accountId, rest] = arn.split(":");
  return {
    accountId: accountId!,
    name: rest!.split("/").pop()!,
    path: "/",
    arn,
    trustPolicy: trust as IamRole["trustPolicy"],
    inlinePolicies: inline as IamRole["inlinePolicies"],
    attachedPolicyArns: [],
    tags: {},
  };
}

const arn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const trusts = (principal: string) => ({
  Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }],
});
const sa = (namespace: string, name: string, roleArn?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: {
    name,
    namespace,
    ...(roleArn ? { annotations: { "eks.amazonaws.com/role-arn": roleArn } } : {}),
  },
});

function found(over: { agentArgo?: string; trustArgo?: string; argoAnnotation?: string } = {}): Found {
  const agentArgo = over.agentArgo ?? arn(B, "AWSIRSA_main_ArgoCDAgentAccess");
  const agentOp = arn(B, "AWSIRSA_main_CDPipelineAgent");
  const reg = (registrar: "argocd" | "krci", roleArn: string) => ({
    registrar,
    secret: registrar === "argocd" ? "argocd/cluster-b" : "krci/b-cluster",
    name: "b",
    server: "https://b.example",
    clusterName: "workloads",
    roleArn,
  });
  const roles = [
    role(agentArgo, trusts(over.trustArgo ?? arn(A, "AWSIRSA_main_ArgoCDMaster"))),
    role(agentOp, trusts(arn(A, "AWSIRSA_main_CDPipelineOperator"))),
    role(arn(A, "AWSIRSA_main_ArgoCDMaster"), { Statement: [] }, { "xirsa-assume-agent-roles": {} }),
    role(arn(A, "AWSIRSA_main_CDPipelineOperator"), { Statement: [] }, { Mine: {} }),
  ];
  return {
    source: {
      accountId: A,
      region: "eu-central-1",
      cluster: "krci-main",
      issuer: "https://oidc.example/id/X",
    },
    serviceAccounts: [
      sa("krci", "edp-cd-pipeline-operator", arn(A, "AWSIRSA_main_CDPipelineOperator")),
      sa(
        "argocd",
        "argocd-application-controller",
        over.argoAnnotation ?? arn(A, "AWSIRSA_main_ArgoCDMaster"),
      ),
      sa("argocd", "argocd-server", arn(A, "AWSIRSA_main_ArgoCDMaster")),
    ],
    appProjects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: "apps", namespace: "argocd" },
        spec: { destinations: [{ namespace: "team-*", server: "https://b.example" }] },
      },
    ],
    targets: [
      {
        name: "b",
        argocd: reg("argocd", agentArgo),
        krci: reg("krci", agentOp),
        accountId: B,
        region: "eu-west-1",
        cluster: "workloads",
        endpoint: "https://b.example",
        entries: [
          {
            principalArn: agentArgo,
            type: "STANDARD",
            kubernetesGroups: [],
            accessPolicies: [
              {
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
                accessScope: { type: "namespace", namespaces: ["team-*"] },
              },
            ],
          },
          {
            principalArn: agentOp,
            type: "STANDARD",
            kubernetesGroups: ["xirsa-namespace-manager"],
            accessPolicies: [
              {
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
                accessScope: { type: "namespace", namespaces: ["team-*"] },
              },
            ],
          },
        ],
        tenants: [],
      },
    ],
    roles: new Map(roles.map((r) => [r.arn, r])),
    notes: [],
  };
}

const OPTS = {
  krciNamespace: "krci",
  argocdNamespace: "argocd",
  sourceProfile: "a",
  profileFor: { [B]: "b" },
};

describe("what was found → xirsa.yaml", () => {
  it("keeps only what differs from the defaults: project, namespaces, access, service accounts, profiles", () => {
    const { config, notes } = importConfig(found(), OPTS);
    expect(config).toEqual({
      name: "main",
      // The operator's permissions live in an inline policy of its own name: kept by name.
      inlinePolicyNames: { CDPipelineOperator: "Mine" },
      source: {
        accountId: A,
        region: "eu-central-1",
        cluster: "krci-main",
        profile: "a",
        krci: { namespace: "krci" },
        argocd: {
          namespace: "argocd",
          serviceAccounts: ["argocd-application-controller", "argocd-server"],
          project: "apps",
        },
      },
      targets: [
        {
          name: "b",
          accountId: B,
          region: "eu-west-1",
          cluster: "workloads",
          profile: "b",
          namespaces: "team-*",
          access: "namespaced",
        },
      ],
    });
    expect(() => configSchema.parse(config)).not.toThrow();
    expect(notes).toEqual([]);
  });

  it("several inline policies on a source role cannot be expressed: a note, and none is named", () => {
    const f = found();
    const operator = f.roles.get(arn(A, "AWSIRSA_main_CDPipelineOperator"))!;
    f.roles.set(operator.arn, { ...operator, inlinePolicies: { Mine: {}, Other: {} } });
    const { config, notes } = importConfig(f, OPTS);
    expect(config.inlinePolicyNames).toBeUndefined();
    expect(notes).toEqual([
      expect.stringContaining(
        "role AWSIRSA_main_CDPipelineOperator holds its permissions in 2 inline policies (Mine, Other)",
      ),
    ]);
  });

  it("follows the annotation when the agent trusts another A role, and says so", () => {
    const { config, notes } = importConfig(found({ trustArgo: arn(A, "AWSIRSA_main_ArgoCDMastr") }), OPTS);
    expect(config.name).toBe("main");
    expect(notes).toContainEqual(
      expect.stringMatching(
        /^Argo CD: the ServiceAccount is annotated with .*ArgoCDMaster but the agent roles trust .*ArgoCDMastr/,
      ),
    );
  });

  it("keeps the stack name the seed-shaped role names carry, whatever --name says", () => {
    const { config, notes } = importConfig(found(), { ...OPTS, name: "other" });
    expect(config.name).toBe("main");
    expect(notes).toContainEqual(expect.stringContaining("--name other ignored"));
  });

  it("says when the role names follow no template", () => {
    const { config, notes } = importConfig(found({ agentArgo: arn(B, "argo-deployer") }), OPTS);
    expect(notes).toContainEqual(expect.stringContaining("follow no single roleNameTemplate"));
    expect(config.roleNameTemplate).toBeUndefined();
  });
});
