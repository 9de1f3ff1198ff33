/**
 * Test harness for the sandbox Kubernetes API: a CA and server certificate, an SA signing key, a small STS that
 * really checks SigV4 presigned GetCallerIdentity URLs (by re-signing them with @smithy/signature-v4), access
 * entries, EKS token minting and an HTTPS client that trusts the CA.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { createCa, createServerCert } from "../../src/sandbox/ca.js";
import { generateSaSigningKey, type SaSigningKey } from "../../src/sandbox/jwt.js";
import { startKubeApi } from "../../src/sandbox/kube/index.js";
import type {
  KubeAccessPolicy,
  KubeClusterInfo,
  ResolvedAccessEntry,
  RunningKubeApi,
  StsCallerIdentityResult,
} from "../../src/sandbox/kube/types.js";

export const ACCOUNT = "111111111111";
export const REGION = "eu-west-1";
export const POLICY = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;

export interface Principal {
  /** What GetCallerIdentity returns. */
  arn: string;
  userId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An assumed-role session principal with fresh keys. */
export function rolePrincipal(role: string, session: string, uniqueId: string, account = ACCOUNT): Principal {
  return {
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    userId: `${uniqueId}:${session}`,
    accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(40).toString("base64"),
  };
}

export function userPrincipal(name: string, uniqueId: string, account = ACCOUNT): Principal {
  return {
    arn: `arn:aws:iam::${account}:user/${name}`,
    userId: uniqueId,
    accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
  };
}

export interface EntrySpec {
  principalArn: string;
  principalId: string;
  username?: string;
  kubernetesGroups?: string[];
  accessPolicies?: KubeAccessPolicy[];
}

/** Where the fake STS pretends to live (the sandbox's own endpoint on the loopback address). */
export const STS_HOST = "127.0.0.1:4599";

function signer(p: Principal, region: string): SignatureV4 {
  return new SignatureV4({
    service: "sts",
    region,
    sha256: Sha256,
    credentials: {
      accessKeyId: p.accessKeyId,
      secretAccessKey: p.secretAccessKey,
      ...(p.sessionToken ? { sessionToken: p.sessionToken } : {}),
    },
  });
}

function toUrl(req: HttpRequest): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) q.append(k, String(v));
  return `${req.protocol}//${req.hostname}${req.port ? `:${req.port}` : ""}${req.path}?${q.toString()}`;
}

/** `aws eks get-token` as a function: presigns GetCallerIdentity with x-k8s-aws-id signed. */
export async function eksToken(
  p: Principal,
  clusterName: string,
  opts: { date?: Date; host?: string; protocol?: "http:" | "https:"; expiresIn?: number } = {},
): Promise<string> {
  const host = opts.host ?? STS_HOST;
  const [hostname, port] = host.split(":");
  const req = new HttpRequest({
    method: "GET",
    protocol: opts.protocol ?? "http:",
    hostname: hostname!,
    ...(port ? { port: Number(port) } : {}),
    path: "/",
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    headers: { host, "x-k8s-aws-id": clusterName },
  });
  const signed = await signer(p, REGION).presign(req, {
    expiresIn: opts.expiresIn ?? 60,
    ...(opts.date ? { signingDate: opts.date } : {}),
  });
  return `k8s-aws-v1.${Buffer.from(toUrl(signed as HttpRequest)).toString("base64url")}`;
}

function parseAmzDate(s: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** The STS side: finds the key, re-signs the URL with the headers the cluster passes, compares signatures. */
export function fakeSts(principals: () => Principal[]) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fn = async (url: string, headers: Record<string, string>): Promise<StsCallerIdentityResult> => {
    calls.push({ url, headers });
    const u = new URL(url);
    const q = Object.fromEntries(u.searchParams);
    const [akid = "", , region = ""] = (q["X-Amz-Credential"] ?? "").split("/");
    const p = principals().find((x) => x.accessKeyId === akid);
    if (!p)
      return {
        ok: false,
        error: "InvalidClientTokenId: The security token included in the request is invalid.",
      };
    const req = new HttpRequest({
      method: "GET",
      protocol: u.protocol,
      hostname: u.hostname,
      ...(u.port ? { port: Number(u.port) } : {}),
      path: u.pathname,
      query: { Action: q.Action ?? "", Version: q.Version ?? "" },
      headers: { host: u.host, ...headers },
    });
    const again = (await signer(p, region).presign(req, {
      expiresIn: Number(q["X-Amz-Expires"]),
      signingDate: parseAmzDate(q["X-Amz-Date"] ?? ""),
    })) as HttpRequest;
    if (again.query["X-Amz-Signature"] !== q["X-Amz-Signature"])
      return {
        ok: false,
        error: "SignatureDoesNotMatch: The request signature we calculated does not match",
      };
    return { ok: true, arn: p.arn, account: p.arn.split(":")[4]!, userId: p.userId };
  };
  return { fn, calls };
}

export interface TestCluster {
  cluster: KubeClusterInfo;
  api: RunningKubeApi;
  url: string;
  caPem: string;
  dir: string;
  dataFile: string;
  saKey: SaSigningKey;
  principals: Principal[];
  entries: EntrySpec[];
  stsCalls: { url: string; headers: Record<string, string> }[];
  resolveCalls: { arn: string; uniqueId: string }[];
  token(p: Principal, opts?: Parameters<typeof eksToken>[2]): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const ADMIN = userPrincipal("sandbox-admin", "AIDAADMIN0000000001");

/** Principals a cluster must refuse: a role with no access entry, and one re-created after its entry was made. */
export const NOBODY = rolePrincipal("NoEntry", "n", "AROANOENTRY00000001");
export const RECREATED = rolePrincipal("Recreated", "r", "AROANEWID0000000001");
/** The entry was bound to the role's old unique id: the re-created role is a stranger. */
export const STALE_ENTRY: EntrySpec = {
  principalArn: `arn:aws:iam::${ACCOUNT}:role/Recreated`,
  principalId: "AROAOLDID0000000001",
};

export interface ClusterOptions {
  name?: string;
  principals?: Principal[];
  entries?: EntrySpec[];
  now?: () => Date;
  dir?: string;
}

let shared: { caPem: string; caKey: string; cert: { keyPem: string; certPem: string } } | undefined;

/** One CA and server certificate (127.0.0.1, localhost) per process. */
export function testTls() {
  if (!shared) {
    const ports = { now: new Date(), random: (n: number) => randomBytes(n) };
    const ca = createCa(ports);
    const cert = createServerCert(ca, ["localhost"], ports);
    shared = { caPem: ca.certPem, caKey: ca.keyPem, cert };
  }
  return shared;
}

export async function startTestCluster(o: ClusterOptions = {}): Promise<TestCluster> {
  const name = o.name ?? "target";
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "xirsa-kube-"));
  const dataFile = join(dir, "kube", `${name}.json`);
  const principals = [ADMIN, ...(o.principals ?? [])];
  const entries: EntrySpec[] = [
    {
      principalArn: ADMIN.arn,
      principalId: ADMIN.userId,
      accessPolicies: [
        { policyArn: POLICY("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" } },
      ],
    },
    ...(o.entries ?? []),
  ];
  const cluster: KubeClusterInfo = {
    name,
    accountId: ACCOUNT,
    region: REGION,
    issuer: `https://oidc.eks.${REGION}.amazonaws.com/id/${name.toUpperCase().padEnd(32, "0")}`,
  };
  const saKey = generateSaSigningKey();
  const sts = fakeSts(() => principals);
  const resolveCalls: { arn: string; uniqueId: string }[] = [];
  const { caPem, cert } = testTls();
  const start = () =>
    startKubeApi({
      cluster,
      tls: { key: cert.keyPem, cert: cert.certPem },
      host: "127.0.0.1",
      port: 0,
      dataFile,
      saSigningKey: saKey,
      stsGetCallerIdentity: sts.fn,
      resolveAccessEntry: (arn, uniqueId): ResolvedAccessEntry | undefined => {
        resolveCalls.push({ arn, uniqueId });
        const e = entries.find(
          (x) => x.principalId === uniqueId && x.principalArn.split("/").pop() === arn.split("/").pop(),
        );
        if (!e) return undefined;
        return {
          ...(e.username ? { username: e.username } : {}),
          kubernetesGroups: e.kubernetesGroups ?? [],
          accessPolicies: e.accessPolicies ?? [],
        };
      },
      ...(o.now ? { now: o.now } : {}),
      caPem,
    });
  const tc: TestCluster = {
    cluster,
    api: await start(),
    url: "",
    caPem,
    dir,
    dataFile,
    saKey,
    principals,
    entries,
    stsCalls: sts.calls,
    resolveCalls,
    token: (p, opts) => eksToken(p, name, { ...(o.now ? { date: o.now() } : {}), ...opts }),
    restart: async () => {
      await tc.api.close();
      tc.api = await start();
      tc.url = tc.api.url;
    },
    stop: async () => {
      await tc.api.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  tc.url = tc.api.url;
  return tc;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test replies are inspected field by field
  json: any;
}

/** One HTTPS request to the cluster, trusting the sandbox CA. */
export function call(
  tc: Pick<TestCluster, "url" | "caPem">,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; contentType?: string; accept?: string; raw?: Buffer } = {},
): Promise<Reply> {
  const u = new URL(path, tc.url);
  const payload =
    opts.raw ??
    (opts.body === undefined
      ? undefined
      : Buffer.from(typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body)));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        ca: tc.caPem,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload
            ? { "content-type": opts.contentType ?? "application/json", "content-length": payload.length }
            : {}),
          accept: opts.accept ?? "application/json",
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}
