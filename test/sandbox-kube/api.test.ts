/** The sandbox Kubernetes API over real HTTPS, with EKS tokens presigned by @smithy/signature-v4. */
import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintServiceAccountToken } from "../../src/sandbox/kube/index.js";
import {
  ADMIN,
  call,
  eksToken,
  NOBODY,
  POLICY,
  type Principal,
  RECREATED,
  rolePrincipal,
  STALE_ENTRY,
  startTestCluster,
  type TestCluster,
} from "./harness.js";

const DEV = rolePrincipal("Dev", "dev-session", "AROADEV000000000001");
const VIEWER = rolePrincipal("Viewer", "v", "AROAVIEW00000000001");
const AGENT = rolePrincipal("CDPipelineAgent", "agent", "AROAAGENT0000000001");
const LONER = rolePrincipal("Loner", "l", "AROALONER0000000001");

let tc: TestCluster;
let admin: string;
const as = async (p: Principal) => tc.token(p);

beforeAll(async () => {
  tc = await startTestCluster({
    principals: [DEV, VIEWER, AGENT, LONER, NOBODY, RECREATED],
    entries: [
      {
        principalArn: "arn:aws:iam::111111111111:role/Dev",
        principalId: "AROADEV000000000001",
        accessPolicies: [
          {
            policyArn: POLICY("AmazonEKSEditPolicy"),
            accessScope: { type: "namespace", namespaces: ["krci-*"] },
          },
        ],
      },
      {
        principalArn: "arn:aws:iam::111111111111:role/Viewer",
        principalId: "AROAVIEW00000000001",
        username: "viewer:{{SessionName}}",
        kubernetesGroups: ["viewers"],
        accessPolicies: [{ policyArn: POLICY("AmazonEKSViewPolicy"), accessScope: { type: "cluster" } }],
      },
      {
        principalArn: "arn:aws:iam::111111111111:role/CDPipelineAgent",
        principalId: "AROAAGENT0000000001",
        kubernetesGroups: ["cd-pipeline-operator", "capsule.clastix.io"],
      },
      {
        principalArn: "arn:aws:iam::111111111111:role/Loner",
        principalId: "AROALONER0000000001",
        kubernetesGroups: ["capsule.clastix.io"],
      },
      STALE_ENTRY,
    ],
  });
  admin = await as(ADMIN);
});
afterAll(async () => tc?.stop());

const create = (path: string, body: unknown, token = admin) => call(tc, "POST", path, { token, body });

describe("discovery", () => {
  it("/version answers anonymously; other paths need credentials", async () => {
    const v = await call(tc, "GET", "/version");
    expect(v.status).toBe(200);
    expect(v.json).toMatchObject({ major: "1", minor: "31", gitVersion: expect.stringMatching(/^v1\.31\./) });
    const api = await call(tc, "GET", "/api");
    expect(api.status).toBe(403);
    expect(api.json).toMatchObject({
      kind: "Status",
      reason: "Forbidden",
      message: 'forbidden: User "system:anonymous" cannot get path "/api"',
    });
  });
  it("serves legacy lists", async () => {
    expect((await call(tc, "GET", "/api", { token: admin })).json).toMatchObject({
      kind: "APIVersions",
      versions: ["v1"],
    });
    const groups = (await call(tc, "GET", "/apis", { token: admin })).json;
    expect(groups.kind).toBe("APIGroupList");
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining([
        "apps",
        "rbac.authorization.k8s.io",
        "authorization.k8s.io",
        "argoproj.io",
        "capsule.clastix.io",
      ]),
    );
    const core = (await call(tc, "GET", "/api/v1", { token: admin })).json;
    const pods = core.resources.find((r: { name: string }) => r.name === "pods");
    expect(pods).toMatchObject({ namespaced: true, kind: "Pod", shortNames: ["po"] });
    expect(core.resources.map((r: { name: string }) => r.name)).toContain("pods/status");
    const capsule = (await call(tc, "GET", "/apis/capsule.clastix.io/v1beta2", { token: admin })).json;
    expect(capsule.resources.find((r: { name: string }) => r.name === "tenants")).toMatchObject({
      namespaced: false,
      kind: "Tenant",
    });
  });
  it("serves aggregated discovery v2 with its content type", async () => {
    const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    const r = await call(tc, "GET", "/apis", { token: admin, accept });
    expect(r.headers["content-type"]).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    );
    expect(r.json.kind).toBe("APIGroupDiscoveryList");
    const apps = r.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === "apps");
    expect(apps.versions[0].resources[0]).toMatchObject({
      resource: "deployments",
      responseKind: { group: "apps", version: "v1", kind: "Deployment" },
      scope: "Namespaced",
      singularResource: "deployment",
    });
    const core = await call(tc, "GET", "/api", { token: admin, accept });
    expect(core.json.items).toHaveLength(1);
    expect(core.json.items[0].metadata.name).toBe("");
  });
  it("serves /openapi/v3 with a PATCH operation per kind carrying the GVK and fieldValidation", async () => {
    const index = (await call(tc, "GET", "/openapi/v3", { token: admin })).json;
    const url = index.paths["apis/argoproj.io/v1alpha1"].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/argoproj.io\/v1alpha1\?hash=/);
    const doc = (await call(tc, "GET", url, { token: admin })).json;
    const patch = doc.paths["/apis/argoproj.io/v1alpha1/namespaces/{namespace}/appprojects/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({
      group: "argoproj.io",
      version: "v1alpha1",
      kind: "AppProject",
    });
    expect(patch.parameters).toContainEqual(
      expect.objectContaining({ name: "fieldValidation", in: "query" }),
    );
    expect((await call(tc, "GET", "/openapi/v3/apis/nope/v1", { token: admin })).status).toBe(404);
  });
});

describe("authentication", () => {
  it("maps an access entry: default username, groups, uid", async () => {
    const r = await create(
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      { spec: { resourceAttributes: { verb: "list", resource: "pods", namespace: "x" } } },
      await as(VIEWER),
    );
    expect(r.status).toBe(201);
    expect(r.json.status.allowed).toBe(true);
    expect(tc.resolveCalls.at(-1)).toEqual({
      arn: "arn:aws:iam::111111111111:role/Viewer",
      uniqueId: "AROAVIEW00000000001",
    });
    expect(tc.stsCalls.at(-1)!.headers).toEqual({ "x-k8s-aws-id": "target" });
  });
  it("expands the entry's username template (seen in Forbidden messages)", async () => {
    const r = await create("/api/v1/namespaces", { metadata: { name: "nope" } }, await as(VIEWER));
    expect(r.status).toBe(403);
    expect(r.json.message).toBe(
      'namespaces is forbidden: User "viewer:v" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
    const dev = await create("/api/v1/namespaces", { metadata: { name: "nope" } }, await as(DEV));
    expect(dev.json.message).toContain(
      'User "arn:aws:sts::111111111111:assumed-role/Dev/dev-session" cannot create',
    );
  });
  const unauthorized = {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    message: "Unauthorized",
    reason: "Unauthorized",
    code: 401,
  };
  it("refuses a token for another cluster (STS sees this cluster's id: signature mismatch)", async () => {
    const t = await eksToken(ADMIN, "other-cluster");
    const r = await call(tc, "GET", "/api/v1/namespaces", { token: t });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject(unauthorized);
    expect(tc.stsCalls.at(-1)!.headers["x-k8s-aws-id"]).toBe("target");
  });
  it("refuses an expired token without calling STS", async () => {
    const before = tc.stsCalls.length;
    const t = await tc.token(ADMIN, { date: new Date(Date.now() - 16 * 60_000) });
    const r = await call(tc, "GET", "/api/v1/namespaces", { token: t });
    expect(r.status).toBe(401);
    expect(tc.stsCalls.length).toBe(before);
  });
  it("asks STS once per token (cached like webhook token reviews) but maps the entry on every request", async () => {
    // A signing date of its own makes a token no earlier test used.
    const t = await tc.token(VIEWER, { date: new Date(Date.now() - 7_000) });
    const sts = tc.stsCalls.length;
    const resolves = tc.resolveCalls.length;
    for (let i = 0; i < 3; i++)
      expect((await call(tc, "GET", "/api/v1/namespaces", { token: t })).status).toBe(200);
    expect(tc.stsCalls.length - sts).toBe(1);
    expect(tc.resolveCalls.length - resolves).toBe(3);
  });
  it("refuses principals without access entry and stale entries", async () => {
    for (const p of [NOBODY, RECREATED]) {
      const r = await call(tc, "GET", "/api/v1/namespaces", { token: await as(p) });
      expect(r.status, p.arn).toBe(401);
      expect(r.json).toMatchObject(unauthorized);
    }
  });
  it("refuses garbage, foreign hosts and unsigned cluster ids", async () => {
    const foreign = await tc.token(ADMIN, { host: "sts.amazonaws.com.evil.io", protocol: "https:" });
    for (const token of ["garbage", "k8s-aws-v1.e30", foreign]) {
      expect((await call(tc, "GET", "/api/v1/namespaces", { token })).status).toBe(401);
    }
  });
  it("accepts service-account JWTs of this cluster only, for existing accounts and the API audience", async () => {
    const mint = (audience: string, sa = "default", key = tc.saKey) =>
      mintServiceAccountToken({
        cluster: tc.cluster,
        key,
        namespace: "default",
        serviceAccount: sa,
        audience,
        ttlSeconds: 600,
        now: new Date(),
      });
    const ok = await call(tc, "GET", "/api/v1/namespaces/default/pods", {
      token: await mint("https://kubernetes.default.svc"),
    });
    expect(ok.status).toBe(403);
    expect(ok.json.message).toContain(
      'User "system:serviceaccount:default:default" cannot list resource "pods"',
    );
    expect(
      (await call(tc, "GET", "/api/v1/namespaces", { token: await mint("sts.amazonaws.com") })).status,
    ).toBe(401);
    expect(
      (
        await call(tc, "GET", "/api/v1/namespaces", {
          token: await mint("https://kubernetes.default.svc", "ghost"),
        })
      ).status,
    ).toBe(401);
    const { generateSaSigningKey } = await import("../../src/sandbox/jwt.js");
    const forged = await mint("https://kubernetes.default.svc", "default", generateSaSigningKey());
    expect((await call(tc, "GET", "/api/v1/namespaces", { token: forged })).status).toBe(401);
  });
});

describe("CRUD and Status objects", () => {
  it("creates, gets, conflicts and reports kube-apiserver errors", async () => {
    expect((await create("/api/v1/namespaces", { metadata: { name: "crud" } })).status).toBe(201);
    const dup = await create("/api/v1/namespaces", { metadata: { name: "crud" } });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({
      reason: "AlreadyExists",
      message: 'namespaces "crud" already exists',
      details: { name: "crud", kind: "namespaces" },
    });
    const missing = await call(tc, "GET", "/api/v1/namespaces/x", { token: admin });
    expect(missing.json).toMatchObject({
      code: 404,
      reason: "NotFound",
      message: 'namespaces "x" not found',
    });
    const dep404 = await call(tc, "GET", "/apis/apps/v1/namespaces/crud/deployments/d", { token: admin });
    expect(dep404.json.message).toBe('deployments.apps "d" not found');
    const noNs = await create("/api/v1/namespaces/ghost/configmaps", { metadata: { name: "c" } });
    expect(noNs.json).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
    const bad = await create("/api/v1/namespaces", { metadata: { name: "Bad_Name" } });
    expect(bad.status).toBe(422);
    expect(bad.json.reason).toBe("Invalid");
    expect(bad.json.message).toMatch(
      /^Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/,
    );
    expect(bad.json.details.causes[0]).toMatchObject({ reason: "FieldValueInvalid", field: "metadata.name" });
    const mismatch = await create("/api/v1/namespaces/crud/configmaps", {
      metadata: { name: "c", namespace: "other" },
    });
    expect(mismatch.json).toMatchObject({
      code: 400,
      message: "the namespace of the provided object does not match the namespace sent on the request",
    });

    const cm = await create("/api/v1/namespaces/crud/configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { a: "1" },
    });
    expect(cm.status).toBe(201);
    expect(cm.json.metadata).toMatchObject({
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resourceVersion: expect.any(String),
      creationTimestamp: expect.stringMatching(/Z$/),
    });
    const rv = cm.json.metadata.resourceVersion;
    const upd = await call(tc, "PUT", "/api/v1/namespaces/crud/configmaps/c", {
      token: admin,
      body: { ...cm.json, data: { a: "2" } },
    });
    expect(upd.status).toBe(200);
    expect(upd.json.metadata.resourceVersion).not.toBe(rv);
    expect(upd.json.metadata.uid).toBe(cm.json.metadata.uid);
    const stale = await call(tc, "PUT", "/api/v1/namespaces/crud/configmaps/c", {
      token: admin,
      body: { ...cm.json, data: { a: "3" } },
    });
    expect(stale.json).toMatchObject({
      code: 409,
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
    });
    const gen = await create("/api/v1/namespaces/crud/configmaps", { metadata: { generateName: "gen-" } });
    expect(gen.json.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    const secret = await create("/api/v1/namespaces/crud/secrets", {
      metadata: { name: "s" },
      stringData: { k: "v" },
    });
    expect(secret.json).toMatchObject({ type: "Opaque", data: { k: Buffer.from("v").toString("base64") } });
    expect(secret.json.stringData).toBeUndefined();
  });
  it("allocates a cluster IP and defaults ports of a Service", async () => {
    const svc = await create("/api/v1/namespaces/crud/services", {
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    });
    expect(svc.status).toBe(201);
    expect(svc.json.spec).toMatchObject({
      type: "ClusterIP",
      clusterIP: expect.stringMatching(/^172\.20\./),
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
    });
  });
  it("generation moves with spec changes of custom resources only", async () => {
    const p = await create("/apis/argoproj.io/v1alpha1/namespaces/crud/appprojects", {
      metadata: { name: "krci" },
      spec: { destinations: [] },
    });
    expect(p.json.metadata.generation).toBe(1);
    const path = "/apis/argoproj.io/v1alpha1/namespaces/crud/appprojects/krci";
    const label = await call(tc, "PATCH", path, {
      token: admin,
      body: { metadata: { labels: { a: "b" } } },
      contentType: "application/merge-patch+json",
    });
    expect(label.json.metadata.generation).toBe(1);
    const spec = await call(tc, "PATCH", path, {
      token: admin,
      body: { spec: { destinations: [{ namespace: "krci-*", server: "https://b" }] } },
      contentType: "application/merge-patch+json",
    });
    expect(spec.json.metadata.generation).toBe(2);
    const smp = await call(tc, "PATCH", path, {
      token: admin,
      body: { spec: {} },
      contentType: "application/strategic-merge-patch+json",
    });
    expect(smp.status).toBe(415);
    expect(smp.json.reason).toBe("UnsupportedMediaType");
  });
  it("patches: JSON patch, merge patch and resourceVersion preconditions", async () => {
    const path = "/api/v1/namespaces/crud/configmaps/c";
    const j = await call(tc, "PATCH", path, {
      token: admin,
      body: [{ op: "add", path: "/data/b", value: "x" }],
      contentType: "application/json-patch+json",
    });
    expect(j.json.data).toEqual({ a: "2", b: "x" });
    const m = await call(tc, "PATCH", path, {
      token: admin,
      body: { data: { a: null } },
      contentType: "application/merge-patch+json",
    });
    expect(m.json.data).toEqual({ b: "x" });
    const old = await call(tc, "PATCH", path, {
      token: admin,
      body: { metadata: { resourceVersion: "1" }, data: { z: "1" } },
      contentType: "application/merge-patch+json",
    });
    expect(old.status).toBe(409);
    const failed = await call(tc, "PATCH", path, {
      token: admin,
      body: [{ op: "test", path: "/data/b", value: "nope" }],
      contentType: "application/json-patch+json",
    });
    expect(failed.status).toBe(422);
  });
  it("lists with label and field selectors", async () => {
    for (const [name, tier] of [
      ["a", "front"],
      ["b", "back"],
      ["c", "front"],
    ])
      await create("/api/v1/namespaces/crud/serviceaccounts", {
        metadata: { name: `sa-${name}`, labels: { tier: tier!, app: "x" } },
      });
    const names = async (q: string) =>
      (
        await call(tc, "GET", `/api/v1/namespaces/crud/serviceaccounts?${q}`, { token: admin })
      ).json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(await names("labelSelector=tier%3Dfront")).toEqual(["sa-a", "sa-c"]);
    expect(await names("labelSelector=tier%20notin%20(front),app")).toEqual(["sa-b"]);
    expect(await names("labelSelector=tier%20in%20(back,front),tier!%3Dback")).toEqual(["sa-a", "sa-c"]);
    expect(await names("fieldSelector=metadata.name%3Dsa-b")).toEqual(["sa-b"]);
    expect(await names("labelSelector=!tier")).toEqual(["default"]);
    const all = (
      await call(tc, "GET", "/api/v1/serviceaccounts?fieldSelector=metadata.namespace%3Dcrud", {
        token: admin,
      })
    ).json;
    expect(all.kind).toBe("ServiceAccountList");
    expect(all.items).toHaveLength(4);
    const bad = await call(tc, "GET", "/api/v1/namespaces/crud/serviceaccounts?fieldSelector=spec.x%3D1", {
      token: admin,
    });
    expect(bad.json).toMatchObject({ code: 400, message: "field label not supported: spec.x" });
  });
  it("deleting a namespace takes its contents; deletes answer like kube-apiserver", async () => {
    await create("/api/v1/namespaces", { metadata: { name: "doomed" } });
    await create("/api/v1/namespaces/doomed/configmaps", { metadata: { name: "c" } });
    const cmDel = await call(tc, "DELETE", "/api/v1/namespaces/doomed/configmaps/c", { token: admin });
    expect(cmDel.json).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "c", kind: "configmaps" },
    });
    await create("/api/v1/namespaces/doomed/configmaps", { metadata: { name: "c2" } });
    const del = await call(tc, "DELETE", "/api/v1/namespaces/doomed", { token: admin });
    expect(del.json).toMatchObject({ kind: "Namespace", status: { phase: "Terminating" } });
    expect((await call(tc, "GET", "/api/v1/namespaces/doomed/configmaps/c2", { token: admin })).status).toBe(
      404,
    );
    expect(
      (await call(tc, "GET", "/api/v1/namespaces/doomed/serviceaccounts/default", { token: admin })).status,
    ).toBe(404);
  });
  it("decodes a protobuf Namespace create (kubectl create namespace)", async () => {
    const v = (n: number) => Buffer.from([n]);
    const field = (no: number, b: Buffer) => Buffer.concat([v((no << 3) | 2), v(b.length), b]);
    const raw = field(1, field(1, Buffer.from("from-proto")));
    const body = Buffer.concat([
      Buffer.from("k8s\0", "binary"),
      field(1, Buffer.concat([field(1, Buffer.from("v1")), field(2, Buffer.from("Namespace"))])),
      field(2, raw),
    ]);
    const r = await call(tc, "POST", "/api/v1/namespaces", {
      token: admin,
      raw: body,
      contentType: "application/vnd.kubernetes.protobuf",
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      kind: "Namespace",
      metadata: { name: "from-proto" },
      status: { phase: "Active" },
    });
  });
});

describe("deployments and pod identity", () => {
  const dep = (image: string, replicas = 2) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "op" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "op" } },
      template: {
        metadata: { labels: { app: "op" } },
        spec: { serviceAccountName: "op", containers: [{ name: "c", image }] },
      },
    },
  });
  const pods = async () =>
    (await call(tc, "GET", "/api/v1/namespaces/wl/pods?labelSelector=app%3Dop", { token: admin })).json.items;
  it("creates pods from the template, replaces them on template change, keeps status ready", async () => {
    await create("/api/v1/namespaces", { metadata: { name: "wl" } });
    await create("/api/v1/namespaces/wl/serviceaccounts", { metadata: { name: "op" } });
    const d = await create("/apis/apps/v1/namespaces/wl/deployments", dep("img:1"));
    expect(d.status).toBe(201);
    // The answer is what is stored after the controller ran: status filled, and usable for an update.
    expect(d.json.status.readyReplicas).toBe(2);
    const again = await call(tc, "PUT", "/apis/apps/v1/namespaces/wl/deployments/op", {
      token: admin,
      body: d.json,
    });
    expect(again.status).toBe(200);
    const first = await pods();
    expect(first).toHaveLength(2);
    expect(first[0].status.phase).toBe("Running");
    // As on a cluster: Deployment -> ReplicaSet <deployment>-<pod-template-hash> -> Pods.
    const hash = first[0].metadata.labels["pod-template-hash"];
    expect(first[0].metadata.ownerReferences[0]).toMatchObject({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      name: `op-${hash}`,
      controller: true,
    });
    const rs = (await call(tc, "GET", `/apis/apps/v1/namespaces/wl/replicasets/op-${hash}`, { token: admin }))
      .json;
    expect(rs.metadata.ownerReferences[0]).toMatchObject({
      kind: "Deployment",
      name: "op",
      uid: d.json.metadata.uid,
    });
    expect(rs.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    expect(rs.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(first[0].spec.containers[0].env).toBeUndefined();
    const got = (await call(tc, "GET", "/apis/apps/v1/namespaces/wl/deployments/op", { token: admin })).json;
    expect(got.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });

    // Annotating the SA does not touch running pods...
    await call(tc, "PATCH", "/api/v1/namespaces/wl/serviceaccounts/op", {
      token: admin,
      body: {
        metadata: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/Op" } },
      },
      contentType: "application/strategic-merge-patch+json",
    });
    const still = await pods();
    expect(still.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(
      first.map((p: { metadata: { name: string } }) => p.metadata.name),
    );
    expect(still[0].spec.containers[0].env).toBeUndefined();

    // ...a restart (template annotation, as kubectl rollout restart sends it) replaces them, now injected.
    const restarted = await call(tc, "PATCH", "/apis/apps/v1/namespaces/wl/deployments/op", {
      token: admin,
      body: {
        spec: {
          template: {
            metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" } },
          },
        },
      },
      contentType: "application/strategic-merge-patch+json",
    });
    expect(restarted.json.metadata.generation).toBe(2);
    const now = await pods();
    expect(now).toHaveLength(2);
    expect(
      now.some((p: { metadata: { name: string } }) =>
        first.some((f: { metadata: { name: string } }) => f.metadata.name === p.metadata.name),
      ),
    ).toBe(false);
    const env = Object.fromEntries(
      now[0].spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      AWS_ROLE_ARN: "arn:aws:iam::111111111111:role/Op",
      AWS_REGION: "eu-west-1",
      AWS_STS_REGIONAL_ENDPOINTS: "regional",
    });
    const after = (await call(tc, "GET", "/apis/apps/v1/namespaces/wl/deployments/op", { token: admin }))
      .json;
    expect(after.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("2");
    expect(after.status).toMatchObject({ observedGeneration: 2, readyReplicas: 2 });
  });
  it("recreates deleted pods (delete pod -l, deletecollection) and deletes them with the deployment", async () => {
    const before = await pods();
    const dc = await call(tc, "DELETE", "/api/v1/namespaces/wl/pods?labelSelector=app%3Dop", {
      token: admin,
    });
    expect(dc.json.kind).toBe("PodList");
    expect(dc.json.items).toHaveLength(2);
    const again = await pods();
    expect(again).toHaveLength(2);
    expect(again[0].metadata.name).not.toBe(before[0].metadata.name);
    await call(tc, "PATCH", "/apis/apps/v1/namespaces/wl/deployments/op", {
      token: admin,
      body: { spec: { replicas: 3 } },
      contentType: "application/merge-patch+json",
    });
    expect(await pods()).toHaveLength(3);
    await call(tc, "DELETE", "/apis/apps/v1/namespaces/wl/deployments/op", { token: admin });
    expect(await pods()).toHaveLength(0);
  });
  it("refuses pods of missing service accounts and invalid deployments", async () => {
    const p = await create("/api/v1/namespaces/wl/pods", {
      metadata: { name: "p" },
      spec: { serviceAccountName: "ghost", containers: [{ name: "c", image: "i" }] },
    });
    expect(p.status).toBe(403);
    expect(p.json.message).toBe(
      'pods "p" is forbidden: error looking up service account wl/ghost: serviceaccount "ghost" not found',
    );
    const bad = dep("i");
    bad.spec.selector.matchLabels.app = "other";
    const d = await create("/apis/apps/v1/namespaces/wl/deployments", bad);
    expect(d.status).toBe(422);
    expect(d.json.message).toContain("`selector` does not match template `labels`");
  });
});

describe("authorization through the API", () => {
  it("a namespaced policy works inside its namespaces only", async () => {
    await create("/api/v1/namespaces", { metadata: { name: "krci-dev" } });
    const dev = await as(DEV);
    expect(
      (await create("/api/v1/namespaces/krci-dev/configmaps", { metadata: { name: "c" } }, dev)).status,
    ).toBe(201);
    const out = await create("/api/v1/namespaces/default/configmaps", { metadata: { name: "c" } }, dev);
    expect(out.status).toBe(403);
    expect(out.json).toMatchObject({
      reason: "Forbidden",
      details: { kind: "configmaps" },
      message:
        'configmaps is forbidden: User "arn:aws:sts::111111111111:assumed-role/Dev/dev-session" cannot create resource "configmaps" in API group "" in the namespace "default"',
    });
    const get = await call(tc, "GET", "/api/v1/namespaces/default/configmaps/x", { token: dev });
    expect(get.json.message).toMatch(/^configmaps "x" is forbidden: User /);
  });
  it("RBAC bindings to groups apply", async () => {
    const viewer = await as(VIEWER);
    expect(
      (await create("/api/v1/namespaces/krci-dev/secrets", { metadata: { name: "s" } }, viewer)).status,
    ).toBe(403);
    await create("/apis/rbac.authorization.k8s.io/v1/namespaces/krci-dev/rolebindings", {
      metadata: { name: "viewers-edit" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
      subjects: [{ kind: "Group", name: "viewers" }],
    });
    expect(
      (await create("/api/v1/namespaces/krci-dev/secrets", { metadata: { name: "s" } }, viewer)).status,
    ).toBe(201);
  });
  it("Capsule: tenant owners create namespaces assigned to their tenant; others get Capsule's denial", async () => {
    await create("/apis/capsule.clastix.io/v1beta2/capsuleconfigurations", {
      metadata: { name: "default" },
      spec: { userGroups: ["capsule.clastix.io"] },
    });
    await create("/apis/capsule.clastix.io/v1beta2/tenants", {
      metadata: { name: "krci" },
      spec: { owners: [{ kind: "Group", name: "cd-pipeline-operator" }], namespaceOptions: { quota: 2 } },
    });
    const agent = await as(AGENT);
    const ns = await create("/api/v1/namespaces", { metadata: { name: "krci-a" } }, agent);
    expect(ns.status).toBe(201);
    expect(ns.json.metadata.labels["capsule.clastix.io/tenant"]).toBe("krci");
    expect(ns.json.metadata.ownerReferences[0]).toMatchObject({ kind: "Tenant", name: "krci" });
    // admin + capsule-namespace-deleter in the tenant's namespaces
    expect(
      (
        await create(
          "/apis/rbac.authorization.k8s.io/v1/namespaces/krci-a/rolebindings",
          {
            metadata: { name: "tenant-admin" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
            subjects: [{ kind: "Group", name: "krci-oidc-admins" }],
          },
          agent,
        )
      ).status,
    ).toBe(201);
    expect(
      (await create("/api/v1/namespaces/default/configmaps", { metadata: { name: "x" } }, agent)).status,
    ).toBe(403);
    const tenant = (await call(tc, "GET", "/apis/capsule.clastix.io/v1beta2/tenants/krci", { token: admin }))
      .json;
    expect(tenant.status).toMatchObject({ size: 1, namespaces: ["krci-a"] });
    expect((await create("/api/v1/namespaces", { metadata: { name: "krci-b" } }, agent)).status).toBe(201);
    const over = await create("/api/v1/namespaces", { metadata: { name: "krci-c" } }, agent);
    expect(over.status).toBe(403);
    expect(over.json.message).toBe(
      'admission webhook "namespaces.projectcapsule.dev" denied the request: Cannot exceed Namespace quota: please, reach out to the system administrators',
    );
    expect((await call(tc, "DELETE", "/api/v1/namespaces/krci-b", { token: agent })).status).toBe(200);
    const loner = await create("/api/v1/namespaces", { metadata: { name: "lonely" } }, await as(LONER));
    expect(loner.status).toBe(403);
    expect(loner.json.message).toBe(
      'admission webhook "namespaces.projectcapsule.dev" denied the request: You do not have any Tenant assigned: please, reach out to the system administrators',
    );
  });
  it("SelfSubjectAccessReview answers with the same decision", async () => {
    const review = async (token: string, resourceAttributes: object) =>
      (
        await create(
          "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
          {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: { resourceAttributes },
          },
          token,
        )
      ).json.status.allowed;
    const dev = await as(DEV);
    expect(await review(dev, { verb: "create", resource: "pods", namespace: "krci-x" })).toBe(true);
    expect(await review(dev, { verb: "create", resource: "pods", namespace: "default" })).toBe(false);
    expect(await review(dev, { verb: "create", resource: "namespaces", namespace: "krci-x" })).toBe(false);
    expect(await review(admin, { verb: "*", group: "*", resource: "*" })).toBe(true);
  });
});

describe("watch", () => {
  it("streams ADDED for existing objects then later changes", async () => {
    const { request } = await import("node:https");
    const u = new URL("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=5", tc.url);
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          hostname: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          ca: tc.caPem,
          headers: { authorization: `Bearer ${admin}` },
        },
        (res) => {
          let buf = "";
          res.on("data", (c: Buffer) => {
            buf += c.toString();
            const parts = buf.split("\n");
            buf = parts.pop()!;
            lines.push(...parts);
            if (lines.some((l) => l.includes('"MODIFIED"'))) {
              req.destroy();
              resolve();
            }
          });
        },
      );
      req.on("error", (e) => (lines.length ? resolve() : reject(e)));
      req.end();
      setTimeout(async () => {
        await create("/api/v1/namespaces/default/configmaps", { metadata: { name: "watched" } });
        await call(tc, "PATCH", "/api/v1/namespaces/default/configmaps/watched", {
          token: admin,
          body: { data: { a: "b" } },
          contentType: "application/merge-patch+json",
        });
      }, 200);
    });
    const events = lines.map(
      (l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } },
    );
    // The namespace's kube-root-ca.crt (root CA publisher) is there before the watch starts.
    expect(events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual([
      "ADDED:kube-root-ca.crt",
      "ADDED:watched",
      "MODIFIED:watched",
    ]);
  });
});

describe("persistence", () => {
  it("keeps objects across a restart, in a 0600 file written atomically", async () => {
    await create("/api/v1/namespaces", { metadata: { name: "durable" } });
    await create("/api/v1/namespaces/durable/secrets", { metadata: { name: "s" }, stringData: { k: "v" } });
    await tc.restart();
    admin = await as(ADMIN);
    const s = await call(tc, "GET", "/api/v1/namespaces/durable/secrets/s", { token: admin });
    expect(s.json.data.k).toBe(Buffer.from("v").toString("base64"));
    expect(statSync(tc.dataFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(tc.dataFile, "utf8"));
    expect(saved.version).toBe(1);
    // resourceVersions keep growing after the restart
    const n = await create("/api/v1/namespaces", { metadata: { name: "after-restart" } });
    expect(Number(n.json.metadata.resourceVersion)).toBeGreaterThan(Number(s.json.metadata.resourceVersion));
  });
  it("serialises concurrent writes without losing any", async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        create("/api/v1/namespaces/durable/configmaps", { metadata: { name: `c${i}` } }),
      ),
    );
    await tc.restart();
    admin = await as(ADMIN);
    const list = (await call(tc, "GET", "/api/v1/namespaces/durable/configmaps", { token: admin })).json;
    // 30 written, plus the root CA publisher's kube-root-ca.crt.
    expect(
      list.items.filter((i: { metadata: { name: string } }) => i.metadata.name !== "kube-root-ca.crt"),
    ).toHaveLength(30);
  });
});

describe("Secret data", () => {
  it("refuses values that are not base64 as kube-apiserver does (400 before validation), accepts base64", async () => {
    const plain = await create("/api/v1/namespaces/default/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "plain-json" },
      data: { config: '{"awsAuthConfig":{}}' },
    });
    expect(plain.status).toBe(400);
    expect(plain.json).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0',
    });
    const ok = await create("/api/v1/namespaces/default/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "encoded" },
      data: { config: Buffer.from('{"awsAuthConfig":{}}').toString("base64") },
    });
    expect(ok.status).toBe(201);
    const patched = await call(tc, "PATCH", "/api/v1/namespaces/default/secrets/encoded", {
      token: admin,
      body: { data: { config: "not base64!" } },
      contentType: "application/merge-patch+json",
    });
    expect(patched.status).toBe(400);
  });
});
