import { resolve } from "node:path";
import { Document } from "yaml";
import { InputError } from "../../errors.js";
import { writeNewFile } from "../../init/index.js";
import { parseFlags } from "../args.js";
import type { Command } from "../command.js";
import { DISCOVER_OPTIONS, DISCOVER_USAGE, discoverOptions } from "../discoverFlags.js";

/** The config as YAML, with what it could not express as comments at the top (the user reads them first). */
function configText(config: object, notes: string[], from: string): string {
  const doc = new Document(config);
  const lines = [
    ` Imported by xirsa import from ${from}.`,
    " Check it with: xirsa verify --live --config <this file>; xirsa plan --config <this file>",
    " (only ownership tags and labels should change; xirsa apply --adopt takes ownership).",
  ];
  if (notes.length) {
    lines.push("", " Not expressed or guessed:");
    for (const n of notes) lines.push(` - ${n}`);
  }
  doc.commentBefore = lines.join("\n");
  return doc.toString({ lineWidth: 0 });
}

const command: Command = {
  name: "import",
  summary: "write the xirsa.yaml of a set-up made by hand (read live from cluster A and the target accounts)",
  usage: `xirsa import --discover --source-profile <p> [--source-context <c>] [--profile-for ACCOUNT=PROFILE …] --out <xirsa.yaml> [--force]

Reads the set-up as \`xirsa verify --live --discover\` does (cluster A's Argo CD and KubeRocketCI cluster Secrets,
the roles they name and the roles those trust, the ServiceAccounts, the access entries and Capsule tenants of
each target) and writes the config that reproduces it: the stack name and roleNameTemplate from the role names,
path, namespaces, access mode, Capsule, one target per registered cluster, the profiles given. What the config
cannot express (different role names per target, several IAM paths, skipped Secrets) is listed on stderr and as
comments at the top of the file. Afterwards \`xirsa plan\` shows what adopting it changes (ownership tags and
labels, and any difference from the seed, which verify also reports as findings).

Flags:
  --discover              required: read the live set-up
${DISCOVER_USAGE}
  --out <file>            where to write the config (required; never overwritten unless --force)
  --force                 replace an existing --out file

Exit codes: 0 written, 1 the set-up could not be read, 2 bad input.`,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      { ...DISCOVER_OPTIONS, out: { type: "string" }, force: { type: "boolean" } },
      "import",
    );
    if (!values.discover) {
      throw new InputError(
        "cli.flags",
        "import: --discover is required (import reads the live set-up)",
        "e.g. xirsa import --discover --source-profile A-admin --out xirsa.yaml",
      );
    }
    const out = values.out;
    if (!out) {
      throw new InputError("cli.flags", "import: --out <file> is required", "e.g. --out xirsa.yaml");
    }
    const opts = discoverOptions(values, "import", io.env);
    const { discover } = await import("../../discover/index.js");
    const found = await discover(opts);
    for (const n of found.notes) io.stderr.write(`xirsa import: note: ${n}\n`);
    const file = resolve(io.cwd, out);
    writeNewFile(
      file,
      configText(found.config, found.notes, `profile ${opts.sourceProfile}`),
      values.force === true,
      out,
    );
    const c = found.parsed;
    io.stdout.write(
      `xirsa import: wrote ${out}: stack ${c.name}, source ${c.source.cluster} (${c.source.accountId} ${c.source.region}), targets ${c.targets.map((t) => `${t.name} (${t.accountId} ${t.cluster})`).join(", ")}\n`,
    );
    return 0;
  },
};
export default command;
