import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../config/index.js";
import { parseConfig } from "../config/index.js";
import { ConfigError } from "../errors.js";
import { ADMIN_POLICY, CLUSTER_ADMIN_POLICY, INLINE_POLICY_NAME, NAMESPACE_MANAGER } from "../names/index.js";
import type { AccessEntry, JsonObject, KubeObject, State } from "../state/index.js";
import { desiredState, requireResolved } from "./desired.js";

const ISSUER = "https://oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789";
const source = { accountId: "111111111111", region: "eu-central-1", cluster: "main", oidcIssuer: ISSUER };
const target = (name: string, accountId: string, extra: Partial<ConfigInput["targets"][number]> = {}) => ({
  name,
  accountId,
  region: "eu-west-1",
  cluster: `c-${name}`,
  endpoint: `https://${name}.example.com`,
  ...extra,
});
const cfg = (targets: ConfigInput["targets"], extra: Partial<ConfigInput> = {}) =>
  parseConfig({ name: "dev", source, targets, ...extra });

/** Three targets, two sharing account B; one with Capsule, one namespaced without Capsule. */
const multi = cfg([
  target("a", "222222222222"),
  target("b", "222222222222", { region: "us-east-1", capsule: {} }),
  target("c", "333333333333", { access: "namespaced", namespaces: "apps-*" }),
]);
const { state, chains } = desiredState(multi);

const role = (s: State, name: string, account: string) => {
  const r = s.roles.find((x) => x.name === name && x.accountId === account);
  if (!r) throw new Error(`no role ${name} in ${account}`);
  return r;
};
const cluster = (s: State, name: string) => s.clusters.find((c) => c.name === name)!;
const entryOf = (entries: AccessEntry[], roleName: string) =>
  entries.find((e) => e.principalArn.endsWith(`/${roleName}`))!;
const statement = (doc: JsonObject) => (doc.Statement as JsonObject[])[0]!;
const decode = (obj: KubeObject, key: string) =>
  Buffer.from((obj.data as Record<string, string>)[key]!, "base64").toString("utf8");

describe("roles", () => {
  it("one pair of agent roles per target account, not per target", () => {
    expect(state.roles.map((r) => `${r.accountId}/${r.name}`)).toEqual([
      "111111111111/AWSIRSA_dev_CDPipelineOperator",
      "111111111111/AWSIRSA_dev_ArgoCDMaster",
      "222222222222/AWSIRSA_dev_CDPipelineAgent",
      "222222222222/AWSIRSA_dev_ArgoCDAgentAccess",
      "333333333333/AWSIRSA_dev_CDPipelineAgent",
      "333333333333/AWSIRSA_dev_ArgoCDAgentAccess",
    ]);
  });

  it("the source roles may assume the agent role in every target account, once each", () => {
    const op = role(state, "AWSIRSA_dev_CDPipelineOperator", "111111111111");
    expect(statement(op.inlinePolicies[INLINE_POLICY_NAME]!).Resource).toEqual([
      "arn:aws:iam::222222222222:role/AWSIRSA_dev_CDPipelineAgent",
      "arn:aws:iam::333333333333:role/AWSIRSA_dev_CDPipelineAgent",
    ]);
    const master = role(state, "AWSIRSA_dev_ArgoCDMaster", "111111111111");
    expect(statement(master.inlinePolicies[INLINE_POLICY_NAME]!).Resource).toEqual([
      "arn:aws:iam::222222222222:role/AWSIRSA_dev_ArgoCDAgentAccess",
      "arn:aws:iam::333333333333:role/AWSIRSA_dev_ArgoCDAgentAccess",
    ]);
  });

  it("web-identity trust: the provider, StringEquals for the operator and for Argo CD's three subjects", () => {
    const host = "oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789";
    const op = statement(role(state, "AWSIRSA_dev_CDPipelineOperator", "111111111111").trustPolicy);
    expect(op.Principal).toEqual({ Federated: `arn:aws:iam::111111111111:oidc-provider/${host}` });
    expect(op.Condition).toEqual({
      StringEquals: {
        [`${host}:sub`]: ["system:serviceaccount:krci:edp-cd-pipeline-operator"],
        [`${host}:aud`]: "sts.amazonaws.com",
      },
    });
    const argo = statement(role(state, "AWSIRSA_dev_ArgoCDMaster", "111111111111").trustPolicy);
    expect(Object.keys(argo.Condition as JsonObject)).toEqual(["StringEquals"]);
    expect(((argo.Condition as JsonObject).StringEquals as JsonObject)[`${host}:sub`]).toHaveLength(3);
  });

  it("seedCompat: true renders Argo CD's trust as the seed does (StringLike with the same subjects)", () => {
    const seed = desiredState(cfg(multi.targets, { seedCompat: true })).state;
    const argo = statement(role(seed, "AWSIRSA_dev_ArgoCDMaster", "111111111111").trustPolicy);
    const plain = statement(role(state, "AWSIRSA_dev_ArgoCDMaster", "111111111111").trustPolicy);
    expect(argo.Condition).toEqual({ StringLike: (plain.Condition as JsonObject).StringEquals });
  });

  it("agent roles trust the source role of their chain, and have no inline policy", () => {
    const agent = role(state, "AWSIRSA_dev_CDPipelineAgent", "333333333333");
    expect(statement(agent.trustPolicy).Principal).toEqual({
      AWS: "arn:aws:iam::111111111111:role/AWSIRSA_dev_CDPipelineOperator",
    });
    expect(agent.inlinePolicies).toEqual({});
    const access = role(state, "AWSIRSA_dev_ArgoCDAgentAccess", "222222222222");
    expect(statement(access.trustPolicy).Principal).toEqual({
      AWS: "arn:aws:iam::111111111111:role/AWSIRSA_dev_ArgoCDMaster",
    });
  });

  it("template, path, boundary and tags reach every role and ARN", () => {
    const s = desiredState(
      cfg([target("a", "222222222222")], {
        roleNameTemplate: "{role}-{name}",
        path: "/xirsa/",
        permissionsBoundary: "arn:aws:iam::{account}:policy/pb",
        tags: { team: "x" },
      }),
    ).state;
    for (const r of s.roles) {
      expect(r.arn).toBe(`arn:aws:iam::${r.accountId}:role/xirsa/${r.name}`);
      expect(r.name).toMatch(/^[A-Za-z]+-dev$/);
      expect(r.permissionsBoundary).toBe(`arn:aws:iam::${r.accountId}:policy/pb`);
      expect(r.tags).toEqual({ team: "x", "xirsa.io/managed-by": "xirsa", "xirsa.io/stack": "dev" });
    }
  });

  it("a role name over 64 characters is a config error", () => {
    expect(() =>
      desiredState(
        cfg([target("a", "222222222222")], {
          name: "n".repeat(40),
          roleNameTemplate: "{name}_{name}_{role}",
        }),
      ),
    ).toThrow(ConfigError);
  });

  it("the OIDC provider of the source account: the issuer, client id sts.amazonaws.com", () => {
    expect(state.oidcProviders).toEqual([
      {
        accountId: "111111111111",
        arn: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789",
        url: ISSUER,
        clientIds: ["sts.amazonaws.com"],
        thumbprints: [],
        tags: {},
      },
    ]);
  });
});

describe("access entries", () => {
  it("cluster-admin: the seed's ClusterAdmin policy, cluster scope, for both roles", () => {
    const entries = cluster(state, "c-a").accessEntries;
    for (const name of ["AWSIRSA_dev_CDPipelineAgent", "AWSIRSA_dev_ArgoCDAgentAccess"]) {
      expect(entryOf(entries, name)).toEqual({
        principalArn: `arn:aws:iam::222222222222:role/${name}`,
        type: "STANDARD",
        kubernetesGroups: [],
        accessPolicies: [{ policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } }],
      });
    }
  });

  it("Capsule: the operator's entry has the group and no policy (the seed's note); Argo CD keeps its policy", () => {
    const entries = cluster(state, "c-b").accessEntries;
    expect(entryOf(entries, "AWSIRSA_dev_CDPipelineAgent")).toEqual({
      principalArn: "arn:aws:iam::222222222222:role/AWSIRSA_dev_CDPipelineAgent",
      type: "STANDARD",
      kubernetesGroups: ["cd-pipeline-operator"],
      accessPolicies: [],
    });
    expect(entryOf(entries, "AWSIRSA_dev_ArgoCDAgentAccess").accessPolicies).toEqual([
      { policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } },
    ]);
  });

  it("namespaced: AmazonEKSAdminPolicy scoped to the pattern, and the namespace-manager group for the operator", () => {
    const entries = cluster(state, "c-c").accessEntries;
    const scoped = [{ policyArn: ADMIN_POLICY, accessScope: { type: "namespace", namespaces: ["apps-*"] } }];
    expect(entryOf(entries, "AWSIRSA_dev_CDPipelineAgent")).toMatchObject({
      kubernetesGroups: [NAMESPACE_MANAGER],
      accessPolicies: scoped,
    });
    expect(entryOf(entries, "AWSIRSA_dev_ArgoCDAgentAccess").accessPolicies).toEqual(scoped);
  });
});

describe("Kubernetes objects", () => {
  const src = cluster(state, "main");
  const find = (kind: string, name: string) =>
    src.objects.find((o) => o.kind === kind && o.metadata.name === name)!;

  it("annotated service accounts: the operator and the three Argo CD ones", () => {
    const sas = src.objects.filter((o) => o.kind === "ServiceAccount");
    expect(
      sas.map(
        (o) =>
          `${o.metadata.namespace}/${o.metadata.name}=${o.metadata.annotations?.["eks.amazonaws.com/role-arn"]}`,
      ),
    ).toEqual([
      "krci/edp-cd-pipeline-operator=arn:aws:iam::111111111111:role/AWSIRSA_dev_CDPipelineOperator",
      "argocd/argocd-application-controller=arn:aws:iam::111111111111:role/AWSIRSA_dev_ArgoCDMaster",
      "argocd/argocd-applicationset-controller=arn:aws:iam::111111111111:role/AWSIRSA_dev_ArgoCDMaster",
      "argocd/argocd-server=arn:aws:iam::111111111111:role/AWSIRSA_dev_ArgoCDMaster",
    ]);
  });

  it("AppProject krci: a destination per target", () => {
    expect(find("AppProject", "krci").spec).toEqual({
      destinations: [
        { namespace: "krci-*", server: "https://a.example.com" },
        { namespace: "krci-*", server: "https://b.example.com" },
        { namespace: "apps-*", server: "https://c.example.com" },
      ],
    });
  });

  it("cluster Secrets: Argo CD's names the ArgoCDAgentAccess role, KubeRocketCI's (<name>-cluster) the CDPipelineAgent", () => {
    const argo = find("Secret", "cluster-c");
    expect(argo.metadata.namespace).toBe("argocd");
    expect(argo.metadata.labels?.["argocd.argoproj.io/secret-type"]).toBe("cluster");
    expect(decode(argo, "name")).toBe("c");
    expect(decode(argo, "server")).toBe("https://c.example.com");
    expect(JSON.parse(decode(argo, "config"))).toEqual({
      awsAuthConfig: {
        clusterName: "c-c",
        roleARN: "arn:aws:iam::333333333333:role/AWSIRSA_dev_ArgoCDAgentAccess",
      },
      tlsClientConfig: { insecure: false },
    });
    const krci = find("Secret", "c-cluster");
    expect(krci.metadata.namespace).toBe("krci");
    expect(krci.metadata.labels).toMatchObject({
      "app.edp.epam.com/secret-type": "cluster",
      "app.edp.epam.com/cluster-type": "irsa",
      "argocd.argoproj.io/secret-type": "cluster",
    });
    expect(JSON.parse(decode(krci, "config")).awsAuthConfig.roleARN).toBe(
      "arn:aws:iam::333333333333:role/AWSIRSA_dev_CDPipelineAgent",
    );
  });

  it("krci-config (edp-install >= 3.12.0) lists every target, and nothing is rendered for edp-config", () => {
    expect(find("ConfigMap", "krci-config").data).toEqual({ available_clusters: "a, b, c" });
    expect(cluster(state, "main").objects.some((o) => o.metadata.name === "edp-config")).toBe(false);
  });

  it("source.krci.configMap: edp-config renders for an older installation, and never krci-config", () => {
    const older = desiredState(
      parseConfig({
        name: "dev",
        source: { ...source, krci: { configMap: "edp-config" } },
        targets: [target("a", "222222222222")],
      }),
    ).state;
    const maps = cluster(older, "main").objects.filter((o) => o.kind === "ConfigMap");
    expect(maps.map((o) => o.metadata.name)).toEqual(["edp-config"]);
  });

  it("target clusters: nothing for cluster-admin, Capsule objects, or the namespace-manager RBAC", () => {
    expect(cluster(state, "c-a").objects).toEqual([]);
    const capsule = cluster(state, "c-b").objects;
    expect(capsule.map((o) => o.kind)).toEqual(["CapsuleConfiguration", "Tenant"]);
    // Capsule >= 0.12's form by default, keeping Capsule's own default group (its chart's projectcapsule.dev).
    expect(capsule[0]!.spec).toEqual({
      users: [
        { kind: "Group", name: "projectcapsule.dev" },
        { kind: "Group", name: "cd-pipeline-operator" },
      ],
    });
    expect((capsule[1]!.spec as JsonObject).owners).toEqual([
      { kind: "Group", name: "cd-pipeline-operator", clusterRoles: ["admin", "capsule-namespace-deleter"] },
    ]);
    const rbac = cluster(state, "c-c").objects;
    expect(rbac.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      `ClusterRole/${NAMESPACE_MANAGER}`,
      `ClusterRoleBinding/${NAMESPACE_MANAGER}`,
    ]);
    expect(rbac[1]!.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: NAMESPACE_MANAGER },
    ]);
  });
});

describe("chains and resolution", () => {
  it("two chains per target, from the source role to that target's agent role", () => {
    expect(
      chains.map((c) => `${c.id} ${c.sourceRoleArn.split("/")[1]} -> ${c.targetRoleArn.split(":")[4]}`),
    ).toEqual([
      "a/cd-pipeline-operator AWSIRSA_dev_CDPipelineOperator -> 222222222222",
      "a/argocd AWSIRSA_dev_ArgoCDMaster -> 222222222222",
      "b/cd-pipeline-operator AWSIRSA_dev_CDPipelineOperator -> 222222222222",
      "b/argocd AWSIRSA_dev_ArgoCDMaster -> 222222222222",
      "c/cd-pipeline-operator AWSIRSA_dev_CDPipelineOperator -> 333333333333",
      "c/argocd AWSIRSA_dev_ArgoCDMaster -> 333333333333",
    ]);
    expect(chains.find((c) => c.id === "c/argocd")!.namespacePattern).toBe("apps-*");
  });

  it("names every value that offline work is missing", () => {
    const c = parseConfig({
      name: "dev",
      source: { ...source, oidcIssuer: undefined },
      targets: [{ ...target("a", "222222222222"), endpoint: undefined }, target("b", "333333333333")],
    });
    expect(() => requireResolved(c)).toThrow(
      /^missing source\.oidcIssuer, targets\[0\]\.endpoint \(needed offline\)$/,
    );
    expect(() => desiredState(c)).toThrow(ConfigError);
  });
});

describe("targets[].extraResources (AmazonEKSAdminPolicy grants no custom resources)", () => {
  const extra = [{ apiGroup: "monitoring.coreos.com", resources: ["servicemonitors"] }];
  const config = cfg([
    target("ns", "222222222222", { access: "namespaced", extraResources: extra }),
    target("cap", "333333333333", { access: "namespaced", capsule: {}, extraResources: extra }),
    target("adm", "444444444444", { extraResources: extra }),
  ]);
  const { state: s } = desiredState(config, { envNamespaces: { ns: ["krci-a-dev"], cap: [] } });
  const names = (c: string) =>
    cluster(s, c).objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);

  it("renders the ClusterRole (aggregated to admin), the binder for the operator, and one RoleBinding per environment", () => {
    expect(names("c-ns")).toEqual([
      `ClusterRole//${NAMESPACE_MANAGER}`,
      `ClusterRoleBinding//${NAMESPACE_MANAGER}`,
      "ClusterRole//xirsa-extra-resources",
      "ClusterRole//xirsa-extra-resources-binder",
      "ClusterRoleBinding//xirsa-extra-resources-binder",
      "RoleBinding/krci-a-dev/xirsa-extra-resources",
    ]);
    const role = cluster(s, "c-ns").objects.find((o) => o.metadata.name === "xirsa-extra-resources")!;
    expect(role.metadata.labels!["rbac.authorization.k8s.io/aggregate-to-admin"]).toBe("true");
    expect(role.rules).toEqual([
      {
        apiGroups: ["monitoring.coreos.com"],
        resources: ["servicemonitors"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
      },
    ]);
    const binder = cluster(s, "c-cap").objects.find(
      (o) => o.metadata.name === "xirsa-extra-resources-binder" && o.kind === "ClusterRoleBinding",
    )!;
    expect(binder.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "cd-pipeline-operator" },
    ]);
  });

  it("both chains' access entries get the group; cluster-admin access needs none of it", () => {
    for (const c of ["c-ns", "c-cap"])
      for (const e of cluster(s, c).accessEntries)
        expect(e.kubernetesGroups, c).toContain("xirsa-extra-resources");
    expect(names("c-adm")).toEqual([]);
    for (const e of cluster(s, "c-adm").accessEntries)
      expect(e.kubernetesGroups).not.toContain("xirsa-extra-resources");
  });
});
