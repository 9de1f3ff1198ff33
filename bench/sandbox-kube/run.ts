/**
 * bench/sandbox-kube: authenticated GET, LIST (50 ConfigMaps) and CREATE requests per second against a sandbox
 * cluster's Kubernetes API, with 1 and 16 concurrent clients on keep-alive HTTPS. Each client holds its own EKS
 * token (presigned with @smithy/signature-v4, verified by a SigV4-checking STS stand-in, cached per token as
 * kube-apiserver caches token reviews). The peer is a bare Node HTTPS server answering the same JSON bodies: the
 * ratio says what the API server's own work (authn, authz, routing, store, persistence) costs. Print only.
 * Run: npx tsx bench/sandbox-kube/run.ts [seconds-per-case]
 */
import { Agent, createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { ADMIN, call, startTestCluster, type TestCluster, testTls } from "../../test/sandbox-kube/harness.js";

const seconds = Number(process.argv[2] ?? "2");

interface Target {
  host: string;
  port: number;
  ca: string;
}

function once(
  t: Target,
  agent: Agent,
  method: string,
  path: string,
  token: string,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        host: t.host,
        port: t.port,
        path,
        ca: t.ca,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

type Op = (client: number, i: number) => { method: string; path: string; body?: string };

async function measure(
  t: Target,
  tokens: string[],
  clients: number,
  op: Op,
  expected: number,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const workers = Array.from({ length: clients }, async (_, c) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; performance.now() < deadline; i++) {
      const { method, path, body } = op(c, i);
      const status = await once(t, agent, method, path, tokens[c]!, body);
      if (status !== expected) throw new Error(`${method} ${path}: HTTP ${status}`);
      done++;
    }
    agent.destroy();
  });
  const start = performance.now();
  await Promise.all(workers);
  return done / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const tc: TestCluster = await startTestCluster({ name: "bench" });
  const admin = await tc.token(ADMIN);
  await call(tc, "POST", "/api/v1/namespaces", { token: admin, body: { metadata: { name: "bench" } } });
  for (let i = 0; i < 50; i++)
    await call(tc, "POST", "/api/v1/namespaces/bench/configmaps", {
      token: admin,
      body: { metadata: { name: `seed-${i}` }, data: { i: String(i) } },
    });
  const one = (await call(tc, "GET", "/api/v1/namespaces/bench/configmaps/seed-0", { token: admin })).text;
  const list = (await call(tc, "GET", "/api/v1/namespaces/bench/configmaps", { token: admin })).text;
  // One token per client, each signed at a different second so that each is a distinct credential.
  const tokens = await Promise.all(
    Array.from({ length: 16 }, (_, i) => tc.token(ADMIN, { date: new Date(Date.now() - i * 1000) })),
  );

  const { cert } = testTls();
  const peer = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const text = req.method === "POST" ? one : req.url?.endsWith("configmaps") ? list : one;
    req.resume();
    req.on("end", () => {
      res.writeHead(req.method === "POST" ? 201 : 200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((r) => peer.listen(0, "127.0.0.1", () => r()));
  const u = new URL(tc.url);
  const sandbox: Target = { host: "127.0.0.1", port: Number(u.port), ca: tc.caPem };
  const bare: Target = { host: "127.0.0.1", port: (peer.address() as AddressInfo).port, ca: tc.caPem };

  let n = 0;
  const cases: [string, Op, number][] = [
    ["GET", () => ({ method: "GET", path: "/api/v1/namespaces/bench/configmaps/seed-0" }), 200],
    ["LIST (50 items)", () => ({ method: "GET", path: "/api/v1/namespaces/bench/configmaps" }), 200],
    [
      "CREATE",
      (c, i) => ({
        method: "POST",
        path: "/api/v1/namespaces/bench/configmaps",
        body: JSON.stringify({ metadata: { name: `c-${c}-${i}-${n++}` }, data: { a: "b" } }),
      }),
      201,
    ],
  ];
  console.log(`sandbox Kubernetes API, ${seconds}s per case (peer: bare Node HTTPS server, same bodies)`);
  console.log("operation         clients  sandbox req/s  peer req/s  sandbox/peer");
  for (const [name, op, code] of cases) {
    for (const clients of [1, 16]) {
      const s = await measure(sandbox, tokens, clients, op, code);
      const p = await measure(bare, tokens, clients, op, code);
      console.log(
        `${name.padEnd(17)} ${String(clients).padStart(7)}  ${s.toFixed(0).padStart(13)}  ${p.toFixed(0).padStart(10)}  ${(s / p).toFixed(2).padStart(12)}`,
      );
    }
  }
  peer.close();
  peer.closeAllConnections();
  await tc.stop();
}

await main();
