import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { loadConfig } from "../../config/index.js";
import { InputError } from "../../errors.js";
import { checkTargets, limitChains } from "../../live/index.js";
import { loadBundle } from "../../render/index.js";
import { writeHtmlReport } from "../../report/index.js";
import type { ChainSpec, State } from "../../state/index.js";
import { desiredState } from "../../topology/index.js";
import type { VerifyResult } from "../../verify/index.js";
import {
  type Acceptance,
  applyAcceptances,
  bundleLocator,
  configLocator,
  exitCodeFor,
  fixOptions,
  formatJson,
  formatSarif,
  formatTable,
  type Locate,
  shellWord,
  verify,
} from "../../verify/index.js";
import { type FlagValues, oneOf, parseFlags } from "../args.js";
import { useColor } from "../color.js";
import type { Command, Io } from "../command.js";
import { findConfig } from "../configFile.js";
import { DISCOVER_OPTIONS, DISCOVER_USAGE, discoverOptions } from "../discoverFlags.js";
import { FORCE_OPTION, filesIn, outputFile } from "../outputs.js";
import { targetsFlag } from "../targetFlag.js";
import { xirsaVersion } from "../version.js";

const FORMATS = ["table", "json", "sarif", "html"] as const;
const FAIL_ON = ["error", "warning", "info"] as const;

function posix(path: string): string {
  return path.split(sep).join("/");
}

/** Reads a file for locating findings (once); a file that vanished is simply not located. */
function textReader(): (path: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (path) => {
    if (!cache.has(path)) {
      try {
        cache.set(path, readFileSync(path, "utf8"));
      } catch {
        cache.set(path, undefined);
      }
    }
    return cache.get(path);
  };
}

/** The bundle's findings located in its files (verify/output/locateFindings.ts), read here at the edge. */
function bundleFileLocator(dir: string, files: Map<string, string>, cwd: string): Locate {
  const read = textReader();
  return bundleLocator({
    files,
    text: (rel) => read(join(dir, rel)),
    uri: (rel) => posix(relative(cwd, join(dir, rel))),
  });
}

/** The config's findings located at their target's entry. */
function configFileLocator(file: string, cwd: string): Locate {
  const read = textReader();
  return (f) => configLocator(read(file) ?? "", posix(relative(cwd, file)))(f);
}

const OPTIONS = {
  config: { type: "string" },
  from: { type: "string" },
  output: { type: "string" },
  out: { type: "string" },
  live: { type: "boolean" },
  ...DISCOVER_OPTIONS,
  "fail-on": { type: "string" },
  target: { type: "string", multiple: true },
  verbose: { type: "boolean" },
  ...FORCE_OPTION,
} as const;
type Values = FlagValues<typeof OPTIONS>;

interface Loaded {
  /** The config's `accept` entries. */
  accept: Acceptance[];
  /** What the config renders and the accounts' profiles, for fixes that fit this config. */
  fixes: ReturnType<typeof fixOptions>;
  state: State;
  chains: ChainSpec[];
  appProject: string;
  locate: Locate;
  from: string;
  /** The State came from a bundle on disk (its findings are located in its files). */
  bundle?: boolean;
  /** The stack's name, and (live) who read each account: the HTML report's header. */
  stack?: string;
  callers?: { accountId: string; arn: string }[];
}

function load(values: Values, io: Io): Loaded {
  const from = values.from;
  // Without --from, the config is found as every command finds it (--config, $XIRSA_CONFIG, ./xirsa.yaml).
  const config = from === undefined ? findConfig(values, io) : values.config;
  if ((config === undefined) === (from === undefined)) {
    throw new InputError(
      "cli.flags",
      "pass exactly one of --config <xirsa.yaml> or --from <bundle dir>",
      "see xirsa verify --help",
    );
  }
  if (config !== undefined) {
    const file = resolve(io.cwd, config);
    const cfg = loadConfig(file);
    const { state, chains } = desiredState(cfg);
    return {
      accept: cfg.accept ?? [],
      fixes: fixOptions(cfg),
      state,
      chains,
      appProject: cfg.source.argocd.project,
      locate: configFileLocator(file, io.cwd),
      from: `--config ${config}`,
      stack: cfg.name,
    };
  }
  const dir = resolve(io.cwd, from!);
  const bundle = loadBundle(dir);
  return {
    accept: bundle.config.accept ?? [],
    fixes: fixOptions(bundle.config),
    state: bundle.state,
    chains: bundle.chains,
    appProject: bundle.config.source.argocd.project,
    locate: bundleFileLocator(dir, bundle.files, io.cwd),
    from: `--from ${from}`,
    bundle: true,
    stack: bundle.config.name,
  };
}

/** --live: the State collected read-only from AWS and the clusters, the chains of the config (src/live). */
async function loadLiveState(values: Values, io: Io, targets: string[] | undefined): Promise<Loaded> {
  const config = values.from === undefined ? findConfig(values, io) : undefined;
  if (config === undefined || values.from !== undefined) {
    throw new InputError(
      "cli.flags",
      "verify: --live needs --config <xirsa.yaml> (and no --from): it reads the accounts and clusters the config names",
      "see xirsa verify --help",
    );
  }
  const file = resolve(io.cwd, config);
  const cfg = loadConfig(file);
  const { loadLive } = await import("../../live/service.js");
  const live = await loadLive(cfg, { env: io.env, ...(targets ? { targets } : {}) });
  for (const w of live.warnings) io.stderr.write(`xirsa verify: warning: ${w}\n`);
  return {
    accept: cfg.accept ?? [],
    fixes: fixOptions(cfg, live.state),
    state: live.state,
    chains: live.chains,
    appProject: cfg.source.argocd.project,
    locate: configFileLocator(file, io.cwd),
    from: `--live --config ${config}`,
    stack: cfg.name,
    callers: live.callers,
  };
}

/** --live --discover: the config of a hand-made set-up, read from cluster A outwards (src/discover). */
async function loadDiscovered(values: Values, io: Io): Promise<Loaded> {
  if (!values.live || values.config !== undefined || values.from !== undefined) {
    throw new InputError(
      "cli.flags",
      "verify: --discover needs --live and no --config or --from: it finds the chains in the live set-up",
      "e.g. xirsa verify --live --discover --source-profile A-admin",
    );
  }
  const opts = discoverOptions(values, "verify", io.env);
  const { discover } = await import("../../discover/index.js");
  const found = await discover(opts);
  for (const n of found.notes) io.stderr.write(`xirsa verify: note: ${n}\n`);
  const { loadLive } = await import("../../live/service.js");
  const live = await loadLive(found.parsed, { env: io.env });
  for (const w of live.warnings) io.stderr.write(`xirsa verify: warning: ${w}\n`);
  return {
    state: live.state,
    chains: live.chains,
    appProject: found.parsed.source.argocd.project,
    accept: [],
    fixes: fixOptions(found.parsed),
    // No file holds a discovered set-up; findings carry their resource ids.
    locate: () => undefined,
    from: `--live --discover --source-profile ${opts.sourceProfile}`,
    stack: found.parsed.name,
    callers: live.callers,
  };
}

function output(
  format: (typeof FORMATS)[number],
  result: VerifyResult,
  loaded: Loaded & { inputs: string[]; force: boolean; verbose: boolean },
  io: Io,
  out?: string,
): void {
  switch (format) {
    case "table":
      io.stdout.write(
        formatTable(result, {
          color: useColor(io),
          verbose: loaded.verbose,
          // A bundle's findings are located in the file a reviewer edits (as SARIF does).
          ...(loaded.bundle ? { locate: loaded.locate } : {}),
        }),
      );
      return;
    case "json":
      io.stdout.write(formatJson(result));
      return;
    case "sarif":
      io.stdout.write(formatSarif(result, loaded.locate));
      return;
    case "html": {
      const file = resolve(io.cwd, out!);
      const replace = outputFile(file, { force: loaded.force, inputs: loaded.inputs });
      writeHtmlReport(
        file,
        {
          result,
          state: loaded.state,
          chains: loaded.chains,
          generatedFrom: loaded.from,
          generatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          version: xirsaVersion(),
          ...(loaded.stack ? { stack: loaded.stack } : {}),
          ...(loaded.callers?.length ? { callers: loaded.callers } : {}),
        },
        { replace },
      );
      io.stdout.write(`xirsa verify: report written to ${file}\n`);
      return;
    }
  }
}

const command: Command = {
  name: "verify",
  summary: "prove every hop of every chain, offline or live, with the reason and the fix",
  usage: `xirsa verify (--config <xirsa.yaml> [--live] | --from <bundle dir> | --live --discover --source-profile <p> …) [--output table|json|sarif|html] [--out <file>] [--fail-on error|warning|info]

Proves each chain (per target: cd-pipeline-operator and argocd) hop by hop, offline (--config, --from) or over
the live state (--live):
  service-account         the ServiceAccounts carry eks.amazonaws.com/role-arn = the source role
  web-identity            an IAM OIDC provider for the issuer (client id sts.amazonaws.com), and the source
                          role's trust allows sts:AssumeRoleWithWebIdentity for each ServiceAccount
  assume-role             the source role may assume the target role: its identity policies AND the target's trust
  cluster-access          an EKS access entry for exactly the target role ARN
  kubernetes-permissions  access policies, RBAC and Capsule grant what the flow needs in the target namespaces
  registration            Argo CD / KubeRocketCI cluster Secrets, AppProject destination, available_clusters
Every hop is evaluated even after one fails. Findings carry stable codes (XIRSA-…) with a fix.

Flags:
  --config <file>   prove the desired State of xirsa.yaml (needs source.oidcIssuer and the targets' endpoints)
  --from <dir>      prove a rendered bundle (xirsa render --out), including edits made to it since
  --live            with --config: prove the live state, collected read-only from both accounts and clusters
                    (credentials: each account's profile, else the default chain; issuer, endpoints and CA from
                    DescribeCluster). Adds what only live state shows: the OIDC provider URL equals the issuer,
                    pods were created after the annotation and carry AWS_ROLE_ARN, each access entry is bound to
                    the current role, the cluster Secrets match DescribeCluster. The read-only IAM policy it
                    needs: xirsa render --only verifier-policy.
  --discover        with --live and no config: find the chains of a set-up made by hand (e.g. by following the
                    seed) and prove them: cluster A's Argo CD and KubeRocketCI cluster Secrets → their roleARN
                    and cluster in each target account → the source roles (ServiceAccount annotations, the
                    agents' trust) → access entries and Capsule; whatever the role names are. Notes on stderr
                    say what was skipped or guessed. \`xirsa import\` writes the same as xirsa.yaml.
${DISCOVER_USAGE}
  --output <fmt>    table (default; within 120 columns, role names for ARNs, colour on a terminal unless
                    NO_COLOR; with --from, the bundle file and line of each failing document), json (full
                    values), sarif (SARIF 2.1.0 for code scanning, located in the bundle files or the
                    config), html (needs --out)
  --out <file>      where --output html writes the report (never over the config or a file of the bundle;
                    over an existing file only with --force)
  -v, --verbose     table: each hop's evidence under it (what was read, which statement decided)
  --target <name>   prove only this target's chains (repeatable)
  --fail-on <sev>   error (default), warning or info: exit 1 also when a finding of that severity or worse is
                    not accepted (accept: in xirsa.yaml; with warning or info, an unused or expired accept too)

Exit codes: 0 every chain proven (and no finding at --fail-on), 1 a chain is broken (or such a finding),
2 bad input (config, bundle or flags).`,
  async run(argv, io) {
    const { values } = parseFlags(argv, OPTIONS, "verify");
    const { targets } = targetsFlag(values);
    const format = oneOf(values.output, FORMATS, "--output", "table");
    const failOn = oneOf(values["fail-on"], FAIL_ON, "--fail-on", "error");
    const out = values.out;
    if (format === "html" && !out) {
      throw new InputError("cli.flags", "--output html needs --out <file>", "e.g. --out report.html");
    }
    if (format !== "html" && out !== undefined) {
      throw new InputError(
        "cli.flags",
        `--out is only for --output html; ${format} goes to standard output`,
        `redirect it instead, e.g. > verify.${format === "sarif" ? "sarif" : format === "json" ? "json" : "txt"}`,
      );
    }
    const stray = Object.entries(values).find(
      ([k, v]) => k in DISCOVER_OPTIONS && k !== "discover" && v !== undefined,
    )?.[0];
    if (stray && !values.discover) {
      throw new InputError(
        "cli.flags",
        `verify: --${stray} is only for --live --discover`,
        "see xirsa verify --help",
      );
    }
    // A config's target names are known before anything is read or resolved: check them first.
    const configFile =
      targets && !values.discover && values.from === undefined ? findConfig(values, io) : undefined;
    if (targets && configFile !== undefined) {
      const names = loadConfig(resolve(io.cwd, configFile)).targets.map((t) => t.name);
      checkTargets("verify", targets, names);
    }
    const loaded = values.discover
      ? await loadDiscovered(values, io)
      : values.live
        ? await loadLiveState(values, io, targets)
        : load(values, io);
    if (targets) checkTargets("verify", targets, [...new Set(loaded.chains.map((c) => c.target))]);
    const all = verify(loaded.state, limitChains(loaded.chains, targets), {
      appProject: loaded.appProject,
      ...loaded.fixes,
      ...(values.live
        ? {
            // The file verify read (also when found through $XIRSA_CONFIG or ./xirsa.yaml), one shell word;
            // verify.ts adds --target per chain.
            applyCommand: `xirsa apply --config ${shellWord(findConfig(values, io) ?? "xirsa.yaml")}`,
          }
        : {}),
    });
    // Findings of the other targets' chains are theirs (findings without a chain stay).
    const verified = targets
      ? { ...all, findings: all.findings.filter((f) => !f.chain || targets.includes(f.chain.split("/")[0]!)) }
      : all;
    const accepted = applyAcceptances(verified, loaded.accept, new Date().toISOString().slice(0, 10));
    for (const w of accepted.warnings) io.stderr.write(`xirsa verify: warning: ${w}\n`);
    // What was read (the config, or every file of the bundle) is never the report.
    const read = values.config ? [resolve(io.cwd, values.config)] : [];
    const from = values.from ? resolve(io.cwd, values.from) : undefined;
    const inputs = from ? [...read, ...bundleFiles(from)] : read;
    output(
      format,
      accepted.result,
      { ...loaded, inputs, force: !!values.force, verbose: values.verbose === true },
      io,
      out,
    );
    return exitCodeFor(accepted, failOn);
  },
};
export default command;

/** Every file under a bundle directory (the report must not replace one of them). */
function bundleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of filesIn(d)) out.push(f);
    try {
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    } catch {
      // unreadable: loadBundle has said so already
    }
  };
  walk(dir);
  return out;
}
