/**
 * `--discover`: the config of a set-up made by hand, read from cluster A outwards (read.ts), modelled as the
 * xirsa.yaml that reproduces it (model.ts). `verify --live --discover` proves it; `import` writes it.
 */

import type { Config } from "../config/index.js";
import { parseConfig } from "../config/index.js";
import { OperationError } from "../errors.js";
import { type Imported, importConfig } from "./model.js";
import { type DiscoverOptions, readSetUp } from "./read.js";

export { parseProfileFor } from "./read.js";
export type { DiscoverOptions };

export interface Discovered extends Imported {
  /** The validated config with defaults (for the live commands). */
  parsed: Config;
}

export async function discover(opts: DiscoverOptions & { name?: string }): Promise<Discovered> {
  const found = await readSetUp(opts);
  const imported = importConfig(found, {
    krciNamespace: opts.krciNamespace,
    argocdNamespace: opts.argocdNamespace,
    sourceProfile: opts.sourceProfile,
    ...(opts.sourceContext ? { sourceContext: opts.sourceContext } : {}),
    profileFor: opts.profileFor,
    ...(opts.name ? { name: opts.name } : {}),
  });
  if (!imported.config.targets.length) {
    throw new OperationError(
      "discover.no-targets",
      `no registered cluster could be followed into its account: ${imported.notes.join("; ")}`,
      "give each target account credentials with --profile-for ACCOUNT=PROFILE",
    );
  }
  return { ...imported, parsed: parseConfig(imported.config, "the discovered set-up") };
}
