/**
 * AWS credentials as the rest of xirsa sees them, and how to get them cheaply.
 * The fast path (static keys in the environment) avoids loading the SDK's provider chain, which costs
 * tens of milliseconds of start-up; everything else goes through the SDK's default chain.
 */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working. */
  expiration?: Date;
}

export type CredentialSource = () => Promise<Credentials>;

/** Static keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY(/AWS_SESSION_TOKEN), when no profile is asked for. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return env.AWS_SESSION_TOKEN
    ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN }
    : { accessKeyId, secretAccessKey };
}

/**
 * The default chain (env, shared config/credentials files, web identity, SSO, process, IMDS) for an optional
 * profile. Loaded lazily.
 */
export function defaultCredentials(
  profile: string | undefined,
  env: NodeJS.ProcessEnv,
  /** Region for the STS calls of web identity / assume-role profiles (regional endpoint). */
  region?: string,
): CredentialSource {
  return async () => {
    if (!profile && !env.AWS_PROFILE) {
      const fromEnv = credentialsFromEnv(env);
      if (fromEnv) return fromEnv;
    }
    const name = profile || env.AWS_PROFILE;
    if (name) (await import("./profiles.js")).checkProfile(name, env);
    const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
    // The SDK reads the shared files' locations from process.env; pass the caller's env explicitly.
    const provider = fromNodeProviderChain({
      ...(profile ? { profile } : {}),
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
      ...(region ? { clientConfig: { region } } : {}),
    });
    const c = await provider();
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
      ...(c.expiration ? { expiration: c.expiration } : {}),
    };
  };
}
