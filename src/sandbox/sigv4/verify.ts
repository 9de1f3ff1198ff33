/**
 * SigV4 verification of an incoming request, in both forms (Authorization header and presigned query), as
 * ordered early returns: find the signature, check its shape, the clock, the key, the session token, the
 * signature itself, and last whether the session has expired. The caller maps a failure `kind` to the
 * service's own error code (query services and EKS name them differently).
 */
import { timingSafeEqual } from "node:crypto";
import {
  ALGORITHM,
  canonicalRequest,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from "./canonical.js";

export interface IncomingSigned {
  method: string;
  /** The path as received, still percent-encoded, without the query. */
  rawPath: string;
  /** Decoded query pairs in order. */
  query: [string, string][];
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface KnownCredential<P> {
  secretAccessKey: string;
  /** Present for temporary credentials: the request must carry exactly this token. */
  sessionToken?: string;
  expiresAt?: Date;
  principal: P;
}

export interface Scope {
  date: string;
  region: string;
  service: string;
}

export type SigV4Failure =
  | "missing" // no signature at all
  | "incomplete" // malformed Authorization header / presign parameters
  | "skewed" // request time too far from the server clock
  | "presign-expired" // presigned URL past X-Amz-Expires
  | "unknown-key"
  | "bad-token" // session token missing or wrong for a temporary key
  | "bad-signature"
  | "expired-token"; // temporary credentials past their expiration

export type SigV4Verdict<P> =
  | { ok: true; accessKeyId: string; scope: Scope; presigned: boolean; principal: P }
  | { ok: false; kind: SigV4Failure; message: string; scope?: Scope };

/** AWS allows 15 minutes between the request's time and the server's. */
export const MAX_SKEW_MS = 15 * 60_000;

interface Parsed {
  accessKeyId: string;
  scope: Scope;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  sessionToken?: string;
  presigned: boolean;
  expiresSeconds?: number;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(s: string): Date | undefined {
  const m = AMZ_DATE.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const fmtAmz = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

function parseCredential(cred: string): { accessKeyId: string; scope: Scope } | string {
  const parts = cred.split("/");
  if (parts.length !== 5 || parts.some((p) => p === "")) {
    return `Credential should be scoped to a valid region and service: '${cred.split("/").slice(1).join("/")}'`;
  }
  const [accessKeyId, date, region, service, terminal] = parts as [string, string, string, string, string];
  if (terminal !== "aws4_request")
    return `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminal}'.`;
  if (!/^\d{8}$/.test(date))
    return `Invalid credential date "${date}". Date is not the required format: yyyyMMdd.`;
  return { accessKeyId, scope: { date, region, service } };
}

function queryValue(query: [string, string][], key: string): string | undefined {
  return query.find(([k]) => k === key)?.[1];
}

/** Finds the signature in the Authorization header or the X-Amz-* query parameters. */
function parse(req: IncomingSigned): Parsed | { error: SigV4Failure; message: string } {
  const auth = req.headers.authorization;
  const qAlg = queryValue(req.query, "X-Amz-Algorithm");
  if (auth !== undefined && auth !== "") {
    if (!auth.startsWith(`${ALGORITHM} `)) {
      return { error: "incomplete", message: `Unsupported AWS 'algorithm': '${auth.split(" ")[0]}'` };
    }
    const fields = new Map<string, string>();
    for (const part of auth.slice(ALGORITHM.length + 1).split(",")) {
      const i = part.indexOf("=");
      if (i > 0) fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
    }
    const missing = ["Credential", "SignedHeaders", "Signature"].filter((f) => !fields.get(f));
    if (missing.length) {
      return {
        error: "incomplete",
        message: missing.map((f) => `Authorization header requires '${f}' parameter.`).join(" "),
      };
    }
    const cred = parseCredential(fields.get("Credential")!);
    if (typeof cred === "string") return { error: "incomplete", message: cred };
    const amzDate = req.headers["x-amz-date"] ?? "";
    if (!amzDate) {
      return {
        error: "incomplete",
        message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      };
    }
    return {
      ...cred,
      signedHeaders: fields.get("SignedHeaders")!.split(";"),
      signature: fields.get("Signature")!,
      amzDate,
      sessionToken: req.headers["x-amz-security-token"],
      presigned: false,
    };
  }
  if (qAlg !== undefined) {
    if (qAlg !== ALGORITHM) return { error: "incomplete", message: `Unsupported AWS 'algorithm': '${qAlg}'` };
    const need = ["X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"];
    const missing = need.filter((k) => !queryValue(req.query, k));
    if (missing.length) {
      return {
        error: "incomplete",
        message: `AWS query-string parameters must include ${missing.map((m) => `'${m}'`).join(", ")}. Re-examine the query-string parameters.`,
      };
    }
    const cred = parseCredential(queryValue(req.query, "X-Amz-Credential")!);
    if (typeof cred === "string") return { error: "incomplete", message: cred };
    const expiresRaw = queryValue(req.query, "X-Amz-Expires");
    const expires = expiresRaw === undefined ? undefined : Number(expiresRaw);
    if (expires !== undefined && (!Number.isInteger(expires) || expires < 0 || expires > 604800)) {
      return {
        error: "incomplete",
        message: `X-Amz-Expires must be an integer between 0 and 604800, not '${expiresRaw}'`,
      };
    }
    return {
      ...cred,
      signedHeaders: queryValue(req.query, "X-Amz-SignedHeaders")!.split(";"),
      signature: queryValue(req.query, "X-Amz-Signature")!,
      amzDate: queryValue(req.query, "X-Amz-Date")!,
      sessionToken: queryValue(req.query, "X-Amz-Security-Token"),
      presigned: true,
      expiresSeconds: expires,
    };
  }
  return { error: "missing", message: "Request is missing Authentication Token" };
}

function safeEqualHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface VerifyOptions {
  /**
   * A presigned URL's lifetime fixed by the service whatever X-Amz-Expires says: STS answers a presigned
   * GetCallerIdentity for 15 minutes after X-Amz-Date (aws-iam-authenticator pkg/token/token.go: the
   * X-Amz-Expires it sends "IS IGNORED").
   */
  presignedLifetimeMs?: number;
}

/**
 * Verifies a request's SigV4 signature. `lookup` resolves an access key id to its secret (and session token
 * and expiry for temporary credentials); `now` is the server clock.
 */
export function verifySigV4<P>(
  req: IncomingSigned,
  lookup: (accessKeyId: string) => KnownCredential<P> | undefined,
  now: Date,
  options: VerifyOptions = {},
): SigV4Verdict<P> {
  const p = parse(req);
  if ("error" in p) return { ok: false, kind: p.error, message: p.message };
  const { scope } = p;

  const signedAt = parseAmzDate(p.amzDate);
  if (!signedAt) {
    return {
      ok: false,
      kind: "incomplete",
      scope,
      message: `Invalid date format '${p.amzDate}': expected yyyyMMddTHHmmssZ`,
    };
  }
  if (p.amzDate.slice(0, 8) !== scope.date) {
    return {
      ok: false,
      kind: "bad-signature",
      scope,
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'.`,
    };
  }
  if (!p.signedHeaders.includes("host")) {
    return {
      ok: false,
      kind: "incomplete",
      scope,
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    };
  }

  const skew = signedAt.getTime() - now.getTime();
  if (skew > MAX_SKEW_MS) {
    return {
      ok: false,
      kind: "skewed",
      scope,
      message: `Signature not yet current: ${p.amzDate} is still later than ${fmtAmz(new Date(now.getTime() + MAX_SKEW_MS))} (${fmtAmz(now)} + 15 min.)`,
    };
  }
  if (!p.presigned && -skew > MAX_SKEW_MS) {
    return {
      ok: false,
      kind: "skewed",
      scope,
      message: `Signature expired: ${p.amzDate} is now earlier than ${fmtAmz(new Date(now.getTime() - MAX_SKEW_MS))} (${fmtAmz(now)} - 15 min.)`,
    };
  }
  const lifetimeMs =
    options.presignedLifetimeMs ?? (p.expiresSeconds === undefined ? undefined : p.expiresSeconds * 1000);
  if (p.presigned && lifetimeMs !== undefined && now.getTime() > signedAt.getTime() + lifetimeMs) {
    return { ok: false, kind: "presign-expired", scope, message: "Request has expired" };
  }

  const cred = lookup(p.accessKeyId);
  if (!cred)
    return {
      ok: false,
      kind: "unknown-key",
      scope,
      message: "The security token included in the request is invalid.",
    };
  if (cred.sessionToken !== undefined && p.sessionToken !== cred.sessionToken) {
    return {
      ok: false,
      kind: "bad-token",
      scope,
      message: "The security token included in the request is invalid.",
    };
  }
  if (cred.sessionToken === undefined && p.sessionToken !== undefined && p.sessionToken !== "") {
    return {
      ok: false,
      kind: "bad-token",
      scope,
      message: "The security token included in the request is invalid.",
    };
  }

  const key = signingKey(cred.secretAccessKey, scope.date, scope.region, scope.service);
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const query = p.presigned ? req.query.filter(([k]) => k !== "X-Amz-Signature") : req.query;
  const bodyHash = sha256Hex(req.body);
  const claimed = req.headers["x-amz-content-sha256"];
  // A body hash the client declared must match the body; presigned URLs may also leave the payload unsigned.
  if (claimed && claimed !== UNSIGNED_PAYLOAD && claimed !== bodyHash) {
    return {
      ok: false,
      kind: "bad-signature",
      scope,
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    };
  }
  const payloadHashes = claimed ? [claimed] : p.presigned ? [bodyHash, UNSIGNED_PAYLOAD] : [bodyHash];
  const matches = payloadHashes.some((payloadHash) => {
    const canonical = canonicalRequest({
      method: req.method,
      rawPath: req.rawPath,
      query,
      headers: req.headers,
      signedHeaders: p.signedHeaders,
      payloadHash,
    });
    return safeEqualHex(signature(key, stringToSign(p.amzDate, credentialScope, canonical)), p.signature);
  });
  if (!matches) {
    return {
      ok: false,
      kind: "bad-signature",
      scope,
      message:
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    };
  }

  if (cred.expiresAt && now.getTime() >= cred.expiresAt.getTime()) {
    return {
      ok: false,
      kind: "expired-token",
      scope,
      message: "The security token included in the request is expired",
    };
  }
  return { ok: true, accessKeyId: p.accessKeyId, scope, presigned: p.presigned, principal: cred.principal };
}
