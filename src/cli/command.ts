/**
 * The shape of a CLI command. Commands are thin: they parse flags, call the parts of xirsa and write to the
 * streams they are given. They return an exit code; only `main` sets it on the process.
 */
import type { ExitCode } from "../errors.js";

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  summary: string;
  /** Full usage text printed by --help. */
  usage: string;
  run(argv: string[], io: Io): Promise<ExitCode>;
}
