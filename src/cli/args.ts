import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError } from "../errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Strict flag parsing shared by every command: an unknown flag or a missing value is bad input (exit 2)
 * with one line naming the flag.
 */
export interface Flags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseFlags(
  argv: string[],
  options: Options,
  command: string,
  opts: { positionals?: boolean } = {},
): Flags {
  let flags: Flags;
  try {
    flags = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as Flags;
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0]?.replace(/\. To specify.*$/, "") ?? "bad arguments";
    throw new InputError("cli.flags", `${command}: ${msg}`, `see xirsa ${command} --help`);
  }
  // A stray word (`verify --from dir json`) would otherwise be ignored silently.
  const stray = flags.positionals[0];
  if (stray !== undefined && !opts.positionals) {
    throw new InputError(
      "cli.flags",
      `${command}: unexpected argument '${stray}'`,
      `see xirsa ${command} --help`,
    );
  }
  return flags;
}

export function requireFlag(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === "") {
    throw new InputError("cli.flags", `${command}: ${flag} is required`, `see xirsa ${command} --help`);
  }
  return value;
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError("cli.flags", `${flag} must be one of ${allowed.join(", ")}, not '${value}'`);
}
