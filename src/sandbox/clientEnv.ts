/**
 * The environment of a sandbox client, described once: D/env.sh is rendered from it for shells, and the demo,
 * the kubeconfigs' exec plugin and the tests read that same file back (parseEnvSh) rather than building
 * their own. Pure: paths and URLs in, text or an environment out.
 */

/** Settings that would win over the sandbox's profiles or endpoint if left in the environment; env.sh unsets them. */
export const CLIENT_UNSET = [
  "AWS_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ENDPOINT_URL_IAM",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL_EKS",
] as const;

/** What `. D/env.sh` exports (nothing secret: the keys stay in the 0600 credentials file). */
export function clientEnv(
  paths: { awsConfig: string; awsCredentials: string; ca: string },
  urls: { awsUrl: string; oidcUrl: string },
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: urls.awsUrl,
    AWS_CONFIG_FILE: paths.awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: paths.awsCredentials,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_STS_REGIONAL_ENDPOINTS: "regional",
    XIRSA_SANDBOX_OIDC_URL: urls.oidcUrl,
    XIRSA_SANDBOX_CA: paths.ca,
  };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function renderEnvSh(vars: Record<string, string>): string {
  return [
    "# xirsa sandbox: `. ./env.sh` points the aws CLI and AWS SDKs at the sandbox (profiles: sandbox-<account id>)",
    `unset ${CLIENT_UNSET.join(" ")}`,
    ...Object.entries(vars).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    "",
  ].join("\n");
}

/** The exports of an env.sh as renderEnvSh writes them (single-quoted values; `export K=V` lines only). */
export function parseEnvSh(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2]!.trim();
    out[m[1]!] =
      raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2
        ? raw.slice(1, -1).replace(/'\\''/g, "'")
        : raw;
  }
  return out;
}

/** `base` as a shell has it after `. D/env.sh`. */
export function withClientEnv(base: NodeJS.ProcessEnv, vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of CLIENT_UNSET) delete env[k];
  return { ...env, ...vars };
}
