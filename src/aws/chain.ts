/**
 * The credential chain of a flow, as the pod that runs it has it: a projected service-account token (a file,
 * re-read at every refresh because the kubelet rotates it) exchanged for the source role with
 * AssumeRoleWithWebIdentity, then AssumeRole into the target role. Each hop is cached until shortly before
 * its expiry, so a session makes one STS round trip per hop however many requests it sends. The chained
 * session is capped at one hour (role chaining, REFERENCE §1).
 */
import { readFile } from "node:fs/promises";
import { InputError } from "../errors.js";
import type { CredentialSource, Credentials } from "./credentials.js";
import { assumeRole, assumeRoleWithWebIdentity, CHAINED_SESSION_MAX_SECONDS, cached } from "./sts.js";

export interface FlowChainOptions {
  /** Path of the projected token (AWS_WEB_IDENTITY_TOKEN_FILE in a pod). */
  tokenFile: string;
  sourceRoleArn: string;
  targetRoleArn: string;
  sessionName: string;
  /** Region whose STS endpoint is called (the source cluster's). */
  region: string;
  env: NodeJS.ProcessEnv;
  /** Requested lifetime of the chained session; at most 3600. */
  durationSeconds?: number;
  now?: () => number;
  readToken?: (file: string) => Promise<string>;
}

export interface FlowChain {
  /** Credentials of the source role (web identity). */
  source: CredentialSource;
  /** Credentials of the target role (AssumeRole from the source role's session). */
  target: CredentialSource;
  /** STS round trips made so far, per hop. */
  readonly calls: { webIdentity: number; assumeRole: number };
}

/** Reads a web identity token file; a missing or empty file is bad input (exit 2). */
export async function readWebIdentityToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      "token.file",
      `cannot read the web identity token file ${file}: ${code === "ENOENT" ? "no such file" : code}`,
      "pass --token-file with a projected service-account token (on the sandbox: xirsa sandbox token … > token)",
    );
  }
  const token = text.trim();
  if (!token) {
    throw new InputError(
      "token.empty",
      `the web identity token file ${file} is empty`,
      "write a token into it",
    );
  }
  return token;
}

export function flowChain(opts: FlowChainOptions): FlowChain {
  const duration = opts.durationSeconds ?? CHAINED_SESSION_MAX_SECONDS;
  if (!Number.isInteger(duration) || duration < 900 || duration > CHAINED_SESSION_MAX_SECONDS) {
    throw new InputError(
      "chain.duration",
      `a chained session lasts 900 to ${CHAINED_SESSION_MAX_SECONDS} seconds, not ${duration}`,
      "role chaining caps the target role's session at one hour whatever its MaxSessionDuration says",
    );
  }
  const read = opts.readToken ?? readWebIdentityToken;
  const now = opts.now ?? Date.now;
  const calls = { webIdentity: 0, assumeRole: 0 };
  const source = cached(async (): Promise<Credentials> => {
    const token = await read(opts.tokenFile);
    calls.webIdentity++;
    return assumeRoleWithWebIdentity({
      roleArn: opts.sourceRoleArn,
      webIdentityToken: token,
      sessionName: opts.sessionName,
      region: opts.region,
      env: opts.env,
    });
  }, now);
  const target = cached(async (): Promise<Credentials> => {
    const credentials = await source();
    calls.assumeRole++;
    return assumeRole({
      credentials,
      roleArn: opts.targetRoleArn,
      sessionName: opts.sessionName,
      region: opts.region,
      env: opts.env,
      durationSeconds: duration,
    });
  }, now);
  return { source, target, calls };
}

export interface WebIdentityClaims {
  iss?: string;
  sub?: string;
  aud?: string[];
  exp?: number;
}

/**
 * The claims of a JWT, read without verifying it: STS verifies; these only explain a refusal (which subject,
 * audience and issuer the token carries). Undefined when it is not a JWT.
 */
export function webIdentityClaims(token: string): WebIdentityClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    const aud = payload.aud;
    return {
      ...(typeof payload.iss === "string" ? { iss: payload.iss } : {}),
      ...(typeof payload.sub === "string" ? { sub: payload.sub } : {}),
      ...(typeof aud === "string"
        ? { aud: [aud] }
        : Array.isArray(aud)
          ? { aud: aud.filter((a): a is string => typeof a === "string") }
          : {}),
      ...(typeof payload.exp === "number" ? { exp: payload.exp } : {}),
    };
  } catch {
    return undefined;
  }
}
