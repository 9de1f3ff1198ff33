/**
 * Fuzz: random methods, paths, query strings, headers (including plausible SigV4 Authorization headers) and
 * bodies against the AWS endpoint. The server must answer every request quickly with a request id, never
 * crash, and never return 200 to a request that is not genuinely signed.
 */
import { request } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { A, adminCredentials, clients, type Harness, REGION_A, startHarness } from "./helpers.js";

interface Raw {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function send(base: string, r: Raw): Promise<{ status: number; requestId?: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: r.headers,
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            requestId: res.headers["x-amzn-requestid"] as string | undefined,
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(r.body);
  });
}

const token = fc.stringMatching(/^[A-Za-z0-9%=&.:_\-/+*]{0,40}$/);
const actions = fc.constantFrom(
  "GetCallerIdentity",
  "AssumeRole",
  "AssumeRoleWithWebIdentity",
  "CreateRole",
  "ListRoles",
  "GetRole",
  "",
  "Bogus",
);

const authorization = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 80 }),
  fc
    .record({
      key: fc.constantFrom("AKIAAAAAAAAAAAAAAAAA", "ASIAAAAAAAAAAAAAAAAA", "", "x"),
      date: fc.constantFrom("20260101", "2026", "", "99999999"),
      region: fc.constantFrom("eu-west-1", "", "us-east-1"),
      service: fc.constantFrom("sts", "iam", "eks", "s3", ""),
      terminal: fc.constantFrom("aws4_request", "x"),
      signed: fc.constantFrom("host;x-amz-date", "host", "", "x-amz-date"),
      sig: fc.stringMatching(/^[0-9a-f]{0,64}$/),
    })
    .map(
      (a) =>
        `AWS4-HMAC-SHA256 Credential=${a.key}/${a.date}/${a.region}/${a.service}/${a.terminal}, SignedHeaders=${a.signed}, Signature=${a.sig}`,
    ),
);

const raw: fc.Arbitrary<Raw> = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
    path: fc.oneof(
      fc.constant("/"),
      fc.constantFrom(
        "/clusters",
        "/clusters/krci-main",
        "/clusters/x/access-entries/arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr",
        "/access-policies",
        "/%",
        "/%zz/..",
      ),
      fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}`),
    ),
    query: fc.array(
      fc.tuple(
        fc.constantFrom(
          "Action",
          "Version",
          "X-Amz-Algorithm",
          "X-Amz-Credential",
          "X-Amz-Signature",
          "X-Amz-Date",
          "X-Amz-Expires",
          "X-Amz-SignedHeaders",
          "RoleArn",
          "WebIdentityToken",
        ),
        token,
      ),
      { maxLength: 6 },
    ),
    authorization,
    amzDate: fc.constantFrom(
      undefined,
      "20260101T000000Z",
      "garbage",
      new Date()
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, ""),
    ),
    token: fc.constantFrom(undefined, "", "IQoJb3JpZ2luX2VjE"),
    contentType: fc.constantFrom(
      undefined,
      "application/x-www-form-urlencoded",
      "application/json",
      "text/plain",
    ),
    action: actions,
    body: fc.oneof(fc.string({ maxLength: 200 }), fc.constant("{"), fc.constant('{"principalArn": 1}')),
  })
  .map((r) => {
    const headers: Record<string, string> = {};
    if (r.authorization !== undefined) headers.authorization = r.authorization.replace(/[\r\n]/g, "");
    if (r.amzDate) headers["x-amz-date"] = r.amzDate;
    if (r.token !== undefined) headers["x-amz-security-token"] = r.token;
    if (r.contentType) headers["content-type"] = r.contentType;
    const body =
      r.contentType === "application/x-www-form-urlencoded" ? `Action=${r.action}&${r.body}` : r.body;
    const qs = r.query.map(([k, v]) => `${k}=${v}`).join("&");
    const sent = r.method === "GET" || r.method === "HEAD" ? "" : body;
    headers["content-length"] = String(Buffer.byteLength(sent));
    return { method: r.method, path: qs ? `${r.path}?${qs}` : r.path, headers, body: sent };
  });

describe("fuzzing the AWS endpoint", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("never crashes, hangs or returns 200 to an unauthenticated request", async () => {
    await fc.assert(
      fc.asyncProperty(raw, async (r) => {
        const res = await send(h.sandbox.awsUrl, r);
        expect(res.status).not.toBe(200);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
      }),
      {
        numRuns: 1000,
        seed: 20261129,
        plugins: [fc.interruptAfterTimeLimit(40_000, { failOnInterrupt: true })],
      },
    );
    // Still serving genuine requests.
    await checkStillServing();
  });

  it("never accepts a genuinely signed request with one byte changed", async () => {
    const creds = adminCredentials(h, A);
    const url = new URL(h.sandbox.awsUrl);
    const signer = new SignatureV4({ credentials: creds, region: REGION_A, service: "sts", sha256: Sha256 });
    const signed = (await signer.sign(
      new HttpRequest({
        method: "POST",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: "/",
        headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" },
        body: "Action=GetCallerIdentity&Version=2011-06-15",
      }),
    )) as HttpRequest;
    const base: Raw = {
      method: "POST",
      path: "/",
      headers: { ...signed.headers },
      body: signed.body as string,
    };
    expect(
      (
        await send(h.sandbox.awsUrl, {
          ...base,
          headers: { ...base.headers, "content-length": String(base.body.length) },
        })
      ).status,
    ).toBe(200);
    const fields = ["body", "authorization", "x-amz-date", "host", "path"] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.nat(),
        fc.integer({ min: 33, max: 126 }),
        async (field, pos, code) => {
          const r: Raw = { ...base, headers: { ...base.headers } };
          const mutate = (v: string) => {
            const i = pos % Math.max(v.length, 1);
            const c = String.fromCharCode(code);
            return v[i] === c ? undefined : v.slice(0, i) + c + v.slice(i + 1);
          };
          const target = field === "body" ? r.body : field === "path" ? r.path : r.headers[field]!;
          const changed = mutate(target);
          fc.pre(changed !== undefined && !(field === "path" && /[?#%]/.test(changed)));
          if (field === "body") r.body = changed!;
          else if (field === "path") r.path = changed!;
          else r.headers[field] = changed!;
          r.headers["content-length"] = String(Buffer.byteLength(r.body));
          const res = await send(h.sandbox.awsUrl, r);
          expect(res.status).not.toBe(200);
        },
      ),
      { numRuns: 300, seed: 7, plugins: [fc.interruptAfterTimeLimit(30_000, { failOnInterrupt: true })] },
    );
    await checkStillServing();
  });

  async function checkStillServing() {
    const sts = clients(h, adminCredentials(h, A), REGION_A).sts;
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(A);
  }
});
