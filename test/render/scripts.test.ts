// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected texts are bash, where ${...} is bash syntax
/**
 * The scripts: `bash -n` clean, `set -euo pipefail`, the seed's restarts, and a run against stand-ins for aws and
 * kubectl (test/render/fake-bin) that checks the create-then-update branches, the account guard and that the
 * files they hand to aws/kubectl exist.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { renderBundle } from "../../src/render/bundle.js";
import { writeBundle } from "../../src/render/write.js";
import { edgeConfig } from "./fixtures.js";

const root = join(import.meta.dirname, "../..");
const fakeBin = join(import.meta.dirname, "fake-bin");
const tmp = mkdtempSync(join(tmpdir(), "xirsa-scripts-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const single = loadConfig(join(root, "examples/xirsa.yaml"));
const multi = loadConfig(join(root, "examples/multi-target.yaml"));
const configs: [string, Config][] = [
  ["xirsa", single],
  ["multi-target", multi],
  ["edge", edgeConfig],
];

describe("bash -n and the shape of every script", () => {
  for (const [name, config] of configs) {
    it(name, async () => {
      const dir = join(tmp, `syntax-${name}`);
      const files = renderBundle(config);
      await writeBundle(dir, files);
      const scripts = [...files.keys()].filter((p) => p.startsWith("scripts/"));
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const s of scripts) {
        const r = spawnSync("bash", ["-n", join(dir, s)], { encoding: "utf8" });
        expect(r.stderr, s).toBe("");
        expect(r.status, s).toBe(0);
        const text = files.get(s)!;
        expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
        expect(text).toContain("\nset -euo pipefail\n");
      }
    });
  }

  it("bash -n notices a broken script (the check is real)", () => {
    const f = join(tmp, "broken.sh");
    writeFileSync(f, "if true; then\n");
    expect(spawnSync("bash", ["-n", f]).status).not.toBe(0);
  });

  it("the source cluster script has the seed's restarts, after the annotations", () => {
    const text = renderBundle(single).get("scripts/03-kubernetes-krci-main.sh")!;
    const restart = text.indexOf("kubectl rollout restart deployment cd-pipeline-operator -n krci");
    expect(restart).toBeGreaterThan(
      text.indexOf("kubectl annotate serviceaccount edp-cd-pipeline-operator -n krci"),
    );
    for (const sa of ["argocd-application-controller", "argocd-applicationset-controller", "argocd-server"]) {
      const restart = text.indexOf(`restart_users_of argocd ${sa}\n`);
      expect(restart, sa).toBeGreaterThan(text.indexOf(`kubectl annotate serviceaccount ${sa} -n argocd`));
    }
    // Found by spec.serviceAccountName, never by a label a nameOverride changes.
    expect(text).not.toContain("delete pod -l");
  });

  it("profile and context variables at the top, from the config or the update-kubeconfig name", () => {
    const files = renderBundle(edgeConfig);
    expect(files.get("scripts/01-aws-111111111111.sh")).toContain(
      '\n[[ -n "${PROFILE+set}" ]] || PROFILE=acct-a\n',
    );
    const kube = [...files].find(([p]) => p.endsWith("kubernetes-main_111111111111_eu-central-1.sh"))!;
    expect(kube[1]).toContain('\n[[ -n "${CONTEXT+set}" ]] || CONTEXT=ctx-a\n');
    expect(renderBundle(single).get("scripts/03-kubernetes-krci-main.sh")).toContain(
      '\n[[ -n "${CONTEXT+set}" ]] || CONTEXT=arn:aws:eks:eu-central-1:111111111111:cluster/krci-main\n',
    );
  });
});

describe("running the scripts against stand-ins for aws and kubectl", () => {
  function run(script: string, state: string, env: Record<string, string> = {}) {
    return spawnSync("bash", [script], {
      encoding: "utf8",
      env: {
        PATH: `${fakeBin}:${process.env.PATH}`,
        HOME: tmp,
        FAKE_STATE: state,
        FAKE_ACCOUNT: "111111111111",
        CONTEXT: "ctx",
        ...env,
      },
    });
  }
  function calls(state: string): string[] {
    try {
      return readFileSync(join(state, "calls"), "utf8").trim().split("\n");
    } catch {
      return [];
    }
  }

  it("AWS in the source account: creates, then on a re-run updates", async () => {
    const dir = join(tmp, "run-aws");
    await writeBundle(dir, renderBundle(single));
    const state = join(tmp, "state-aws");
    mkdirSync(state);
    const script = join(dir, "scripts/01-aws-111111111111.sh");

    const first = run(script, state);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const c1 = calls(state);
    expect(c1.filter((c) => c.includes(" iam create-open-id-connect-provider "))).toHaveLength(1);
    expect(c1.filter((c) => c.includes(" iam create-role "))).toHaveLength(2);
    expect(c1.filter((c) => c.includes(" iam put-role-policy "))).toHaveLength(2);
    expect(c1.some((c) => c.includes(" update-assume-role-policy "))).toBe(false);

    rmSync(join(state, "calls"));
    const second = run(script, state);
    expect(second.status).toBe(0);
    const c2 = calls(state);
    expect(c2.some((c) => c.includes(" create-"))).toBe(false);
    expect(c2.filter((c) => c.includes(" iam update-assume-role-policy "))).toHaveLength(2);
    expect(c2.filter((c) => c.includes(" add-client-id-to-open-id-connect-provider "))).toHaveLength(1);
  });

  it("AWS in a target account: roles, access entries and policy associations", async () => {
    const dir = join(tmp, "run-target");
    await writeBundle(dir, renderBundle(multi));
    const state = join(tmp, "state-target");
    mkdirSync(state);
    const r = run(join(dir, "scripts/03-aws-333333333333.sh"), state, { FAKE_ACCOUNT: "333333333333" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const c = calls(state);
    // Capsule: the operator's entry carries the group and gets no access policy.
    expect(c).toContain(
      "aws --region us-east-1 eks create-access-entry --cluster-name workloads-prod --principal-arn arn:aws:iam::333333333333:role/AWSIRSA_platform_CDPipelineAgent --type STANDARD --kubernetes-groups cd-pipeline-operator",
    );
    const assoc = c.filter((l) => l.includes(" associate-access-policy "));
    expect(assoc).toHaveLength(1);
    expect(assoc[0]).toContain("AWSIRSA_platform_ArgoCDAgentAccess");
    expect(assoc[0]).toContain('--access-scope {"type":"namespace","namespaces":["krci-*"]}');
  });

  it("refuses credentials of another account", async () => {
    const dir = join(tmp, "run-guard");
    await writeBundle(dir, renderBundle(single));
    const state = join(tmp, "state-guard");
    mkdirSync(state);
    const r = run(join(dir, "scripts/02-aws-222222222222.sh"), state, { FAKE_ACCOUNT: "111111111111" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("these credentials are for account 111111111111, not 222222222222: set PROFILE\n");
    expect(calls(state).some((l) => l.includes(" iam "))).toBe(false);
  });

  it("stops when the bundle lacks the documents (rendered with --only scripts)", async () => {
    const dir = join(tmp, "run-only");
    await writeBundle(dir, renderBundle(single, { only: ["scripts"] }));
    const state = join(tmp, "state-only");
    mkdirSync(state);
    const r = run(join(dir, "scripts/01-aws-111111111111.sh"), state);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /aws\/111111111111\/roles\/AWSIRSA_dev_CDPipelineOperator\/trust-policy\.json is missing/,
    );
  });

  it("the source cluster: annotate, restart, destinations and available_clusters kept and added, once", async () => {
    const dir = join(tmp, "run-kube");
    await writeBundle(dir, renderBundle(single));
    const state = join(tmp, "state-kube");
    mkdirSync(state);
    writeFileSync(join(state, "destinations"), "default https://kubernetes.default.svc\n");
    writeFileSync(join(state, "available_clusters"), "in-cluster");
    // As in argo-helm: the application controller is a StatefulSet, the others Deployments (via ReplicaSets);
    // two pods of one ReplicaSet restart their Deployment once; a pod of another account is left alone.
    writeFileSync(
      join(state, "pods"),
      [
        "argocd-application-controller|StatefulSet|argocd-application-controller",
        "argocd-server|ReplicaSet|argocd-server-5d9c",
        "argocd-server|ReplicaSet|argocd-server-5d9c",
        "argocd-applicationset-controller|ReplicaSet|argocd-applicationset-controller-77f",
        "argocd-redis|ReplicaSet|argocd-redis-1a2",
        "",
      ].join("\n"),
    );
    writeFileSync(join(state, "rs-argocd-server-5d9c"), "Deployment/argocd-server");
    writeFileSync(
      join(state, "rs-argocd-applicationset-controller-77f"),
      "Deployment/argocd-applicationset-controller",
    );
    const script = join(dir, "scripts/03-kubernetes-krci-main.sh");
    for (let i = 0; i < 2; i++) {
      const r = run(script, state);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
    const c = calls(state);
    expect(c).toContain("kubectl rollout restart deployment cd-pipeline-operator -n krci --context ctx");
    const restarts = c.filter((l) => l.startsWith("kubectl rollout restart") && l.includes("-n argocd"));
    expect(restarts.slice(0, 3)).toEqual([
      "kubectl rollout restart statefulset/argocd-application-controller -n argocd --context ctx",
      "kubectl rollout restart deployment/argocd-applicationset-controller -n argocd --context ctx",
      "kubectl rollout restart deployment/argocd-server -n argocd --context ctx",
    ]);
    expect(restarts).toHaveLength(6); // three per run, two runs
    expect(c).toContain(
      "kubectl rollout status deployment/argocd-server -n argocd --context ctx --timeout=300s",
    );
    expect(c).toContain(
      "kubectl annotate serviceaccount argocd-server -n argocd --overwrite eks.amazonaws.com/role-arn=arn:aws:iam::111111111111:role/AWSIRSA_dev_ArgoCDMaster --context ctx",
    );
    expect(readFileSync(join(state, "destinations"), "utf8")).toBe(
      `default https://kubernetes.default.svc\nkrci-* ${single.targets[0]!.endpoint}\n`,
    );
    expect(readFileSync(join(state, "available_clusters"), "utf8")).toBe("in-cluster, prod");
    expect(
      c.filter((l) => l.startsWith("kubectl apply -f ") && l.includes("cluster-secrets.yaml")),
    ).toHaveLength(2);
  });
});

describe("restarting Argo CD: found by service account, or a loud stop", () => {
  const dir = join(tmp, "run-restart");
  function runWith(pods: string[], rs: Record<string, string> = {}) {
    const state = mkdtempSync(join(tmp, "state-restart-"));
    writeFileSync(join(state, "pods"), `${pods.join("\n")}\n`);
    for (const [name, owner] of Object.entries(rs)) writeFileSync(join(state, `rs-${name}`), owner);
    return spawnSync("bash", [join(dir, "scripts/03-kubernetes-krci-main.sh")], {
      encoding: "utf8",
      env: { PATH: `${fakeBin}:${process.env.PATH}`, HOME: tmp, FAKE_STATE: state, CONTEXT: "ctx" },
    });
  }
  const others = [
    "argocd-application-controller|StatefulSet|argocd-application-controller",
    "argocd-applicationset-controller|ReplicaSet|as-1",
  ];

  it("no pod runs as a service account (a renamed release): stops naming it", async () => {
    await writeBundle(dir, renderBundle(single));
    const r = runWith(others, { "as-1": "Deployment/argocd-applicationset-controller" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "no pod in namespace argocd runs as service account argocd-server: nothing would pick up the role (check source.argocd.serviceAccounts)\n",
    );
  });

  it("a pod without a controller, or a ReplicaSet without a Deployment: stops naming it", async () => {
    await writeBundle(dir, renderBundle(single));
    const bare = runWith([...others, "argocd-server||"], {
      "as-1": "Deployment/argocd-applicationset-controller",
    });
    expect(bare.status).toBe(1);
    expect(bare.stderr).toContain(
      "a pod of service account argocd/argocd-server has no Deployment, StatefulSet or DaemonSet (no controller)",
    );
    const orphan = runWith([...others, "argocd-server|ReplicaSet|srv-1"], {
      "as-1": "Deployment/argocd-applicationset-controller",
    });
    expect(orphan.status).toBe(1);
    expect(orphan.stderr).toContain("replicaset argocd/srv-1 (pods of argocd-server) has no Deployment");
  });
});
