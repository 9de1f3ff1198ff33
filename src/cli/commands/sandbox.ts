import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../config/load.js";
import { InputError, OperationError } from "../../errors.js";
import { mintSandboxToken, sandboxCluster } from "../../sandbox/access.js";
import { profileName } from "../../sandbox/clientFiles.js";
import { writeKubeconfig } from "../../sandbox/kube/index.js";
import {
  readEndpoints,
  releasePid,
  resolveSettings,
  runningPid,
  saveSettings,
  startDetached,
  startInProcess,
  status,
  stop,
  summary,
  wipe,
} from "../../sandbox/lifecycle.js";
import { files } from "../../sandbox/server.js";
import type { Knobs } from "../../sandbox/services/context.js";
import { sandboxSpecOf } from "../../topology/sandboxSpec.js";
import { type Flags, oneOf, parseFlags, requireFlag } from "../args.js";
import type { Command, Io } from "../command.js";
import { FORCE_OPTION, filesIn, outputFile } from "../outputs.js";

const USAGE = `xirsa sandbox <up|down|status|reset|token|kubeconfig> --state-dir DIR [flags]

A local emulation of the AWS accounts (IAM, STS, EKS, OIDC issuers) and EKS clusters of xirsa.yaml on 127.0.0.1.

  up --config xirsa.yaml --state-dir DIR [--detach]
        [--propagation-delay MS] [--throttle-rate R] [--error-rate R] [--latency-ms N]
        [--capsule-bind-delay-ms MS]
      Starts the sandbox (in the foreground until Ctrl-C, or in the background with --detach, returning once
      every endpoint answers). Writes DIR/env.sh (. it to point the aws CLI and SDKs at the sandbox),
      DIR/aws-config and DIR/aws-credentials (profile sandbox-<account id> per account) and DIR/ca.pem.
      Without --config it restarts the sandbox DIR already holds. The realism knobs (off by default, kept in
      DIR/sandbox.json): IAM propagation delay in ms, probability of Throttling, probability of a 5xx, and
      latency added to every AWS request (mean N ms, uniform jitter between N/2 and 3N/2), and the time Capsule
      takes to bind a tenant's owners in a new namespace (until then they get 403 there).
  down --state-dir DIR                stops it (its state stays in DIR)
  status --state-dir DIR [--output text|json]   exit 0 when running, 1 when not
  reset --state-dir DIR               forgets all changes (IAM, sessions, access entries, Kubernetes objects)
  token --state-dir DIR --cluster C --namespace N --service-account S [--audience A] [--ttl SECONDS]
      prints a projected service-account token of cluster C (default audience sts.amazonaws.com, ttl 3600);
      --out FILE writes it as a pod's token file (no trailing newline, mode 0600) for AWS_WEB_IDENTITY_TOKEN_FILE
      (an existing FILE only with --force; never a file of DIR)
  kubeconfig --state-dir DIR --cluster C [--profile P | --role-arn R] [--out FILE] [--command aws|xirsa]
      writes a kubeconfig for cluster C (default FILE: DIR/kubeconfig-C, default profile: the cluster's account admin;
      an existing --out FILE only with --force)`;

const SUBCOMMANDS = ["up", "down", "status", "reset", "token", "kubeconfig"] as const;

function rate(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InputError(
      "cli.flags",
      `sandbox: ${flag} must be a probability between 0 and 1, not '${value}'`,
    );
  }
  return n;
}

function wholeNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InputError(
      "cli.flags",
      `sandbox: ${flag} must be a whole number from ${min} to ${max}, not '${value}'`,
    );
  }
  return n;
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function k8sName(value: string, flag: string): string {
  if (value.length > 63 || !K8S_NAME.test(value)) {
    throw new InputError(
      "cli.flags",
      `sandbox token: ${flag} '${value}' is not a Kubernetes name`,
      "use lower-case letters, digits and '-'",
    );
  }
  return value;
}

/** The CLI entry that a detached child runs (bin/xirsa.js when run from the package). */
function cliEntry(): string {
  const argv1 = process.argv[1];
  if (argv1 && /xirsa(\.js)?$/.test(argv1)) return argv1;
  return fileURLToPath(new URL("../../../bin/xirsa.js", import.meta.url));
}

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

/** --state-dir, which every subcommand needs, relative to the working directory. */
function stateDirFlag(values: Flags["values"], command: string, io: Io): string {
  return resolve(io.cwd, requireFlag(values["state-dir"] as string | undefined, "--state-dir", command));
}

/** token and kubeconfig act on one cluster of a sandbox: --state-dir and --cluster, besides their own flags. */
function clusterFlags(
  argv: string[],
  options: Parameters<typeof parseFlags>[1],
  command: string,
  io: Io,
): { v: Record<string, string | undefined>; stateDir: string; clusterName: string } {
  const { values } = parseFlags(
    argv,
    { "state-dir": { type: "string" }, cluster: { type: "string" }, ...options },
    command,
  );
  const v = values as Record<string, string | undefined>;
  return {
    v,
    stateDir: stateDirFlag(v, command, io),
    clusterName: requireFlag(v.cluster, "--cluster", command),
  };
}

async function up(argv: string[], io: Io): Promise<0 | 1 | 2> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: "string" },
      "state-dir": { type: "string" },
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
  const delay = wholeNumber(
    values["propagation-delay"] as string | undefined,
    "--propagation-delay",
    0,
    3_600_000,
  );
  const throttle = rate(values["throttle-rate"] as string | undefined, "--throttle-rate");
  const errors = rate(values["error-rate"] as string | undefined, "--error-rate");
  if (delay !== undefined) knobs.propagationDelayMs = delay;
  if (throttle !== undefined) knobs.throttleRate = throttle;
  if (errors !== undefined) knobs.errorRate = errors;
  const latency = wholeNumber(values["latency-ms"] as string | undefined, "--latency-ms", 0, 60_000);
  if (latency !== undefined) knobs.latencyMs = latency;
  const bind = wholeNumber(
    values["capsule-bind-delay-ms"] as string | undefined,
    "--capsule-bind-delay-ms",
    0,
    600_000,
  );
  if (bind !== undefined) knobs.capsuleBindDelayMs = bind;
  const configFile = values.config as string | undefined;
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

async function down(argv: string[], io: Io): Promise<0> {
  const { values } = parseFlags(argv, { "state-dir": { type: "string" } }, "sandbox down");
  const stateDir = stateDirFlag(values, "sandbox down", io);
  const pid = await stop(stateDir);
  io.stdout.write(
    pid
      ? `sandbox stopped (pid ${pid}); its state stays in ${stateDir}\n`
      : `sandbox in ${stateDir} is not running\n`,
  );
  return 0;
}

async function statusCmd(argv: string[], io: Io): Promise<0 | 1> {
  const { values } = parseFlags(
    argv,
    { "state-dir": { type: "string" }, output: { type: "string" } },
    "sandbox status",
  );
  const stateDir = stateDirFlag(values, "sandbox status", io);
  const output = oneOf(values.output as string | undefined, ["text", "json"] as const, "--output", "text");
  const s = status(stateDir);
  if (output === "json") io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  else {
    io.stdout.write(`sandbox ${stateDir}: ${s.running ? `running (pid ${s.pid})` : "stopped"}\n`);
    if (s.awsUrl) io.stdout.write(`  AWS endpoint ${s.awsUrl}, OIDC issuers ${s.oidcUrl}\n`);
    for (const a of s.accounts) io.stdout.write(`  account ${a.accountId}: profile ${a.profile}\n`);
    for (const c of s.clusters) {
      io.stdout.write(
        `  cluster ${c.name} (${c.accountId} ${c.region}): ${c.endpoint ?? "no endpoint yet"}, issuer ${c.issuer}\n`,
      );
    }
    if (s.knobs?.latencyMs) io.stdout.write(`  latency: ${s.knobs.latencyMs} ms per AWS request (±50%)\n`);
    if (s.knobs && (s.knobs.propagationDelayMs || s.knobs.throttleRate || s.knobs.errorRate)) {
      io.stdout.write(
        `  knobs: propagation delay ${s.knobs.propagationDelayMs} ms, throttle rate ${s.knobs.throttleRate}, error rate ${s.knobs.errorRate}\n`,
      );
    }
  }
  return s.running ? 0 : 1;
}

async function reset(argv: string[], io: Io): Promise<0> {
  const { values } = parseFlags(argv, { "state-dir": { type: "string" } }, "sandbox reset");
  const stateDir = stateDirFlag(values, "sandbox reset", io);
  const wasRunning = (await stop(stateDir)) !== undefined;
  wipe(stateDir);
  if (wasRunning) {
    await startDetached(stateDir, cliEntry());
    io.stdout.write(`sandbox reset and restarted; . ${files(stateDir).env} again (new admin keys)\n`);
  } else
    io.stdout.write(
      `sandbox state in ${stateDir} reset; start it with xirsa sandbox up --state-dir ${stateDir}\n`,
    );
  return 0;
}

async function token(argv: string[], io: Io): Promise<0> {
  const { v, stateDir, clusterName } = clusterFlags(
    argv,
    {
      namespace: { type: "string" },
      "service-account": { type: "string" },
      audience: { type: "string" },
      ttl: { type: "string" },
      out: { type: "string" },
      ...FORCE_OPTION,
    },
    "sandbox token",
    io,
  );
  const namespace = k8sName(requireFlag(v.namespace, "--namespace", "sandbox token"), "--namespace");
  const serviceAccount = k8sName(
    requireFlag(v["service-account"], "--service-account", "sandbox token"),
    "--service-account",
  );
  const audience = v.audience ?? "sts.amazonaws.com";
  if (audience === "") throw new InputError("cli.flags", "sandbox token: --audience must not be empty");
  const ttlSeconds = wholeNumber(v.ttl, "--ttl", 60, 2 ** 31) ?? 3600;
  const jwt = await mintSandboxToken(stateDir, {
    cluster: clusterName,
    namespace,
    serviceAccount,
    audience,
    ttlSeconds,
  });
  if (v.out) {
    // As a projected volume holds it: the bare token (no newline, which STS would refuse), readable by its owner only.
    const { writeFileAtomic } = await import("../../fs/atomic.js");
    const file = resolve(io.cwd, v.out);
    const replace = outputFile(file, { force: !!v.force, inputs: filesIn(stateDir) });
    writeFileAtomic(file, jwt, { mode: 0o600, what: v.out, code: "sandbox.token", replace });
    return 0;
  }
  io.stdout.write(`${jwt}\n`);
  return 0;
}

async function kubeconfig(argv: string[], io: Io): Promise<0> {
  const { v, stateDir, clusterName } = clusterFlags(
    argv,
    {
      profile: { type: "string" },
      "role-arn": { type: "string" },
      out: { type: "string" },
      ...FORCE_OPTION,
      command: { type: "string" },
    },
    "sandbox kubeconfig",
    io,
  );
  if (v.profile && v["role-arn"])
    throw new InputError("cli.flags", "sandbox kubeconfig: pass --profile or --role-arn, not both");
  const command = oneOf(v.command, ["aws", "xirsa"] as const, "--command", "aws");
  const cluster = sandboxCluster(stateDir, clusterName);
  const port = readEndpoints(stateDir)?.kube[cluster.name];
  if (!port)
    throw new OperationError(
      "sandbox.endpoint",
      `cluster ${clusterName} has no endpoint yet`,
      "start the sandbox: xirsa sandbox up --state-dir DIR",
    );
  const file = resolve(io.cwd, v.out ?? `${stateDir}/kubeconfig-${cluster.name}`);
  if (v.out !== undefined) {
    // An explicit --out: not a file of the sandbox, not an existing file (but the default kubeconfig, its own).
    const own = resolve(stateDir, `kubeconfig-${cluster.name}`);
    const replace = outputFile(file, {
      force: !!v.force,
      inputs: filesIn(stateDir).filter((f) => f !== own),
    });
    if (!replace && file !== own && existsSync(file)) {
      throw new InputError(
        "sandbox.kubeconfig.exists",
        `${v.out} already exists`,
        "pass --force to overwrite it, or another path",
      );
    }
  }
  writeKubeconfig({
    file,
    clusterName: cluster.name,
    server: `https://127.0.0.1:${port}`,
    caPem: readFileSync(files(stateDir).ca, "utf8"),
    region: cluster.region,
    profile: v["role-arn"] ? undefined : (v.profile ?? profileName(cluster.accountId)),
    roleArn: v["role-arn"],
    envFile: files(stateDir).env,
    command,
  });
  io.stdout.write(`wrote ${file}; use it: KUBECONFIG=${file} kubectl get ns\n`);
  return 0;
}

const command: Command = {
  name: "sandbox",
  summary: "run a local emulation of the AWS accounts and EKS clusters of xirsa.yaml",
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (oneOf(sub, SUBCOMMANDS, "sandbox subcommand", "up")) {
      case "up":
        if (sub === undefined)
          throw new InputError(
            "cli.flags",
            "sandbox: name a subcommand: up, down, status, reset, token or kubeconfig",
            "see xirsa sandbox --help",
          );
        return up(rest, io);
      case "down":
        return down(rest, io);
      case "status":
        return statusCmd(rest, io);
      case "reset":
        return reset(rest, io);
      case "token":
        return token(rest, io);
      case "kubeconfig":
        return kubeconfig(rest, io);
    }
  },
};
export default command;
