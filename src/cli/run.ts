/**
 * Runs one command and turns what it throws into one line on stderr and an exit code. Kept apart from main so
 * that the bundled `token` entry (dist/token/) reports errors the same way without loading main.
 */
import { type ErrorCode, type ExitCode, isXirsaError, type XirsaError } from "../errors.js";
import type { Command, Io } from "./command.js";

export async function runCommand(
  command: Command,
  args: string[],
  io: Io,
  debug: boolean,
): Promise<ExitCode> {
  const name = command.name;
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
  return args.some(
    (a, i) =>
      a === "--output=json" ||
      a === "-o=json" ||
      ((a === "--output" || a === "-o") && args[i + 1] === "json"),
  );
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
