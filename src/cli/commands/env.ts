import { resolve } from "node:path";
import { createEnv, deleteEnv, type EnvResult, listEnvs } from "../../agent/index.js";
import { loadConfig } from "../../config/index.js";
import { InputError } from "../../errors.js";
import { oneOf, parseFlags, requireFlag } from "../args.js";
import type { Command, Io } from "../command.js";
import { FLOW_OPTIONS, flowFlags, flowTokenFile, TOKEN_FILE_OPTION } from "../flowFlags.js";

const SUBCOMMANDS = ["create", "delete", "list"] as const;

const USAGE = `xirsa env create|delete|list --config <xirsa.yaml> --target <name> [--pipeline P --stage S]
            [--token-file <file> | --as-admin] [--copy-secret regcred] [--endpoint-from auto|config|describe] [--output text|json]

Environments in the target cluster, made as the CD pipeline operator makes them, through its chain
(CDPipelineOperator by web identity → CDPipelineAgent → EKS token):
  create   namespace <krci-namespace>-<pipeline>-<stage> (at most 63 characters) labelled
           app.edp.epam.com/tenant=<krci-namespace>; RoleBinding tenant-admin → ClusterRole admin for the groups
           <krci-namespace>-oidc-admins and -oidc-developers (source.krci.oidcGroups overrides); with
           --copy-secret, that Secret of the krci namespace in cluster A (read with the source account's
           credentials). With Capsule the namespace must be owned by the target's tenant, and a 403 while
           Capsule has not yet bound the tenant owners there is retried for up to 60 s (progress on stderr).
           With targets[].extraResources (namespaced access), RoleBinding xirsa-extra-resources too. Idempotent.
  delete   deletes the namespace; if the cluster cannot be reached or refuses, it fails (exit 1) and says the
           namespace may be orphaned, instead of skipping silently as the operator does.
  list     the environment namespaces (label app.edp.epam.com/tenant) of the target.
  --as-admin  (list, delete) without the operator's chain: with the target account's own credentials (its
           profile in xirsa.yaml, else the default chain), for when the chain is gone — after destroy, or
           while it is broken — and environments remain. No --token-file needed.

Flags:
  --token-file <file>     the operator's projected token (default: $AWS_WEB_IDENTITY_TOKEN_FILE)
  --endpoint-from <how>   auto (DescribeCluster, else xirsa.yaml; default), config, describe

Exit codes: 0 done, 1 the cluster or the chain failed, 2 bad input.`;

function printResult(io: Io, verb: string, r: EnvResult): void {
  for (const s of r.steps) io.stdout.write(`${s.object}: ${s.result}\n`);
  const owner = r.tenant ? ` (Capsule tenant ${r.tenant})` : "";
  io.stdout.write(`environment ${r.namespace} ${verb} in cluster ${r.cluster}${owner}\n`);
}

const command: Command = {
  name: "env",
  summary: "create, delete or list environments in a target cluster through the operator's chain",
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub.startsWith("-")) {
      throw new InputError("cli.flags", "missing subcommand", "use xirsa env create|delete|list");
    }
    const action = oneOf(sub, SUBCOMMANDS, "the subcommand", "list");
    const cmd = `env ${action}`;
    const { values } = parseFlags(
      rest,
      {
        ...FLOW_OPTIONS,
        ...TOKEN_FILE_OPTION,
        pipeline: { type: "string" },
        stage: { type: "string" },
        "copy-secret": { type: "string" },
        "as-admin": { type: "boolean" },
      },
      cmd,
    );
    const asAdmin = values["as-admin"] === true;
    if (asAdmin && action === "create") {
      throw new InputError(
        "cli.flags",
        "--as-admin is for env list and env delete: environments are created through the operator's chain",
        "drop --as-admin",
      );
    }
    const { configFile, target, output, endpointFrom } = flowFlags(values, cmd, ["text", "json"], io);
    if (action !== "create" && values["copy-secret"]) {
      throw new InputError("cli.flags", "--copy-secret is for env create only");
    }
    const config = loadConfig(resolve(io.cwd, configFile));
    const tokenFile = asAdmin ? "" : flowTokenFile(values, io);
    const common = {
      config,
      target,
      tokenFile,
      asAdmin,
      env: io.env,
      endpointFrom,
      log: (line: string) => io.stderr.write(`xirsa ${cmd}: ${line}\n`),
    };
    if (action === "list") {
      const r = await listEnvs(common);
      if (output === "json") io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        if (r.via === "target-account" && !asAdmin) {
          io.stderr.write(
            `xirsa ${cmd}: the operator's role may not list namespaces of ${r.cluster}; listed with the target account's credentials\n`,
          );
        }
        if (r.environments.length === 0) io.stdout.write(`no environments in cluster ${r.cluster}\n`);
        for (const e of r.environments) {
          const extra = [e.phase, e.tenant ? `tenant ${e.tenant}` : "", e.stack ? `stack ${e.stack}` : ""]
            .filter(Boolean)
            .join(", ");
          io.stdout.write(`${e.namespace}${extra ? `  (${extra})` : ""}\n`);
        }
      }
      return 0;
    }
    const pipeline = requireFlag(values.pipeline, "--pipeline", cmd);
    const stage = requireFlag(values.stage, "--stage", cmd);
    const input = {
      ...common,
      pipeline,
      stage,
      ...(values["copy-secret"] ? { copySecret: values["copy-secret"] } : {}),
    };
    const r = action === "create" ? await createEnv(input) : await deleteEnv(input);
    if (output === "json") io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else printResult(io, action === "create" ? "ready" : "deleted", r);
    return 0;
  },
};
export default command;
