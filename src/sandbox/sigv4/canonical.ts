/**
 * SigV4 canonical request and signing key (AWS General Reference, "Create a canonical request for Signature
 * Version 4"). Non-S3 rules: the path is normalised and URI-encoded once more (so a client-encoded `%3A`
 * becomes `%253A`), query pairs are decoded, re-encoded with RFC 3986 and sorted.
 */
import { createHash, createHmac } from "node:crypto";

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded (upper-case hex). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Percent-decodes leniently: malformed escapes are kept as they are (they then fail the signature). */
export function uriDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Removes `.`, `..` and empty segments; keeps a trailing slash; then encodes each segment (of the raw path). */
export function canonicalPath(rawPath: string): string {
  if (rawPath === "" || rawPath === "/") return "/";
  const out: string[] = [];
  for (const seg of rawPath.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  const trailing = rawPath.endsWith("/") && out.length > 0 ? "/" : "";
  return `/${out.map(uriEncode).join("/")}${trailing}`;
}

/** Splits a raw query string into decoded pairs, in order. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (!rawQuery) return [];
  return rawQuery
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      return i < 0 ? [uriDecode(p), ""] : [uriDecode(p.slice(0, i)), uriDecode(p.slice(i + 1))];
    });
}

export function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** Header values trimmed, inner runs of spaces collapsed; names lower-case, in SignedHeaders order. */
export function canonicalHeaders(headers: Record<string, string | undefined>, signed: string[]): string {
  return signed.map((h) => `${h}:${(headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function canonicalRequest(parts: {
  method: string;
  rawPath: string;
  query: [string, string][];
  headers: Record<string, string | undefined>;
  signedHeaders: string[];
  payloadHash: string;
}): string {
  return [
    parts.method.toUpperCase(),
    canonicalPath(parts.rawPath),
    canonicalQuery(parts.query),
    canonicalHeaders(parts.headers, parts.signedHeaders),
    parts.signedHeaders.join(";"),
    parts.payloadHash,
  ].join("\n");
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join("\n");
}

const keyCache = new Map<string, Buffer>();

/** kSigning = HMAC chain over date, region, service, "aws4_request" (cached: it changes once a day). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  if (keyCache.size > 1000) keyCache.clear();
  keyCache.set(cacheKey, key);
  return key;
}

export function signature(key: Buffer, toSign: string): string {
  return createHmac("sha256", key).update(toSign).digest("hex");
}
