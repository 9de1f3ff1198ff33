/**
 * The xirsa entry point: finds the command, runs it, turns errors into one line on stderr and an exit code.
 * Commands are imported lazily so that a fast command (e.g. `token`) does not pay for the others.
 */
import { type ErrorCode, type ExitCode, isXirsaError, type XirsaError } from "../errors.js";
import type { Command, Io } from "./command.js";

const COMMANDS: Record<string, () => Promise<Command>> = {
  apply: async () => (await import("./commands/apply.js")).default,
  cluster: async () => (await import("./commands/cluster.js")).default,
  demo: async () => (await import("./commands/demo.js")).default,
  deploy: async () => (await import("./commands/deploy.js")).default,
  destroy: async () => (await import("./commands/destroy.js")).default,
  env: async () => (await import("./commands/env.js")).default,
  init: async () => (await import("./commands/init.js")).default,
  plan: async () => (await import("./commands/plan.js")).default,
  probe: async () => (await import("./commands/probe.js")).default,
  render: async () => (await import("./commands/render.js")).default,
  sandbox: async () => (await import("./commands/sandbox.js")).default,
  schema: async () => (await import("./commands/schema.js")).default,
  token: async () => (await import("./commands/token.js")).default,
  verify: async () => (await import("./commands/verify.js")).default,
};

function help(): string {
  return [
    "xirsa: cross-account IRSA deployment to Amazon EKS, from one xirsa.yaml",
    "",
    "Usage: xirsa <command> [flags]   (xirsa <command> --help for its flags)",
    "",
    "Commands:",
    ...Object.keys(COMMANDS).map((c) => `  ${c}`),
    "",
    "Exit codes: 0 ok, 1 a chain is broken or an operation failed, 2 bad input.",
  ].join("\n");
}

export async function main(argv: string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  const debug = rest.includes("--debug");
  const args = rest.filter((a) => a !== "--debug");
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  if (name === "--version") {
    io.stdout.write("xirsa 0.1.0\n");
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`xirsa: unknown command '${name}'; run xirsa --help for the list\n`);
    return 2;
  }
  const command = await load();
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout.write(`${command.usage.trim()}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (isXirsaError(e)) {
      // Messages that already name the command ("render: …", "sandbox token: …") are not prefixed twice.
      const line = e.oneLine();
      const named = new RegExp(`^${name}( [a-z-]+)?: `).test(line);
      io.stderr.write(named ? `xirsa ${line}\n` : `xirsa ${name}: ${line}\n`);
      // A reader of `--output json` gets the error as JSON too, with its code (the typed ErrorCode set).
      if (wantsJson(args)) io.stdout.write(`${JSON.stringify(errorJson(e), null, 2)}\n`);
      if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr.write(
      `xirsa ${name}: unexpected error: ${err?.message ?? String(e)} (rerun with --debug for details)\n`,
    );
    if (debug && err?.stack) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

function wantsJson(args: string[]): boolean {
  const i = args.indexOf("--output");
  return args.includes("--output=json") || (i >= 0 && args[i + 1] === "json");
}

/** What `--output json` prints for an error: nothing secret, the same text as the stderr line. */
export function errorJson(e: XirsaError): {
  error: { code: ErrorCode; message: string; hint?: string; exitCode: ExitCode };
} {
  return {
    error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), exitCode: e.exitCode },
  };
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
