import { resolve } from "node:path";
import { loadConfig } from "../../config/index.js";
import { InputError, OperationError } from "../../errors.js";
import {
  planJson,
  planLive,
  planTable,
  terraformOwned,
  terraformOwnedJson,
  terraformOwnedText,
} from "../../live/index.js";
import { oneOf, parseFlags } from "../args.js";
import { useColor } from "../color.js";
import type { Command, Io } from "../command.js";
import { requireConfig } from "../configFile.js";
import { targetsFlag } from "../targetFlag.js";

const command: Command = {
  name: "plan",
  summary: "show what apply would create, update or delete in both accounts and clusters",
  usage: `xirsa plan --config <xirsa.yaml> [--output table|json] [--adopt] [--create-oidc-provider]
            [--patch-managed] [--target <name>]… [--detailed-exitcode] [--full]

Reads the live state (read-only: IAM roles and OIDC provider, EKS clusters and access entries, the Kubernetes
objects xirsa manages) and prints every change apply would make, in apply order, with a readable diff
(policies compared semantically). Values the config omits (source.oidcIssuer, a target's endpoint and caData)
come from DescribeCluster. Credentials: each account's profile from the config, else the default chain.
A target taken out of xirsa.yaml (known from the inventory ConfigMap xirsa-stack-<name> in the KubeRocketCI
namespace, or listed under removed:) shows as deletions of its roles, access entries and objects; without
working credentials for its account they are BLOCKED with the commands that remove them.

  --full          complete diffs: every line of both documents, policies line by line, a CA bundle in full
                  (by default policies show as statements added, removed or changed with the keys that
                  changed, and a CA bundle as the SHA-256 fingerprint of each certificate)
  --output json   {"changes": [{action, kind, id, account|cluster, diff, before?, after?, step, blocked?}],
                  "counts"}: before/after are the documents (policies, objects) in full; [] when in sync;
                  ownedByTerraform: [{kind, id, account, cluster?, command}] when the rendered Terraform
                  owns some (tag xirsa.io/managed-by=terraform): xirsa never changes those
  --adopt, --create-oidc-provider, --patch-managed
                  plan as apply would with these flags (blocked changes are marked; an object Helm or
                  Argo CD manages shows BLOCKED (managed by …) with the values key to change instead)
  --target <name> only this target (repeatable; a removed target's name too) and the shared objects it
                  needs; what the others put into shared objects (the source roles' policies, AppProject,
                  available_clusters) stays as it is live

  --detailed-exitcode
                  as terraform plan -detailed-exitcode: 0 in sync, 2 changes to make (blocked ones
                  included), 1 anything failed (bad input too)

Exit codes: 0 the plan was computed (changes or not), 1 AWS/Kubernetes failed, 2 bad input.`,
  async run(argv, io) {
    // Terraform's -detailed-exitcode contract: 2 means "changes", so every failure, bad input too, is 1.
    if (!argv.includes("--detailed-exitcode")) return planCommand(argv, io);
    try {
      return await planCommand(argv, io);
    } catch (e) {
      if (e instanceof InputError) throw new OperationError(e.code, e.message, e.hint, { cause: e });
      throw e;
    }
  },
};
export default command;

async function planCommand(argv: string[], io: Io): Promise<0 | 2> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: "string" },
      output: { type: "string" },
      adopt: { type: "boolean" },
      "create-oidc-provider": { type: "boolean" },
      "patch-managed": { type: "boolean" },
      target: { type: "string", multiple: true },
      "detailed-exitcode": { type: "boolean" },
      full: { type: "boolean" },
    },
    "plan",
  );
  const file = requireConfig(values, io, "plan");
  const output = oneOf(values.output, ["table", "json"] as const, "plan: --output", "table");
  const config = loadConfig(resolve(io.cwd, file));
  const { snapshot, changes } = await planLive(
    config,
    {
      adopt: values.adopt === true,
      createOidcProvider: values["create-oidc-provider"] === true,
      patchManaged: values["patch-managed"] === true,
      ...targetsFlag(values),
      configFile: file,
    },
    { env: io.env },
  );
  for (const w of snapshot.warnings) io.stderr.write(`xirsa plan: warning: ${w}\n`);
  const owned = terraformOwned(snapshot.live, config.name);
  if (output === "json")
    io.stdout.write(
      `${JSON.stringify({ ...planJson(changes), ...terraformOwnedJson(owned, "apply") }, null, 2)}\n`,
    );
  else
    io.stdout.write(
      `${planTable(changes, { color: useColor(io), full: values.full === true })}${terraformOwnedText(owned, "apply")}\n`,
    );
  return values["detailed-exitcode"] === true && changes.length > 0 ? 2 : 0;
}
