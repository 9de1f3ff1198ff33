/**
 * Starts the whole sandbox in one Node process: the AWS endpoint (HTTP), the OIDC issuers (HTTPS) and one
 * Kubernetes API server per cluster (HTTPS, src/sandbox/kube). Ports chosen at the first start are kept in
 * D/endpoints.json and reused, so endpoints (and the kubeconfigs and env.sh that name them) stay stable.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { join } from "node:path";
import { OperationError } from "../errors.js";
import { replaceFileSync } from "../fs/index.js";
import { emptyAwsState, ensureSpec, type SandboxSpec } from "./bootstrap.js";
import { createCa, createServerCert, type Pem } from "./ca.js";
import { resolveAccessEntry, stsGetCallerIdentity } from "./eksToken.js";
import { createEndpoint } from "./endpoint.js";
import { type Random, requestId } from "./ids.js";
import { type RunningKubeApi, startKubeApi } from "./kube/index.js";
import type { ClusterRec } from "./model.js";
import { type Knobs, NO_KNOBS } from "./services/context.js";
import { oidcHandler } from "./services/oidc/issuer.js";
import { AwsStore } from "./store.js";

export interface EndpointsFile {
  aws: number;
  oidc: number;
  /** Cluster name → port of its Kubernetes API. */
  kube: Record<string, number>;
}

export interface StartOptions {
  stateDir: string;
  spec: SandboxSpec;
  knobs?: Knobs;
  now?: () => Date;
  random?: Random;
  log?: (line: string) => void;
  /** Start the Kubernetes API servers (default true). */
  kube?: boolean;
}

export interface RunningSandbox {
  stateDir: string;
  awsUrl: string;
  oidcUrl: string;
  /** Cluster name → https URL of its Kubernetes API. */
  kube: Record<string, string>;
  endpoints: EndpointsFile;
  store: AwsStore;
  caPem: string;
  stsGetCallerIdentity: ReturnType<typeof stsGetCallerIdentity>;
  close(): Promise<void>;
}

export const files = (dir: string) => ({
  aws: join(dir, "aws.json"),
  ca: join(dir, "ca.pem"),
  caKey: join(dir, "ca-key.pem"),
  endpoints: join(dir, "endpoints.json"),
  kubeDir: join(dir, "kube"),
  kubeData: (cluster: string) => join(dir, "kube", `${cluster}.json`),
  env: join(dir, "env.sh"),
  awsConfig: join(dir, "aws-config"),
  awsCredentials: join(dir, "aws-credentials"),
  pid: join(dir, "sandbox.pid"),
  log: join(dir, "sandbox.log"),
  settings: join(dir, "sandbox.json"),
});

function loadOrCreateCa(dir: string, now: Date, random: Random): Pem {
  const f = files(dir);
  if (existsSync(f.ca) && existsSync(f.caKey)) {
    return { certPem: readFileSync(f.ca, "utf8"), keyPem: readFileSync(f.caKey, "utf8") };
  }
  const ca = createCa({ now, random });
  replaceFileSync(f.caKey, ca.keyPem, 0o600);
  replaceFileSync(f.ca, ca.certPem, 0o644);
  return ca;
}

function listen(server: Server, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "EADDRINUSE"
          ? new OperationError(
              "sandbox.port",
              `port ${port} of the sandbox ${what} is in use`,
              "stop what uses it (or another sandbox: xirsa sandbox down), or delete endpoints.json in the state dir to pick new ports",
            )
          : e,
      ),
    );
    server.listen(port, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startSandbox(opts: StartOptions): Promise<RunningSandbox> {
  const now = opts.now ?? (() => new Date());
  const random = opts.random ?? randomBytes;
  const knobs = opts.knobs ?? NO_KNOBS;
  const f = files(opts.stateDir);
  mkdirSync(f.kubeDir, { recursive: true });
  chmodSync(opts.stateDir, 0o700);

  const names = opts.spec.clusters.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) {
    throw new OperationError(
      "sandbox.cluster-names",
      `two sandbox clusters are named ${dup}`,
      "give every source and target cluster a distinct name (the sandbox keys its Kubernetes data by name)",
    );
  }

  const ca = loadOrCreateCa(opts.stateDir, now(), random);
  const store = AwsStore.load(f.aws) ?? new AwsStore(f.aws, emptyAwsState());
  ensureSpec(store.state, opts.spec, now(), random);
  await store.persist();

  const previous: EndpointsFile | undefined = existsSync(f.endpoints)
    ? (JSON.parse(readFileSync(f.endpoints, "utf8")) as EndpointsFile)
    : undefined;
  const clusters = store.state.clusters.filter((c) =>
    opts.spec.clusters.some((s) => s.accountId === c.accountId && s.region === c.region && s.name === c.name),
  );
  const tls = createServerCert(ca, ["localhost", ...new Set(clusters.map((c) => new URL(c.issuer).host))], {
    now: now(),
    random,
  });

  const kubeUrls: Record<string, string> = {};
  const facts = {
    caPem: ca.certPem,
    kubeEndpoint: (c: { name: string; accountId: string; region: string }) => kubeUrls[c.name],
  };
  const aws = createHttpServer(
    createEndpoint({ store, ports: { now, random }, knobs, facts, log: opts.log }),
  );
  aws.keepAliveTimeout = 30_000;
  // Malformed HTTP never reaches the endpoint: answer it like AWS's front end does, with a request id.
  aws.on("clientError", (_err, socket) => {
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nx-amzn-requestid: ${requestId(random)}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
      );
    } else socket.destroy();
  });
  const oidc = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, oidcHandler(store.state));
  const started: { close(): Promise<void> }[] = [];
  const endpoints: EndpointsFile = { aws: 0, oidc: 0, kube: {} };
  const sts = stsGetCallerIdentity(store, now);
  try {
    endpoints.aws = await listen(aws, previous?.aws ?? 0, "AWS endpoint");
    started.push({ close: () => closeServer(aws) });
    endpoints.oidc = await listen(oidc, previous?.oidc ?? 0, "OIDC issuer endpoint");
    started.push({ close: () => closeServer(oidc) });
    if (opts.kube !== false) {
      for (const c of clusters) {
        const clusterOf = (): ClusterRec | undefined =>
          store.state.clusters.find(
            (x) => x.accountId === c.accountId && x.region === c.region && x.name === c.name,
          );
        let api: RunningKubeApi;
        try {
          api = await startKubeApi({
            cluster: { name: c.name, accountId: c.accountId, region: c.region, issuer: c.issuer },
            tls: { key: tls.keyPem, cert: tls.certPem },
            host: "127.0.0.1",
            port: previous?.kube[c.name] ?? 0,
            dataFile: f.kubeData(c.name),
            saSigningKey: c.saKey,
            stsGetCallerIdentity: sts,
            resolveAccessEntry: resolveAccessEntry(clusterOf),
            now,
            caPem: ca.certPem,
            capsuleBindDelayMs: knobs.capsuleBindDelayMs ?? 0,
          });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") {
            throw new OperationError(
              "sandbox.port",
              `port ${previous?.kube[c.name]} of the Kubernetes API of ${c.name} is in use`,
              "stop what uses it, or delete endpoints.json in the state dir to pick new ports",
            );
          }
          throw e;
        }
        started.push(api);
        kubeUrls[c.name] = api.url;
        endpoints.kube[c.name] = Number(new URL(api.url).port);
      }
    }
  } catch (e) {
    await Promise.all(started.map((s) => s.close()));
    throw e;
  }
  replaceFileSync(
    f.endpoints,
    `${JSON.stringify({ ...previous, ...endpoints, kube: { ...previous?.kube, ...endpoints.kube } }, null, 2)}\n`,
    0o644,
  );

  let closed = false;
  return {
    stateDir: opts.stateDir,
    awsUrl: `http://127.0.0.1:${endpoints.aws}`,
    oidcUrl: `https://127.0.0.1:${endpoints.oidc}`,
    kube: kubeUrls,
    endpoints,
    store,
    caPem: ca.certPem,
    stsGetCallerIdentity: sts,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(started.map((s) => s.close()));
      await store.persist();
    },
  };
}
