/**
 * The few error classes xirsa raises. Each carries a stable code and a hint (the fix), and maps to an exit
 * code: bad input is 2, everything else that stops a command is 1. Only the CLI entry point turns them into
 * output and an exit code.
 */

export type ExitCode = 0 | 1 | 2;

/**
 * Every code an error of xirsa's can carry, as FindingCode is for findings: a new code does not compile until
 * it is listed here. Codes name the area, then what is wrong. The families with an open suffix wrap what
 * another system named: an AWS error code, a Kubernetes Status reason, a diagnosis of a failed step.
 */
export const ERROR_CODES = [
  "IAM_POLICY_INVALID",
  "KUBECONFIG_ENV_FILE",
  "apply.blocked",
  "apply.injected-failure",
  "apply.removed-unreachable",
  "apply.unowned",
  "bundle.invalid",
  "bundle.read",
  "chain.duration",
  "cli.confirm",
  "cli.file",
  "cli.flags",
  "cli.namespace",
  "cli.region",
  "cli.roleArn",
  "cli.target",
  "cli.token-file",
  "cli.out",
  "config.account",
  "config.size",
  "config.target-name",
  "config.account-mismatch",
  "config.endpoint",
  "config.invalid",
  "config.kubeContext",
  "config.read",
  "config.roleName",
  "config.shape",
  "config.unresolved",
  "config.yaml",
  "demo.dir",
  "destroy.stages",
  "demo.example",
  "demo.surprise",
  "deploy.cluster-scoped",
  "deploy.custom-resource",
  "deploy.kind",
  "deploy.namespace",
  "deploy.timeout",
  "eks.cluster-missing",
  "eks.cluster-not-ready",
  "eks.entry-arn",
  "eks.no-issuer",
  "env.capsule-tenant",
  "env.fail-after-step",
  "env.name",
  "env.not-environment",
  "env.orphaned",
  "env.pattern",
  "env.secret-missing",
  "env.too-long",
  "discover.no-targets",
  "discover.none",
  "discover.region",
  "discover.source",
  "init.discover",
  "init.exists",
  "init.missing",
  "init.out",
  "init.prompt",
  "init.template",
  "init.value",
  "kube.config",
  "kube.kind",
  "kube.namespace",
  "kube.unreachable",
  "manifest.apiVersion",
  "manifest.duplicate",
  "manifest.empty",
  "manifest.kind",
  "manifest.name",
  "manifest.namespace",
  "manifest.shape",
  "manifest.yaml",
  "register.blocked",
  "render.out",
  "render.write",
  "report.out",
  "restart.no-controller",
  "restart.no-pods",
  "restart.timeout",
  "sandbox.cluster",
  "sandbox.cluster-names",
  "sandbox.config",
  "sandbox.endpoint",
  "sandbox.port",
  "sandbox.running",
  "sandbox.start",
  "sandbox.state",
  "sandbox.state-dir",
  "sts.empty",
  "token.cache",
  "token.empty",
  "token.file",
] as const;

/** Prefixes the atomic writer (fs/atomic.ts) puts before `.out`, `.exists` and `.write`. */
export type WriteArea =
  | "write"
  | "report"
  | "init"
  | "render"
  | "sandbox.token"
  | "sandbox.kubeconfig"
  | "token";

export type ErrorCode =
  | (typeof ERROR_CODES)[number]
  | `${WriteArea}.${"out" | "exists" | "write"}`
  | `aws.${string}`
  | `kube.${string}`
  | `chain.${string}`
  | `deploy.${string}`
  | `env.${string}`
  | `register.${string}`;

export abstract class XirsaError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(
    readonly code: ErrorCode,
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
