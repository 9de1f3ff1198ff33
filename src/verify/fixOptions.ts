/**
 * The verify options that make fixes fit a config: what it renders (its desired State) and each account's AWS
 * profile. The CLI passes them for --config, --from and --live alike.
 */
import type { Config } from "../config/schema.js";
import { desiredState } from "../topology/desired.js";
import type { VerifyOptions } from "./context.js";

export function fixOptions(cfg: Config): Required<Pick<VerifyOptions, "desired" | "profiles">> {
  const profiles: Record<string, string> = {};
  if (cfg.source.profile) profiles[cfg.source.accountId] = cfg.source.profile;
  for (const t of cfg.targets) if (t.profile && !profiles[t.accountId]) profiles[t.accountId] = t.profile;
  return { desired: desiredState(cfg).state, profiles };
}
