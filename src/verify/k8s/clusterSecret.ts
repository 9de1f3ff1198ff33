/**
 * Reading cluster Secrets (Argo CD and KubeRocketCI, REFERENCE §4): `data` values are base64, `stringData`
 * plain; `config` is JSON {awsAuthConfig: {clusterName, roleARN}, tlsClientConfig: {insecure, caData}}.
 */
import type { KubeObject } from "../../state/index.js";
import { isObject } from "../json.js";

export type SecretValue =
  | { ok: true; value: string }
  | { ok: false; problem: "missing" }
  | { ok: false; problem: "not-base64"; raw: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A key of the Secret, decoded; stringData wins over data as the API server merges them. */
export function secretValue(secret: KubeObject, key: string): SecretValue {
  const stringData = secret.stringData;
  if (isObject(stringData) && typeof stringData[key] === "string")
    return { ok: true, value: stringData[key] };
  const data = secret.data;
  if (!isObject(data) || typeof data[key] !== "string") return { ok: false, problem: "missing" };
  const raw = data[key].replace(/\s+/g, "");
  if (raw.length % 4 !== 0 || !BASE64.test(raw)) return { ok: false, problem: "not-base64", raw: data[key] };
  return { ok: true, value: Buffer.from(raw, "base64").toString("utf8") };
}

export interface ClusterConfig {
  clusterName?: string;
  roleARN?: string;
  insecure?: boolean;
  caData?: string;
}

/** Parses the `config` JSON; undefined when it is not the expected shape. */
export function parseClusterConfig(text: string): ClusterConfig | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const out: ClusterConfig = {};
  const aws = v.awsAuthConfig;
  if (typeof aws === "object" && aws !== null && !Array.isArray(aws)) {
    const a = aws as Record<string, unknown>;
    if (typeof a.clusterName === "string") out.clusterName = a.clusterName;
    if (typeof a.roleARN === "string") out.roleARN = a.roleARN;
  }
  const tls = v.tlsClientConfig;
  if (typeof tls === "object" && tls !== null && !Array.isArray(tls)) {
    const t = tls as Record<string, unknown>;
    if (typeof t.insecure === "boolean") out.insecure = t.insecure;
    if (typeof t.caData === "string") out.caData = t.caData;
  }
  return out;
}
