/**
 * The flags of `--discover` (verify, import): how to reach cluster A and each account it leads to.
 */
import type { DiscoverOptions } from "../discover/index.js";
import { parseProfileFor } from "../discover/index.js";
import { type Flags, requireFlag } from "./args.js";

export const DISCOVER_OPTIONS = {
  discover: { type: "boolean" },
  "source-profile": { type: "string" },
  "source-context": { type: "string" },
  "source-cluster": { type: "string" },
  "source-region": { type: "string" },
  "profile-for": { type: "string", multiple: true },
  "krci-namespace": { type: "string" },
  "argocd-namespace": { type: "string" },
  name: { type: "string" },
} as const;

export const DISCOVER_USAGE = `  --source-profile <p>    AWS profile of account A (required); its region unless --source-region
  --source-context <c>    kubeconfig context of cluster A (default: an EKS token from the profile)
  --source-cluster <n>    EKS cluster A (default: the only one, or the one the context points at)
  --source-region <r>     region of cluster A
  --profile-for <id=p>    AWS profile for a target account (repeatable; default: the default chain)
  --krci-namespace <ns>   KubeRocketCI namespace (default krci)
  --argocd-namespace <ns> Argo CD namespace (default argocd)
  --name <stack>          stack name when the role names do not carry one`;

export function discoverOptions(
  values: Flags["values"],
  command: string,
  env: NodeJS.ProcessEnv,
): DiscoverOptions & { name?: string } {
  const s = (k: string) => values[k] as string | undefined;
  return {
    env,
    sourceProfile: requireFlag(s("source-profile"), "--source-profile", command),
    ...(s("source-context") ? { sourceContext: s("source-context")! } : {}),
    ...(s("source-cluster") ? { sourceCluster: s("source-cluster")! } : {}),
    ...(s("source-region") ? { sourceRegion: s("source-region")! } : {}),
    profileFor: parseProfileFor(values["profile-for"] as string[] | undefined),
    krciNamespace: s("krci-namespace") ?? "krci",
    argocdNamespace: s("argocd-namespace") ?? "argocd",
    ...(s("name") ? { name: s("name")! } : {}),
  };
}
