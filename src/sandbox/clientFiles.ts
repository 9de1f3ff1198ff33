/**
 * The files a user (or the aws CLI, SDKs, kubectl) needs to reach a running sandbox: D/env.sh (endpoints and
 * file locations, nothing secret), D/aws-config (one `sandbox-<account>` profile per account, in the region
 * of that account's first cluster) and D/aws-credentials (the admin keys, mode 0600).
 */
import { replaceFileSync } from "../fs/atomic.js";
import type { AwsState } from "./model.js";
import { files } from "./server.js";

export const profileName = (accountId: string) => `sandbox-${accountId}`;

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function regionOf(state: AwsState, accountId: string): string {
  return state.clusters.find((c) => c.accountId === accountId)?.region ?? "us-east-1";
}

export function writeClientFiles(
  stateDir: string,
  state: AwsState,
  urls: { awsUrl: string; oidcUrl: string },
): void {
  const f = files(stateDir);
  const config = state.accounts
    .map((a) => `[profile ${profileName(a.id)}]\nregion = ${regionOf(state, a.id)}\noutput = json\n`)
    .join("\n");
  const credentials = state.accounts
    .map(
      (a) =>
        `[${profileName(a.id)}]\naws_access_key_id = ${a.admin.accessKeyId}\naws_secret_access_key = ${a.admin.secretAccessKey}\n`,
    )
    .join("\n");
  replaceFileSync(f.awsCredentials, credentials, 0o600);
  replaceFileSync(f.awsConfig, config, 0o600);
  const env = [
    "# xirsa sandbox: `. ./env.sh` points the aws CLI and AWS SDKs at the sandbox (profiles: sandbox-<account id>)",
    `export AWS_ENDPOINT_URL=${shellQuote(urls.awsUrl)}`,
    `export AWS_CONFIG_FILE=${shellQuote(f.awsConfig)}`,
    `export AWS_SHARED_CREDENTIALS_FILE=${shellQuote(f.awsCredentials)}`,
    "export AWS_EC2_METADATA_DISABLED=true",
    `export XIRSA_SANDBOX_OIDC_URL=${shellQuote(urls.oidcUrl)}`,
    `export XIRSA_SANDBOX_CA=${shellQuote(f.ca)}`,
    "",
  ].join("\n");
  replaceFileSync(f.env, env, 0o644);
}
