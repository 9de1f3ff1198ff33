/** The pure parts of the runtime flows: names, objects, manifests, probe Job, chain specs, endpoints. */
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { applied, checkDeployNamespace, deploymentStatus } from "../../src/agent/deploy.js";
import { envNamespace, envObjects, secretCopy, tenantGroups } from "../../src/agent/env.js";
import { inNamespace, parseManifests } from "../../src/agent/manifests.js";
import { probeJobManifest, probeJobObjects } from "../../src/agent/probeJob.js";
import { flowChainSpec, targetEndpoint } from "../../src/agent/targets.js";
import { parseConfig } from "../../src/config/load.js";
import { AwsError, InputError } from "../../src/errors.js";
import { resourceName } from "../../src/kube/resources.js";
import type { ClusterInfo } from "../../src/live/connections.js";
import type { KubeObject } from "../../src/state/types.js";
import { CA_DATA, testConfig } from "./config.js";

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("environments", () => {
  const config = testConfig();

  it("names the namespace <krci-ns>-<pipeline>-<stage>", () => {
    expect(envNamespace(config, { pipeline: "shop", stage: "qa" })).toBe("krci-shop-qa");
    const custom = testConfig((d) => {
      d.source.krci = { namespace: "edp" };
    });
    expect(envNamespace(custom, { pipeline: "shop", stage: "qa" })).toBe("edp-shop-qa");
  });

  it("refuses a name over 63 characters, naming it and by how much", () => {
    const e = inputError(() => envNamespace(config, { pipeline: "p".repeat(40), stage: "s".repeat(20) }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`krci-${"p".repeat(40)}-${"s".repeat(20)}`);
    expect(e.message).toContain("66 characters");
    expect(e.hint).toContain("by 3 characters");
    // exactly 63 is fine
    expect(envNamespace(config, { pipeline: "p".repeat(40), stage: "s".repeat(17) })).toHaveLength(63);
  });

  it("refuses parts that are not DNS labels", () => {
    expect(inputError(() => envNamespace(config, { pipeline: "Shop", stage: "qa" })).message).toContain(
      "--pipeline 'Shop'",
    );
    expect(inputError(() => envNamespace(config, { pipeline: "shop", stage: "qa-" })).message).toContain(
      "--stage 'qa-'",
    );
  });

  it("labels the namespace with the tenant and binds admin to the two OIDC groups", () => {
    const { namespace, binding } = envObjects(config, "krci-shop-qa");
    expect(namespace.metadata.labels).toEqual({ "app.edp.epam.com/tenant": "krci", "xirsa.io/stack": "dev" });
    expect(binding.metadata).toEqual({ name: "tenant-admin", namespace: "krci-shop-qa" });
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "admin",
    });
    expect((binding.subjects as { name: string; kind: string }[]).map((s) => `${s.kind}:${s.name}`)).toEqual([
      "Group:krci-oidc-admins",
      "Group:krci-oidc-developers",
    ]);
  });

  it("takes the groups from source.krci.oidcGroups when set", () => {
    const c = testConfig((d) => {
      d.source.krci = { oidcGroups: ["platform-admins"] };
    });
    expect(tenantGroups(c)).toEqual(["platform-admins"]);
  });

  it("copies a Secret's type and data only", () => {
    const copy = secretCopy(
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/dockerconfigjson",
        metadata: { name: "regcred", namespace: "krci", uid: "u1", resourceVersion: "7" },
        data: { ".dockerconfigjson": "e30=" },
      },
      "krci-shop-qa",
    );
    expect(copy.metadata.namespace).toBe("krci-shop-qa");
    expect(copy.metadata.uid).toBeUndefined();
    expect(copy.metadata.resourceVersion).toBeUndefined();
    expect(copy.type).toBe("kubernetes.io/dockerconfigjson");
    expect(copy.data).toEqual({ ".dockerconfigjson": "e30=" });
  });
});

describe("manifests", () => {
  it("reads documents and Lists, skipping empty documents", () => {
    const text = [
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}",
      "",
      "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: b}}",
    ].join("\n---\n");
    expect(parseManifests(text, "app.yaml").map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ConfigMap/a",
      "Service/b",
    ]);
  });

  it("refuses bad manifests with the document named", () => {
    expect(inputError(() => parseManifests("kind: ConfigMap\nmetadata: {name: a}", "f.yaml")).message).toBe(
      "f.yaml document 1: missing apiVersion",
    );
    expect(
      inputError(() => parseManifests("apiVersion: v1\nkind: X\nmetadata: {}", "f.yaml")).message,
    ).toContain("missing metadata.name");
    expect(inputError(() => parseManifests("a: [", "f.yaml")).message).toContain(
      "invalid YAML in document 1",
    );
    expect(inputError(() => parseManifests("---\n", "f.yaml")).message).toContain(
      "holds no Kubernetes objects",
    );
    const twice =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}";
    expect(inputError(() => parseManifests(twice, "f.yaml")).message).toContain("appears twice");
  });

  it("puts objects in the namespace and refuses another one", () => {
    const objs = parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}", "f");
    expect(inNamespace(objs, "krci-a-b", "f")[0]!.metadata.namespace).toBe("krci-a-b");
    const other = parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}", "f");
    expect(inputError(() => inNamespace(other, "krci-a-b", "f")).message).toContain("names namespace x");
  });

  it("the sample application parses into a Deployment and a Service without namespaces", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../../examples/app.yaml", import.meta.url), "utf8");
    const objs = parseManifests(text, "examples/app.yaml");
    expect(objs.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(["apps/v1 Deployment", "v1 Service"]);
    expect(objs.every((o) => o.metadata.namespace === undefined)).toBe(true);
  });
});

describe("deploy helpers", () => {
  const config = testConfig();

  it("refuses namespaces outside the target's pattern", () => {
    expect(() => checkDeployNamespace(config, "prod", "krci-shop-qa")).not.toThrow();
    const e = inputError(() => checkDeployNamespace(config, "prod", "default"));
    expect(e.message).toBe("namespace default is outside target prod's namespaces krci-*");
  });

  it("compares what apply sets, not server fields", () => {
    const obj = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "a", namespace: "n", labels: { x: "1" }, uid: "u", resourceVersion: "3" },
      data: { k: "v" },
      status: { s: 1 },
    };
    expect(applied(obj)).toEqual({ data: { k: "v" }, metadata: { labels: { x: "1" } } });
  });

  it("names resources as kubectl does", () => {
    const dep = { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", namespaced: true };
    const svc = { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true };
    expect(resourceName(dep, "web")).toBe("deployment.apps/web");
    expect(resourceName(svc, "web")).toBe("service/web");
  });

  it("calls a Deployment available only when the latest generation is rolled out", () => {
    const d = (generation: number, status: Record<string, number>) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", generation },
      spec: { replicas: 2 },
      status,
    });
    expect(
      deploymentStatus(d(2, { observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2 })).ready,
    ).toBe(true);
    expect(
      deploymentStatus(d(3, { observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2 })).ready,
    ).toBe(false);
    expect(
      deploymentStatus(d(2, { observedGeneration: 2, updatedReplicas: 2, availableReplicas: 1 })).ready,
    ).toBe(false);
    expect(
      deploymentStatus(d(2, { observedGeneration: 2, updatedReplicas: 1, availableReplicas: 2 })).ready,
    ).toBe(false);
  });
});

describe("chains and endpoints", () => {
  const config = testConfig();

  it("names the roles of each flow without discovery", () => {
    const op = flowChainSpec(config, "cd-pipeline-operator", "prod");
    expect(op.sourceRoleArn).toBe("arn:aws:iam::111111111111:role/AWSIRSA_dev_CDPipelineOperator");
    expect(op.targetRoleArn).toBe("arn:aws:iam::222222222222:role/AWSIRSA_dev_CDPipelineAgent");
    expect(op.serviceAccounts).toEqual([{ namespace: "krci", name: "edp-cd-pipeline-operator" }]);
    const argo = flowChainSpec(config, "argocd", "tenants");
    expect(argo.targetRoleArn).toBe("arn:aws:iam::333333333333:role/AWSIRSA_dev_ArgoCDAgentAccess");
    expect(argo.serviceAccounts[0]).toEqual({ namespace: "argocd", name: "argocd-application-controller" });
    expect(inputError(() => flowChainSpec(config, "argocd", "nope")).hint).toBe("use one of: prod, tenants");
  });

  const info: ClusterInfo = {
    ref: { accountId: "222222222222", region: "eu-west-1", name: "workloads" },
    endpoint: "https://127.0.0.1:7443",
    caData: "Q0E=",
    issuer: "",
  };
  const describes = { describeCluster: async () => info };
  const denied = {
    describeCluster: async (): Promise<ClusterInfo> => {
      throw new AwsError(
        "aws.AccessDeniedException",
        "DescribeCluster workloads failed: AccessDeniedException: no",
      );
    },
  };
  const ref = (name: string) => {
    const i = config.targets.findIndex((t) => t.name === name);
    const t = config.targets[i]!;
    return { target: t, index: i, cluster: { accountId: t.accountId, region: t.region, name: t.cluster } };
  };

  it("prefers DescribeCluster (auto) and warns when the config differs", async () => {
    const e = await targetEndpoint(ref("prod"), describes, "auto");
    expect(e).toMatchObject({ endpoint: "https://127.0.0.1:7443", caData: "Q0E=", from: "DescribeCluster" });
    expect(e.warnings[0]).toContain("targets[0].endpoint is https://ABC.gr7.eu-west-1.eks.amazonaws.com");
  });

  it("falls back to the config when DescribeCluster cannot be made (auto), not with describe", async () => {
    const e = await targetEndpoint(ref("prod"), denied, "auto");
    expect(e).toMatchObject({
      endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
      caData: CA_DATA,
      from: "config",
    });
    expect(e.warnings[0]).toContain("DescribeCluster workloads failed");
    await expect(targetEndpoint(ref("prod"), denied, "describe")).rejects.toBeInstanceOf(AwsError);
    await expect(targetEndpoint(ref("tenants"), denied, "auto")).rejects.toBeInstanceOf(AwsError);
  });

  it("config mode needs endpoint and caData (bad input otherwise)", async () => {
    expect((await targetEndpoint(ref("prod"), denied, "config")).from).toBe("config");
    await expect(targetEndpoint(ref("tenants"), describes, "config")).rejects.toThrow(
      "targets[1] has no endpoint for --endpoint-from config",
    );
  });
});

interface PodSpec {
  serviceAccountName: string;
  restartPolicy: string;
  containers: { args: string[]; image: string }[];
  volumes: { configMap: { name: string } }[];
}

function podOf(job: KubeObject | undefined): PodSpec {
  return (job!.spec as unknown as { template: { spec: PodSpec } }).template.spec;
}

describe("probe Job", () => {
  const config = testConfig();

  it("runs the probe in the flow's namespace under its ServiceAccount, config mounted", () => {
    const [cm, job] = probeJobObjects(config, "cd-pipeline-operator", "prod");
    expect(cm!.kind).toBe("ConfigMap");
    expect(job!.apiVersion).toBe("batch/v1");
    expect(job!.metadata).toMatchObject({ name: "xirsa-probe-prod-operator", namespace: "krci" });
    const pod = podOf(job);
    expect(pod.serviceAccountName).toBe("edp-cd-pipeline-operator");
    expect(pod.restartPolicy).toBe("Never");
    const args = pod.containers[0]!.args;
    expect(args).toEqual(
      expect.arrayContaining([
        "probe",
        "--chain",
        "cd-pipeline-operator",
        "--target",
        "prod",
        "--skip-source",
      ]),
    );
    expect(args[args.indexOf("--endpoint-from") + 1]).toBe("config");
    expect(pod.volumes[0]!.configMap.name).toBe(cm!.metadata.name);

    // The mounted config is valid, holds only this target, and no profiles.
    const mounted = parseConfig(parse((cm!.data as Record<string, string>)["xirsa.yaml"]!));
    expect(mounted.targets.map((t) => t.name)).toEqual(["prod"]);
    expect(mounted.source.profile).toBeUndefined();
    expect(mounted.targets[0]!.profile).toBeUndefined();
  });

  it("uses the Argo CD controller's ServiceAccount and discovery when the config has no endpoint", () => {
    const [, job] = probeJobObjects(config, "argocd", "tenants", { image: "registry.local/xirsa:dev" });
    const pod = podOf(job);
    expect(job!.metadata.namespace).toBe("argocd");
    expect(pod.serviceAccountName).toBe("argocd-application-controller");
    expect(pod.containers[0]!.image).toBe("registry.local/xirsa:dev");
    const args = pod.containers[0]!.args;
    expect(args[args.indexOf("--endpoint-from") + 1]).toBe("auto");
  });

  it("keeps names within 63 characters", () => {
    const c = testConfig((d) => {
      (d.targets[0] as Record<string, unknown>).name = "a".repeat(60);
    });
    const [, job] = probeJobObjects(c, "cd-pipeline-operator", "a".repeat(60));
    expect(job!.metadata.name.length).toBeLessThanOrEqual(63);
    expect(job!.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("renders YAML documents that read back as the objects", () => {
    const text = probeJobManifest(config, "argocd", "prod");
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(["ConfigMap", "Job"]);
    expect(docs).toEqual(probeJobObjects(config, "argocd", "prod"));
  });
});
