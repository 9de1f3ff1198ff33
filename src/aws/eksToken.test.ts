import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eksToken, TOKEN_PREFIX, tokenUrl } from "./eksToken.js";
import { execCredential } from "./execCredential.js";

const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/**
 * Known answers (fixed keys, fixed time), so the signature is checked without the aws CLI. Each token was
 * printed once by aws-cli/1.45.11 (botocore/1.43.11) with these AWS_* variables and AWS_CONFIG_FILE=/dev/null,
 * AWS_STS_REGIONAL_ENDPOINTS=regional: `aws eks get-token --cluster-name <cluster> --region <region>`; `now` is
 * the X-Amz-Date the CLI chose. The test below also recomputes each signature from scratch (signV4 below).
 */
const VECTORS = [
  {
    name: "long-term keys",
    credentials,
    region: "eu-west-1",
    clusterName: "prod",
    now: new Date("2026-12-03T13:24:24Z"),
    token:
      "k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lBSU9TRk9ETk43RVhBTVBMRSUyRjIwMjYxMjAzJTJGZXUtd2VzdC0xJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjEyMDNUMTMyNDI0WiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9Nzk3YTkxZWVlNzJlYzQ3YWFhY2U0N2RhYjMyMjQzMDg5YzJjMmNhZjRiZjZjNjY4NTUxZDYwMzgwY2ZmNGUzOQ",
    signature: "797a91eee72ec47aaace47dab32243089c2c2caf4bf6c668551d60380cff4e39",
  },
  {
    name: "temporary credentials (session token)",
    credentials: {
      accessKeyId: "ASIAIOSFODNN7EXAMPLE",
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/session+token=",
    },
    region: "us-east-1",
    clusterName: "workloads-prod",
    now: new Date("2026-12-03T13:24:33Z"),
    token:
      "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBSU9TRk9ETk43RVhBTVBMRSUyRjIwMjYxMjAzJTJGdXMtZWFzdC0xJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjEyMDNUMTMyNDMzWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TZWN1cml0eS1Ub2tlbj1JUW9KYjNKcFoybHVYMlZqRVhBTVBMRSUyRnNlc3Npb24lMkJ0b2tlbiUzRCZYLUFtei1TaWduYXR1cmU9OWUyYmU1ZTUxNjlmZDZhYTFkY2NkY2E1OTRiZWQ3NmQwYjk2NDZlNmM5OGMxMWE0NWQ0YWQxODZkYjUxMmVjZA",
    signature: "9e2be5e5169fd6aa1dccdca594bed76d0b9646e6c98c11a45d4ad186db512ecd",
  },
];

/**
 * SigV4 query-string signing written from the AWS spec, not from the signer eksToken uses
 * (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). The payload hash is that of the empty
 * body, as in botocore/auth.py SigV4QueryAuth; only S3's presigned URLs sign the literal UNSIGNED-PAYLOAD.
 */
function signV4(url: URL, headers: Record<string, string>, secret: string, region: string): string {
  const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
  const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s, "utf8").digest();
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams]
    .filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const names = Object.keys(headers).sort();
  const canonical = [
    "GET",
    url.pathname,
    query,
    ...names.map((n) => `${n}:${headers[n]!.trim()}`),
    "",
    names.join(";"),
    sha256(""),
  ].join("\n");
  const amzDate = url.searchParams.get("X-Amz-Date")!;
  const scope = `${amzDate.slice(0, 8)}/${region}/sts/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = ["aws4_request", ...[amzDate.slice(0, 8), region, "sts"].reverse()]
    .reverse()
    .reduce((k: string | Buffer, part) => hmac(k, part), `AWS4${secret}`);
  return createHmac("sha256", key).update(toSign, "utf8").digest("hex");
}

describe("eksToken", () => {
  it("presigns GetCallerIdentity with the cluster id as a signed header, 60 s expiry, base64url without padding", async () => {
    const now = new Date("2026-01-02T03:04:05Z");
    const t = await eksToken({
      credentials,
      region: "eu-west-1",
      clusterName: "prod",
      stsEndpoint: "https://sts.eu-west-1.amazonaws.com",
      now,
    });
    expect(t.token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(t.token).not.toContain("=");
    const url = tokenUrl(t.token);
    expect(url.host).toBe("sts.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/");
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20260102T030405Z");
    expect(url.searchParams.has("x-k8s-aws-id")).toBe(false);
    expect(t.expiration.toISOString()).toBe("2026-01-02T03:18:05.000Z");
    const cred = JSON.parse(execCredential(t));
    expect(cred.status.expirationTimestamp).toBe("2026-01-02T03:18:05Z");
    expect(cred.apiVersion).toBe("client.authentication.k8s.io/v1beta1");
  });

  for (const v of VECTORS) {
    it(`matches the known answer from aws eks get-token: ${v.name}`, async () => {
      const ours = await eksToken({
        credentials: v.credentials,
        region: v.region,
        clusterName: v.clusterName,
        stsEndpoint: `https://sts.${v.region}.amazonaws.com`,
        now: v.now,
      });
      // botocore and @smithy/signature-v4 place X-Amz-Security-Token at different points of the query; the
      // authenticator parses the query, so the same parameters in another order are the same token to it.
      const params = (token: string) =>
        [...tokenUrl(token).searchParams].sort(([a], [b]) => (a < b ? -1 : 1));
      expect(params(ours.token)).toEqual(params(v.token));
      expect(tokenUrl(ours.token).origin).toBe(tokenUrl(v.token).origin);
      if (!("sessionToken" in v.credentials)) expect(ours.token).toBe(v.token);
    });

    it(`the known answer's signature is SigV4 recomputed from scratch: ${v.name}`, () => {
      const url = tokenUrl(v.token);
      expect(url.searchParams.get("X-Amz-Signature")).toBe(v.signature);
      const headers = { host: url.host, "x-k8s-aws-id": v.clusterName };
      expect(signV4(url, headers, v.credentials.secretAccessKey, v.region)).toBe(v.signature);
      // The scratch signer is sensitive to what it signs: another cluster or key gives another signature.
      expect(
        signV4(url, { ...headers, "x-k8s-aws-id": "other" }, v.credentials.secretAccessKey, v.region),
      ).not.toBe(v.signature);
      expect(signV4(url, headers, `${v.credentials.secretAccessKey}x`, v.region)).not.toBe(v.signature);
    });
  }
});
