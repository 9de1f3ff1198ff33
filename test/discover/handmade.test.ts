/**
 * issue 17 §4–§5 end to end: a set-up made by hand with the aws CLI and kubectl exactly as the seed describes
 * (roles named as the seed names them, a typo in one trust policy), then `verify --live --discover` proves the
 * good chains and pinpoints the typo in every output format, `import` writes the config that reproduces it, and
 * `plan` on that config changes nothing but what xirsa cannot express (listed by import) and the typo.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type E2ESandbox, type PlanChange, sandboxConfigText, startE2ESandbox } from "../live/sandbox.js";
import { requireTools } from "../tools.js";
import { A, B, buildByHand, C, roleArn, roleName } from "./handmade.js";

const skip = requireTools("test/discover/handmade.test.ts", "aws", "kubectl");

interface VerifyJson {
  ok: boolean;
  chains: { id: string; ok: boolean; hops: { id: string; ok: boolean; reason: string }[] }[];
  findings: { code: string; chain?: string; hop?: string }[];
}

const DISCOVER = [
  "--discover",
  "--source-profile",
  `sandbox-${A}`,
  "--profile-for",
  `${B}=sandbox-${B}`,
  "--profile-for",
  `${C}=sandbox-${C}`,
];

describe.skipIf(!!skip)("a set-up made by hand, discovered", { timeout: 240_000 }, () => {
  let sb: E2ESandbox;
  let imported: string;

  beforeAll(() => {
    // The sandbox's accounts and clusters come from the example; nothing of xirsa is applied.
    sb = startE2ESandbox(sandboxConfigText(), ["krci-main", "workloads-staging", "workloads-prod"]);
    buildByHand(sb, { typo: true });
    imported = join(sb.dir, "imported.yaml");
  }, 300_000);

  afterAll(() => sb?.stop());

  const verifyJson = (): { code: number | null; result: VerifyJson; stderr: string } => {
    const r = sb.xirsa(["verify", "--live", ...DISCOVER, "--output", "json"]);
    return { code: r.code, result: JSON.parse(r.stdout) as VerifyJson, stderr: r.stderr };
  };

  it("proves the good chains and pinpoints the typo: web-identity of the operator chains (exit 1)", () => {
    const { code, result, stderr } = verifyJson();
    // Nothing on stderr: a config can say all of this set-up (the hand-made inline policy names included).
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(
      result.chains.map((c) => `${c.id} ${c.ok} ${c.hops.filter((h) => !h.ok).map((h) => h.id)}`),
    ).toEqual([
      "prod/cd-pipeline-operator false web-identity",
      "prod/argocd true ",
      "staging/cd-pipeline-operator false web-identity",
      "staging/argocd true ",
    ]);
    const hop = result.chains[0]!.hops.find((h) => h.id === "web-identity")!;
    expect(hop.reason).toContain("system:serviceaccount:krci:edp-cd-pipline-operator");
    expect(hop.reason).toContain(roleArn(A, "CDPipelineOperator"));
    expect(result.findings.filter((f) => f.code === "XIRSA-TRUST-SUB-MISMATCH").map((f) => f.chain)).toEqual([
      "prod/cd-pipeline-operator",
      "staging/cd-pipeline-operator",
    ]);
  });

  it("writes the same result as a table, SARIF and HTML", () => {
    const table = sb.xirsa(["verify", "--live", ...DISCOVER]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("2 of 4 chains proven");
    // The reason wraps under the hop (within 120 columns); the typo is in it.
    expect(table.stdout).toMatch(/✗ web-identity +[^\n]*(\n {28}[^\n]*)*edp-cd-pipline-operator/);
    const sarif = sb.xirsa(["verify", "--live", ...DISCOVER, "--output", "sarif"]);
    expect(sarif.code).toBe(1);
    const runs = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] }).runs;
    expect(runs[0]!.results.map((r) => r.ruleId)).toContain("XIRSA-TRUST-SUB-MISMATCH");
    const html = join(sb.dir, "report.html");
    const h = sb.xirsa(["verify", "--live", ...DISCOVER, "--output", "html", "--out", html]);
    expect(h.code).toBe(1);
    expect(readFileSync(html, "utf8")).toContain("edp-cd-pipline-operator");
  });

  it("refuses --discover without --live, and discover flags without --discover (exit 2)", () => {
    const a = sb.xirsa(["verify", ...DISCOVER]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("--discover needs --live");
    const b = sb.xirsa(["verify", "--live", "--config", sb.configFile, "--source-profile", "x"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("--source-profile is only for --live --discover");
    const c = sb.xirsa(["verify", "--live", ...DISCOVER, "--profile-for", "nope"]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("ACCOUNT=PROFILE");
  });

  it("imports a config that reproduces the set-up, all of it expressible (hand-made policy names kept)", () => {
    const r = sb.xirsa(["import", ...DISCOVER, "--out", imported]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("stack main");
    // The permission policies keep their hand-made names (inlinePolicyNames): nothing to say about them.
    expect(r.stderr).not.toContain("inline polic");
    const text = readFileSync(imported, "utf8");
    expect(text).not.toContain("# Not expressed or guessed:");
    expect(parse(text)).toEqual({
      name: "main",
      // The seed's Argo CD trust is StringLike: the import keeps it so (xirsa renders StringEquals otherwise).
      seedCompat: true,
      inlinePolicyNames: {
        CDPipelineOperator: "AssumeCDPipelineAgent",
        ArgoCDMaster: "AssumeArgoCDAgentAccess",
      },
      source: {
        accountId: A,
        region: "eu-central-1",
        cluster: "krci-main",
        profile: `sandbox-${A}`,
        krci: { namespace: "krci" },
        argocd: { namespace: "argocd" },
      },
      targets: [
        {
          name: "prod",
          accountId: C,
          region: "us-east-1",
          cluster: "workloads-prod",
          profile: `sandbox-${C}`,
          capsule: { group: "cd-pipeline-operator", tenant: "krci" },
        },
        {
          name: "staging",
          accountId: B,
          region: "eu-west-1",
          cluster: "workloads-staging",
          profile: `sandbox-${B}`,
        },
      ],
    });
    const again = sb.xirsa(["import", ...DISCOVER, "--out", imported]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("--force");
  });

  const plan = (...flags: string[]): PlanChange[] => {
    const r = sb.xirsa(["plan", "--config", imported, "--output", "json", ...flags]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { changes: PlanChange[] }).changes;
  };

  it("plan on the imported config: the typo fix, nothing else (the hand-made inline policies are compared by name)", () => {
    expect(existsSync(imported)).toBe(true);
    // Besides xirsa's own record of the stack (the inventory ConfigMap), only the hand-made typo.
    const changes = plan().filter((c) => c.step !== "inventory");
    expect(
      plan()
        .filter((c) => c.step === "inventory")
        .map((c) => `${c.action} ${c.kind} ${c.id}`),
    ).toEqual(["create ConfigMap krci/xirsa-stack-main"]);
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.id}`)).toEqual([
      `update IamRole ${roleArn(A, "CDPipelineOperator")}`,
    ]);
    // The trust policy's sub condition, by the values that change (policyDiff.ts), not JSON lines.
    expect(changes[0]!.diff).toMatch(
      /^- .*:sub"?\]?:? .*system:serviceaccount:krci:edp-cd-pipline-operator$/m,
    );
    expect(changes[0]!.diff).toMatch(
      /^\+ .*:sub"?\]?:? .*system:serviceaccount:krci:edp-cd-pipeline-operator$/m,
    );
    // Not silently rewritten: every change to a resource xirsa does not own is blocked until --adopt.
    expect(changes.every((c) => c.blocked)).toBe(true);
  });

  it("env list/delete --as-admin reach an environment while the operator's chain is broken (the typo)", () => {
    const made = sb.kubectl("workloads-staging", ["create", "namespace", "krci-app-dev"]);
    expect(made.code, made.stderr).toBe(0);
    const labelled = sb.kubectl("workloads-staging", [
      "label",
      "namespace",
      "krci-app-dev",
      "app.edp.epam.com/tenant=krci",
    ]);
    expect(labelled.code, labelled.stderr).toBe(0);
    const token = join(sb.dir, "operator.token");
    const t = sb.xirsa([
      "sandbox",
      "token",
      "--state-dir",
      sb.dir,
      "--cluster",
      "krci-main",
      "--namespace",
      "krci",
      "--service-account",
      "edp-cd-pipeline-operator",
      "--out",
      token,
    ]);
    expect(t.code, t.stderr).toBe(0);
    const env = ["--config", imported, "--target", "staging"];
    const viaChain = sb.xirsa(["env", "list", ...env, "--token-file", token]);
    expect(viaChain.code).toBe(1);
    expect(viaChain.stderr).toMatch(/web.identity/i);
    const list = sb.xirsa(["env", "list", ...env, "--as-admin", "--output", "json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      via: "target-account",
      environments: [{ namespace: "krci-app-dev" }],
    });
    const del = sb.xirsa(["env", "delete", ...env, "--as-admin", "--pipeline", "app", "--stage", "dev"]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toContain("namespace/krci-app-dev: deleted");
    const create = sb.xirsa(["env", "create", ...env, "--as-admin", "--pipeline", "app", "--stage", "dev"]);
    expect(create.code).toBe(2);
    expect(create.stderr).toContain("--as-admin is for env list and env delete");
  });

  it("after the typo is fixed by hand: every chain proven, and plan --adopt only takes ownership", () => {
    const trust = JSON.parse(
      sb.aws(["iam", "get-role", "--role-name", roleName("CDPipelineOperator"), "--profile", `sandbox-${A}`])
        .stdout,
    ).Role.AssumeRolePolicyDocument;
    const doc = typeof trust === "string" ? decodeURIComponent(trust) : JSON.stringify(trust);
    const fixed = sb.aws([
      "iam",
      "update-assume-role-policy",
      "--role-name",
      roleName("CDPipelineOperator"),
      "--policy-document",
      doc.replace("edp-cd-pipline-operator", "edp-cd-pipeline-operator"),
      "--profile",
      `sandbox-${A}`,
    ]);
    expect(fixed.code, fixed.stderr).toBe(0);
    const { code, result } = verifyJson();
    expect(result.chains.map((c) => `${c.id} ${c.ok}`)).toEqual([
      "prod/cd-pipeline-operator true",
      "prod/argocd true",
      "staging/cd-pipeline-operator true",
      "staging/argocd true",
    ]);
    expect(code).toBe(0);
    const live = sb.xirsa(["verify", "--live", "--config", imported, "--output", "json"]);
    expect(live.code, live.stderr).toBe(0);

    expect(plan().map((c) => c.step)).toEqual(["inventory"]);
    const adopt = plan("--adopt").filter((c) => c.step !== "inventory");
    expect(adopt.length).toBeGreaterThan(0);
    for (const c of adopt) {
      expect(c.action, c.id).toBe("update");
      // Every changed line is an ownership tag or label. EKS fills in a default username, which xirsa leaves
      // alone (it sets one only when it wants one); the access-entry diff shows it as the line that goes.
      const changed = c.diff
        .split("\n")
        .filter((l) => /^\s*[-+] /.test(l))
        .filter((l) => !/^\s*- username: arn:aws:sts::\d{12}:assumed-role\/.*\/\{\{SessionName\}\}$/.test(l));
      for (const line of changed)
        expect(line, `${c.id}: ${line}`).toMatch(/xirsa\.io\/|managed-by|xirsa ownership/);
    }

    const apply = sb.xirsa(["apply", "--config", imported, "--adopt", "--yes"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain("4 of 4 chains proven");
    expect(plan()).toEqual([]);
    // Adopting changed no trust policy, access entry or Secret: the hand-made set-up still works as before.
    const after = verifyJson();
    expect(after.code).toBe(0);
  });
});
