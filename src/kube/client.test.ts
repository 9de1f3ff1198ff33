import { createServer, type IncomingMessage, type Server } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { tokenUrl } from "../aws/eksToken.js";
import { KubeError } from "../errors.js";
import { CallLog, defaultRetryPolicy } from "../transport/index.js";
import { KubeClient, KubeStatusError } from "./client.js";
import { eksSession } from "./connect.js";
import { known, resourcePath } from "./resources.js";
import { accessReview, whoAmI } from "./reviews.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

interface Seen {
  method: string;
  url: string;
  auth: string;
  type: string;
  body: string;
}

async function apiServer(
  answer: (req: Seen, n: number) => [number, unknown],
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const s = {
        method: req.method ?? "",
        url: req.url ?? "",
        auth: String(req.headers.authorization ?? ""),
        type: String(req.headers["content-type"] ?? ""),
        body,
      };
      seen.push(s);
      const [status, json] = answer(s, seen.length);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

function tokenSession(server: string, clock: { now: Date }) {
  let minted = 0;
  return {
    minted: () => minted,
    session: async () => {
      minted++;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        // A plain-HTTP test server: client-node allows http only with skipTLSVerify.
        clusters: [{ name: "c", server, skipTLSVerify: true }],
        users: [{ name: "u", token: `token-${minted}` }],
        contexts: [{ name: "x", cluster: "c", user: "u" }],
        currentContext: "x",
      });
      return { kc, renewAt: new Date(clock.now.getTime() + 13 * 60_000) };
    },
  };
}

describe("KubeClient", () => {
  it("renews the bearer token before it expires and counts requests by verb", async () => {
    const sa = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "x", namespace: "krci" } };
    const { url, seen } = await apiServer(() => [200, sa]);
    const clock = { now: new Date("2026-01-01T00:00:00Z") };
    const t = tokenSession(url, clock);
    const log = new CallLog();
    const kube = new KubeClient({
      cluster: "a",
      session: t.session,
      log,
      retry: defaultRetryPolicy(),
      now: () => clock.now,
    });
    const ref = { apiVersion: "v1", kind: "ServiceAccount", name: "x", namespace: "krci" };
    expect(await kube.get(ref)).toEqual(sa);
    clock.now = new Date("2026-01-01T00:12:59Z");
    await kube.patch(ref, { metadata: { annotations: { a: "b" } } });
    clock.now = new Date("2026-01-01T00:13:00Z");
    await kube.get(ref);
    expect(seen.map((s) => `${s.method} ${s.url} ${s.auth}`)).toEqual([
      "GET /api/v1/namespaces/krci/serviceaccounts/x Bearer token-1",
      "PATCH /api/v1/namespaces/krci/serviceaccounts/x Bearer token-1",
      "GET /api/v1/namespaces/krci/serviceaccounts/x Bearer token-2",
    ]);
    expect(seen[1]!.type).toBe("application/merge-patch+json");
    expect(JSON.parse(seen[1]!.body)).toEqual({ metadata: { annotations: { a: "b" } } });
    expect(log.calls.map((c) => `${c.operation} ${c.mutating}`)).toEqual([
      "GET serviceaccounts false",
      "PATCH serviceaccounts true",
      "GET serviceaccounts false",
    ]);
  });

  it("maps 404 to absent, retries 5xx, and reports other statuses with the API's reason", async () => {
    let flaky = 0;
    const { url, seen } = await apiServer((req) => {
      if (req.url.includes("/secrets/gone"))
        return [404, { kind: "Status", reason: "NotFound", message: 'secrets "gone" not found' }];
      if (req.url.includes("/secrets/flaky")) {
        return ++flaky === 1
          ? [503, { kind: "Status", reason: "ServiceUnavailable" }]
          : [200, { metadata: { name: "flaky" } }];
      }
      return [409, { kind: "Status", reason: "Conflict", message: "the object has been modified" }];
    });
    const clock = { now: new Date() };
    const log = new CallLog();
    const kube = new KubeClient({
      cluster: "a",
      session: tokenSession(url, clock).session,
      log,
      retry: defaultRetryPolicy({ sleep: async () => {} }),
      now: () => clock.now,
    });
    const secret = (name: string) => ({ apiVersion: "v1", kind: "Secret", name, namespace: "argocd" });
    expect(await kube.get(secret("gone"))).toBeUndefined();
    expect(await kube.delete(secret("gone"))).toBe(false);
    expect((await kube.get(secret("flaky")))?.metadata.name).toBe("flaky");
    const err = await kube.patch(secret("busy"), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeStatusError);
    expect((err as KubeStatusError).message).toBe(
      "PATCH /api/v1/namespaces/argocd/secrets/busy on cluster a: 409 Conflict: the object has been modified",
    );
    expect(seen.filter((s) => s.url.includes("flaky"))).toHaveLength(2);
    expect(log.total).toBe(seen.length);
  });

  it("says which cluster could not be reached", async () => {
    const clock = { now: new Date() };
    const kube = new KubeClient({
      cluster: "b",
      session: tokenSession("http://127.0.0.1:9", clock).session,
      log: new CallLog(),
      retry: defaultRetryPolicy({ sleep: async () => {} }),
      now: () => clock.now,
    });
    await expect(kube.get({ apiVersion: "v1", kind: "Secret", name: "x", namespace: "y" })).rejects.toThrow(
      /GET \/api\/v1\/namespaces\/y\/secrets\/x on cluster b failed: ECONNREFUSED/,
    );
  });
});

describe("resources and sessions", () => {
  it("builds REST paths for core, grouped, namespaced and cluster-scoped kinds", () => {
    expect(resourcePath(known("apps/v1", "Deployment"), { namespace: "krci", name: "op" })).toBe(
      "/apis/apps/v1/namespaces/krci/deployments/op",
    );
    expect(resourcePath(known("capsule.clastix.io/v1beta2", "Tenant"), { name: "krci" })).toBe(
      "/apis/capsule.clastix.io/v1beta2/tenants/krci",
    );
    expect(resourcePath(known("v1", "Pod"), { namespace: "argocd" })).toBe("/api/v1/namespaces/argocd/pods");
    expect(() => resourcePath(known("v1", "Secret"), { name: "x" })).toThrow(/needs a namespace/);
  });

  it("makes an EKS session: a presigned token for the cluster, the CA from DescribeCluster, renewed at 13 minutes", async () => {
    const now = new Date("2026-03-04T05:06:07Z");
    const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString(
      "base64",
    );
    const s = await eksSession({
      clusterName: "workloads-prod",
      region: "us-east-1",
      endpoint: "https://127.0.0.1:6443",
      caData: ca,
      credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
      stsEndpoint: "https://sts.us-east-1.amazonaws.com",
      now: () => now,
    })();
    const user = s.kc.getCurrentUser()!;
    expect(tokenUrl(user.token!).host).toBe("sts.us-east-1.amazonaws.com");
    expect(s.kc.getCurrentCluster()).toMatchObject({ server: "https://127.0.0.1:6443", caData: ca });
    expect(s.renewAt?.toISOString()).toBe("2026-03-04T05:19:07.000Z");
  });
});

describe("discovery", () => {
  const widgets = {
    kind: "APIResourceList",
    groupVersion: "example.com/v1",
    resources: [
      { name: "widgets", singularName: "widget", namespaced: true, kind: "Widget", verbs: ["get", "create"] },
      { name: "widgets/status", namespaced: true, kind: "Widget", verbs: ["get", "patch"] },
      { name: "gadgets", namespaced: false, kind: "Gadget", verbs: ["get"] },
    ],
  };
  const notFound = [
    404,
    { kind: "Status", reason: "NotFound", message: "the server could not find the requested resource" },
  ] as const;

  function client(url: string, log = new CallLog()) {
    const clock = { now: new Date() };
    return new KubeClient({
      cluster: "w",
      session: tokenSession(url, clock).session,
      log,
      retry: defaultRetryPolicy({ sleep: async () => {} }),
      now: () => clock.now,
    });
  }

  it("resolves a custom kind in no table through its group version, once per group version", async () => {
    const widget = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w1", namespace: "apps" },
      spec: { size: 1 },
    };
    const { url, seen } = await apiServer((req) => {
      if (req.url === "/apis/example.com/v1") return [200, widgets];
      if (req.method === "POST") return [201, JSON.parse(req.body)];
      if (req.method === "PATCH") return [200, widget];
      if (req.url.endsWith("/gadgets")) return [200, { items: [{ metadata: { name: "g" } }] }];
      return [200, widget];
    });
    const log = new CallLog();
    const kube = client(url, log);
    const ref = { apiVersion: "example.com/v1", kind: "Widget", name: "w1", namespace: "apps" };
    expect(await kube.resolve("example.com/v1", "Widget")).toEqual({
      apiVersion: "example.com/v1",
      kind: "Widget",
      plural: "widgets",
      namespaced: true,
      custom: true,
    });
    await kube.create(widget);
    await kube.get(ref);
    await kube.patch(ref, { spec: { size: 2 } }, "auto");
    const gadgets = await kube.list("example.com/v1", "Gadget");
    expect(gadgets).toEqual([{ apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g" } }]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /apis/example.com/v1",
      "POST /apis/example.com/v1/namespaces/apps/widgets",
      "GET /apis/example.com/v1/namespaces/apps/widgets/w1",
      "PATCH /apis/example.com/v1/namespaces/apps/widgets/w1",
      "GET /apis/example.com/v1/gadgets",
    ]);
    // A custom resource takes a merge patch: it has no strategic-merge schema.
    expect(seen[3]!.type).toBe("application/merge-patch+json");
    expect(log.calls[0]!.operation).toBe("GET discovery");
  });

  it("asks concurrent resolutions of one group version with one request, and knows its own kinds without any", async () => {
    const { url, seen } = await apiServer((req) =>
      req.url === "/api/v1"
        ? [
            200,
            {
              kind: "APIResourceList",
              groupVersion: "v1",
              resources: [
                { name: "services", namespaced: true, kind: "Service" },
                { name: "pods", namespaced: true, kind: "Pod" },
              ],
            },
          ]
        : [200, { metadata: { name: "x" } }],
    );
    const kube = client(url);
    const [a, b] = await Promise.all([kube.resolve("v1", "Service"), kube.resolve("v1", "Service")]);
    expect(a).toEqual(b);
    expect(a?.plural).toBe("services");
    await kube.patch(
      { apiVersion: "v1", kind: "Service", name: "web", namespace: "apps" },
      { spec: {} },
      "auto",
    );
    // Pod is a kind xirsa reads itself: the table answers, no discovery.
    await kube.get({ apiVersion: "v1", kind: "Pod", name: "p", namespace: "apps" });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /api/v1",
      "PATCH /api/v1/namespaces/apps/services/web",
      "GET /api/v1/namespaces/apps/pods/p",
    ]);
    expect(seen[1]!.type).toBe("application/strategic-merge-patch+json");
  });

  it("says the cluster does not serve a kind, whether its group version is missing or only the kind", async () => {
    const { url, seen } = await apiServer((req) =>
      req.url === "/apis/example.com/v1" ? [200, widgets] : [...notFound],
    );
    const kube = client(url);
    const gizmo = { apiVersion: "example.com/v1", kind: "Gizmo", metadata: { name: "g", namespace: "apps" } };
    const err = await kube.create(gizmo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).code).toBe("kube.kind");
    expect((err as KubeError).message).toBe("cluster w does not serve Gizmo (example.com/v1)");
    const missing = {
      apiVersion: "nope.example.com/v2",
      kind: "Thing",
      metadata: { name: "t", namespace: "apps" },
    };
    await expect(kube.create(missing)).rejects.toThrow(
      "cluster w does not serve Thing (nope.example.com/v2)",
    );
    await expect(
      kube.patch({ apiVersion: "nope.example.com/v2", kind: "Thing", name: "t", namespace: "apps" }, {}),
    ).rejects.toThrow(/does not serve Thing/);
    // Reading or deleting what cannot exist finds nothing.
    expect(
      await kube.get({ apiVersion: "nope.example.com/v2", kind: "Thing", name: "t", namespace: "apps" }),
    ).toBeUndefined();
    expect(await kube.list("example.com/v1", "Gizmo")).toEqual([]);
    expect(
      await kube.delete({ apiVersion: "example.com/v1", kind: "Gizmo", name: "g", namespace: "apps" }),
    ).toBe(false);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /apis/example.com/v1",
      "GET /apis/nope.example.com/v2",
    ]);
  });

  it("does not remember a discovery that failed", async () => {
    let down = true;
    const { url, seen } = await apiServer(() =>
      down ? [403, { kind: "Status", reason: "Forbidden", message: "no" }] : [200, widgets],
    );
    const kube = client(url);
    await expect(kube.resolve("example.com/v1", "Widget")).rejects.toBeInstanceOf(KubeStatusError);
    down = false;
    expect((await kube.resolve("example.com/v1", "Widget"))?.plural).toBe("widgets");
    expect(seen).toHaveLength(2);
  });
});

describe("reviews", () => {
  it("asks an access review and who the caller is; a cluster without SelfSubjectReview answers undefined", async () => {
    let served = true;
    const { url, seen } = await apiServer((req) => {
      if (req.url.endsWith("/selfsubjectreviews")) {
        return served
          ? [201, { status: { userInfo: { username: "arn:aws:sts::1:assumed-role/r/s", groups: ["g"] } } }]
          : [404, { kind: "Status", reason: "NotFound" }];
      }
      return [201, { status: { allowed: false, reason: "no RBAC policy matched" } }];
    });
    const clock = { now: new Date() };
    const kube = new KubeClient({
      cluster: "r",
      session: tokenSession(url, clock).session,
      log: new CallLog(),
      retry: defaultRetryPolicy({ sleep: async () => {} }),
      now: () => clock.now,
    });
    expect(
      await accessReview(kube, { verb: "create", group: "apps", resource: "deployments", namespace: "n" }),
    ).toEqual({
      allowed: false,
      reason: "no RBAC policy matched",
    });
    expect(JSON.parse(seen[0]!.body).spec.resourceAttributes).toEqual({
      verb: "create",
      group: "apps",
      resource: "deployments",
      namespace: "n",
    });
    expect(await whoAmI(kube)).toEqual({ username: "arn:aws:sts::1:assumed-role/r/s", groups: ["g"] });
    served = false;
    expect(await whoAmI(kube)).toBeUndefined();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      "POST /apis/authentication.k8s.io/v1/selfsubjectreviews",
      "POST /apis/authentication.k8s.io/v1/selfsubjectreviews",
    ]);
  });
});
