/**
 * EKS bearer token checks, as ordered early returns that quote the bad value.
 * Rules from aws-iam-authenticator pkg/token (tokenVerifier.Verify, v0.6/v0.7): size, `k8s-aws-v1.` prefix,
 * base64url, https scheme and an STS host of the partition, path `/`, query keys from an allowlist (case-
 * insensitive, single-valued), Action=GetCallerIdentity, x-k8s-aws-id signed, X-Amz-Expires in 0..900, and at
 * most 15 minutes after X-Amz-Date. The sandbox also accepts its own STS endpoint on the loopback address over
 * http (AWS_ENDPOINT_URL makes `aws eks get-token` presign against it); the STS call that follows verifies the
 * signature. Canonicalisation from pkg/arn.
 */

export const TOKEN_PREFIX = "k8s-aws-v1.";
export const MAX_TOKEN_BYTES = 1024 * 4;
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";
/** Presigned STS URLs, hence tokens, are valid 15 minutes after X-Amz-Date whatever X-Amz-Expires says. */
export const PRESIGNED_URL_EXPIRATION_MS = 15 * 60 * 1000;

const ALLOWED_PARAMS = new Set([
  "action",
  "version",
  "x-amz-algorithm",
  "x-amz-credential",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-security-token",
  "x-amz-signature",
  "x-amz-signedheaders",
]);

/** STS hosts of the aws partition: global, regional, FIPS and dual-stack forms. */
const STS_HOST =
  /^(sts(-fips)?(\.[a-z]{2}(-gov)?-[a-z]+-\d)?\.amazonaws\.com|sts(-fips)?\.[a-z]{2}(-gov)?-[a-z]+-\d\.api\.aws)$/;
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

export type TokenCheck =
  | { ok: true; url: string; accessKeyId: string /** ms epoch */; expiresAt: number }
  | { ok: false; error: string };

function decodeBase64Url(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, "base64url").toString("utf8");
}

/** Parses X-Amz-Date (20060102T150405Z). */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function checkEksToken(token: string, now: Date): TokenCheck {
  if (token.length > MAX_TOKEN_BYTES) return { ok: false, error: "token is too large" };
  if (!token.startsWith(TOKEN_PREFIX))
    return { ok: false, error: `token is missing expected "${TOKEN_PREFIX}" prefix` };
  const decoded = decodeBase64Url(token.slice(TOKEN_PREFIX.length));
  if (decoded === undefined) return { ok: false, error: "illegal base64 data in token" };
  let url: URL;
  try {
    url = new URL(decoded);
  } catch {
    return { ok: false, error: `malformed pre-signed URL ${JSON.stringify(decoded.slice(0, 80))}` };
  }
  const scheme = url.protocol.replace(/:$/, "");
  const loopback = LOOPBACK_HOST.test(url.host);
  if (scheme !== "https" && !(scheme === "http" && loopback))
    return { ok: false, error: `unexpected scheme "${scheme}" in pre-signed URL` };
  if (!loopback && !STS_HOST.test(url.host))
    return { ok: false, error: `unexpected hostname "${url.host}" in pre-signed URL` };
  if (url.pathname !== "/") return { ok: false, error: "unexpected path in pre-signed URL" };
  const params = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const [key, value] of url.searchParams) {
    const lower = key.toLowerCase();
    if (!ALLOWED_PARAMS.has(lower)) return { ok: false, error: `non-whitelisted query parameter "${key}"` };
    seen.set(lower, (seen.get(lower) ?? 0) + 1);
    if ((seen.get(lower) ?? 0) > 1)
      return { ok: false, error: "query parameter with multiple values not supported" };
    params.set(lower, value);
  }
  if (params.get("action") !== "GetCallerIdentity")
    return {
      ok: false,
      error: `unexpected action parameter "${params.get("action") ?? ""}" in pre-signed URL`,
    };
  const signed = (params.get("x-amz-signedheaders") ?? "").split(";").map((h) => h.trim().toLowerCase());
  if (!signed.includes(CLUSTER_ID_HEADER))
    return { ok: false, error: `client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL` };
  const expiresRaw = params.get("x-amz-expires") ?? "";
  const expires = /^-?\d+$/.test(expiresRaw) ? Number(expiresRaw) : Number.NaN;
  if (!Number.isInteger(expires) || expires < 0 || expires > 900)
    return { ok: false, error: `invalid X-Amz-Expires parameter in pre-signed URL: "${expiresRaw}"` };
  const dateRaw = params.get("x-amz-date") ?? "";
  if (dateRaw === "") return { ok: false, error: "X-Amz-Date parameter must be present in pre-signed URL" };
  const date = parseAmzDate(dateRaw);
  if (!date)
    return {
      ok: false,
      error: `error parsing X-Amz-Date parameter "${dateRaw}" into format 20060102T150405Z`,
    };
  if (now.getTime() > date.getTime() + PRESIGNED_URL_EXPIRATION_MS)
    return {
      ok: false,
      error: `X-Amz-Date parameter is expired (15 minute expiration) ${date.toISOString()}`,
    };
  const accessKeyId = (params.get("x-amz-credential") ?? "").split("/")[0] ?? "";
  return { ok: true, url: decoded, accessKeyId, expiresAt: date.getTime() + PRESIGNED_URL_EXPIRATION_MS };
}

/**
 * arn:aws:sts::<acct>:assumed-role/<role>/<session> -> arn:aws:iam::<acct>:role/<role>. IAM user and role ARNs are
 * returned as they are. The STS ARN has no role path, so a role with a path canonicalises to the ARN without it
 * (aws-iam-authenticator does the same); the access entry is then found by the role's unique id.
 */
export function canonicalizeArn(arn: string): string | undefined {
  const m = /^arn:(aws[a-z-]*):(sts|iam)::(\d{12}):(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, partition, service, account, resource] = m as unknown as [string, string, string, string, string];
  if (service === "sts") {
    const parts = resource.split("/");
    if (parts[0] === "assumed-role" && parts.length >= 3)
      return `arn:${partition}:iam::${account}:role/${parts[1]}`;
    if (parts[0] === "federated-user") return arn;
    return undefined;
  }
  if (resource.startsWith("role/") || resource.startsWith("user/") || resource === "root") return arn;
  return undefined;
}

/** EKS access entry username templates: {{SessionName}}, {{AccountID}}, {{SessionNameRaw}}. */
export function expandUsername(template: string, account: string, sessionName: string): string {
  return template
    .replaceAll("{{AccountID}}", account)
    .replaceAll("{{SessionNameRaw}}", sessionName)
    .replaceAll("{{SessionName}}", sessionName.replaceAll("@", "-"));
}
