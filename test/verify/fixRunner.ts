/**
 * The runner of the fix test (issue 16 §3): one stack applied on a sandbox, then for each fault in sequence:
 * break it with the aws CLI / kubectl, `xirsa verify --live -o json` must report the finding on the chain's hop,
 * the printed fix is run as printed (the raw aws/kubectl command through bash with the sandbox's client
 * environment, or the first fix `xirsa apply --config … --target …`), and verify again must prove every chain
 * without the finding. A fix that is not a runnable command (prose, a placeholder, a missing --region/--profile
 * that lands in the wrong account) fails here. Two test files share it so that the cases run on two sandboxes
 * in parallel.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inProcess, startFlowSandbox } from "../agent/config.js";
import { BIN } from "../helpers.js";
import type { E2ESandbox } from "../live/sandbox.js";
import { FIXTURE_A, sandboxConfigText } from "../live/sandbox.js";
import { requireTools } from "../tools.js";
import type { LiveCase } from "./fixCases.js";

const CLUSTERS = ["krci-main", "workloads-staging", "workloads-prod"];

interface Verified {
  ok: boolean;
  chains: {
    id: string;
    ok: boolean;
    hops: { id: string; ok: boolean; fix?: string; codes?: string[]; blockedBy?: string }[];
  }[];
  findings: { code: string; chain?: string; resource: string; remediation: string; severity: string }[];
}

/**
 * Registers the cases of `file` (a test file) as one describe on their own sandbox. `config`: how verify finds
 * the config, `--config FILE` or `$XIRSA_CONFIG` (the printed apply must name the same file either way).
 */
export function describeFixes(
  file: string,
  cases: readonly LiveCase[],
  config: "flag" | "env" = "flag",
): void {
  const skip = requireTools(file, "aws", "kubectl");
  describe.skipIf(!!skip)("printed fixes applied on the sandbox", () => {
    let sb: E2ESandbox;
    let bin: string;

    beforeAll(async () => {
      sb = await startFlowSandbox(sandboxConfigText(), CLUSTERS);
      // `xirsa` as a user's shell finds it.
      bin = join(sb.dir, "bin");
      mkdirSync(bin);
      writeFileSync(join(bin, "xirsa"), `#!/bin/sh\nexec node ${JSON.stringify(BIN)} "$@"\n`);
      chmodSync(join(bin, "xirsa"), 0o755);
    }, 300_000);

    afterAll(() => sb?.stop());

    // A case that failed leaves its fault behind: put the stack back so that the next case starts proven.
    afterEach(async () => {
      if (clean(await liveVerify())) return;
      expect(sb.kubectl("krci-main", ["apply", "-f", FIXTURE_A]).code).toBe(0);
      const r = await inProcess(
        ["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"],
        sb.env,
      );
      expect(r.code, r.stderr).toBe(0);
    }, 120_000);

    const liveVerify = async (): Promise<Verified> => {
      const r =
        config === "flag"
          ? await inProcess(["verify", "--live", "--config", sb.configFile, "--output", "json"], sb.env)
          : await inProcess(["verify", "--live", "--output", "json"], {
              ...sb.env,
              XIRSA_CONFIG: sb.configFile,
            });
      expect(r.stderr).toBe("");
      const out = JSON.parse(r.stdout) as Verified;
      // verify exits 1 for a broken chain and for an error finding (--fail-on error) on a proven one.
      expect(r.code).toBe(clean(out) ? 0 : 1);
      return out;
    };

    /** The cluster a finding's resource lives in (`k8s:<cluster>/…`, `eks:<cluster>/…`); kubectl talks to it. */
    const clusterOf = (resource: string | undefined) =>
      /^(?:k8s|eks):([^/]+)/.exec(resource ?? "")?.[1] ?? "krci-main";

    /** Runs a printed command line as a user would paste it into bash, with the sandbox's env.sh sourced. */
    const shell = (command: string, cluster: string) => {
      const r = spawnSync("bash", ["-eo", "pipefail", "-c", command], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...sb.env, PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: sb.kubeconfig(cluster) },
        encoding: "utf8",
        timeout: 180_000,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    /** The part of a printed fix the case applies. */
    const pick = (fix: string, how: LiveCase["fix"]): string => {
      const owned =
        /^(xirsa apply --config \S+ --target \S+(?: --create-oidc-provider)?) \(xirsa owns this stack[^)]*\)(?:; or by hand: (.*))?$/s.exec(
          fix,
        );
      if (how === "apply") {
        expect(owned, `first fix of an xirsa-owned chain is xirsa apply --target: ${fix}`).not.toBeNull();
        // A script answers the confirmation with --yes.
        return `${owned![1]} --yes`;
      }
      const raw = owned ? owned[2] : fix;
      expect(raw, `a raw fix after the apply: ${fix}`).toBeDefined();
      return raw!;
    };

    /** The root-cause fixes of every failing chain (a fault can break several), once each. */
    const fixesOf = (r: Verified, how: LiveCase["fix"]) => {
      const out = new Map<string, string>();
      for (const c of r.chains) {
        for (const h of c.hops) {
          if (h.ok || h.blockedBy) continue;
          const f = r.findings.find((x) => x.chain === c.id && x.code === h.codes?.[0]);
          const command = pick(h.fix!, how);
          out.set(command, clusterOf(f?.resource));
          break;
        }
      }
      return out;
    };

    const applied: string[] = [];

    for (const fault of cases) {
      it(`${fault.code}: ${fault.name}`, async () => {
        fault.breakIt(sb, (r) => expect(r.code, r.stderr).toBe(0));
        let r = await liveVerify();
        const chain = r.chains.find((c) => c.id === fault.chain)!;
        const f = r.findings.find((x) => x.code === fault.code && (x.chain ?? fault.chain) === fault.chain);
        expect(
          f,
          `${fault.code} on ${fault.chain}: ${JSON.stringify(r.findings.map((x) => x.code))}`,
        ).toBeDefined();
        if (fault.hop) {
          const hop = chain.hops.find((h) => h.id === fault.hop)!;
          expect(hop.ok, hop.fix).toBe(false);
          expect(hop.codes).toContain(fault.code);
          expect(hop.blockedBy).toBeUndefined();
        }
        expect(f!.remediation).not.toMatch(/<[a-z][a-z ]*>/);
        // Apply what is printed, up to three rounds (a fix can uncover what the fault hid: a re-created role
        // leaves its access entry stale); warnings have no failing hop: their remediation is the fix.
        for (let round = 0; round < 3; round++) {
          const todo = fault.hop
            ? fixesOf(r, fault.fix)
            : new Map(
                r.findings
                  .filter((x) => x.code === fault.code)
                  .map((x) => [pick(x.remediation, fault.fix), clusterOf(x.resource)] as const),
              );
          if (todo.size === 0) break;
          for (const [command, cluster] of todo) {
            applied.push(command);
            const ran = shell(command, cluster);
            expect(ran.code, `${command}\n${ran.stderr}${ran.stdout}`).toBe(0);
          }
          r = await eventually(liveVerify, (v) => v.ok && !v.findings.some((x) => x.code === fault.code));
          if (r.ok && !r.findings.some((x) => x.code === fault.code)) break;
        }
        expect(
          r.chains.filter((c) => !c.ok).map((c) => `${c.id}: ${c.hops.find((h) => !h.ok)?.fix}`),
        ).toEqual([]);
        expect(r.findings.filter((x) => x.code === fault.code)).toEqual([]);
      }, 240_000);
    }

    it("ran only aws, kubectl and xirsa commands, never a placeholder", () => {
      expect(applied.length).toBeGreaterThanOrEqual(cases.length);
      for (const command of applied) {
        for (const step of command.split(" && ")) expect(step).toMatch(/^(aws|kubectl|xirsa) /);
        expect(command).not.toMatch(/<[a-z][a-z ]*>/);
      }
      const aws = applied.flatMap((c) => c.split(" && ")).filter((s) => s.startsWith("aws "));
      for (const step of aws) expect(step).toMatch(/ --profile sandbox-\d{12}/);
      for (const step of aws.filter((s) => s.startsWith("aws eks ")))
        expect(step).toMatch(/ --region [a-z0-9-]+/);
    });
  });
}

/** Every chain proven and no error finding. */
function clean(r: Verified): boolean {
  return r.ok && !r.findings.some((f) => f.severity === "error");
}

/** Re-reads until `done` (restarted pods come up in the background), at most a few times. */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 20 && !done(v); i++) {
    await new Promise((res) => setTimeout(res, 250));
    v = await read();
  }
  return v;
}
