/**
 * The verify options that make fixes fit a config: what it renders (its desired State) and each account's AWS
 * profile. The CLI passes them for --config, --from and --live alike. A config without the issuer or the
 * endpoints (they are discovered live) takes them from the `known` State; when they are still unknown, the
 * fixes stay generic.
 */
import type { Config } from "../config/index.js";
import { findCluster, type State } from "../state/index.js";
import { desiredState, missingOfflineValues } from "../topology/index.js";
import type { VerifyOptions } from "./context.js";

function resolvedFrom(cfg: Config, known: State | undefined): Config {
  if (!known) return cfg;
  const source = findCluster(known, {
    accountId: cfg.source.accountId,
    region: cfg.source.region,
    name: cfg.source.cluster,
  });
  return {
    ...cfg,
    source: { ...cfg.source, oidcIssuer: cfg.source.oidcIssuer ?? source?.oidcIssuer },
    targets: cfg.targets.map((t) => {
      const c = findCluster(known, { accountId: t.accountId, region: t.region, name: t.cluster });
      return { ...t, endpoint: t.endpoint ?? c?.endpoint };
    }),
  };
}

export function fixOptions(cfg: Config, known?: State): Pick<VerifyOptions, "desired" | "profiles"> {
  const profiles: Record<string, string> = {};
  if (cfg.source.profile) profiles[cfg.source.accountId] = cfg.source.profile;
  for (const t of cfg.targets) if (t.profile && !profiles[t.accountId]) profiles[t.accountId] = t.profile;
  const resolved = resolvedFrom(cfg, known);
  if (missingOfflineValues(resolved).length > 0) return { profiles };
  return { desired: desiredState(resolved).state, profiles };
}
