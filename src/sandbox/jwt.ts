/**
 * Projected service-account tokens as an EKS cluster issues them (RS256, `kubernetes.io` claims), and their
 * verification. Shared by the sandbox STS (AssumeRoleWithWebIdentity), `xirsa sandbox token` and the
 * Kubernetes side (pod identity injection, in-cluster SA authentication).
 */
import { createHash, createPublicKey, generateKeyPairSync, type JsonWebKey, randomUUID } from "node:crypto";
import { importJWK, importPKCS8, type JWTPayload, jwtVerify, SignJWT } from "jose";

/** A cluster's service-account signing key, as persisted in D/aws.json. */
export interface SaSigningKey {
  privateKeyPem: string;
  publicJwk: JsonWebKey & { kid: string };
}

/** What minting needs to know of the cluster: only its issuer URL. */
export interface TokenIssuer {
  issuer: string;
}

/** The key id Kubernetes derives from the public key: base64url(sha256(SPKI DER)). */
export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64url");
}

/** A fresh RS256 key pair for a cluster (generated once, at the first `sandbox up`). */
export function generateSaSigningKey(): SaSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const jwk = publicKey.export({ format: "jwk" });
  const kid = keyIdOf(publicPem);
  return { privateKeyPem, publicJwk: { ...jwk, kid, alg: "RS256", use: "sig" } };
}

export interface MintArgs {
  cluster: TokenIssuer;
  key: SaSigningKey;
  namespace: string;
  serviceAccount: string;
  audience: string;
  ttlSeconds: number;
  now: Date;
  podName?: string;
  /** Stable uids make tokens reproducible in tests; random when absent. */
  serviceAccountUid?: string;
  podUid?: string;
}

/** Mints a projected service-account token as kube-apiserver does for a pod's projected volume. */
export async function mintServiceAccountToken(args: MintArgs): Promise<string> {
  const iat = Math.floor(args.now.getTime() / 1000);
  const k8s: Record<string, unknown> = {
    namespace: args.namespace,
    serviceaccount: { name: args.serviceAccount, uid: args.serviceAccountUid ?? randomUUID() },
  };
  if (args.podName) k8s.pod = { name: args.podName, uid: args.podUid ?? randomUUID() };
  const key = await importPKCS8(args.key.privateKeyPem, "RS256");
  return new SignJWT({ "kubernetes.io": k8s })
    .setProtectedHeader({ alg: "RS256", kid: args.key.publicJwk.kid })
    .setIssuer(args.cluster.issuer)
    .setSubject(`system:serviceaccount:${args.namespace}:${args.serviceAccount}`)
    .setAudience([args.audience])
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + args.ttlSeconds)
    .setJti(randomUUID())
    .sign(key);
}

export type TokenVerdict =
  | { ok: true; claims: JWTPayload & { sub: string; iss: string } }
  | {
      ok: false;
      reason: "malformed" | "signature" | "expired" | "not-yet-valid" | "issuer" | "audience";
      detail: string;
    };

/**
 * Verifies a service-account JWT against one issuer's public key. Only RS256 is accepted (never `none`).
 * `audiences` empty = any audience. No clock skew allowance beyond what the caller passes.
 */
export async function verifyServiceAccountToken(
  token: string,
  opts: {
    issuer: string;
    publicJwk: JsonWebKey;
    audiences: string[];
    now: Date;
    clockToleranceSeconds?: number;
  },
): Promise<TokenVerdict> {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    return { ok: false, reason: "malformed", detail: "not a compact JWS" };
  }
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK({ ...opts.publicJwk, alg: "RS256" }, "RS256");
  } catch {
    return { ok: false, reason: "signature", detail: "unusable verification key" };
  }
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["RS256"],
      issuer: opts.issuer,
      audience: opts.audiences.length ? opts.audiences : undefined,
      currentDate: opts.now,
      clockTolerance: opts.clockToleranceSeconds ?? 0,
      requiredClaims: ["sub", "exp"],
    });
    return { ok: true, claims: payload as JWTPayload & { sub: string; iss: string } };
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    const claim = (e as { claim?: string }).claim;
    const detail = (e as Error).message;
    if (code === "ERR_JWT_EXPIRED") return { ok: false, reason: "expired", detail };
    if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
      if (claim === "iss") return { ok: false, reason: "issuer", detail };
      if (claim === "aud") return { ok: false, reason: "audience", detail };
      if (claim === "nbf" || claim === "iat") return { ok: false, reason: "not-yet-valid", detail };
      return { ok: false, reason: "malformed", detail };
    }
    if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" || code === "ERR_JOSE_ALG_NOT_ALLOWED") {
      return { ok: false, reason: "signature", detail };
    }
    return { ok: false, reason: "malformed", detail };
  }
}
