import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { parseQuery } from "./canonical.js";
import { type IncomingSigned, type KnownCredential, verifySigV4 } from "./verify.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const creds = { accessKeyId: "AKIAEXAMPLE000000001", secretAccessKey: "s3cr3t/s3cr3t+s3cr3t" };
const session = {
  accessKeyId: "ASIAEXAMPLE000000001",
  secretAccessKey: "tmpsecret",
  sessionToken: "TOKEN/abc+=",
};

const known: Record<string, KnownCredential<string>> = {
  [creds.accessKeyId]: { secretAccessKey: creds.secretAccessKey, principal: "admin" },
  [session.accessKeyId]: {
    secretAccessKey: session.secretAccessKey,
    sessionToken: session.sessionToken,
    expiresAt: new Date(NOW.getTime() + 3600_000),
    principal: "session",
  },
};
const lookup = (id: string) => known[id];

function signer(c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, service = "sts") {
  return new SignatureV4({ credentials: c, region: "eu-west-1", service, sha256: Sha256 });
}

function toIncoming(r: HttpRequest): IncomingSigned {
  const qs = Object.entries(r.query ?? {}).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`),
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  return {
    method: r.method,
    rawPath: r.path,
    query: parseQuery(qs.join("&")),
    headers,
    body: Buffer.from((r.body as string | undefined) ?? ""),
  };
}

function post(body: string, path = "/") {
  return new HttpRequest({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 4566,
    path,
    headers: { host: "127.0.0.1:4566", "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

describe("verifySigV4 against @smithy/signature-v4", () => {
  it("accepts a header-signed request and reports the scope", async () => {
    const signed = await signer(creds).sign(post("Action=GetCallerIdentity&Version=2011-06-15"), {
      signingDate: NOW,
    });
    const v = verifySigV4(toIncoming(signed as HttpRequest), lookup, NOW);
    expect(v).toEqual({
      ok: true,
      accessKeyId: creds.accessKeyId,
      scope: { date: "20260301", region: "eu-west-1", service: "sts" },
      presigned: false,
      principal: "admin",
    });
  });

  it("accepts an EKS path with encoded ARN (double-encoded canonical path)", async () => {
    const path = `/clusters/c1/access-entries/${encodeURIComponent("arn:aws:iam::111111111111:role/x/y")}`;
    const r = new HttpRequest({
      method: "GET",
      protocol: "http:",
      hostname: "127.0.0.1",
      path,
      headers: { host: "127.0.0.1" },
    });
    const signed = await signer(creds, "eks").sign(r, { signingDate: NOW });
    expect(verifySigV4(toIncoming(signed as HttpRequest), lookup, NOW).ok).toBe(true);
  });

  it("accepts a presigned URL with a session token and a signed x-k8s-aws-id header", async () => {
    const r = new HttpRequest({
      method: "GET",
      protocol: "https:",
      hostname: "sts.eu-west-1.amazonaws.com",
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host: "sts.eu-west-1.amazonaws.com", "x-k8s-aws-id": "cluster-b" },
    });
    const presigned = await signer(session).presign(r, { signingDate: NOW, expiresIn: 60 });
    const inc = toIncoming(presigned as HttpRequest);
    expect(inc.query.map(([k]) => k)).toContain("X-Amz-Security-Token");
    expect(verifySigV4(inc, lookup, NOW)).toMatchObject({ ok: true, presigned: true, principal: "session" });
    // The cluster id is signed: another cluster's id breaks the signature.
    const other = { ...inc, headers: { ...inc.headers, "x-k8s-aws-id": "cluster-x" } };
    expect(verifySigV4(other, lookup, NOW)).toMatchObject({ ok: false, kind: "bad-signature" });
    // Past X-Amz-Expires.
    expect(verifySigV4(inc, lookup, new Date(NOW.getTime() + 61_000))).toMatchObject({
      ok: false,
      kind: "presign-expired",
    });
    // A service that fixes the lifetime (STS for GetCallerIdentity: 15 minutes) ignores X-Amz-Expires.
    const fixed = { presignedLifetimeMs: 15 * 60_000 };
    expect(verifySigV4(inc, lookup, new Date(NOW.getTime() + 14 * 60_000), fixed)).toMatchObject({
      ok: true,
    });
    expect(verifySigV4(inc, lookup, new Date(NOW.getTime() + 15 * 60_000 + 1_000), fixed)).toMatchObject({
      ok: false,
      kind: "presign-expired",
    });
  });

  it("refuses, in order: missing, unknown key, bad token, tampered body, skew, expired session", async () => {
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    const unsigned = toIncoming(post(body));
    expect(verifySigV4(unsigned, lookup, NOW)).toMatchObject({ ok: false, kind: "missing" });

    const stranger = await signer({ accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" }).sign(
      post(body),
      { signingDate: NOW },
    );
    expect(verifySigV4(toIncoming(stranger as HttpRequest), lookup, NOW)).toMatchObject({
      ok: false,
      kind: "unknown-key",
    });

    const noToken = await signer({
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
    }).sign(post(body), { signingDate: NOW });
    expect(verifySigV4(toIncoming(noToken as HttpRequest), lookup, NOW)).toMatchObject({
      ok: false,
      kind: "bad-token",
    });

    const good = toIncoming((await signer(creds).sign(post(body), { signingDate: NOW })) as HttpRequest);
    const tampered = { ...good, body: Buffer.from(body.replace("GetCallerIdentity", "GetCallerIdentitx")) };
    expect(verifySigV4(tampered, lookup, NOW)).toMatchObject({ ok: false, kind: "bad-signature" });
    const flipped = {
      ...good,
      headers: {
        ...good.headers,
        authorization: good.headers.authorization!.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
      },
    };
    expect(verifySigV4(flipped, lookup, NOW)).toMatchObject({ ok: false, kind: "bad-signature" });

    const late = new Date(NOW.getTime() + 16 * 60_000);
    expect(verifySigV4(good, lookup, late)).toMatchObject({ ok: false, kind: "skewed" });
    expect(verifySigV4(good, lookup, new Date(NOW.getTime() - 16 * 60_000))).toMatchObject({
      ok: false,
      kind: "skewed",
    });

    const sess = await signer(session).sign(post(body), { signingDate: new Date(NOW.getTime() + 3600_000) });
    const v = verifySigV4(toIncoming(sess as HttpRequest), lookup, new Date(NOW.getTime() + 3600_000));
    expect(v).toMatchObject({
      ok: false,
      kind: "expired-token",
      message: "The security token included in the request is expired",
    });
  });

  it("refuses malformed Authorization headers without throwing", () => {
    const base = toIncoming(post("Action=GetCallerIdentity"));
    for (const authorization of [
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIA/20260301/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=00",
      "AWS AKIA:abc",
      "AWS4-HMAC-SHA256 Credential=AKIA/2026/r/s/other, SignedHeaders=host, Signature=00",
    ]) {
      const v = verifySigV4({ ...base, headers: { ...base.headers, authorization } }, lookup, NOW);
      expect(v.ok).toBe(false);
    }
  });
});
