import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { eksToken, TOKEN_PREFIX, tokenUrl } from "./eksToken.js";
import { execCredential } from "./execCredential.js";

const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

function hasAws(): boolean {
  try {
    execFileSync("aws", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const awsMissing = !hasAws();
if (awsMissing)
  console.log(
    "src/aws/eksToken.test.ts: the aws CLI is not installed; skipping the comparison with aws eks get-token",
  );

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

  it.skipIf(awsMissing)("is byte-identical to `aws eks get-token` for the same signing time", async () => {
    const out = execFileSync(
      "aws",
      ["eks", "get-token", "--cluster-name", "prod", "--region", "eu-west-1", "--output", "json"],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          AWS_EC2_METADATA_DISABLED: "true",
          AWS_STS_REGIONAL_ENDPOINTS: "regional",
        },
      },
    ).toString();
    const theirs = JSON.parse(out).status.token as string;
    const date = tokenUrl(theirs).searchParams.get("X-Amz-Date")!;
    const now = new Date(
      `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
    );
    const ours = await eksToken({
      credentials,
      region: "eu-west-1",
      clusterName: "prod",
      stsEndpoint: "https://sts.eu-west-1.amazonaws.com",
      now,
    });
    expect(ours.token).toBe(theirs);
  });
});
