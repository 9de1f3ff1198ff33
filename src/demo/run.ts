/**
 * `xirsa demo`: the whole product on a laptop. It starts the sandbox (or uses a running one), provisions an
 * example through the AWS and Kubernetes APIs, proves and probes both chains of every target, runs the seed's
 * runtime flows (environment, registration, deployment), then breaks one thing on purpose and shows verify
 * pinpointing it and apply repairing it. Every step checks that it behaved as shown; any surprise fails the demo.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeleteAccessEntryCommand } from "@aws-sdk/client-eks";
import { createEnv, deploy, parseManifests, probe, registerCluster } from "../agent/index.js";
import type { Config } from "../config/index.js";
import { parseConfigText } from "../config/index.js";
import { isXirsaError, OperationError } from "../errors.js";
import { applyLive, type Connections, loadLive, openConnections, planLive } from "../live/index.js";
import { writeHtmlReport } from "../report/index.js";
import {
  files,
  mintSandboxToken,
  type RunningSandbox,
  readClientEnv,
  readEndpoints,
  releasePid,
  resolveSettings,
  runningPid,
  saveSettings,
  startInProcess,
  withClientEnv,
} from "../sandbox/index.js";
import type { ChainKind, KubeObject } from "../state/index.js";
import { painter } from "../text/index.js";
import { roleNames, sandboxSpecOf } from "../topology/index.js";
import { formatTable, type VerifyResult, verify } from "../verify/index.js";
import { sandboxConfigText } from "./config.js";

export interface DemoOptions {
  /** The example to provision (examples/multi-target.yaml). */
  example: string;
  /** Fixture of what the seed assumes exists in cluster A (examples/sandbox/cluster-a.yaml). */
  clusterAFixture: string;
  /** Sample application (examples/app.yaml). */
  app: string;
  stateDir: string;
  /** Where the HTML reports go. */
  outDir: string;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
  color?: boolean;
  clock?: () => number;
}

export interface DemoStep {
  title: string;
  ok: boolean;
  ms: number;
  /** What went wrong, when not ok. */
  error?: string;
}

export interface DemoResult {
  ok: boolean;
  steps: DemoStep[];
  reports: string[];
}

/** A step did not behave as the demo says it should. */
class Surprise extends OperationError {
  constructor(message: string) {
    super("demo.surprise", message);
  }
}

function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Surprise(message);
}

/** The environment every AWS SDK call and the aws CLI would have after `. D/env.sh` (the sandbox wrote it). */
export function sandboxEnv(base: NodeJS.ProcessEnv, stateDir: string): NodeJS.ProcessEnv {
  return withClientEnv(base, readClientEnv(stateDir));
}

/** Creates what is absent; leaves what exists (the fixture stands in for installed KubeRocketCI and Argo CD). */
async function installFixture(conns: Connections, config: Config, objects: KubeObject[]): Promise<number> {
  const kube = await conns.kube({
    accountId: config.source.accountId,
    region: config.source.region,
    name: config.source.cluster,
  });
  let created = 0;
  for (const o of objects) {
    const ref = {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    };
    if (await kube.get(ref)) continue;
    await kube.create(o);
    created++;
  }
  return created;
}

function brokenHops(
  result: VerifyResult,
): { chain: string; hop: string; reason: string; fix?: string; blockedBy?: string }[] {
  return result.chains.flatMap((c) =>
    c.hops
      .filter((h) => !h.ok)
      .map((h) => ({
        chain: c.id,
        hop: h.id,
        reason: h.reason,
        ...(h.fix ? { fix: h.fix } : {}),
        ...(h.blockedBy ? { blockedBy: h.blockedBy } : {}),
      })),
  );
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const clock = opts.clock ?? (() => performance.now());
  const steps: DemoStep[] = [];
  const reports: string[] = [];
  const paint = painter(opts.color ?? false);
  const green = (s: string) => paint("green", s);
  const red = (s: string) => paint("red", s);
  const say = (s = "") => opts.print(s);
  const indent = (text: string) => {
    for (const l of text.trimEnd().split("\n")) say(`    ${l}`);
  };

  async function step<T>(title: string, fn: () => Promise<T>): Promise<T> {
    say(`▶ ${title}`);
    const t0 = clock();
    try {
      const out = await fn();
      const ms = clock() - t0;
      steps.push({ title, ok: true, ms });
      say(`${green("✓")} ${title} (${(ms / 1000).toFixed(1)} s)`);
      return out;
    } catch (e) {
      const ms = clock() - t0;
      const error = isXirsaError(e) ? e.oneLine() : ((e as Error)?.message ?? String(e));
      steps.push({ title, ok: false, ms, error });
      say(`${red("✗")} ${title}: ${error}`);
      throw e;
    }
  }

  let running: RunningSandbox | undefined;
  let stopped = false;
  let conns: Connections | undefined;
  try {
    mkdirSync(opts.stateDir, { recursive: true });
    const configText = sandboxConfigText(readFileSync(opts.example, "utf8"), opts.example);
    const configFile = join(opts.stateDir, "xirsa.yaml");
    const config = parseConfigText(configText, configFile);

    await step(
      "start the sandbox: accounts, IAM, STS, EKS, OIDC issuers and one Kubernetes API per cluster",
      async () => {
        const pid = runningPid(opts.stateDir);
        if (pid !== undefined && pid !== process.pid) {
          const endpoints = readEndpoints(opts.stateDir);
          expect(endpoints, `the sandbox in ${opts.stateDir} runs but has no endpoints.json`);
          say(`    using the sandbox already running in ${opts.stateDir} (pid ${pid})`);
          return `http://127.0.0.1:${endpoints.aws}`;
        }
        writeFileSync(configFile, configText);
        const settings = resolveSettings(opts.stateDir, sandboxSpecOf(config), {});
        saveSettings(opts.stateDir, settings);
        running = await startInProcess(opts.stateDir, settings);
        say(
          `    AWS endpoint ${running.awsUrl}; clusters: ${Object.entries(running.kube)
            .map(([n, u]) => `${n} ${u}`)
            .join(", ")}`,
        );
        return running.awsUrl;
      },
    );
    writeFileSync(configFile, configText);
    const env = sandboxEnv(opts.env, opts.stateDir);
    // A sandbox the demo started stops with it: the hint to use it comes at the end, with how to restart it.
    say(
      running
        ? `    config: ${configFile}`
        : `    config: ${configFile}; use the sandbox yourself with: . ${files(opts.stateDir).env}`,
    );
    conns = openConnections(config, { env });
    const live = { env, conns };
    const names = roleNames(config);

    await step(
      "install the stand-ins for KubeRocketCI and Argo CD in cluster A (what the seed assumes exists)",
      async () => {
        const objects = parseManifests(readFileSync(opts.clusterAFixture, "utf8"), opts.clusterAFixture);
        const created = await installFixture(conns!, config, objects);
        say(`    ${created} object(s) created, ${objects.length - created} already there`);
      },
    );

    await step(
      "xirsa apply: IAM OIDC provider, four roles, access entries, annotations, restarts, registration, Capsule",
      async () => {
        const result = await applyLive(
          config,
          {
            createOidcProvider: true,
            progress: {
              write: (s: string) => {
                for (const l of s.split("\n").filter(Boolean)) say(`    ${l}`);
              },
            },
          },
          live,
        );
        say(`    ${result.changes.length} change(s) applied`);
        expect(result.verify.ok, `verify after apply failed: ${JSON.stringify(brokenHops(result.verify))}`);
      },
    );

    await step("xirsa apply again: nothing to do (idempotent)", async () => {
      const { changes } = await planLive(config, { createOidcProvider: true }, live);
      expect(
        changes.length === 0,
        `a second apply would still change ${changes.map((c) => `${c.kind} ${c.id}`).join(", ")}`,
      );
      say("    plan: no changes");
    });

    const proven = await step(
      "xirsa verify --live: every hop of every chain, proven over the live State",
      async () => {
        const { state, chains } = await loadLive(config, live);
        const result = verify(state, chains, { appProject: config.source.argocd.project });
        indent(formatTable(result, { color: opts.color ?? false }));
        expect(result.ok, "a chain is broken right after apply");
        return { result, state, chains };
      },
    );

    // Projected service-account tokens, as the pods of cluster A would have them mounted.
    const tokenDir = join(opts.stateDir, "tokens");
    mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
    async function tokenFile(kind: ChainKind): Promise<string> {
      const [namespace, serviceAccount] =
        kind === "argocd"
          ? [config.source.argocd.namespace, config.source.argocd.serviceAccounts[0]!]
          : [config.source.krci.namespace, config.source.krci.serviceAccount];
      const jwt = await mintSandboxToken(opts.stateDir, {
        cluster: config.source.cluster,
        accountId: config.source.accountId,
        namespace,
        serviceAccount,
        audience: "sts.amazonaws.com",
        ttlSeconds: 3600,
      });
      const file = join(tokenDir, `${kind}.jwt`);
      writeFileSync(file, jwt, { mode: 0o600 });
      return file;
    }
    const tokens = {
      "cd-pipeline-operator": await tokenFile("cd-pipeline-operator"),
      argocd: await tokenFile("argocd"),
    };

    for (const t of config.targets) {
      for (const kind of ["cd-pipeline-operator", "argocd"] as const) {
        await step(
          `xirsa probe ${kind} → ${t.name}: web identity → AssumeRole → EKS token → access reviews`,
          async () => {
            const result = await probe({ ...live, config, kind, target: t.name, tokenFile: tokens[kind] });
            const chain = result.chains[0]!;
            say(`    ${chain.hops.map((h) => `${h.ok ? "✓" : "✗"} ${h.id}`).join("  ")}`);
            expect(result.ok, `probe failed: ${JSON.stringify(brokenHops(result))}`);
          },
        );
      }
    }

    const envNamespaces: Record<string, string> = {};
    for (const t of config.targets) {
      await step(
        `xirsa env create → ${t.name}: environment namespace through the CD pipeline operator chain`,
        async () => {
          const r = await createEnv({
            ...live,
            config,
            target: t.name,
            pipeline: "demo",
            stage: "dev",
            tokenFile: tokens["cd-pipeline-operator"],
          });
          say(
            `    ${r.namespace}: ${r.steps.map((s) => `${s.object} ${s.result}`).join(", ")}${r.tenant ? `; owned by Capsule tenant ${r.tenant}` : ""}`,
          );
          envNamespaces[t.name] = r.namespace;
        },
      );
    }

    for (const t of config.targets) {
      await step(
        `xirsa cluster register → ${t.name}: Argo CD and KubeRocketCI cluster Secrets, AppProject, available_clusters`,
        async () => {
          const r = await registerCluster({ ...live, config, target: t.name });
          say(`    ${r.changes.length} change(s); already as wanted: ${r.unchanged.length}`);
          expect(r.changes.length === 0, "apply should already have registered the cluster");
        },
      );
    }

    const appObjects = parseManifests(readFileSync(opts.app, "utf8"), opts.app);
    for (const t of config.targets) {
      await step(`xirsa deploy → ${t.name}: the sample application through the Argo CD chain`, async () => {
        const r = await deploy({
          ...live,
          config,
          target: t.name,
          namespace: envNamespaces[t.name]!,
          objects: appObjects,
          tokenFile: tokens.argocd,
          source: opts.app,
        });
        say(
          `    ${r.objects.map((o) => `${o.resource} ${o.action}`).join(", ")}; ${r.deployments.map((d) => `${d.name} ${d.available}/${d.replicas} available`).join(", ")}`,
        );
        expect(
          r.deployments.every((d) => d.available === d.replicas),
          "a Deployment did not become available",
        );
      });
    }

    const victim = config.targets[config.targets.length - 1]!;
    const victimRole = names.arn("CDPipelineAgent", victim.accountId);
    await step(
      `break it: delete the access entry of ${victimRole} on ${victim.cluster} (as an admin of ${victim.accountId} would)`,
      async () => {
        await conns!
          .account(victim.accountId)
          .eks(victim.region)
          .send(new DeleteAccessEntryCommand({ clusterName: victim.cluster, principalArn: victimRole }));
      },
    );

    const broken = await step(
      "xirsa verify --live pinpoints the broken hop and says how to fix it",
      async () => {
        const { state, chains } = await loadLive(config, live);
        const result = verify(state, chains, { appProject: config.source.argocd.project });
        const hops = brokenHops(result);
        // As the table: a hop blocked by an earlier one is neutral and names that root cause instead of a fix.
        for (const h of hops) {
          if (h.blockedBy) say(`    – ${h.chain} ${h.hop}: not checked because ${h.blockedBy} failed`);
          else say(`    ✗ ${h.chain} ${h.hop}: ${h.reason}${h.fix ? ` — fix: ${h.fix}` : ""}`);
        }
        expect(!result.ok, "verify did not notice the missing access entry");
        expect(
          hops.some((h) => h.chain === `${victim.name}/cd-pipeline-operator` && h.hop === "cluster-access"),
          `expected ${victim.name}/cd-pipeline-operator to fail at cluster-access`,
        );
        return { result, state, chains };
      },
    );

    await step(
      `xirsa probe cd-pipeline-operator → ${victim.name} fails at cluster-access too, with the cause`,
      async () => {
        const result = await probe({
          ...live,
          config,
          kind: "cd-pipeline-operator",
          target: victim.name,
          tokenFile: tokens["cd-pipeline-operator"],
        });
        const hop = result.chains[0]!.hops.find((h) => !h.ok);
        expect(
          hop?.id === "cluster-access",
          `probe failed at ${hop?.id ?? "no hop"} instead of cluster-access`,
        );
        say(`    ✗ ${hop.id}: ${hop.reason}`);
      },
    );

    await step("xirsa apply repairs it", async () => {
      const result = await applyLive(config, { createOidcProvider: true }, live);
      say(`    ${result.changes.map((c) => `${c.action} ${c.kind} ${c.id}`).join("; ")}`);
      expect(result.changes.length > 0, "apply found nothing to repair");
      expect(result.verify.ok, "verify still fails after the repair");
    });

    await step("write the HTML reports (the chains drawn, broken hop in red)", async () => {
      mkdirSync(opts.outDir, { recursive: true });
      const brokenFile = join(opts.outDir, "report-broken.html");
      const okFile = join(opts.outDir, "report.html");
      writeHtmlReport(brokenFile, {
        ...broken,
        title: "xirsa demo: after deleting an access entry",
        generatedFrom: "xirsa demo",
      });
      writeHtmlReport(okFile, {
        ...proven,
        title: "xirsa demo: every chain proven",
        generatedFrom: "xirsa demo",
      });
      reports.push(okFile, brokenFile);
      say(`    ${okFile}\n    ${brokenFile}`);
    });
  } catch (e) {
    if (!steps.some((s) => !s.ok)) {
      // Failed before any step (bad example, missing files).
      throw e;
    }
  } finally {
    conns?.close();
    if (running) {
      await running.close();
      releasePid(opts.stateDir);
      stopped = true;
    }
  }

  const ok = steps.length > 0 && steps.every((s) => s.ok);
  say("");
  say(
    `Summary: ${steps.filter((s) => s.ok).length}/${steps.length} steps as expected, ${(steps.reduce((a, s) => a + s.ms, 0) / 1000).toFixed(1)} s in all`,
  );
  for (const s of steps)
    say(`  ${s.ok ? green("✓") : red("✗")} ${(s.ms / 1000).toFixed(1).padStart(5)} s  ${s.title}`);
  if (stopped) {
    say("");
    say(
      `The sandbox has stopped; its state is kept in ${opts.stateDir}. To use it: xirsa sandbox up --state-dir ${opts.stateDir} --detach, then . ${files(opts.stateDir).env}`,
    );
  }
  return { ok, steps, reports };
}
