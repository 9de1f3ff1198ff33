/** `xirsa sandbox up`: starts the sandbox of a xirsa.yaml (foreground, or --detach), with its realism knobs. */
import { resolve } from "node:path";
import { loadConfig } from "../../../config/index.js";
import { InputError, OperationError } from "../../../errors.js";
import type { Knobs } from "../../../sandbox/index.js";
import {
  releasePid,
  resolveSettings,
  runningPid,
  saveSettings,
  startDetached,
  startInProcess,
  status,
  summary,
} from "../../../sandbox/index.js";
import { sandboxSpecOf } from "../../../topology/index.js";
import { parseFlags } from "../../args.js";
import type { Io } from "../../command.js";
import { cliEntry } from "./entry.js";
import { rate, STATE_DIR_OPTION, stateDirFlag, wholeNumber } from "./flags.js";

function waitForSignal(): Promise<string> {
  return new Promise((res) => {
    const done = (sig: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      res(sig);
    };
    const onInt = () => done("SIGINT");
    const onTerm = () => done("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
}

export async function up(argv: string[], io: Io): Promise<0 | 1 | 2> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: "string" },
      ...STATE_DIR_OPTION,
      detach: { type: "boolean" },
      "propagation-delay": { type: "string" },
      "throttle-rate": { type: "string" },
      "error-rate": { type: "string" },
      "latency-ms": { type: "string" },
      "capsule-bind-delay-ms": { type: "string" },
    },
    "sandbox up",
  );
  const stateDir = stateDirFlag(values, "sandbox up", io);
  const knobs: Partial<Knobs> = {};
  const delay = wholeNumber(values["propagation-delay"], "--propagation-delay", 0, 3_600_000);
  const throttle = rate(values["throttle-rate"], "--throttle-rate");
  const errors = rate(values["error-rate"], "--error-rate");
  if (delay !== undefined) knobs.propagationDelayMs = delay;
  if (throttle !== undefined) knobs.throttleRate = throttle;
  if (errors !== undefined) knobs.errorRate = errors;
  const latency = wholeNumber(values["latency-ms"], "--latency-ms", 0, 60_000);
  if (latency !== undefined) knobs.latencyMs = latency;
  const bind = wholeNumber(values["capsule-bind-delay-ms"], "--capsule-bind-delay-ms", 0, 600_000);
  if (bind !== undefined) knobs.capsuleBindDelayMs = bind;
  const configFile = values.config;
  const { existsSync, mkdirSync, statSync } = await import("node:fs");
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) {
    throw new InputError(
      "sandbox.state-dir",
      `--state-dir ${stateDir} is a file, not a directory`,
      "pass a directory",
    );
  }
  const spec = configFile ? sandboxSpecOf(loadConfig(resolve(io.cwd, configFile))) : undefined;
  const settings = resolveSettings(stateDir, spec, knobs);
  const pid = runningPid(stateDir);
  if (pid !== undefined) {
    throw new OperationError(
      "sandbox.running",
      `the sandbox in ${stateDir} is already running (pid ${pid})`,
      "use it, or stop it first: xirsa sandbox down --state-dir DIR",
    );
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  saveSettings(stateDir, settings);
  if (values.detach) {
    const { pid: child } = await startDetached(stateDir, cliEntry());
    const s = status(stateDir);
    const kube = Object.fromEntries(s.clusters.filter((c) => c.endpoint).map((c) => [c.name, c.endpoint!]));
    for (const line of summary(
      stateDir,
      { awsUrl: s.awsUrl!, oidcUrl: s.oidcUrl!, kube },
      s.accounts.map((a) => a.accountId),
    )) {
      io.stdout.write(`${line}\n`);
    }
    io.stdout.write(`  pid ${child}; stop it with: xirsa sandbox down --state-dir ${stateDir}\n`);
    return 0;
  }
  const running = await startInProcess(stateDir, settings, (l) => io.stderr.write(`${l}\n`));
  for (const line of summary(
    stateDir,
    running,
    running.store.state.accounts.map((a) => a.id),
  ))
    io.stdout.write(`${line}\n`);
  const signal = await waitForSignal();
  io.stdout.write(`sandbox stopping (${signal})\n`);
  await running.close();
  releasePid(stateDir);
  return 0;
}
