/** @kubernetes/client-node 1.4 against a sandbox cluster: built-in kinds and custom objects. */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, startTestCluster, type TestCluster } from "./harness.js";

let tc: TestCluster;
let kc: KubeConfig;

beforeAll(async () => {
  tc = await startTestCluster();
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "sandbox",
        server: tc.url,
        caData: Buffer.from(tc.caPem).toString("base64"),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: "admin", token: await tc.token(ADMIN) }],
    contexts: [{ name: "sandbox", cluster: "sandbox", user: "admin" }],
    currentContext: "sandbox",
  });
});
afterAll(async () => tc?.stop());

async function status(
  p: Promise<unknown>,
): Promise<{ code: number; body: { reason?: string; message?: string } }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(e.body as string) };
    throw e;
  }
  throw new Error("expected an ApiException");
}

describe("client-node: built-in kinds", () => {
  it("CRUD of namespaces, configmaps, secrets, service accounts and RBAC", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const ns = await core.createNamespace({ body: { metadata: { name: "cn" } } });
    expect(ns.status?.phase).toBe("Active");
    expect((await core.readNamespace({ name: "cn" })).metadata?.uid).toBe(ns.metadata?.uid);
    const cm = await core.createNamespacedConfigMap({
      namespace: "cn",
      body: { metadata: { name: "c" }, data: { a: "1" } },
    });
    cm.data = { a: "2" };
    const replaced = await core.replaceNamespacedConfigMap({ name: "c", namespace: "cn", body: cm });
    expect(replaced.data).toEqual({ a: "2" });
    const patched = await core.patchNamespacedConfigMap(
      { name: "c", namespace: "cn", body: { data: { b: "3" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ a: "2", b: "3" });
    const jp = await core.patchNamespacedConfigMap({
      name: "c",
      namespace: "cn",
      body: [{ op: "remove", path: "/data/a" }],
    });
    expect(jp.data).toEqual({ b: "3" });
    const stale = await status(core.replaceNamespacedConfigMap({ name: "c", namespace: "cn", body: cm }));
    expect(stale).toMatchObject({ code: 409, body: { reason: "Conflict" } });
    await core.createNamespacedSecret({
      namespace: "cn",
      body: { metadata: { name: "s" }, stringData: { k: "v" } },
    });
    expect((await core.readNamespacedSecret({ name: "s", namespace: "cn" })).data).toEqual({ k: "dg==" });
    const sas = await core.listNamespacedServiceAccount({ namespace: "cn" });
    expect(sas.items.map((s) => s.metadata?.name)).toEqual(["default"]);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRoleBinding({
      namespace: "cn",
      body: {
        metadata: { name: "tenant-admin" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [{ kind: "Group", name: "krci-oidc-admins", apiGroup: "rbac.authorization.k8s.io" }],
      },
    });
    const roles = await rbac.listClusterRole();
    expect(roles.items.map((r) => r.metadata?.name)).toEqual(
      expect.arrayContaining([
        "cluster-admin",
        "admin",
        "edit",
        "view",
        "capsule-namespace-provisioner",
        "capsule-namespace-deleter",
      ]),
    );
    await core.deleteNamespacedConfigMap({ name: "c", namespace: "cn" });
    expect(await status(core.readNamespacedConfigMap({ name: "c", namespace: "cn" }))).toMatchObject({
      code: 404,
      body: { reason: "NotFound", message: 'configmaps "c" not found' },
    });
  });
  it("deployments: pods from the template, labels selectable", async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    await apps.createNamespacedDeployment({
      namespace: "cn",
      body: {
        metadata: { name: "web" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      },
    });
    const pods = await core.listNamespacedPod({ namespace: "cn", labelSelector: "app=web" });
    expect(pods.items).toHaveLength(2);
    expect(pods.items.every((p) => p.status?.phase === "Running")).toBe(true);
    const dep = await apps.readNamespacedDeployment({ name: "web", namespace: "cn" });
    expect(dep.status?.readyReplicas).toBe(2);
  });
});

describe("client-node: custom objects", () => {
  it("CRUD of Argo CD and Capsule objects", async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const app = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: { name: "krci" },
      spec: { destinations: [] },
    };
    await custom.createNamespacedCustomObject({
      group: "argoproj.io",
      version: "v1alpha1",
      namespace: "cn",
      plural: "appprojects",
      body: app,
    });
    const got = (await custom.getNamespacedCustomObject({
      group: "argoproj.io",
      version: "v1alpha1",
      namespace: "cn",
      plural: "appprojects",
      name: "krci",
    })) as {
      metadata: { generation: number };
    };
    expect(got.metadata.generation).toBe(1);
    const patched = (await custom.patchNamespacedCustomObject(
      {
        group: "argoproj.io",
        version: "v1alpha1",
        namespace: "cn",
        plural: "appprojects",
        name: "krci",
        body: { spec: { destinations: [{ namespace: "krci-*", server: "https://b" }] } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as { spec: unknown; metadata: { generation: number } };
    expect(patched.spec).toEqual({ destinations: [{ namespace: "krci-*", server: "https://b" }] });
    expect(patched.metadata.generation).toBe(2);
    const list = (await custom.listNamespacedCustomObject({
      group: "argoproj.io",
      version: "v1alpha1",
      namespace: "cn",
      plural: "appprojects",
    })) as {
      kind: string;
      items: unknown[];
    };
    expect(list.kind).toBe("AppProjectList");
    expect(list.items).toHaveLength(1);
    await custom.createClusterCustomObject({
      group: "capsule.clastix.io",
      version: "v1beta2",
      plural: "tenants",
      body: {
        apiVersion: "capsule.clastix.io/v1beta2",
        kind: "Tenant",
        metadata: { name: "t" },
        spec: { owners: [{ kind: "Group", name: "g" }] },
      },
    });
    const t = (await custom.getClusterCustomObject({
      group: "capsule.clastix.io",
      version: "v1beta2",
      plural: "tenants",
      name: "t",
    })) as { status: unknown };
    expect(t.status).toEqual({ state: "Active", size: 0, namespaces: [] });
    await custom.deleteNamespacedCustomObject({
      group: "argoproj.io",
      version: "v1alpha1",
      namespace: "cn",
      plural: "appprojects",
      name: "krci",
    });
    const gone = await status(
      custom.getNamespacedCustomObject({
        group: "argoproj.io",
        version: "v1alpha1",
        namespace: "cn",
        plural: "appprojects",
        name: "krci",
      }),
    );
    expect(gone).toMatchObject({ code: 404, body: { message: 'appprojects.argoproj.io "krci" not found' } });
  });
});
