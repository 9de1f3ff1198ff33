/**
 * issue 17 §1–§2 on the sandbox, with the real aws CLI and kubectl as outside actors: `--target` limits a
 * plan/apply to one target and leaves the other target's ARN in the shared policies; a target taken out of
 * xirsa.yaml is found through the inventory ConfigMap and its roles, access entries and Capsule objects are
 * deleted in its own account; without credentials for that account apply stops with what is left and the
 * command; `destroy --target` removes one target and leaves the other.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import {
  A,
  ALL_CLUSTERS,
  B,
  C,
  type E2ESandbox,
  type PlanChange,
  platformRole,
  sandboxConfigText,
  startPlatformSandbox,
} from "./sandbox.js";

const skip = requireTools("test/live/targets.test.ts", "aws", "kubectl");

const arn = platformRole;
const CLUSTERS = ALL_CLUSTERS;

describe.skipIf(!!skip)("--target and removed targets on the sandbox", () => {
  let sb: E2ESandbox;
  let both: string;
  let stagingOnly: string;

  beforeAll(() => {
    sb = startPlatformSandbox(sandboxConfigText(), CLUSTERS);
    both = sb.configFile;
    stagingOnly = join(sb.dir, "staging-only.yaml");
    writeFileSync(
      stagingOnly,
      sandboxConfigText((doc) => {
        doc.targets = (doc.targets as { name: string }[]).filter((t) => t.name === "staging");
      }),
    );
  }, 120_000);

  afterAll(() => sb?.stop());

  const plan = (config: string, ...flags: string[]): PlanChange[] => {
    const r = sb.xirsa(["plan", "--config", config, "--output", "json", ...flags]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { changes: PlanChange[] }).changes;
  };
  const apply = (config: string, ...flags: string[]) =>
    sb.xirsa(["apply", "--config", config, "--yes", "--create-oidc-provider", ...flags]);
  const roles = (account: string): string[] =>
    (
      JSON.parse(sb.aws(["iam", "list-roles", "--profile", `sandbox-${account}`]).stdout) as {
        Roles: { Arn: string }[];
      }
    ).Roles.map((r) => r.Arn).sort();
  const entries = (cluster: string, region: string, account: string): string[] =>
    (
      JSON.parse(
        sb.aws([
          "eks",
          "list-access-entries",
          "--cluster-name",
          cluster,
          "--region",
          region,
          "--profile",
          `sandbox-${account}`,
        ]).stdout,
      ) as { accessEntries: string[] }
    ).accessEntries
      .filter((e) => e.includes("AWSIRSA_platform_"))
      .sort();
  /** The Resource list of a source role's inline policy, read back with the aws CLI. */
  const assumable = (kind: string): string[] => {
    const r = sb.aws([
      "iam",
      "get-role-policy",
      "--role-name",
      `AWSIRSA_platform_${kind}`,
      "--policy-name",
      "xirsa-assume-agent-roles",
      "--profile",
      `sandbox-${A}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout).PolicyDocument as { Statement: { Resource: string | string[] }[] };
    return doc.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).sort();
  };
  const inventory = (): Record<string, string> | undefined => {
    const r = sb.kubectl("krci-main", ["get", "cm", "-n", "krci", "xirsa-stack-platform", "-o", "json"]);
    return r.code === 0 ? (JSON.parse(r.stdout).data as Record<string, string>) : undefined;
  };

  it("refuses an unknown --target in one line with the closest name (exit 2)", () => {
    const r = sb.xirsa(["plan", "--config", both, "--target", "stagin"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "xirsa plan: --target 'stagin' is not a target of the config (did you mean 'staging'?); targets: staging, prod\n",
    );
    const v = sb.xirsa(["verify", "--live", "--config", both, "--target", "prdo"]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("(did you mean 'prod'?)");
  });

  it("applies one target with --target: the other target's account and ARNs are not touched", () => {
    const changes = plan(both, "--create-oidc-provider", "--target", "staging");
    expect(changes.some((c) => c.account === C || c.cluster === "workloads-prod")).toBe(false);
    const r = apply(both, "--target", "staging");
    expect(r.code, r.stderr).toBe(0);
    expect(roles(C)).toEqual([]);
    expect(roles(B)).toEqual([arn(B, "ArgoCDAgentAccess"), arn(B, "CDPipelineAgent")]);
    expect(assumable("CDPipelineOperator")).toEqual([arn(B, "CDPipelineAgent")]);
    // Recorded before anything was made in the account.
    expect(Object.keys(inventory() ?? {})).toEqual(["target.staging"]);
    const verified = sb.xirsa([
      "verify",
      "--live",
      "--config",
      both,
      "--target",
      "staging",
      "--output",
      "json",
    ]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout).chains.map((c: { id: string }) => c.id)).toEqual([
      "staging/cd-pipeline-operator",
      "staging/argocd",
    ]);
  }, 180_000);

  it("applies the rest, then a plan limited to staging keeps prod's ARNs while prod is out of the config", () => {
    const r = apply(both);
    expect(r.code, r.stderr).toBe(0);
    expect(roles(C)).toEqual([arn(C, "ArgoCDAgentAccess"), arn(C, "CDPipelineAgent")]);
    expect(Object.keys(inventory() ?? {}).sort()).toEqual(["target.prod", "target.staging"]);
    expect(plan(both)).toEqual([]);
    // prod taken out of xirsa.yaml: a plan limited to staging has nothing to do (no prune of prod).
    expect(plan(stagingOnly, "--target", "staging")).toEqual([]);
    const limited = apply(stagingOnly, "--target", "staging");
    expect(limited.code, limited.stderr).toBe(0);
    expect(assumable("CDPipelineOperator")).toEqual([arn(B, "CDPipelineAgent"), arn(C, "CDPipelineAgent")]);
    expect(roles(C)).toHaveLength(2);
  }, 180_000);

  it("plans a removed target's roles, access entries and Capsule objects as deletions", () => {
    const changes = plan(stagingOnly);
    const removed = changes.filter((c) => c.account === C || c.cluster === "workloads-prod");
    expect(removed.map((c) => `${c.action} ${c.kind} ${c.id}`).sort()).toEqual(
      expect.arrayContaining([
        `delete AccessEntry ${arn(C, "ArgoCDAgentAccess")}`,
        `delete AccessEntry ${arn(C, "CDPipelineAgent")}`,
        `delete IamRole ${arn(C, "ArgoCDAgentAccess")}`,
        `delete IamRole ${arn(C, "CDPipelineAgent")}`,
        "delete Tenant krci",
      ]),
    );
    expect(removed.every((c) => c.action === "delete" && !c.blocked)).toBe(true);
    // And the source roles no longer name it; the inventory forgets it last.
    expect(changes.some((c) => c.kind === "InlinePolicy" && c.action === "update")).toBe(true);
    expect(changes.at(-1)).toMatchObject({
      kind: "ConfigMap",
      step: "forget",
      id: "krci/xirsa-stack-platform",
    });
  });

  it("without credentials for the removed target's account, apply changes nothing and says what is left", () => {
    const creds = readFileSync(sb.env.AWS_SHARED_CREDENTIALS_FILE!, "utf8");
    const without = join(sb.dir, "credentials-without-prod");
    writeFileSync(without, creds.replace(/\[sandbox-333333333333\][^[]*/, ""), { mode: 0o600 });
    const env = { AWS_SHARED_CREDENTIALS_FILE: without };
    const p = sb.xirsa(["plan", "--config", stagingOnly, "--output", "json"], env);
    expect(p.code, p.stderr).toBe(0);
    const blocked = (JSON.parse(p.stdout).changes as PlanChange[]).filter((c) => c.blocked);
    expect(blocked.map((c) => `${c.kind} ${c.id}`).sort()).toEqual(
      [
        `AccessEntry ${arn(C, "ArgoCDAgentAccess")}`,
        `AccessEntry ${arn(C, "CDPipelineAgent")}`,
        "CapsuleConfiguration default",
        `IamRole ${arn(C, "ArgoCDAgentAccess")}`,
        `IamRole ${arn(C, "CDPipelineAgent")}`,
        "Tenant krci",
      ].sort(),
    );
    const r = sb.xirsa(["apply", "--config", stagingOnly, "--yes"], env);
    expect(r.code).toBe(1);
    const err = r.stderr.trim().split("\n").at(-1)!;
    expect(err).toContain(
      "nothing was changed: removed target prod (account 333333333333) cannot be reached",
    );
    expect(err).toContain(`IamRole ${arn(C, "CDPipelineAgent")}`);
    expect(err).toContain(`xirsa destroy --config ${stagingOnly} --target prod`);
    expect(err).toContain(
      `aws iam delete-role --role-name AWSIRSA_platform_CDPipelineAgent --profile sandbox-${C}`,
    );
    expect(roles(C)).toHaveLength(2);
    expect(assumable("CDPipelineOperator")).toEqual([arn(B, "CDPipelineAgent"), arn(C, "CDPipelineAgent")]);
  });

  it("removes the target in its own account on apply, and forgets it", () => {
    // Killed after the last step: everything is deleted but the target is still recorded, and a rerun finishes.
    const killed = sb.xirsa(["apply", "--config", stagingOnly, "--yes"], { XIRSA_FAIL_AFTER_STEP: "12" });
    expect(killed.code).toBe(1);
    expect(roles(C)).toEqual([]);
    expect(Object.keys(inventory() ?? {}).sort()).toEqual(["target.prod", "target.staging"]);
    const r = apply(stagingOnly);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("✓ forget: removed targets forgotten in ConfigMap krci/xirsa-stack-platform");
    expect(roles(C)).toEqual([]);
    expect(entries("workloads-prod", "us-east-1", C)).toEqual([]);
    const tenants = sb.kubectl("workloads-prod", ["get", "tenants.capsule.clastix.io", "-o", "json"]);
    expect(JSON.parse(tenants.stdout).items).toEqual([]);
    expect(assumable("CDPipelineOperator")).toEqual([arn(B, "CDPipelineAgent")]);
    expect(Object.keys(inventory() ?? {})).toEqual(["target.staging"]);
    // staging is intact.
    expect(entries("workloads-staging", "eu-west-1", B)).toHaveLength(2);
    expect(plan(stagingOnly)).toEqual([]);
  }, 180_000);

  it("destroy --target removes one target and leaves the other working", () => {
    expect(apply(both).code).toBe(0);
    expect(roles(C)).toHaveLength(2);
    const r = sb.xirsa(["destroy", "--config", both, "--target", "prod", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(roles(C)).toEqual([]);
    expect(entries("workloads-prod", "us-east-1", C)).toEqual([]);
    expect(roles(B)).toHaveLength(2);
    expect(assumable("ArgoCDMaster")).toEqual([arn(B, "ArgoCDAgentAccess")]);
    expect(Object.keys(inventory() ?? {})).toEqual(["target.staging"]);
    const secrets = sb.kubectl("krci-main", ["get", "secret", "-n", "argocd", "cluster-prod"]);
    expect(secrets.code).not.toBe(0);
    const v = sb.xirsa(["verify", "--live", "--config", both, "--target", "staging"]);
    expect(v.code, v.stdout).toBe(0);
    // A full destroy takes the inventory too.
    const all = sb.xirsa(["destroy", "--config", both, "--yes"]);
    expect(all.code, all.stderr).toBe(0);
    expect(inventory()).toBeUndefined();
    expect(roles(B)).toEqual([]);
  }, 240_000);
});
