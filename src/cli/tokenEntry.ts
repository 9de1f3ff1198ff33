/**
 * The entry of `xirsa token` alone, bundled into dist/token/ (npm run build; split so that a cache hit loads only the small first chunk): kubectl starts it before every
 * burst of requests, and one file with the SigV4 signer inside starts much faster than main with its
 * module graph. The SDK's credential providers and STS client stay outside and load only when needed.
 */
import type { ExitCode } from "../errors.js";
import type { Io } from "./command.js";
import token from "./commands/token.js";
import { runCommand } from "./run.js";

export { processIo } from "./run.js";

/** `argv` after `token`; the global flags are those main takes. */
export function runToken(argv: string[], io: Io): Promise<ExitCode> {
  const debug = argv.includes("--debug");
  return runCommand(
    token,
    argv.filter((a) => a !== "--debug" && a !== "--no-color"),
    io,
    debug,
  );
}
