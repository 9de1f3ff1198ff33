/**
 * The files a user (or the aws CLI, SDKs, kubectl) needs to reach a running sandbox: D/env.sh (endpoints and
 * file locations, nothing secret), D/aws-config (one `sandbox-<account>` profile per account, in the region
 * of that account's first cluster) and D/aws-credentials (the admin keys, mode 0600).
 */
import { readFileSync } from "node:fs";
import { replaceFileSync } from "../fs/index.js";
import { clientEnv, parseEnvSh, renderEnvSh } from "./clientEnv.js";
import type { AwsState } from "./model.js";
import { files } from "./server.js";

export const profileName = (accountId: string) => `sandbox-${accountId}`;

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
  replaceFileSync(f.env, renderEnvSh(clientEnv(f, urls)), 0o644);
}

/** What D/env.sh of a started sandbox exports (for withClientEnv), as a shell sourcing it would see. */
export function readClientEnv(stateDir: string): Record<string, string> {
  return parseEnvSh(readFileSync(files(stateDir).env, "utf8"));
}
