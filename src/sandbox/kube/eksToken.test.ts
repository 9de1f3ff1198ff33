import { describe, expect, it } from "vitest";
import { canonicalizeArn, checkEksToken, expandUsername } from "./eksToken.js";

const NOW = new Date("2026-01-01T12:00:00Z");
const DATE = "20260101T115900Z";
const Q = `Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA1%2F20260101%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=${DATE}&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc`;
const tok = (url: string) => `k8s-aws-v1.${Buffer.from(url).toString("base64url")}`;

describe("checkEksToken (aws-iam-authenticator rules)", () => {
  it("accepts real STS hosts and the sandbox's loopback STS", () => {
    for (const host of [
      "https://sts.amazonaws.com",
      "https://sts.eu-west-1.amazonaws.com",
      "https://sts-fips.us-east-1.amazonaws.com",
      "https://sts.eu-west-1.api.aws",
      "http://127.0.0.1:4599",
    ]) {
      const r = checkEksToken(tok(`${host}/?${Q}`), NOW);
      expect(r, host).toMatchObject({ ok: true, accessKeyId: "AKIA1" });
    }
  });
  const bad: [string, string, string][] = [
    ["too large", `k8s-aws-v1.${"A".repeat(5000)}`, "token is too large"],
    ["prefix", "k8s-aws-v2.abc", 'token is missing expected "k8s-aws-v1." prefix'],
    ["base64", "k8s-aws-v1.***", "illegal base64"],
    ["scheme", tok(`http://sts.amazonaws.com/?${Q}`), 'unexpected scheme "http"'],
    ["host", tok(`https://evil.example.com/?${Q}`), 'unexpected hostname "evil.example.com"'],
    ["host lookalike", tok(`https://sts.amazonaws.com.evil.io/?${Q}`), "unexpected hostname"],
    ["path", tok(`https://sts.amazonaws.com/x?${Q}`), "unexpected path"],
    ["extra param", tok(`https://sts.amazonaws.com/?${Q}&Foo=1`), 'non-whitelisted query parameter "Foo"'],
    ["duplicate", tok(`https://sts.amazonaws.com/?${Q}&action=GetCallerIdentity`), "multiple values"],
    [
      "action",
      tok(`https://sts.amazonaws.com/?${Q.replace("GetCallerIdentity", "AssumeRole")}`),
      'unexpected action parameter "AssumeRole"',
    ],
    [
      "unsigned cluster id",
      tok(`https://sts.amazonaws.com/?${Q.replace("host%3Bx-k8s-aws-id", "host")}`),
      "did not sign the x-k8s-aws-id header",
    ],
    [
      "expires too big",
      tok(`https://sts.amazonaws.com/?${Q.replace("X-Amz-Expires=60", "X-Amz-Expires=901")}`),
      'invalid X-Amz-Expires parameter in pre-signed URL: "901"',
    ],
    [
      "expires negative",
      tok(`https://sts.amazonaws.com/?${Q.replace("X-Amz-Expires=60", "X-Amz-Expires=-1")}`),
      "invalid X-Amz-Expires",
    ],
    [
      "no date",
      tok(`https://sts.amazonaws.com/?${Q.replace(`&X-Amz-Date=${DATE}`, "")}`),
      "X-Amz-Date parameter must be present",
    ],
    [
      "bad date",
      tok(`https://sts.amazonaws.com/?${Q.replace(DATE, "yesterday")}`),
      'error parsing X-Amz-Date parameter "yesterday"',
    ],
  ];
  it.each(bad)("refuses: %s", (_, token, msg) => {
    const r = checkEksToken(token, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(msg);
  });
  it("expires 15 minutes after X-Amz-Date whatever X-Amz-Expires says", () => {
    const t = tok(`https://sts.amazonaws.com/?${Q}`);
    expect(checkEksToken(t, new Date("2026-01-01T12:13:59Z")).ok).toBe(true);
    const late = checkEksToken(t, new Date("2026-01-01T12:14:01Z"));
    expect(late).toEqual({
      ok: false,
      error: "X-Amz-Date parameter is expired (15 minute expiration) 2026-01-01T11:59:00.000Z",
    });
  });
});

describe("canonicalizeArn", () => {
  it.each([
    ["arn:aws:sts::123456789012:assumed-role/Agent/s1", "arn:aws:iam::123456789012:role/Agent"],
    ["arn:aws:iam::123456789012:user/sandbox-admin", "arn:aws:iam::123456789012:user/sandbox-admin"],
    ["arn:aws:iam::123456789012:role/path/R", "arn:aws:iam::123456789012:role/path/R"],
    ["arn:aws:s3:::bucket", undefined],
  ])("%s", (arn, want) => expect(canonicalizeArn(arn)).toBe(want));
  it("expands EKS username templates", () => {
    expect(expandUsername("u-{{AccountID}}-{{SessionName}}", "1", "a@b")).toBe("u-1-a-b");
    expect(expandUsername("{{SessionNameRaw}}", "1", "a@b")).toBe("a@b");
  });
});
