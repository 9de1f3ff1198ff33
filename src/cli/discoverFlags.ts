/**
 * The flags of `--discover` (verify, import): how to reach cluster A and each account it leads to.
 */
import type { DiscoverOptions } from "../discover/index.js";
import { parseProfileFor } from "../discover/index.js";
import { type FlagValues, requireFlag } from "./args.js";

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
  values: FlagValues<typeof DISCOVER_OPTIONS>,
  command: string,
  env: NodeJS.ProcessEnv,
): DiscoverOptions & { name?: string } {
  const v = values;
  return {
    env,
    sourceProfile: requireFlag(v["source-profile"], "--source-profile", command),
    ...(v["source-context"] ? { sourceContext: v["source-context"] } : {}),
    ...(v["source-cluster"] ? { sourceCluster: v["source-cluster"] } : {}),
    ...(v["source-region"] ? { sourceRegion: v["source-region"] } : {}),
    profileFor: parseProfileFor(v["profile-for"]),
    krciNamespace: v["krci-namespace"] ?? "krci",
    argocdNamespace: v["argocd-namespace"] ?? "argocd",
    ...(v.name ? { name: v.name } : {}),
  };
}
