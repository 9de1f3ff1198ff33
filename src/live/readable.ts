/**
 * Kubernetes object content as the plan shows it: a value that is itself JSON (the `config` of an Argo CD or
 * KubeRocketCI cluster Secret) as the object it holds, and, shortened, a CA bundle (caData,
 * certificate-authority-data) as the SHA-256 fingerprint of each certificate, as `openssl x509 -noout
 * -fingerprint -sha256` prints it, instead of a kilobyte of base64. `full` keeps every value (plan --full, and
 * the structured before/after of plan JSON). Pure.
 */
import { createHash, X509Certificate } from "node:crypto";
import type { Json, JsonObject } from "../state/index.js";

const CA_KEYS = new Set(["caData", "certificate-authority-data"]);

/**
 * The fingerprint of each certificate of a base64 PEM bundle; the digest of its bytes when it is not one.
 * Node's fingerprint256 is "the SHA-256 digest of the DER encoded certificate" as colon-separated hex
 * (nodejs/node doc/api/tls.md, getPeerCertificate), what `openssl x509 -noout -fingerprint -sha256` prints.
 */
export function caFingerprint(b64: string): string {
  const bytes = Buffer.from(b64, "base64");
  const pems = bytes.toString("utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  const prints: string[] = [];
  for (const pem of pems ?? []) {
    try {
      prints.push(new X509Certificate(pem).fingerprint256);
    } catch {
      // not a certificate after all: fall back to the digest of the whole value below
    }
  }
  if (prints.length && prints.length === pems?.length)
    return `(CA bundle of ${prints.length} certificate${prints.length === 1 ? "" : "s"}, SHA-256 ${prints.join(", ")})`;
  return `(${bytes.length} bytes, SHA-256 ${createHash("sha256").update(bytes).digest("hex")})`;
}

function parsedJson(s: string): JsonObject | undefined {
  if (!s.trimStart().startsWith("{")) return undefined;
  try {
    const v = JSON.parse(s) as Json;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function readable(v: Json | undefined, full: boolean): Json | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") {
    const inner = parsedJson(v);
    return inner ? (readable(inner, full) as Json) : v;
  }
  if (Array.isArray(v)) return v.map((x) => readable(x, full) as Json);
  if (v === null || typeof v !== "object") return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    out[k] =
      !full && CA_KEYS.has(k) && typeof x === "string" ? caFingerprint(x) : (readable(x, full) as Json);
  }
  return out;
}
