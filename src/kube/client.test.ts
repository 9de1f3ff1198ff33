import { createServer, type IncomingMessage, type Server } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { tokenUrl } from "../aws/eksToken.js";
import { CallLog, defaultRetryPolicy } from "../transport/index.js";
import { KubeClient, KubeStatusError } from "./client.js";
import { eksSession } from "./connect.js";
import { resourcePath } from "./resources.js";

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
    expect(resourcePath({ apiVersion: "apps/v1", kind: "Deployment", namespace: "krci", name: "op" })).toBe(
      "/apis/apps/v1/namespaces/krci/deployments/op",
    );
    expect(resourcePath({ apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", name: "krci" })).toBe(
      "/apis/capsule.clastix.io/v1beta2/tenants/krci",
    );
    expect(resourcePath({ apiVersion: "v1", kind: "Pod", namespace: "argocd" })).toBe(
      "/api/v1/namespaces/argocd/pods",
    );
    expect(() => resourcePath({ apiVersion: "v1", kind: "Secret", name: "x" })).toThrow(/needs a namespace/);
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
