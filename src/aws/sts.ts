/**
 * The STS hops of the chains: web identity (as in a pod with IRSA) and AssumeRole (A role → B role).
 * One STS round trip per hop per session: `cached` keeps credentials until shortly before they expire.
 */
import { AwsError } from "../errors.js";
import type { CredentialSource, Credentials } from "./credentials.js";
import { stsEndpoint } from "./endpoints.js";

/** Role chaining caps the second session at one hour (REFERENCE §1). */
export const CHAINED_SESSION_MAX_SECONDS = 3600;
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

async function client(region: string, env: NodeJS.ProcessEnv, credentials?: Credentials) {
  const { STSClient } = await import("@aws-sdk/client-sts");
  return new STSClient({
    region,
    endpoint: stsEndpoint(region, env),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 3,
  });
}

function toCredentials(
  c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined,
  what: string,
): Credentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey)
    throw new AwsError("sts.empty", `${what} returned no credentials`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  };
}

/** Wraps an SDK error as an AwsError naming the call and the AWS error code. */
export function awsFailure(call: string, e: unknown, hint?: string): AwsError {
  const err = e as { name?: string; Code?: string; message?: string };
  const code = err?.Code ?? err?.name ?? "Error";
  return new AwsError(`aws.${code}`, `${call} failed: ${code}: ${err?.message ?? String(e)}`, hint, {
    cause: e,
  });
}

export async function assumeRoleWithWebIdentity(args: {
  roleArn: string;
  webIdentityToken: string;
  sessionName: string;
  region: string;
  env: NodeJS.ProcessEnv;
}): Promise<Credentials> {
  const { AssumeRoleWithWebIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = await client(args.region, args.env);
  try {
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: args.roleArn,
        RoleSessionName: args.sessionName,
        WebIdentityToken: args.webIdentityToken,
      }),
    );
    return toCredentials(out.Credentials, "AssumeRoleWithWebIdentity");
  } catch (e) {
    throw awsFailure(`AssumeRoleWithWebIdentity into ${args.roleArn}`, e);
  } finally {
    sts.destroy();
  }
}

export async function assumeRole(args: {
  credentials: Credentials;
  roleArn: string;
  sessionName: string;
  region: string;
  env: NodeJS.ProcessEnv;
  durationSeconds?: number;
}): Promise<Credentials> {
  const { AssumeRoleCommand } = await import("@aws-sdk/client-sts");
  const sts = await client(args.region, args.env, args.credentials);
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: args.roleArn,
        RoleSessionName: args.sessionName,
        DurationSeconds: args.durationSeconds ?? CHAINED_SESSION_MAX_SECONDS,
      }),
    );
    return toCredentials(out.Credentials, "AssumeRole");
  } catch (e) {
    throw awsFailure(`AssumeRole into ${args.roleArn}`, e);
  } finally {
    sts.destroy();
  }
}

/** Memoises a credential source until REFRESH_MARGIN before expiry; concurrent callers share one request. */
export function cached(source: CredentialSource, now: () => number = Date.now): CredentialSource {
  let current: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;
  return async () => {
    if (current && (!current.expiration || current.expiration.getTime() - REFRESH_MARGIN_MS > now()))
      return current;
    pending ??= source().then(
      (c) => {
        current = c;
        pending = undefined;
        return c;
      },
      (e) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };
}

/**
 * The pod's identity chain: web identity (token file + role ARN, as IRSA injects them) and then, optionally,
 * AssumeRole into the target role. Each hop is cached.
 */
export function webIdentityChain(args: {
  readToken: () => Promise<string>;
  sourceRoleArn: string;
  targetRoleArn?: string;
  sessionName: string;
  region: string;
  env: NodeJS.ProcessEnv;
}): { source: CredentialSource; target: CredentialSource } {
  const source = cached(async () =>
    assumeRoleWithWebIdentity({
      roleArn: args.sourceRoleArn,
      webIdentityToken: await args.readToken(),
      sessionName: args.sessionName,
      region: args.region,
      env: args.env,
    }),
  );
  const targetRoleArn = args.targetRoleArn;
  const target = targetRoleArn
    ? cached(async () =>
        assumeRole({
          credentials: await source(),
          roleArn: targetRoleArn,
          sessionName: args.sessionName,
          region: args.region,
          env: args.env,
        }),
      )
    : source;
  return { source, target };
}
