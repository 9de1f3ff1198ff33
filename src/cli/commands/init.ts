/**
 * `xirsa init`: the flags (one per config field, from init/fields.ts) → an InitRequest for init/run.ts.
 */

import { type ExitCode, InputError } from "../../errors.js";
import { FIELDS, type FieldKey, type InitDeps, type InitValues, runInit } from "../../init/index.js";
import { parseFlags } from "../args.js";
import type { Command, Io } from "../command.js";

const OPTIONS = {
  ...Object.fromEntries(FIELDS.map((f) => [f.flag.slice(2), { type: "string" as const }])),
  profile: { type: "string" as const },
  region: { type: "string" as const },
  capsule: { type: "boolean" as const },
  discover: { type: "boolean" as const },
  out: { type: "string" as const },
  force: { type: "boolean" as const },
};

export const INIT_USAGE = `xirsa init [flags]

Writes a commented xirsa.yaml for one source cluster (account A: KubeRocketCI + Argo CD) and one target cluster
(account B). Values come from flags; on a terminal, init offers to read the clusters from EKS with your AWS
profiles, then asks for what is still missing, showing each default and checking every answer (alone and against
the answers before it) as the config schema does. A bad flag value is refused naming its flag (exit 2).

${FIELDS.map((f) => `  ${`${f.flag} <value>`.padEnd(26)}${f.question}${f.required ? "" : " (optional)"}`).join("\n")}
  --profile <p>             the AWS profile of both accounts where --source-profile/--target-profile is not
                            given (a set-up whose source and target are in one account, or one profile that
                            reaches both); a profile the shared AWS files do not define is refused
  --region <r>              the region of both clusters where --source-region/--target-region is not given
  --capsule                 use Capsule tenancy in the target (tenant krci, group cd-pipeline-operator)
  --discover                read the clusters from AWS: --source-profile and/or --target-profile list the EKS
                            clusters (pick one with --source-cluster/--target-cluster when there are several)
                            and DescribeCluster fills the account, region, issuer, endpoint and CA
  --out <file>              where to write (default xirsa.yaml)
  --force                   overwrite an existing file (init never does otherwise)

Examples:
  xirsa init --name dev --source-account 111111111111 --source-region eu-central-1 --source-cluster krci-main \\
    --issuer https://oidc.eks.eu-central-1.amazonaws.com/id/ABC --target-name prod \\
    --target-account 222222222222 --target-region eu-west-1 --target-cluster workloads-prod
  xirsa init --discover --source-profile account-a --target-profile account-b --name dev --target-name prod
  xirsa init --discover --profile platform --region eu-west-1 --name dev --target-name prod`;

/** The flags that stand for a field of both sides. */
const BOTH_SIDES: Record<"profile" | "region", FieldKey[]> = {
  profile: ["sourceProfile", "targetProfile"],
  region: ["sourceRegion", "targetRegion"],
};

function flagValues(values: Record<string, unknown>): InitValues {
  const out: InitValues = {};
  for (const f of FIELDS) {
    const v = values[f.flag.slice(2)];
    if (typeof v === "string") out[f.key] = v;
  }
  if (values.capsule === true) out.capsule = true;
  // --profile/--region: one account (or one region) for both sides; a side's own flag wins.
  for (const [flag, keys] of Object.entries(BOTH_SIDES)) {
    const v = values[flag];
    if (typeof v !== "string" || v === "") continue;
    for (const k of keys) out[k] ??= v;
  }
  return out;
}

/** `xirsa init <argv>`: parses the flags and writes the config (deps give the EKS client for --discover). */
export async function runInitCommand(argv: string[], io: Io, deps: InitDeps): Promise<ExitCode> {
  const flags = parseFlags(argv, OPTIONS, "init");
  if (flags.positionals.length) {
    throw new InputError(
      "cli.flags",
      `init: unexpected argument '${flags.positionals[0]}'`,
      "see xirsa init --help",
    );
  }
  const out = typeof flags.values.out === "string" && flags.values.out ? flags.values.out : "xirsa.yaml";
  return runInit(
    {
      values: flagValues(flags.values),
      discover: flags.values.discover === true,
      out,
      force: flags.values.force === true,
    },
    io,
    deps,
  );
}

const command: Command = {
  name: "init",
  summary: "write a commented xirsa.yaml (flags, prompts, or --discover from EKS)",
  usage: INIT_USAGE,
  run(argv, io) {
    return runInitCommand(argv, io, {
      // The SDK is loaded only when --discover asks for it.
      async eks(profile, region) {
        // "profile 'x' is not in …; known: …" rather than the SDK's "Could not load credentials".
        (await import("../../aws/profiles.js")).checkProfile(profile, io.env);
        const { EKS } = await import("@aws-sdk/client-eks");
        return new EKS(region ? { profile, region } : { profile });
      },
    });
  },
};
export default command;
