/**
 * The live commands as functions (the CLI and the tests call these): plan, apply and destroy against the
 * accounts and clusters of a config, and the live State for `verify --live`.
 */
import type { Config } from "../config/schema.js";
import { InputError, OperationError } from "../errors.js";
import type { ChainSpec, State } from "../state/types.js";
import { verify } from "../verify/index.js";
import type { VerifyResult } from "../verify/types.js";
import type { RetryPolicy } from "./backoff.js";
import type { CallLog } from "./calls.js";
import { APPLY_STEPS, type Change, DESTROY_STEPS, STEP_TITLES } from "./changes.js";
import { collect, type LiveSnapshot, listAccountRoles } from "./collect.js";
import { type Connections, openConnections } from "./connections.js";
import { destroyDecisions, type Kept } from "./destroy.js";
import {
  deleteEnvironments,
  type EnvironmentFlags,
  type Environments,
  type EnvNamespace,
  readEnvironments,
  refuseStages,
} from "./environments.js";
import { blockedText } from "./format.js";
import { ownsTags } from "./ownership.js";
import { plan } from "./plan.js";
import { type ProgressSink, runSteps, type StepReport } from "./run.js";

export interface LiveOptions {
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Monotonic ms for step durations. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  log?: CallLog;
  /** Reuse open connections (tests, the benchmark); otherwise opened and closed per call. */
  conns?: Connections;
}

async function withConnections<T>(
  config: Config,
  opts: LiveOptions,
  fn: (conns: Connections) => Promise<T>,
): Promise<T> {
  if (opts.conns) return fn(opts.conns);
  const conns = openConnections(config, {
    env: opts.env,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  try {
    await conns.checkAccounts();
    return await fn(conns);
  } finally {
    conns.close();
  }
}

export interface PlanFlags {
  adopt?: boolean;
  createOidcProvider?: boolean;
  patchManaged?: boolean;
}

export interface PlanResult {
  snapshot: LiveSnapshot;
  changes: Change[];
}

function planOf(snapshot: LiveSnapshot, flags: PlanFlags): Change[] {
  return plan({
    desired: snapshot.desired.state,
    live: snapshot.live,
    stack: snapshot.config.name,
    workloads: snapshot.workloads,
    config: snapshot.config,
    ...flags,
  });
}

export async function planLive(config: Config, flags: PlanFlags, opts: LiveOptions): Promise<PlanResult> {
  return withConnections(config, opts, async (conns) => {
    const snapshot = await collect(config, conns);
    return { snapshot, changes: planOf(snapshot, flags) };
  });
}

/** The live State and the chains to prove over it (`xirsa verify --live`). */
export async function loadLive(
  config: Config,
  opts: LiveOptions,
): Promise<{ state: State; chains: ChainSpec[]; warnings: string[] }> {
  return withConnections(config, opts, async (conns) => {
    const s = await collect(config, conns);
    return { state: s.live, chains: s.desired.chains, warnings: s.warnings };
  });
}

export interface ApplyFlags extends PlanFlags {
  failAfterStep?: number;
  waitTimeoutMs?: number;
  pollMs?: number;
  progress?: ProgressSink;
  /** Asked with the plan before anything changes; false stops with nothing done. */
  confirm?: (changes: Change[]) => Promise<boolean>;
  /** Print the plan (before confirmation). */
  showPlan?: (changes: Change[], snapshot: LiveSnapshot) => void;
}

export interface ApplyResult {
  changes: Change[];
  steps: StepReport[];
  /** Whether the user declined. */
  declined: boolean;
  after: LiveSnapshot;
  verify: VerifyResult;
}

function execContext(conns: Connections, opts: LiveOptions, flags: ApplyFlags) {
  return {
    conns,
    now: opts.now ?? (() => new Date()),
    sleep: opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    waitTimeoutMs: flags.waitTimeoutMs ?? 180_000,
    pollMs: flags.pollMs ?? 250,
  };
}

function refuseBlocked(changes: Change[], adopt: boolean | undefined): void {
  const text = blockedText(changes);
  if (!text) return;
  const blocking = changes.filter((c) => c.blocked && !c.blocked.managedBy);
  const adoptable = blocking.every((c) => c.blocked!.adoptable);
  const fixes = [...new Set(blocking.map((c) => c.blocked!.fix))];
  throw new OperationError(
    adoptable && !adopt ? "apply.unowned" : "apply.blocked",
    `nothing was changed: ${text}`,
    fixes.join("; "),
  );
}

export async function applyLive(config: Config, flags: ApplyFlags, opts: LiveOptions): Promise<ApplyResult> {
  return withConnections(config, opts, async (conns) => {
    const before = await collect(config, conns);
    const changes = planOf(before, flags);
    flags.showPlan?.(changes, before);
    refuseBlocked(changes, flags.adopt);
    // GitOps-managed objects are left alone (the plan says where their change belongs).
    const todo = changes.filter((c) => !c.blocked?.managedBy);
    if (todo.length && flags.confirm && !(await flags.confirm(changes))) {
      return { changes, steps: [], declined: true, after: before, verify: verifyOf(before) };
    }
    const steps = todo.length
      ? await runSteps(todo, execContext(conns, opts, flags), {
          steps: APPLY_STEPS,
          titles: STEP_TITLES,
          clock: opts.clock ?? (() => performance.now()),
          ...(flags.failAfterStep ? { failAfterStep: flags.failAfterStep } : {}),
          ...(flags.progress ? { progress: flags.progress } : {}),
        })
      : [];
    const after = todo.length ? await collect(config, conns) : before;
    return { changes, steps, declined: false, after, verify: verifyOf(after) };
  });
}

function verifyOf(s: LiveSnapshot): VerifyResult {
  return verify(s.live, s.desired.chains, { appProject: s.config.source.argocd.project });
}

export interface DestroyResult {
  changes: Change[];
  /** What destroy leaves because someone else still uses or changed it. */
  kept: Kept[];
  steps: StepReport[];
  declined: boolean;
  /** Stages and environment namespaces of the targets (environments.ts); `deleted` with --environments. */
  environments: Environments & { deleted: EnvNamespace[] };
}

export interface DestroyFlags extends Omit<ApplyFlags, "adopt" | "createOidcProvider">, EnvironmentFlags {
  showKept?: (kept: Kept[]) => void;
  showEnvironments?: (envs: Environments) => void;
  /** The operator's projected token, for --environments (deleted through its chain). */
  tokenFile?: string;
}

export async function destroyLive(
  config: Config,
  flags: DestroyFlags,
  opts: LiveOptions,
): Promise<DestroyResult> {
  return withConnections(config, opts, async (conns) => {
    const snapshot = await collect(config, conns);
    const stack = snapshot.config.name;
    // Who else trusts each provider this stack would delete: every role of its account.
    const owned = snapshot.live.oidcProviders.filter((p) => ownsTags(p.tags, stack));
    const accountRoles = Object.fromEntries(
      await Promise.all(owned.map(async (p) => [p.arn, await listAccountRoles(conns, p.accountId)] as const)),
    );
    const { changes, kept } = destroyDecisions({
      live: snapshot.live,
      stack,
      workloads: snapshot.workloads,
      desired: snapshot.desired.state,
      accountRoles,
    });
    flags.showPlan?.(changes, snapshot);
    flags.showKept?.(kept);
    refuseBlocked(changes, false);
    const envs = await readEnvironments(snapshot.config, conns, changes);
    flags.showEnvironments?.(envs);
    refuseStages(envs, flags);
    const deleting = flags.environments && envs.namespaces.length > 0;
    if ((changes.length || deleting) && flags.confirm && !(await flags.confirm(changes))) {
      return { changes, kept, steps: [], declined: true, environments: { ...envs, deleted: [] } };
    }
    // Environments go first, while the operator's chain still works.
    const deleted = deleting
      ? await deleteEnvironments(snapshot.config, envs, {
          tokenFile: flags.tokenFile ?? "",
          env: opts.env,
          conns,
          ...(flags.progress ? { progress: (l: string) => flags.progress!.write(`${l}\n`) } : {}),
        })
      : [];
    const titles: Record<string, string> = {
      ...STEP_TITLES,
      restarts: "restart workloads with their previous role",
    };
    const steps = changes.length
      ? await runSteps(changes, execContext(conns, opts, flags), {
          steps: DESTROY_STEPS,
          titles,
          clock: opts.clock ?? (() => performance.now()),
          ...(flags.failAfterStep ? { failAfterStep: flags.failAfterStep } : {}),
          ...(flags.progress ? { progress: flags.progress } : {}),
        })
      : [];
    return { changes, kept, steps, declined: false, environments: { ...envs, deleted } };
  });
}

/** XIRSA_FAIL_AFTER_STEP=<n>: the crash-safety hook of apply/destroy. */
export function failAfterStepFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.XIRSA_FAIL_AFTER_STEP;
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError(
      "env.fail-after-step",
      `XIRSA_FAIL_AFTER_STEP must be a step number (1, 2, …), not '${raw}'`,
      "unset it, or set it to the step after which apply should stop",
    );
  }
  return n;
}
