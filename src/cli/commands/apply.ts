import { resolve } from "node:path";
import { loadConfig } from "../../config/index.js";
import { InputError } from "../../errors.js";
import {
  appliedSummary,
  applyLive,
  confirmer,
  failAfterStepFromEnv,
  managedChanges,
  planJson,
  planTable,
  terraformOwned,
  terraformOwnedText,
} from "../../live/index.js";
import { formatTable, toJson } from "../../verify/index.js";
import { oneOf, parseFlags } from "../args.js";
import { useColor } from "../color.js";
import type { Command } from "../command.js";
import { requireConfig } from "../configFile.js";
import { targetsFlag } from "../targetFlag.js";

const command: Command = {
  name: "apply",
  summary: "create or repair the chains in both accounts and clusters, then verify them live",
  usage: `xirsa apply --config <xirsa.yaml> [--yes] [--adopt] [--create-oidc-provider] [--patch-managed]
            [--output table|json] [--wait-timeout <seconds>] [--target <name>]… [--full]

Shows the plan, asks for confirmation (a terminal is required unless --yes), then, in this order:
  IAM OIDC provider in the source account (created only with --create-oidc-provider), source roles, target
  roles, inline policies, EKS access entries and access policies, ServiceAccount annotations (the previous
  value kept in xirsa.io/previous-role-arn), restarts (rollout restart of the operator Deployment and of the
  controllers of the Argo CD pods, found by spec.serviceAccountName) until the new pods carry AWS_ROLE_ARN, AppProject destinations, cluster Secrets,
  krci-config (edp-config) available_clusters, Capsule objects / namespace-manager RBAC; then verifies the live state.
Idempotent: a second run makes no changes. AWS resources xirsa creates are tagged xirsa.io/managed-by=xirsa
+ xirsa.io/stack=<name>, Kubernetes objects labelled app.kubernetes.io/managed-by=xirsa + xirsa.io/stack=<name>; a same-named resource it does not own is not overwritten
(exit 1 with the diff) unless --adopt. An object in cluster A that Helm or Argo CD manages (Helm labels and
annotations including helm.sh/hook, Argo CD's tracking-id annotation or instance label) is left alone: the
plan shows it BLOCKED (managed by …) with the values key to change in that source. Stopped half-way, a rerun
continues and converges. Targets taken out of xirsa.yaml (the inventory ConfigMap xirsa-stack-<name> records
every target before anything is made in it) are deleted in the target account: roles, access entries,
objects; without credentials for that account apply changes nothing and lists what is left with the commands
that remove it.

  --yes                    do not ask (required without a terminal)
  --adopt                  take over same-named resources xirsa does not own
  --create-oidc-provider   create the IAM OIDC provider of the source cluster when it is missing
  --patch-managed          patch GitOps-managed objects live anyway (their next sync reverts it)
  --output json            {changes, steps: [{index, step, title, changes, ms}], verify} on stdout; progress on stderr
  --full                   the plan's complete diffs (as plan --full)
  --wait-timeout <s>       how long to wait for restarted pods (default 180)
  --target <name>          only this target and the shared objects it needs (repeatable; a removed target's
                           name too); the other targets' ARNs, destinations and Secrets stay as they are

Exit codes: 0 applied and every chain proven, 1 a step failed or a chain is still broken, 2 bad input
(including no terminal and no --yes).`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        config: { type: "string" },
        yes: { type: "boolean" },
        adopt: { type: "boolean" },
        "create-oidc-provider": { type: "boolean" },
        "patch-managed": { type: "boolean" },
        output: { type: "string" },
        "wait-timeout": { type: "string" },
        target: { type: "string", multiple: true },
        full: { type: "boolean" },
      },
      "apply",
    );
    const file = requireConfig(values, io, "apply");
    const output = oneOf(values.output, ["table", "json"] as const, "apply: --output", "table");
    const wait = values["wait-timeout"];
    if (wait !== undefined && !(Number(wait) > 0)) {
      throw new InputError("cli.flags", `apply: --wait-timeout must be a number of seconds, not '${wait}'`);
    }
    const failAfterStep = failAfterStepFromEnv(io.env);
    const config = loadConfig(resolve(io.cwd, file));
    const json = output === "json";
    const report = json ? io.stderr : io.stdout;
    const result = await applyLive(
      config,
      {
        adopt: values.adopt === true,
        createOidcProvider: values["create-oidc-provider"] === true,
        patchManaged: values["patch-managed"] === true,
        ...targetsFlag(values),
        configFile: file,
        ...(failAfterStep ? { failAfterStep } : {}),
        ...(wait ? { waitTimeoutMs: Number(wait) * 1000 } : {}),
        progress: report,
        confirm: confirmer("apply", values.yes === true, { stdin: io.stdin, stdout: io.stderr }),
        showPlan: (changes, snapshot) => {
          for (const w of snapshot.warnings) io.stderr.write(`xirsa apply: warning: ${w}\n`);
          const owned = terraformOwned(snapshot.live, config.name);
          // With --yes nobody reads the diffs now (plan shows them): the changes, one line each.
          const table = planTable(changes, {
            color: !json && useColor(io),
            diffs: values.yes !== true,
            full: values.full === true,
          });
          report.write(`${table}${terraformOwnedText(owned, "apply")}\n\n`);
        },
      },
      { env: io.env },
    );
    if (result.declined) {
      io.stderr.write("xirsa apply: not confirmed; nothing was changed\n");
      return 1;
    }
    for (const c of managedChanges(result.changes)) {
      io.stderr.write(`xirsa apply: left alone: ${c.blocked!.reason}; ${c.blocked!.fix}\n`);
    }
    if (json) {
      io.stdout.write(
        `${JSON.stringify({ ...planJson(result.changes), steps: result.steps, verify: toJson(result.verify) }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(`\nLive verification:\n${formatTable(result.verify, { color: useColor(io) })}`);
      if (result.changes.length) io.stdout.write(`${appliedSummary(result.changes)}\n`);
    }
    return result.verify.ok ? 0 : 1;
  },
};
export default command;
