/**
 * The live commands as functions (the CLI and the tests call these): plan, apply and destroy against the
 * accounts and clusters of a config, and the live State for `verify --live`.
 */
import type { Config } from "../config/index.js";
import { InputError, OperationError } from "../errors.js";
import type { ChainSpec, KubeObject, State } from "../state/index.js";
import { sourceCluster } from "../topology/index.js";
import type { CallLog, RetryPolicy } from "../transport/index.js";
import type { VerifyResult } from "../verify/index.js";
import { verify } from "../verify/index.js";
import { APPLY_STEPS, type Change, DESTROY_STEPS, STEP_TITLES } from "./changes.js";
import { collect, type LiveSnapshot, listAccountRoles } from "./collect.js";
import { type Connections, openConnections } from "./connections.js";
import { destroyDecisions, type Kept } from "./destroy.js";
import {
  type DeleteEnvNamespace,
  deleteEnvironments,
  type EnvironmentFlags,
  type Environments,
  type EnvNamespace,
  readEnvironments,
  refuseStages,
} from "./environments.js";
import { type ExecContext, execute } from "./execute.js";
import { blockedText } from "./format.js";
import {
  deleteInventoryChange,
  forgetChange,
  type InventoryTarget,
  inventoryRecord,
  inventoryRef,
  parseInventory,
  recordChange,
} from "./inventory.js";
import { checkTargets, limitChains, limitDesired } from "./limit.js";
import { ownsTags } from "./ownership.js";
import { plan } from "./plan.js";
import { collectRemoved, planRemoved, type RemovedLive, removedTargets } from "./removed.js";
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
  /** --target: limit the change to these targets (config targets or removed ones) and what they share. */
  targets?: string[];
  /** The config file as the user named it, for the commands in messages. */
  configFile?: string;
}

export interface PlanResult {
  snapshot: StackSnapshot;
  changes: Change[];
}

/** The live snapshot with the stack's inventory and the removed targets read in their accounts. */
export interface StackSnapshot extends LiveSnapshot {
  inventory?: KubeObject;
  removed: RemovedLive;
  /** Inventory keys that do not parse (reported as warnings). */
  inventoryWarnings: string[];
}

async function snapshotOf(config: Config, conns: Connections): Promise<StackSnapshot> {
  const snapshot = await collect(config, conns);
  const kube = await conns.kube(sourceCluster(snapshot.config));
  const inventory = await kube.get(inventoryRef(snapshot.config));
  const parsed = parseInventory(inventory);
  const removed = await collectRemoved(
    snapshot.config,
    conns,
    removedTargets(snapshot.config, parsed.targets),
    snapshot.desired.state,
  );
  const inventoryWarnings = parsed.bad.map(
    (k) =>
      `inventory ConfigMap ${inventoryRef(snapshot.config).name} key ${k} does not parse; it is ignored (fix or delete the key)`,
  );
  return {
    ...snapshot,
    ...(inventory ? { inventory } : {}),
    removed,
    inventoryWarnings,
    warnings: [...snapshot.warnings, ...inventoryWarnings],
  };
}

/** The names --target may use: the config's targets, and the removed ones for the commands that remove. */
function knownTargets(s: StackSnapshot): string[] {
  return [...s.config.targets.map((t) => t.name), ...s.removed.targets.map((t) => t.record.name)];
}

function selectedRemoved(s: StackSnapshot, targets: string[] | undefined): RemovedLive {
  if (!targets?.length) return s.removed;
  const chosen = s.removed.targets.filter((t) => targets.includes(t.record.name));
  const accounts = new Set(chosen.map((t) => t.record.accountId));
  const clusters = new Set(chosen.map((t) => `${t.record.accountId}/${t.record.region}/${t.record.cluster}`));
  return {
    targets: chosen,
    state: {
      roles: s.removed.state.roles.filter((r) => accounts.has(r.accountId)),
      oidcProviders: [],
      clusters: s.removed.state.clusters.filter((c) => clusters.has(`${c.accountId}/${c.region}/${c.name}`)),
    },
  };
}

function planOf(s: StackSnapshot, flags: PlanFlags, command = "plan"): Change[] {
  const { targets } = flags;
  if (targets?.length) checkTargets(command, targets, knownTargets(s));
  const desired = targets?.length
    ? limitDesired({
        config: s.config,
        desired: s.desired.state,
        live: s.live,
        selected: targets,
        removed: s.removed.targets.map((t) => t.record),
      })
    : s.desired.state;
  const core = plan({
    desired,
    live: s.live,
    stack: s.config.name,
    workloads: s.workloads,
    config: s.config,
    ...flags,
  });
  const removed = selectedRemoved(s, targets);
  const removals = planRemoved(s.config, removed, s.desired.state, {
    ...(flags.configFile ? { configFile: flags.configFile } : {}),
  }).changes;
  const records: InventoryTarget[] = s.config.targets
    .filter((t) => !targets?.length || targets.includes(t.name))
    .map((t) => inventoryRecord(s.config, t, s.desired.state));
  const record = recordChange(s.config, s.inventory, records);
  // Forgotten only when every removal of it can be made (an unreachable account keeps its record).
  const forget = forgetChange(
    s.config,
    s.inventory,
    removed.targets.filter((t) => !t.problem).map((t) => t.record.name),
  );
  return [...(record ? [record] : []), ...core, ...removals, ...(forget ? [forget] : [])];
}

export async function planLive(config: Config, flags: PlanFlags, opts: LiveOptions): Promise<PlanResult> {
  return withConnections(config, opts, async (conns) => {
    const snapshot = await snapshotOf(config, conns);
    return { snapshot, changes: planOf(snapshot, flags) };
  });
}

/** The live State and the chains to prove over it (`xirsa verify --live`). */
export async function loadLive(
  config: Config,
  opts: LiveOptions & { targets?: string[] },
): Promise<{
  state: State;
  chains: ChainSpec[];
  warnings: string[];
  /** Who read each account (GetCallerIdentity). */
  callers: { accountId: string; arn: string }[];
}> {
  if (opts.targets?.length)
    checkTargets(
      "verify",
      opts.targets,
      config.targets.map((t) => t.name),
    );
  return withConnections(config, opts, async (conns) => {
    const s = await collect(config, conns);
    return {
      state: s.live,
      chains: limitChains(s.desired.chains, opts.targets),
      warnings: s.warnings,
      callers: conns.callers(),
    };
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
  showPlan?: (changes: Change[], snapshot: StackSnapshot) => void;
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

/**
 * A removed target whose account cannot be reached: nothing is changed, and the error lists what is left
 * there with the commands that remove it.
 */
function refuseUnreachable(changes: Change[]): void {
  const stuck = changes.filter((c) => c.blocked?.unreachableAccount);
  if (!stuck.length) return;
  const reasons = [...new Set(stuck.map((c) => c.blocked!.reason))];
  const fixes = [...new Set(stuck.map((c) => c.blocked!.fix))];
  throw new OperationError(
    "apply.removed-unreachable",
    `nothing was changed: ${reasons.join("; ")}; left there: ${stuck.map((c) => `${c.kind} ${c.id}${c.cluster ? ` (cluster ${c.cluster})` : ""}`).join(", ")}`,
    fixes.join("; "),
  );
}

function refuseBlocked(changes: Change[], adopt: boolean | undefined): void {
  refuseUnreachable(changes);
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

/** Runs the inventory changes of one step (`inventory` before the steps, `forget` after), with one line. */
async function runInventory(
  changes: Change[],
  step: "inventory" | "forget",
  ctx: ExecContext,
  progress: ProgressSink | undefined,
): Promise<void> {
  const mine = changes.filter((c) => c.step === step);
  for (const c of mine) {
    for (const op of c.ops) await execute(op, ctx);
    const what =
      step === "inventory"
        ? `targets recorded in ConfigMap ${c.id}`
        : c.action === "delete"
          ? `ConfigMap ${c.id} deleted`
          : `removed targets forgotten in ConfigMap ${c.id}`;
    progress?.write(`✓ ${step}: ${what}\n`);
  }
}

/** Executes a plan: the inventory first, then the steps in order, then the removed targets are forgotten. */
async function runPlan(
  changes: Change[],
  ctx: ExecContext,
  flags: ApplyFlags,
  opts: LiveOptions,
  steps: readonly string[],
  titles: Record<string, string>,
): Promise<StepReport[]> {
  await runInventory(changes, "inventory", ctx, flags.progress);
  const reports = await runSteps(
    changes.filter((c) => c.step !== "inventory" && c.step !== "forget"),
    ctx,
    {
      steps,
      titles,
      clock: opts.clock ?? (() => performance.now()),
      ...(flags.failAfterStep ? { failAfterStep: flags.failAfterStep } : {}),
      ...(flags.progress ? { progress: flags.progress } : {}),
    },
  );
  await runInventory(changes, "forget", ctx, flags.progress);
  return reports;
}

export async function applyLive(config: Config, flags: ApplyFlags, opts: LiveOptions): Promise<ApplyResult> {
  return withConnections(config, opts, async (conns) => {
    const before = await snapshotOf(config, conns);
    const changes = planOf(before, flags, "apply");
    flags.showPlan?.(changes, before);
    refuseBlocked(changes, flags.adopt);
    // GitOps-managed objects are left alone (the plan says where their change belongs).
    const todo = changes.filter((c) => !c.blocked?.managedBy);
    if (todo.length && flags.confirm && !(await flags.confirm(changes))) {
      return { changes, steps: [], declined: true, after: before, verify: verifyOf(before, flags.targets) };
    }
    const steps = todo.length
      ? await runPlan(todo, execContext(conns, opts, flags), flags, opts, APPLY_STEPS, STEP_TITLES)
      : [];
    const after = todo.length ? await collect(config, conns) : before;
    return { changes, steps, declined: false, after, verify: verifyOf(after, flags.targets) };
  });
}

function verifyOf(s: LiveSnapshot, targets?: string[]): VerifyResult {
  return verify(s.live, limitChains(s.desired.chains, targets), {
    appProject: s.config.source.argocd.project,
  });
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
  /** How --environments deletes a namespace through the operator's chain (the CLI passes agent/env.ts's). */
  deleteEnvNamespace?: DeleteEnvNamespace;
}

function envDeleter(flags: DestroyFlags): DeleteEnvNamespace {
  if (!flags.deleteEnvNamespace)
    throw new Error("destroyLive: flags.environments needs flags.deleteEnvNamespace (agent/env.ts)");
  return flags.deleteEnvNamespace;
}

export async function destroyLive(
  config: Config,
  flags: DestroyFlags,
  opts: LiveOptions,
): Promise<DestroyResult> {
  const named = flags.targets?.length ? config.targets.filter((t) => flags.targets!.includes(t.name)) : [];
  // Some targets, not all: the plan of the config without them, limited to them (their account's roles and
  // entries, their Secrets, destinations and ARNs; the other targets untouched).
  if (flags.targets?.length && named.length < config.targets.length) {
    return destroyTargets(config, flags, opts);
  }
  return withConnections(config, opts, async (conns) => {
    const snapshot = await snapshotOf(config, conns);
    if (flags.targets?.length) checkTargets("destroy", flags.targets, knownTargets(snapshot));
    const stack = snapshot.config.name;
    // Who else trusts each provider this stack would delete: every role of its account.
    const owned = snapshot.live.oidcProviders.filter((p) => ownsTags(p.tags, stack));
    const accountRoles = Object.fromEntries(
      await Promise.all(owned.map(async (p) => [p.arn, await listAccountRoles(conns, p.accountId)] as const)),
    );
    // The removed targets the inventory knows are this stack's too.
    const live: State = {
      roles: [...snapshot.live.roles, ...snapshot.removed.state.roles],
      oidcProviders: snapshot.live.oidcProviders,
      clusters: [...snapshot.live.clusters, ...snapshot.removed.state.clusters],
    };
    const decided = destroyDecisions({
      live,
      stack,
      workloads: snapshot.workloads,
      desired: snapshot.desired.state,
      accountRoles,
    });
    const unreachable = planRemoved(
      snapshot.config,
      {
        targets: snapshot.removed.targets.filter((t) => t.problem),
        state: { roles: [], oidcProviders: [], clusters: [] },
      },
      snapshot.desired.state,
      flags.configFile ? { configFile: flags.configFile } : {},
    ).changes;
    const gone = deleteInventoryChange(snapshot.config, snapshot.inventory);
    const changes = [...decided.changes, ...unreachable, ...(gone ? [gone] : [])];
    const { kept } = decided;
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
          deleteNamespace: envDeleter(flags),
          conns,
          ...(flags.progress ? { progress: (l: string) => flags.progress!.write(`${l}\n`) } : {}),
        })
      : [];
    const titles: Record<string, string> = {
      ...STEP_TITLES,
      restarts: "restart workloads with their previous role",
    };
    const steps = changes.length
      ? await runPlan(changes, execContext(conns, opts, flags), flags, opts, DESTROY_STEPS, titles)
      : [];
    return { changes, kept, steps, declined: false, environments: { ...envs, deleted } };
  });
}

/** `destroy --target A [--target B]` for some of the targets: the config without them, applied to them only. */
async function destroyTargets(
  config: Config,
  flags: DestroyFlags,
  opts: LiveOptions,
): Promise<DestroyResult> {
  const names = flags.targets!;
  const rest: Config = {
    ...config,
    targets: config.targets.filter((t) => !names.includes(t.name)),
    removed: [
      ...(config.removed ?? []).filter(
        (r) => !names.includes(r.name) || !config.targets.some((t) => t.name === r.name),
      ),
      ...config.targets
        .filter((t) => names.includes(t.name))
        .map((t) => ({
          name: t.name,
          accountId: t.accountId,
          region: t.region,
          cluster: t.cluster,
          ...(t.profile ? { profile: t.profile } : {}),
          ...(t.kubeContext ? { kubeContext: t.kubeContext } : {}),
        })),
    ],
  };
  // The named targets' accounts keep the credentials the config gives them.
  return withConnections(config, opts, async (conns) => {
    const snapshot = await snapshotOf(rest, conns);
    const changes = planOf(
      snapshot,
      { targets: names, ...(flags.configFile ? { configFile: flags.configFile } : {}) },
      "destroy",
    );
    const kept = planRemoved(snapshot.config, selectedRemoved(snapshot, names), snapshot.desired.state).kept;
    flags.showPlan?.(changes, snapshot);
    flags.showKept?.(kept);
    refuseBlocked(changes, false);
    // The Stages and environments of the named targets: read against the whole config, where they are targets.
    const envs = await readEnvironments(
      config,
      conns,
      changes,
      config.targets.filter((t) => names.includes(t.name)),
    );
    flags.showEnvironments?.(envs);
    refuseStages(envs, flags);
    const deleting = flags.environments && envs.namespaces.length > 0;
    if ((changes.length || deleting) && flags.confirm && !(await flags.confirm(changes))) {
      return { changes, kept, steps: [], declined: true, environments: { ...envs, deleted: [] } };
    }
    const deleted = deleting
      ? await deleteEnvironments(config, envs, {
          deleteNamespace: envDeleter(flags),
          conns,
          ...(flags.progress ? { progress: (l: string) => flags.progress!.write(`${l}\n`) } : {}),
        })
      : [];
    const steps = changes.length
      ? await runPlan(changes, execContext(conns, opts, flags), flags, opts, APPLY_STEPS, STEP_TITLES)
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
