import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { deploy, parseManifests } from "../../agent/index.js";
import { loadConfig } from "../../config/index.js";
import { InputError } from "../../errors.js";
import { parseFlags, requireFlag } from "../args.js";
import type { Command } from "../command.js";
import { FLOW_OPTIONS, flowFlags, flowTokenFile, TOKEN_FILE_OPTION } from "../flowFlags.js";

const command: Command = {
  name: "deploy",
  summary: "apply application manifests in a target namespace through the Argo CD chain",
  usage: `xirsa deploy --config <xirsa.yaml> --target <name> --namespace <ns> -f <app.yaml> [--token-file <file>]
             [--timeout <seconds>] [--endpoint-from auto|config|describe] [--output text|json]

Applies the manifests with the identity Argo CD uses (ArgoCDMaster by web identity of
argocd-application-controller → ArgoCDAgentAccess → EKS token), waits until the Deployments are available and
prints per object what changed (created, configured, unchanged). The namespace must match the target's pattern
(xirsa env create makes one). A smoke test of the chain, not a replacement for Argo CD. Under namespaced
access, a custom resource that neither AmazonEKSAdminPolicy (built-in kinds only) nor targets[].extraResources
grants, and that an access review does not allow, is refused before anything is applied.

Flags:
  -f, --file <file>       manifests (YAML, several documents or a List)
  --token-file <file>     Argo CD's projected token (default: $AWS_WEB_IDENTITY_TOKEN_FILE)
  --timeout <seconds>     how long to wait for Deployments (default 120)

Exit codes: 0 applied and available, 1 the chain or the cluster failed (or a Deployment did not become
available in time), 2 bad input (manifests, namespace outside the pattern, flags).`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        ...FLOW_OPTIONS,
        ...TOKEN_FILE_OPTION,
        namespace: { type: "string" },
        file: { type: "string", short: "f" },
        timeout: { type: "string" },
      },
      "deploy",
    );
    const { configFile, target, output, endpointFrom } = flowFlags(values, "deploy", ["text", "json"], io);
    const namespace = requireFlag(values.namespace, "--namespace", "deploy");
    const file = requireFlag(values.file, "-f", "deploy");
    const timeoutText = values.timeout ?? "120";
    if (!/^\d+$/.test(timeoutText) || Number(timeoutText) < 1 || Number(timeoutText) > 3600) {
      throw new InputError("cli.flags", `--timeout must be 1 to 3600 seconds, not '${timeoutText}'`);
    }
    const config = loadConfig(resolve(io.cwd, configFile));
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(
        "cli.file",
        `cannot read ${file}: ${code === "ENOENT" ? "no such file" : code}`,
        "pass the application manifests with -f",
      );
    }
    const objects = parseManifests(text, file);
    const tokenFile = flowTokenFile(values, io);
    const r = await deploy({
      config,
      target,
      namespace,
      objects,
      source: file,
      tokenFile,
      env: io.env,
      endpointFrom,
      timeoutMs: Number(timeoutText) * 1000,
      log: (line: string) => io.stderr.write(`xirsa deploy: ${line}\n`),
      ...(output === "text" ? { onApplied: (o) => io.stdout.write(`${o.resource} ${o.action}\n`) } : {}),
    });
    if (output === "json") {
      io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    for (const d of r.deployments) {
      io.stdout.write(`deployment.apps/${d.name} available (${d.available}/${d.replicas})\n`);
    }
    io.stdout.write(
      `deployed ${r.objects.length} objects to ${r.namespace} in cluster ${r.cluster} (target ${r.target})\n`,
    );
    return 0;
  },
};
export default command;
