import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError } from "../errors.js";
import { didYouMean } from "../text/index.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * What `parseArgs` infers for these options in strict mode: `values.region` is `string | undefined`, a boolean
 * `boolean | undefined`, a `multiple` option `string[] | undefined`. Commands read their flags without casts.
 */
export type FlagValues<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>["values"];

/**
 * Strict flag parsing shared by every command: an unknown flag or a missing value is bad input (exit 2)
 * with one line naming the flag.
 */
export interface Flags<O extends Options> {
  values: FlagValues<O>;
  positionals: string[];
}

/**
 * The spellings every command shares (as terraform and kubectl users type them): `-o` for `--output`, `-y` and
 * `--auto-approve` for `--yes`, `-v` for `--verbose`. Only for commands that have the long flag.
 */
const ALIASES: Record<string, string> = {
  "-o": "--output",
  "-y": "--yes",
  "--auto-approve": "--yes",
  "-v": "--verbose",
};

function withAliases(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === "--") return [...out, ...argv.slice(i)];
    const [flag, value] = arg.startsWith("--") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const long = ALIASES[flag!];
    if (long && options[long.slice(2)] && !options[flag!.replace(/^-+/, "")]) {
      out.push(value === undefined ? long : `${long}=${value}`);
    } else out.push(arg);
  }
  return out;
}

export function parseFlags<const O extends Options>(
  argv: string[],
  options: O,
  command: string,
  opts: { positionals?: boolean } = {},
): Flags<O> {
  let flags: Flags<O>;
  try {
    flags = parseArgs({
      args: withAliases(argv, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0]?.replace(/\. To specify.*$/, "") ?? "bad arguments";
    const unknown = /^Unknown option '(-[^']*)'/.exec(msg)?.[1];
    const hint = unknown
      ? didYouMean(unknown, [...Object.keys(options).map((o) => `--${o}`), ...Object.keys(ALIASES)])
      : "";
    throw new InputError("cli.flags", `${command}: ${msg}${hint}`, `see xirsa ${command} --help`);
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

const OUTPUT_ALIASES: Record<string, string> = { text: "table", table: "text" };

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  // One --output vocabulary: table|json|sarif|html, with text kept as another name for table.
  const alias = flag === "--output" ? OUTPUT_ALIASES[value] : undefined;
  if (alias && (allowed as readonly string[]).includes(alias)) return alias as T;
  throw new InputError(
    "cli.flags",
    `${flag} must be one of ${allowed.join(", ")}, not '${value}'${didYouMean(value, allowed)}`,
  );
}
