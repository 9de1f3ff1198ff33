/** `xirsa sandbox kubeconfig`: a kubeconfig for a sandbox cluster, its credentials from a profile or a role. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkProfile } from "../../../aws/index.js";
import { InputError, OperationError } from "../../../errors.js";
import { REGION } from "../../../names/index.js";
import {
  files,
  profileName,
  readEndpoints,
  sandboxCluster,
  writeKubeconfig,
} from "../../../sandbox/index.js";
import { oneOf, parseFlags } from "../../args.js";
import type { Io } from "../../command.js";
import { FORCE_OPTION, filesIn, outputFile } from "../../outputs.js";
import { CLUSTER_OPTIONS, clusterFlags } from "./flags.js";

export async function kubeconfig(argv: string[], io: Io): Promise<0> {
  const { values: v } = parseFlags(
    argv,
    {
      ...CLUSTER_OPTIONS,
      profile: { type: "string" },
      region: { type: "string" },
      "role-arn": { type: "string" },
      out: { type: "string" },
      ...FORCE_OPTION,
      command: { type: "string" },
    },
    "sandbox kubeconfig",
  );
  const { stateDir, clusterName } = clusterFlags(v, "sandbox kubeconfig", io);
  if (v.profile && v["role-arn"])
    throw new InputError("cli.flags", "sandbox kubeconfig: pass --profile or --role-arn, not both");
  const command = oneOf(v.command, ["aws", "xirsa"] as const, "--command", "aws");
  const cluster = sandboxCluster(stateDir, clusterName);
  // The token's STS region need not be the cluster's: aws-iam-authenticator (kubernetes-sigs/aws-iam-authenticator,
  // pkg/token/token.go, stsHostsForPartition and verifyHost) accepts every STS host of the partition, as
  // the sandbox does (sandbox/kube/eksToken.ts).
  const region = v.region ?? cluster.region;
  if (!REGION.test(region)) {
    throw new InputError(
      "cli.region",
      `sandbox kubeconfig: --region '${region}' is not an AWS region`,
      "pass a region such as eu-west-1 (default: the cluster's)",
    );
  }
  // The kubeconfig's exec plugin reads the sandbox's shared files (env.sh): the profile must be one of theirs.
  if (v.profile) {
    const f = files(stateDir);
    checkProfile(v.profile, { AWS_CONFIG_FILE: f.awsConfig, AWS_SHARED_CREDENTIALS_FILE: f.awsCredentials });
  }
  const port = readEndpoints(stateDir)?.kube[cluster.name];
  if (!port)
    throw new OperationError(
      "sandbox.endpoint",
      `cluster ${clusterName} has no endpoint yet`,
      "start the sandbox: xirsa sandbox up --state-dir DIR",
    );
  const file = resolve(io.cwd, v.out ?? `${stateDir}/kubeconfig-${cluster.name}`);
  if (v.out !== undefined) {
    // An explicit --out: not a file of the sandbox, not an existing file (but the default kubeconfig, its own).
    const own = resolve(stateDir, `kubeconfig-${cluster.name}`);
    const replace = outputFile(file, {
      force: !!v.force,
      inputs: filesIn(stateDir).filter((f) => f !== own),
    });
    if (!replace && file !== own && existsSync(file)) {
      throw new InputError(
        "sandbox.kubeconfig.exists",
        `${v.out} already exists`,
        "pass --force to overwrite it, or another path",
      );
    }
  }
  writeKubeconfig({
    file,
    clusterName: cluster.name,
    server: `https://127.0.0.1:${port}`,
    caPem: readFileSync(files(stateDir).ca, "utf8"),
    region,
    profile: v["role-arn"] ? undefined : (v.profile ?? profileName(cluster.accountId)),
    roleArn: v["role-arn"],
    envFile: files(stateDir).env,
    command,
  });
  io.stdout.write(`wrote ${file}; use it: KUBECONFIG=${file} kubectl get ns\n`);
  return 0;
}
