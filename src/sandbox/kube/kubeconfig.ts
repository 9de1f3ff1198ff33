/**
 * Writes a kubeconfig for a sandbox cluster whose user runs an exec credential plugin: `aws eks get-token`
 * (with the sandbox's env so it presigns against the sandbox STS) or xirsa's own token command. Mode 0600,
 * written atomically.
 */
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { InputError } from "../../errors.js";
import { replaceFileSync } from "../../fs/index.js";
import { parseEnvSh } from "../clientEnv.js";

export interface WriteKubeconfigArgs {
  file: string;
  clusterName: string;
  server: string;
  caPem: string;
  region: string;
  profile?: string;
  roleArn?: string;
  /** D/env.sh: its `export K=V` lines become the plugin's environment. */
  envFile?: string;
  command?: "aws" | "xirsa";
}

export function kubeconfigDocument(
  args: WriteKubeconfigArgs,
  envFromFile: { name: string; value: string }[],
): object {
  const name = args.clusterName;
  const env = [...envFromFile];
  if (args.profile) env.push({ name: "AWS_PROFILE", value: args.profile });
  const command = args.command ?? "aws";
  const cmdArgs =
    command === "aws"
      ? ["--region", args.region, "eks", "get-token", "--cluster-name", name, "--output", "json"]
      : ["token", "--cluster-name", name, "--region", args.region];
  if (args.roleArn) cmdArgs.push("--role-arn", args.roleArn);
  return {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [
      {
        name,
        cluster: {
          server: args.server,
          "certificate-authority-data": Buffer.from(args.caPem).toString("base64"),
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command,
            args: cmdArgs,
            env: env.length ? env : null,
            interactiveMode: "Never",
            provideClusterInfo: false,
          },
        },
      },
    ],
  };
}

export function writeKubeconfig(args: WriteKubeconfigArgs): void {
  let envFromFile: { name: string; value: string }[] = [];
  if (args.envFile) {
    let text: string;
    try {
      text = readFileSync(args.envFile, "utf8");
    } catch {
      throw new InputError(
        "KUBECONFIG_ENV_FILE",
        `cannot read ${args.envFile}`,
        "start the sandbox first (xirsa sandbox up) or pass the right --state-dir",
      );
    }
    envFromFile = Object.entries(parseEnvSh(text)).map(([name, value]) => ({ name, value }));
  }
  replaceFileSync(args.file, stringify(kubeconfigDocument(args, envFromFile)), 0o600);
}
