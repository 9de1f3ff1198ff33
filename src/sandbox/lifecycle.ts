/**
 * `xirsa sandbox up|down|status|reset`: the sandbox as a long-running process owning a state dir D.
 * D/sandbox.json is the sandbox's own config (accounts, clusters, realism knobs) written at `up`; D/sandbox.pid
 * names the process serving D. `--detach` starts a child (`xirsa sandbox up` without --detach, output in
 * D/sandbox.log) and returns once every endpoint answers.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { InputError, OperationError } from "../errors.js";
import { replaceFileSync } from "../fs/index.js";
import type { SandboxSpec } from "./bootstrap.js";
import { profileName, writeClientFiles } from "./clientFiles.js";
import { type EndpointsFile, files, type RunningSandbox, startSandbox } from "./server.js";
import type { Knobs } from "./services/context.js";
import { AwsStore } from "./store.js";

export interface SandboxSettings {
  spec: SandboxSpec;
  knobs: Knobs;
}

export const DEFAULT_KNOBS: Knobs = { propagationDelayMs: 0, throttleRate: 0, errorRate: 0 };

export function readSettings(stateDir: string): SandboxSettings | undefined {
  const f = files(stateDir).settings;
  if (!existsSync(f)) return undefined;
  return JSON.parse(readFileSync(f, "utf8")) as SandboxSettings;
}

/**
 * The settings for `up`: from --config when given (knob flags override the saved knobs), else those saved by
 * the previous `up` in this state dir.
 */
export function resolveSettings(
  stateDir: string,
  fromConfig: SandboxSpec | undefined,
  knobFlags: Partial<Knobs>,
): SandboxSettings {
  const saved = readSettings(stateDir);
  let spec: SandboxSpec;
  if (fromConfig) spec = fromConfig;
  else if (saved) spec = saved.spec;
  else {
    throw new InputError(
      "sandbox.config",
      `no sandbox in ${stateDir} yet and no --config given`,
      "pass --config xirsa.yaml (its source and target accounts and clusters become the sandbox)",
    );
  }
  const knobs = { ...DEFAULT_KNOBS, ...saved?.knobs, ...knobFlags };
  return { spec, knobs };
}

export function saveSettings(stateDir: string, settings: SandboxSettings): void {
  replaceFileSync(files(stateDir).settings, `${JSON.stringify(settings, null, 2)}\n`, 0o644);
}

/**
 * A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat, proc(5)); undefined where
 * there is no /proc or no such process. With the pid it names one process for good: a pid reused after a
 * crash has another start time.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** What the pid file holds: `<pid> <start time>` (the start time absent where /proc is not). */
function pidRecord(pid: number): string {
  const start = processStart(pid);
  return start === undefined ? `${pid}\n` : `${pid} ${start}\n`;
}

/** Whether `pid` is still the process a pid file recorded: alive, and (where /proc tells) started then. */
function sameProcess(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = processStart(pid);
  if (now === undefined) return start === undefined; // no /proc here: the pid is all there is
  return now === start;
}

export function runningPid(stateDir: string): number | undefined {
  const f = files(stateDir).pid;
  if (!existsSync(f)) return undefined;
  const [pidText, start] = readFileSync(f, "utf8").trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // A pid alone, or another start time: not the sandbox (a crash, then the pid reused), never signalled.
  return sameProcess(pid, start) ? pid : undefined;
}

export function readEndpoints(stateDir: string): EndpointsFile | undefined {
  const f = files(stateDir).endpoints;
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as EndpointsFile) : undefined;
}

/** Starts the sandbox in this process and writes env.sh, the AWS config/credentials and the pid file. */
export async function startInProcess(
  stateDir: string,
  settings: SandboxSettings,
  log?: (l: string) => void,
): Promise<RunningSandbox> {
  const pid = runningPid(stateDir);
  if (pid !== undefined && pid !== process.pid) {
    throw new OperationError(
      "sandbox.running",
      `the sandbox in ${stateDir} is already running (pid ${pid})`,
      "use it as it is, or stop it first: xirsa sandbox down --state-dir DIR",
    );
  }
  const running = await startSandbox({ stateDir, spec: settings.spec, knobs: settings.knobs, log });
  writeClientFiles(stateDir, running.store.state, running);
  replaceFileSync(files(stateDir).pid, pidRecord(process.pid), 0o644);
  return running;
}

/** Removes the pid file if it names this process. */
export function releasePid(stateDir: string): void {
  const f = files(stateDir).pid;
  if (existsSync(f) && readFileSync(f, "utf8").trim().split(/\s+/)[0] === String(process.pid))
    rmSync(f, { force: true });
}

export function summary(
  stateDir: string,
  s: { awsUrl: string; oidcUrl: string; kube: Record<string, string> },
  accounts: string[],
): string[] {
  return [
    `sandbox running: AWS endpoint ${s.awsUrl}, OIDC issuers ${s.oidcUrl}`,
    ...Object.entries(s.kube).map(([name, url]) => `  cluster ${name}: ${url}`),
    `  profiles: ${accounts.map(profileName).join(", ")}`,
    `  use it: . ${files(stateDir).env}`,
  ];
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port }, () => {
      sock.destroy();
      resolve(true);
    });
    sock.on("error", () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logTail(stateDir: string): string {
  const f = files(stateDir).log;
  if (!existsSync(f)) return "";
  const lines = readFileSync(f, "utf8").trim().split("\n");
  return lines.slice(-3).join(" | ");
}

/** Spawns `<node> <cliEntry> sandbox up --state-dir D` detached; resolves once all its endpoints answer. */
export async function startDetached(
  stateDir: string,
  cliEntry: string,
  timeoutMs = 30_000,
): Promise<{ pid: number; endpoints: EndpointsFile }> {
  const pid = runningPid(stateDir);
  if (pid !== undefined) {
    throw new OperationError(
      "sandbox.running",
      `the sandbox in ${stateDir} is already running (pid ${pid})`,
      "stop it first: xirsa sandbox down --state-dir DIR",
    );
  }
  const f = files(stateDir);
  const log = openSync(f.log, "a", 0o600);
  const child = spawn(process.execPath, [cliEntry, "sandbox", "up", "--state-dir", stateDir], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(100);
    if (exited !== undefined) {
      throw new OperationError(
        "sandbox.start",
        `the sandbox exited with code ${exited} while starting: ${logTail(stateDir)}`,
        `see ${f.log}`,
      );
    }
    if (runningPid(stateDir) !== child.pid) continue;
    const endpoints = readEndpoints(stateDir);
    if (!endpoints) continue;
    const ports = [endpoints.aws, endpoints.oidc, ...Object.values(endpoints.kube)];
    const answers = await Promise.all(ports.map(portAnswers));
    if (answers.every(Boolean)) return { pid: child.pid!, endpoints };
  }
  try {
    process.kill(child.pid!, "SIGTERM");
  } catch {}
  throw new OperationError(
    "sandbox.start",
    `the sandbox did not answer within ${timeoutMs / 1000} s`,
    `see ${f.log}`,
  );
}

/** Stops the process serving D (SIGTERM, then SIGKILL after 10 s). Returns the pid stopped, if any. */
export async function stop(stateDir: string): Promise<number | undefined> {
  const pid = runningPid(stateDir);
  if (pid === undefined) {
    rmSync(files(stateDir).pid, { force: true });
    return undefined;
  }
  const start = processStart(pid);
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await sleep(50);
    if (runningPid(stateDir) === undefined) break;
    if (!sameProcess(pid, start)) break;
  }
  // Only the very process asked to stop, never one that took its pid since.
  if (sameProcess(pid, start)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  rmSync(files(stateDir).pid, { force: true });
  return pid;
}

/** Forgets every change: IAM, STS sessions, EKS entries and Kubernetes objects. Keeps CA, ports and settings. */
export function wipe(stateDir: string): void {
  const f = files(stateDir);
  for (const p of [f.aws, f.kubeDir, f.env, f.awsConfig, f.awsCredentials])
    rmSync(p, { recursive: true, force: true });
}

export interface StatusReport {
  stateDir: string;
  running: boolean;
  pid?: number;
  awsUrl?: string;
  oidcUrl?: string;
  clusters: { name: string; accountId: string; region: string; issuer: string; endpoint?: string }[];
  accounts: { accountId: string; profile: string }[];
  knobs?: Knobs;
}

export function status(stateDir: string): StatusReport {
  const pid = runningPid(stateDir);
  const endpoints = readEndpoints(stateDir);
  const store = AwsStore.load(files(stateDir).aws);
  const settings = readSettings(stateDir);
  return {
    stateDir,
    running: pid !== undefined,
    pid,
    awsUrl: endpoints ? `http://127.0.0.1:${endpoints.aws}` : undefined,
    oidcUrl: endpoints ? `https://127.0.0.1:${endpoints.oidc}` : undefined,
    clusters: (store?.state.clusters ?? []).map((c) => ({
      name: c.name,
      accountId: c.accountId,
      region: c.region,
      issuer: c.issuer,
      endpoint: endpoints?.kube[c.name] ? `https://127.0.0.1:${endpoints.kube[c.name]}` : undefined,
    })),
    accounts: (store?.state.accounts ?? []).map((a) => ({ accountId: a.id, profile: profileName(a.id) })),
    knobs: settings?.knobs,
  };
}
