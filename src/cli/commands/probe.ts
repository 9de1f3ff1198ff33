import { resolve } from "node:path";
import { CHAIN_KINDS, findTarget, probe } from "../../agent/index.js";
import { loadConfig } from "../../config/index.js";
import type { VerifyResult } from "../../verify/index.js";
import { formatJson, formatTable } from "../../verify/index.js";
import { oneOf, parseFlags, requireFlag } from "../args.js";
import type { Command } from "../command.js";
import { FLOW_OPTIONS, flowFlags, flowTokenFile, TOKEN_FILE_OPTION } from "../flowFlags.js";
import { targetsFlag } from "../targetFlag.js";

const command: Command = {
  name: "probe",
  summary: "perform a chain for real, hop by hop, with the flow's identity",
  usage: `xirsa probe --config <xirsa.yaml> --chain cd-pipeline-operator|argocd --target <name>… [--token-file <file>]
            [--namespace <ns>] [--endpoint-from auto|config|describe] [--skip-source] [--output table|json]

Performs the chain as the flow's pod would, with its projected service-account token:
  service-account         cluster A: the ServiceAccounts are annotated and their pods were restarted since
                          (read with the source account's credentials; "not probed" when it cannot be read)
  web-identity            AssumeRoleWithWebIdentity into the source role with the token
  assume-role             AssumeRole into the target role (chained session, 1 hour)
  cluster-access          the target cluster accepts the target role's EKS token
  kubernetes-permissions  a SelfSubjectAccessReview for each permission the flow needs (cluster scope, and the
                          namespace --namespace or a sample of the target's pattern, e.g. krci-xirsa-probe)
  registration            cluster A: cluster Secrets, AppProject destination, available_clusters
Each failure names its likely cause and the fix. Output as xirsa verify (same JSON).

Flags:
  --target <name>         the target to probe (repeatable: each in turn, one report)
  --token-file <file>     the projected token (default: $AWS_WEB_IDENTITY_TOKEN_FILE; on the sandbox:
                          xirsa sandbox token --state-dir D --cluster <source> --namespace krci --service-account … > t)
  --endpoint-from <how>   the target's API endpoint and CA: auto (DescribeCluster, else xirsa.yaml; default),
                          config (xirsa.yaml's endpoint and caData), describe (DescribeCluster only)
  --skip-source           do not read cluster A (as inside the probe Job: xirsa render --only probe-job)

Exit codes: 0 the chain works, 1 it is broken, 2 bad input.`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        ...FLOW_OPTIONS,
        target: { type: "string", multiple: true },
        ...TOKEN_FILE_OPTION,
        chain: { type: "string" },
        namespace: { type: "string" },
        "skip-source": { type: "boolean" },
      },
      "probe",
    );
    const names = targetsFlag(values).targets ?? [];
    const { configFile, output, endpointFrom } = flowFlags(
      { ...values, target: names[0] },
      "probe",
      ["table", "json"],
      io,
    );
    const kindFlag = requireFlag(values.chain, "--chain", "probe");
    const kind = oneOf(kindFlag, CHAIN_KINDS, "--chain", "cd-pipeline-operator");
    const config = loadConfig(resolve(io.cwd, configFile));
    for (const n of names) findTarget(config, n);
    const tokenFile = flowTokenFile(values, io);
    const results: VerifyResult[] = [];
    for (const target of names) {
      results.push(
        await probe({
          config,
          kind,
          target,
          tokenFile,
          env: io.env,
          endpointFrom,
          sourceChecks: !values["skip-source"],
          ...(values.namespace ? { namespace: values.namespace } : {}),
          log: (line) => io.stderr.write(`xirsa probe: ${line}\n`),
        }),
      );
    }
    const result: VerifyResult =
      results.length === 1
        ? results[0]!
        : {
            ok: results.every((r) => r.ok),
            chains: results.flatMap((r) => r.chains),
            findings: results.flatMap((r) => r.findings),
          };
    const color = !!io.stdout.isTTY && !io.env.NO_COLOR;
    io.stdout.write(output === "json" ? formatJson(result) : formatTable(result, { color }));
    return result.ok ? 0 : 1;
  },
};
export default command;
