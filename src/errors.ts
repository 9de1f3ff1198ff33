/**
 * The few error classes xirsa raises. Each carries a stable code and a hint (the fix), and maps to an exit
 * code: bad input is 2, everything else that stops a command is 1. Only the CLI entry point turns them into
 * output and an exit code.
 */

export type ExitCode = 0 | 1 | 2;

export abstract class XirsaError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** One line: what is wrong and how to fix it. */
  oneLine(): string {
    return this.hint ? `${this.message}; ${this.hint}` : this.message;
  }
}

/** Bad input from the user: config, flags, policy documents, bundles, tokens. Exit 2. */
export class InputError extends XirsaError {
  readonly exitCode = 2 as const;
}

/** The config file is invalid. Exit 2. */
export class ConfigError extends InputError {}

/** A call to AWS failed. Exit 1. */
export class AwsError extends XirsaError {
  readonly exitCode = 1 as const;
}

/** A call to a Kubernetes API failed. Exit 1. */
export class KubeError extends XirsaError {
  readonly exitCode = 1 as const;
}

/** Something the command was asked to do could not be done (e.g. refusing to overwrite). Exit 1. */
export class OperationError extends XirsaError {
  readonly exitCode = 1 as const;
}

export function isXirsaError(e: unknown): e is XirsaError {
  return e instanceof XirsaError;
}
