/**
 * EKS bearer tokens, as `aws eks get-token`, aws-iam-authenticator and argocd-k8s-auth make them (REFERENCE §3):
 * a SigV4-presigned STS GetCallerIdentity URL with the cluster name in the signed header `x-k8s-aws-id`,
 * X-Amz-Expires=60, encoded as `k8s-aws-v1.` + base64url without padding.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "./credentials.js";

export const TOKEN_PREFIX = "k8s-aws-v1.";
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";
/** Clients treat a token as valid for 14 minutes (the verifier rejects it 15 minutes after X-Amz-Date). */
export const TOKEN_LIFETIME_MS = 14 * 60 * 1000;

export interface EksToken {
  token: string;
  expiration: Date;
}

export async function eksToken(args: {
  credentials: Credentials;
  region: string;
  clusterName: string;
  /** STS endpoint base URL, e.g. https://sts.eu-west-1.amazonaws.com (see endpoints.ts). */
  stsEndpoint: string;
  now: Date;
}): Promise<EksToken> {
  const url = new URL(args.stsEndpoint);
  const signer = new SignatureV4({
    credentials: args.credentials,
    region: args.region,
    service: "sts",
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: "/",
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    headers: { host: url.host, [CLUSTER_ID_HEADER]: args.clusterName },
  });
  const signed = await signer.presign(request, {
    expiresIn: 60,
    signingDate: args.now,
    unhoistableHeaders: new Set([CLUSTER_ID_HEADER]),
  });
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  const presigned = `${url.protocol}//${url.host}/?${query}`;
  return {
    token: TOKEN_PREFIX + Buffer.from(presigned, "utf8").toString("base64url"),
    expiration: new Date(args.now.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** The presigned URL inside a token (for diagnostics and tests; never print the token itself). */
export function tokenUrl(token: string): URL {
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
}
