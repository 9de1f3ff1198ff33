/**
 * Parts of `xirsa render --only` that are not bundle parts: printed to stdout (or written to --out as one file),
 * for people who set up a read-only verifier or run the probe inside cluster A.
 */
import type { Config } from "../../config/index.js";
import { InputError } from "../../errors.js";
import type { ChainKind } from "../../state/index.js";

export const EXTRAS = ["probe-job", "verifier-policy", "terraform-imports"] as const;
export type Extra = (typeof EXTRAS)[number];

export async function renderExtra(
  extra: Extra,
  config: Config,
  opts: { chain?: string; target?: string; image?: string },
): Promise<string> {
  if (extra === "terraform-imports") {
    const { desiredState } = await import("../../topology/desired.js");
    const { renderTerraformImports } = await import("../../render/terraform.js");
    return [...renderTerraformImports(config, desiredState(config).state).values()].join("\n");
  }
  if (extra === "verifier-policy") {
    const { verifierPolicies, VERIFIER_ACCESS_POLICY } = await import("../../live/verifierPolicy.js");
    return verifierPolicies(config)
      .map(
        (p) =>
          `# account ${p.accountId}: inline policy of the role or user that runs xirsa plan / verify --live\n` +
          `${JSON.stringify(p.policy, null, 2)}\n` +
          `# and an EKS access entry in ${p.clusters.join(", ")} with ${VERIFIER_ACCESS_POLICY} (cluster scope)\n`,
      )
      .join("\n");
  }
  const { CHAIN_KINDS, probeJobManifest } = await import("../../agent/index.js");
  const kinds = opts.chain ? [opts.chain] : [...CHAIN_KINDS];
  for (const k of kinds) {
    if (!(CHAIN_KINDS as readonly string[]).includes(k)) {
      throw new InputError(
        "cli.flags",
        `render: --chain must be one of ${CHAIN_KINDS.join(", ")}, not '${k}'`,
      );
    }
  }
  const targets = opts.target ? [opts.target] : config.targets.map((t) => t.name);
  for (const t of targets) {
    if (!config.targets.some((x) => x.name === t)) {
      throw new InputError(
        "cli.flags",
        `render: no target named '${t}'`,
        `pick one of ${config.targets.map((x) => x.name).join(", ")}`,
      );
    }
  }
  return targets
    .flatMap((t) =>
      kinds.map((k) => probeJobManifest(config, k as ChainKind, t, opts.image ? { image: opts.image } : {})),
    )
    .join("");
}
