/**
 * Ways to reach a cluster: an EKS bearer token minted from the account's AWS credentials (endpoint and CA from
 * DescribeCluster), or a kubeconfig context named in the config.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { CredentialSource } from "../aws/index.js";
import { eksToken } from "../aws/index.js";
import { ConfigError } from "../errors.js";
import type { KubeSession } from "./client.js";

/** Renew a token this long before its 14-minute client lifetime ends. */
const RENEW_MARGIN_MS = 60_000;

export function eksSession(args: {
  clusterName: string;
  region: string;
  /** https endpoint and base64 PEM CA, from DescribeCluster. */
  endpoint: string;
  caData: string;
  credentials: CredentialSource;
  stsEndpoint: string;
  now: () => Date;
}): () => Promise<KubeSession> {
  return async () => {
    const now = args.now();
    const t = await eksToken({
      credentials: await args.credentials(),
      region: args.region,
      clusterName: args.clusterName,
      stsEndpoint: args.stsEndpoint,
      now,
    });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: args.clusterName, server: args.endpoint, caData: args.caData, skipTLSVerify: false },
      ],
      users: [{ name: "xirsa", token: t.token }],
      contexts: [{ name: "xirsa", cluster: args.clusterName, user: "xirsa" }],
      currentContext: "xirsa",
    });
    return { kc, renewAt: new Date(t.expiration.getTime() - RENEW_MARGIN_MS) };
  };
}

/** The kubeconfig files to search: $KUBECONFIG (path list) or ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(":").filter(Boolean);
  return [join(env.HOME || homedir(), ".kube", "config")];
}

export function kubeconfigSession(args: {
  context: string;
  env: NodeJS.ProcessEnv;
  field: string;
}): () => Promise<KubeSession> {
  return async () => {
    const files = kubeconfigFiles(args.env).filter((f) => existsSync(f));
    for (const file of files) {
      const kc = new KubeConfig();
      kc.loadFromFile(file);
      if (kc.getContexts().some((c) => c.name === args.context)) {
        kc.setCurrentContext(args.context);
        return { kc };
      }
    }
    throw new ConfigError(
      "config.kubeContext",
      `${args.field}: kubeconfig context '${args.context}' not found in ${files.length ? files.join(", ") : "any kubeconfig (none exists)"}`,
      "name an existing context (kubectl config get-contexts) or remove kubeContext to use an EKS token",
    );
  };
}
