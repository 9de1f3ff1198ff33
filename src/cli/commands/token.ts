import { InputError, isXirsaError } from "../../errors.js";
import { parseFlags, requireFlag } from "../args.js";
import type { Command } from "../command.js";

/**
 * Kept light on purpose: kubectl runs it before every request burst, so it imports only the token code, and
 * the STS client only when a role must be assumed and no cached token is fresh.
 */
const command: Command = {
  name: "token",
  summary: "print an EKS ExecCredential (drop-in for aws eks get-token / argocd-k8s-auth aws)",
  usage: `xirsa token --cluster-name N [--role-arn R] [--region G] [--profile P] [--session-name S] [--no-cache]

Prints a client.authentication.k8s.io/v1beta1 ExecCredential with an EKS bearer token for cluster N, made from
the default AWS credentials (or --profile), after assuming --role-arn when given. Tokens are cached on disk
(mode 0600, in $XIRSA_CACHE_DIR or ~/.cache/xirsa/tokens) and reused until one minute before they expire.
Honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS and uses the regional STS endpoint.

Flags:
  --cluster-name N   the EKS cluster the token is for (required)
  --region G         the region the token is signed for (default: $AWS_REGION, else $AWS_DEFAULT_REGION)
  --profile P        the AWS profile whose credentials sign it (default: $AWS_PROFILE, else the default chain);
                     a profile the shared AWS files do not define is refused, naming the known ones
  --role-arn R       assume this role first (a cross-account role of the target account)
  --session-name S   the session name of --role-arn (default xirsa-token)
  --no-cache         neither read nor write the token cache

kubeconfig user:
  exec:
    apiVersion: client.authentication.k8s.io/v1beta1
    command: xirsa
    args: [token, --cluster-name, my-cluster, --region, eu-west-1]`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        "cluster-name": { type: "string" },
        "role-arn": { type: "string" },
        region: { type: "string" },
        profile: { type: "string" },
        "session-name": { type: "string" },
        "no-cache": { type: "boolean" },
      },
      "token",
    );
    const clusterName = requireFlag(values["cluster-name"], "--cluster-name", "token");
    const region = values.region || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION;
    if (!region) throw new InputError("cli.region", "no region", "pass --region or set AWS_REGION");
    // The region becomes the STS host of the presigned URL: refuse anything that is not a region.
    const { REGION } = await import("../../names/index.js");
    if (!REGION.test(region)) {
      throw new InputError(
        "cli.region",
        `'${region}' is not an AWS region`,
        "pass a region such as eu-west-1",
      );
    }
    const roleArn = values["role-arn"];
    if (roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
      throw new InputError(
        "cli.roleArn",
        `--role-arn '${roleArn}' is not an IAM role ARN`,
        "expected arn:aws:iam::<account>:role/<name>",
      );
    }
    const profile = values.profile || io.env.AWS_PROFILE;
    const { stsEndpoint } = await import("../../aws/endpoints.js");
    const endpoint = stsEndpoint(region, io.env);
    const { cacheKey, fileStamps, readCachedToken, tokenCacheDir, writeCachedToken } = await import(
      "../../aws/tokenCache.js"
    );
    const { execCredential } = await import("../../aws/execCredential.js");
    const useCache = !values["no-cache"];
    const dir = tokenCacheDir(io.env);
    const key = cacheKey({
      profile,
      // New keys in the shared files (or a new web identity token) must not reuse tokens of the old ones.
      files: fileStamps([
        io.env.AWS_SHARED_CREDENTIALS_FILE,
        io.env.AWS_CONFIG_FILE,
        io.env.AWS_WEB_IDENTITY_TOKEN_FILE,
      ]),
      accessKey: profile ? undefined : io.env.AWS_ACCESS_KEY_ID,
      roleArn,
      // Web identity (IRSA): which role the token file is exchanged for, and the session.
      webIdentityRole: io.env.AWS_WEB_IDENTITY_TOKEN_FILE ? io.env.AWS_ROLE_ARN : undefined,
      session: values["session-name"] ?? io.env.AWS_ROLE_SESSION_NAME,
      clusterName,
      region,
      endpoint,
    });
    const now = new Date();
    const hit = useCache ? readCachedToken(dir, key, now) : undefined;
    if (hit) {
      io.stdout.write(execCredential(hit));
      return 0;
    }
    const { defaultCredentials } = await import("../../aws/credentials.js");
    const { awsFailure } = await import("../../aws/sts.js");
    let credentials = await defaultCredentials(values.profile, io.env, region)().catch((e) => {
      if (isXirsaError(e)) throw e;
      throw awsFailure(
        "loading AWS credentials",
        e,
        "check the profile, AWS_* variables or the web identity token file",
      );
    });
    if (roleArn) {
      const { assumeRole } = await import("../../aws/sts.js");
      credentials = await assumeRole({
        credentials,
        roleArn,
        sessionName: values["session-name"] ?? "xirsa-token",
        region,
        env: io.env,
      });
    }
    const { eksToken } = await import("../../aws/eksToken.js");
    const token = await eksToken({ credentials, region, clusterName, stsEndpoint: endpoint, now });
    if (useCache) writeCachedToken(dir, key, token);
    io.stdout.write(execCredential(token));
    return 0;
  },
};
export default command;
