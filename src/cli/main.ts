/**
 * The xirsa entry point: finds the command, runs it, turns errors into one line on stderr and an exit code.
 * Commands are imported lazily so that a fast command (e.g. `token`) does not pay for the others.
 */

import { type ExitCode, InputError, isXirsaError } from "../errors.js";
import { didYouMean } from "../text/index.js";
import type { Command, Io } from "./command.js";
import { commandHelp, EXIT_CODES, GLOBAL_FLAGS, SUBCOMMANDS } from "./help.js";
import { runCommand } from "./run.js";
import { xirsaVersion } from "./version.js";

const COMMANDS: Record<string, () => Promise<Command>> = {
  apply: async () => (await import("./commands/apply.js")).default,
  cluster: async () => (await import("./commands/cluster.js")).default,
  demo: async () => (await import("./commands/demo.js")).default,
  deploy: async () => (await import("./commands/deploy.js")).default,
  destroy: async () => (await import("./commands/destroy.js")).default,
  env: async () => (await import("./commands/env.js")).default,
  import: async () => (await import("./commands/import.js")).default,
  init: async () => (await import("./commands/init.js")).default,
  plan: async () => (await import("./commands/plan.js")).default,
  probe: async () => (await import("./commands/probe.js")).default,
  render: async () => (await import("./commands/render.js")).default,
  sandbox: async () => (await import("./commands/sandbox/index.js")).default,
  schema: async () => (await import("./commands/schema.js")).default,
  token: async () => (await import("./commands/token.js")).default,
  verify: async () => (await import("./commands/verify.js")).default,
};

/** Flags every command takes, before or after its name. */
const GLOBAL_BOOLEANS = new Set(["--debug", "--no-color"]);

interface Invocation {
  name?: string;
  args: string[];
  debug: boolean;
  noColor: boolean;
  help: boolean;
  version: boolean;
}

/** Splits argv into the command, its arguments and the global flags (which may come before or after it). */
export function invocation(argv: string[]): Invocation {
  const inv: Invocation = { args: [], debug: false, noColor: false, help: false, version: false };
  const config: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      inv.args.push(...argv.slice(i));
      break;
    }
    if (GLOBAL_BOOLEANS.has(a)) {
      if (a === "--debug") inv.debug = true;
      else inv.noColor = true;
      continue;
    }
    if (inv.name !== undefined) {
      inv.args.push(a);
      continue;
    }
    if (a === "--help" || a === "-h") inv.help = true;
    else if (a === "--version") inv.version = true;
    else if (a === "--config" && i + 1 < argv.length) config.push(a, argv[++i]!);
    else if (a.startsWith("--config=")) config.push(a);
    else if (a.startsWith("-")) {
      const known = [...GLOBAL_BOOLEANS, "--help", "--version", "--config"];
      throw new InputError(
        "cli.flags",
        `unknown flag '${a}' before the command${didYouMean(a, known)}`,
        "put a command's flags after its name (xirsa <command> --help)",
      );
    } else inv.name = a;
  }
  // --config before the command is the command's --config.
  inv.args = [...config, ...inv.args];
  return inv;
}

function version(): string {
  return xirsaVersion();
}

async function allCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

async function topHelp(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length), "completion".length) + 2;
  return [
    "xirsa: cross-account IRSA deployment to Amazon EKS, from one xirsa.yaml",
    "",
    "Usage: xirsa <command> [flags]   (xirsa <command> --help for its flags and examples)",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${"version".padEnd(width)}print xirsa's version`,
    `  ${"completion".padEnd(width)}print a shell completion script (bash, zsh or fish)`,
    "",
    GLOBAL_FLAGS,
    "",
    EXIT_CODES,
  ].join("\n");
}

/** `xirsa <command> [<subcommand>] --help`. */
function helpOf(command: Command, args: string[]): string {
  const subs = SUBCOMMANDS[command.name];
  const sub = args.find((a) => !a.startsWith("-"));
  if (subs && sub !== undefined) {
    const summary = subs[sub];
    if (summary === undefined) {
      throw new InputError(
        "cli.flags",
        `${command.name}: unknown subcommand '${sub}'${didYouMean(sub, Object.keys(subs))}`,
        `use xirsa ${command.name} ${Object.keys(subs).join("|")}`,
      );
    }
    return commandHelp(`${command.name} ${sub}`, command.usage, summary);
  }
  return commandHelp(command.name, command.usage);
}

const VERSION_COMMAND = "version";

export async function main(argv: string[], io: Io): Promise<ExitCode> {
  let inv: Invocation;
  try {
    inv = invocation(argv);
  } catch (e) {
    if (!isXirsaError(e)) throw e;
    io.stderr.write(`xirsa: ${e.oneLine()}\n`);
    return e.exitCode;
  }
  const { name, args, debug } = inv;
  // --no-color is NO_COLOR for this run (https://no-color.org), which every command already honours.
  if (inv.noColor) io = { ...io, env: { ...io.env, NO_COLOR: "1" } };
  if (name === undefined && inv.version) {
    io.stdout.write(`xirsa ${version()}\n`);
    return 0;
  }
  if (name === undefined || name === "help") {
    const topic = name === "help" ? args[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) return main([topic, ...args.slice(1), "--help"], io);
    io.stdout.write(`${await topHelp()}\n`);
    return inv.help || name === "help" ? 0 : 2;
  }
  if (name === VERSION_COMMAND) {
    io.stdout.write(`xirsa ${version()}\n`);
    return 0;
  }
  if (name === "completion") {
    const { completionScript } = await import("./completion.js");
    try {
      if (args.includes("--help") || args.includes("-h")) {
        io.stdout.write(`${commandHelp("completion", "xirsa completion bash|zsh|fish")}\n`);
        return 0;
      }
      io.stdout.write(completionScript(args[0], await allCommands()));
      return 0;
    } catch (e) {
      if (!isXirsaError(e)) throw e;
      io.stderr.write(`xirsa completion: ${e.oneLine()}\n`);
      return e.exitCode;
    }
  }
  const load = COMMANDS[name];
  if (!load) {
    const known = [...Object.keys(COMMANDS), VERSION_COMMAND, "completion"];
    io.stderr.write(
      `xirsa: unknown command '${name}'${didYouMean(name, known)}; run xirsa --help for the list\n`,
    );
    return 2;
  }
  const command = await load();
  if (inv.help || args.includes("--help") || args.includes("-h")) {
    try {
      io.stdout.write(`${helpOf(command, args)}\n`);
      return 0;
    } catch (e) {
      if (!isXirsaError(e)) throw e;
      io.stderr.write(`xirsa ${e.oneLine()}\n`);
      return e.exitCode;
    }
  }
  return runCommand(command, args, io, debug);
}

export { processIo } from "./run.js";
