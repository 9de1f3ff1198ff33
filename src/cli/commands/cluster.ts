import { resolve } from "node:path";
import { registerCluster } from "../../agent/index.js";
import { loadConfig } from "../../config/index.js";
import { InputError } from "../../errors.js";
import { changeJson } from "../../live/index.js";
import { parseFlags } from "../args.js";
import type { Command } from "../command.js";
import { FLOW_OPTIONS, flowFlags } from "../flowFlags.js";

const command: Command = {
  name: "cluster",
  summary:
    "register a target cluster in cluster A (Argo CD and KubeRocketCI Secrets, AppProject, available_clusters)",
  usage: `xirsa cluster register --config <xirsa.yaml> --target <name> [--adopt] [--endpoint-from auto|config|describe]
            [--output text|json]

What apply does in cluster A for one target, with the source account's credentials (source.profile or the
default chain): the Argo CD cluster Secret (roleARN = ArgoCDAgentAccess), the KubeRocketCI cluster Secret
<target>-cluster (roleARN = CDPipelineAgent), the target's destination in AppProject spec.destinations and its
name in ConfigMap edp-config available_clusters. Other targets' entries are kept. Idempotent. A same-named
object xirsa does not own and that differs is not overwritten unless --adopt.

Flags:
  --endpoint-from <how>   the target's endpoint and CA: auto (DescribeCluster, else xirsa.yaml; default),
                          config, describe

Exit codes: 0 registered, 1 a change was refused or failed (nothing is half-written by a refusal), 2 bad input.`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== "register") {
      throw new InputError(
        "cli.flags",
        `${sub === undefined ? "missing subcommand" : `unknown subcommand '${sub}'`}`,
        "use xirsa cluster register",
      );
    }
    const { values } = parseFlags(rest, { ...FLOW_OPTIONS, adopt: { type: "boolean" } }, "cluster register");
    const { configFile, target, output, endpointFrom } = flowFlags(
      values,
      "cluster register",
      ["text", "json"],
      io,
    );
    const config = loadConfig(resolve(io.cwd, configFile));
    const r = await registerCluster({
      config,
      target,
      env: io.env,
      endpointFrom,
      ...(values.adopt ? { adopt: true } : {}),
      log: (line) => io.stderr.write(`xirsa cluster register: ${line}\n`),
    });
    if (output === "json") {
      io.stdout.write(
        `${JSON.stringify({ target: r.target, endpoint: r.endpoint.endpoint, changes: r.changes.map(changeJson), unchanged: r.unchanged }, null, 2)}\n`,
      );
      return 0;
    }
    for (const c of r.changes)
      io.stdout.write(`${c.kind} ${c.id}: ${c.action === "create" ? "created" : "updated"}\n`);
    for (const id of r.unchanged) io.stdout.write(`${id}: unchanged\n`);
    io.stdout.write(
      `target ${r.target} (${r.endpoint.endpoint}) registered in cluster ${config.source.cluster}\n`,
    );
    return 0;
  },
};
export default command;
