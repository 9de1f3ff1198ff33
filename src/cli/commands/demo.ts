import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../../errors.js";
import { parseFlags } from "../args.js";
import { useColor } from "../color.js";
import type { Command } from "../command.js";

const command: Command = {
  name: "demo",
  summary:
    "the whole product on the local sandbox: apply, verify, probe, environments, deploy, break and repair",
  usage: `xirsa demo [--example examples/multi-target.yaml] [--state-dir .sandbox/demo] [--out out/demo]

Starts the sandbox (or uses one already running in --state-dir), provisions the example through the AWS and
Kubernetes APIs (xirsa apply), proves every chain live (verify --live), probes both chains of every target,
creates an environment, registers the clusters, deploys examples/app.yaml into each target through the Argo CD
chain, then deletes an access entry on purpose, shows verify --live pinpointing it with the fix, repairs it with
apply, writes HTML reports to --out and prints a summary with timings.
Exit 0 when every step behaved as shown, 1 otherwise, 2 on bad input.`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      { example: { type: "string" }, "state-dir": { type: "string" }, out: { type: "string" } },
      "demo",
    );
    const root = resolve(import.meta.dirname, "..", "..", "..");
    const example = resolve(io.cwd, values.example ?? resolve(root, "examples/multi-target.yaml"));
    const stateDir = resolve(io.cwd, values["state-dir"] ?? ".sandbox/demo");
    const outDir = resolve(io.cwd, values.out ?? "out/demo");
    // Checked before anything starts, so that a typo does not fail the demo after it has provisioned everything.
    if (!existsSync(example) || !statSync(example).isFile()) {
      throw new InputError(
        "demo.example",
        `--example ${example}: no such file`,
        "pass an xirsa.yaml such as examples/multi-target.yaml",
      );
    }
    for (const [flag, dir] of [
      ["--state-dir", stateDir],
      ["--out", outDir],
    ] as const) {
      if (existsSync(dir) && !statSync(dir).isDirectory()) {
        throw new InputError(
          "demo.dir",
          `${flag} ${dir} is a file, not a directory`,
          `pass a directory for ${flag}`,
        );
      }
    }
    const { runDemo } = await import("../../demo/run.js");
    const result = await runDemo({
      example,
      clusterAFixture: resolve(root, "examples/sandbox/cluster-a.yaml"),
      app: resolve(root, "examples/app.yaml"),
      stateDir,
      outDir,
      env: io.env,
      print: (l) => io.stdout.write(`${l}\n`),
      color: useColor(io),
    });
    return result.ok ? 0 : 1;
  },
};
export default command;
