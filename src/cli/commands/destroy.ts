import { resolve } from "node:path";
import { deleteEnvNamespace } from "../../agent/index.js";
import { loadConfig } from "../../config/index.js";
import { InputError } from "../../errors.js";
import {
  confirmer,
  destroyLive,
  environmentsText,
  failAfterStepFromEnv,
  keptText,
  planJson,
  planTable,
  type TerraformOwned,
  terraformOwned,
  terraformOwnedJson,
  terraformOwnedText,
} from "../../live/index.js";
import { oneOf, parseFlags } from "../args.js";
import type { Command } from "../command.js";
import { requireConfig } from "../configFile.js";
import { flowTokenFile, TOKEN_FILE_OPTION } from "../flowFlags.js";
import { targetsFlag } from "../targetFlag.js";

const command: Command = {
  name: "destroy",
  summary: "remove what xirsa created for a config, and only that",
  usage: `xirsa destroy --config <xirsa.yaml> [--yes] [--environments --token-file <file> | --force]
            [--target <name>]… [--output table|json]

In reverse apply order: deletes the Capsule objects, RBAC and cluster Secrets xirsa owns, takes xirsa's
entries out of edp-config available_clusters, the AppProject destinations and the CapsuleConfiguration,
restores each ServiceAccount's previous role annotation (and restarts its pods), deletes the access entries,
roles and OIDC provider xirsa created. Only resources tagged/labelled xirsa.io/managed-by=xirsa and
xirsa.io/stack=<name> are deleted; everything else is left as it is. Kept, and listed under "Kept": the OIDC
provider while another role of its account trusts it, a list item another stack also recorded, and a
ServiceAccount whose role annotation someone changed after apply. Targets taken out of xirsa.yaml that the
inventory ConfigMap xirsa-stack-<name> still lists are removed too; the inventory goes last.

KubeRocketCI deletes an environment's namespace only through the cluster Secret destroy removes: while
Stage objects (v2.edp.epam.com) deploy to a target being removed, destroy refuses and lists them. It lists
the environment namespaces (label app.edp.epam.com/tenant) that remain in each target.

  --yes           do not ask (required without a terminal)
  --environments  delete the environment namespaces first, through the operator's chain (as xirsa env delete)
  --token-file F  the operator's projected token for --environments (default: $AWS_WEB_IDENTITY_TOKEN_FILE)
  --force         destroy although Stages still deploy there (their namespaces are left behind)
  --output json   {changes, kept, environments, steps} on stdout; progress on stderr
  --target <name> remove only this target (repeatable; a target of the config or a removed one): its roles,
                  access entries and objects in its account, its cluster Secrets, AppProject destination,
                  available_clusters entry and its ARNs in the source roles' policies; the others stay
                  (naming every target of the config is the whole destroy)

Exit codes: 0 done (or nothing to remove), 1 a step failed, 2 bad input (including no terminal and no --yes).`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        config: { type: "string" },
        yes: { type: "boolean" },
        output: { type: "string" },
        force: { type: "boolean" },
        environments: { type: "boolean" },
        ...TOKEN_FILE_OPTION,
        target: { type: "string", multiple: true },
      },
      "destroy",
    );
    const environments = values.environments === true;
    if (values["token-file"] && !environments) {
      throw new InputError("cli.flags", "destroy: --token-file is for --environments", "drop --token-file");
    }
    const file = requireConfig(values, io, "destroy");
    const output = oneOf(values.output, ["table", "json"] as const, "destroy: --output", "table");
    const failAfterStep = failAfterStepFromEnv(io.env);
    const tokenFile = environments ? flowTokenFile(values, io) : undefined;
    const config = loadConfig(resolve(io.cwd, file));
    const json = output === "json";
    const report = json ? io.stderr : io.stdout;
    let owned: TerraformOwned[] = [];
    const result = await destroyLive(
      config,
      {
        ...(failAfterStep ? { failAfterStep } : {}),
        ...(values.force === true ? { force: true } : {}),
        ...(environments
          ? {
              environments,
              deleteEnvNamespace: (input, namespace) =>
                deleteEnvNamespace({ ...input, tokenFile: tokenFile!, env: io.env }, namespace),
            }
          : {}),
        ...targetsFlag(values),
        configFile: file,
        progress: report,
        confirm: confirmer("destroy", values.yes === true, { stdin: io.stdin, stdout: io.stderr }),
        showPlan: (changes, snapshot) => {
          owned = terraformOwned(snapshot.live, config.name);
          report.write(
            `${planTable(changes).replace(/^No changes:.*$/m, "Nothing to remove: xirsa owns nothing of this stack here.")}${terraformOwnedText(owned, "destroy")}\n\n`,
          );
        },
        showKept: (kept) => {
          if (kept.length) report.write(`${keptText(kept).trimStart()}\n`);
        },
        showEnvironments: (envs) => {
          const text = environmentsText(envs, { environments });
          if (text) report.write(`${text}\n`);
        },
      },
      { env: io.env },
    );
    if (result.declined) {
      io.stderr.write("xirsa destroy: not confirmed; nothing was changed\n");
      return 1;
    }
    if (json)
      io.stdout.write(
        `${JSON.stringify({ ...planJson(result.changes), kept: result.kept, environments: result.environments, steps: result.steps, ...terraformOwnedJson(owned, "destroy") }, null, 2)}\n`,
      );
    return 0;
  },
};
export default command;
