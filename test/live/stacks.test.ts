/**
 * issue 17 §3 on the sandbox: two stacks share cluster A's ServiceAccounts. Stack one applies; stack two's
 * plan shows the shared annotations and the shared AppProject destination BLOCKED naming stack one, its apply
 * changes nothing (stack one still proves every chain), and `--adopt` takes them over, after which stack one's
 * plan names stack two and stack one's destroy leaves stack two working.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import {
  A,
  ALL_CLUSTERS,
  type E2ESandbox,
  type PlanChange,
  sandboxConfigText,
  startPlatformSandbox,
} from "./sandbox.js";

const skip = requireTools("test/live/stacks.test.ts", "aws", "kubectl");

const CLUSTERS = ALL_CLUSTERS;
const ROLE_ARN = "eks.amazonaws.com/role-arn";

describe.skipIf(!!skip)("two stacks in one source cluster (issue 17 §3)", () => {
  let sb: E2ESandbox;
  let second: string;

  beforeAll(() => {
    sb = startPlatformSandbox(sandboxConfigText(), CLUSTERS);
    // Stack two: the same source cluster and ServiceAccounts, its own target (staging again, renamed).
    second = join(sb.dir, "team-b.yaml");
    writeFileSync(
      second,
      sandboxConfigText((doc) => {
        doc.name = "team-b";
        const targets = doc.targets as Record<string, unknown>[];
        doc.targets = [{ ...targets[0], name: "staging-b" }];
      }),
    );
  }, 120_000);

  afterAll(() => sb?.stop());

  const plan = (config: string, ...flags: string[]): PlanChange[] => {
    const r = sb.xirsa(["plan", "--config", config, "--output", "json", ...flags]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as { changes: PlanChange[] }).changes;
  };
  const annotations = (ns: string, name: string): Record<string, string> =>
    JSON.parse(sb.kubectl("krci-main", ["get", "sa", "-n", ns, name, "-o", "json"]).stdout).metadata
      .annotations ?? {};
  const verifyOk = (config: string) => {
    const r = sb.xirsa(["verify", "--live", "--config", config, "--output", "json"]);
    return (JSON.parse(r.stdout) as { ok: boolean }).ok;
  };

  it("blocks stack two on stack one's ServiceAccount annotations and destination, and its apply changes nothing", () => {
    const one = sb.xirsa(["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"]);
    expect(one.code, one.stderr).toBe(0);
    const before = annotations("krci", "edp-cd-pipeline-operator");
    expect(before[ROLE_ARN]).toBe(`arn:aws:iam::${A}:role/AWSIRSA_platform_CDPipelineOperator`);
    expect(before["xirsa.io/platform.added"]).toBe(JSON.stringify([ROLE_ARN]));

    const changes = plan(second);
    const blocked = changes.filter((c) => c.blocked);
    expect(blocked.map((c) => `${c.kind} ${c.id}`).sort()).toEqual([
      "AppProject argocd/krci",
      "ServiceAccount argocd/argocd-application-controller",
      "ServiceAccount argocd/argocd-applicationset-controller",
      "ServiceAccount argocd/argocd-server",
      "ServiceAccount krci/edp-cd-pipeline-operator",
    ]);
    for (const c of blocked) {
      expect(c.blocked!.reason).toContain("set by xirsa stack 'platform'");
      expect(c.blocked!.adoptable).toBe(true);
    }
    const table = sb.xirsa(["plan", "--config", second]);
    expect(table.stdout).toMatch(
      /BLOCKED: eks\.amazonaws\.com\/role-arn of ServiceAccount krci\/edp-cd-pipeline-operator was set by xirsa stack 'platform'/,
    );

    const r = sb.xirsa(["apply", "--config", second, "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nothing was changed");
    expect(r.stderr).toContain("--adopt");
    expect(annotations("krci", "edp-cd-pipeline-operator")).toEqual(before);
    const roles = JSON.parse(sb.aws(["iam", "list-roles", "--profile", `sandbox-${A}`]).stdout).Roles as {
      RoleName: string;
    }[];
    expect(roles.map((x) => x.RoleName).filter((n) => n.includes("team-b"))).toEqual([]);
    expect(verifyOk(sb.configFile)).toBe(true);
  }, 180_000);

  it("--adopt takes them over; stack one's plan then names stack two, and its destroy leaves stack two working", () => {
    const r = sb.xirsa(["apply", "--config", second, "--yes", "--adopt"]);
    expect(r.code, r.stderr).toBe(0);
    const op = annotations("krci", "edp-cd-pipeline-operator");
    expect(op[ROLE_ARN]).toBe(`arn:aws:iam::${A}:role/AWSIRSA_team-b_CDPipelineOperator`);
    expect(op["xirsa.io/team-b.added"]).toBe(JSON.stringify([ROLE_ARN]));
    expect(op["xirsa.io/platform.added"]).toBeUndefined();
    expect(verifyOk(second)).toBe(true);

    const back = plan(sb.configFile).filter((c) => c.kind === "ServiceAccount");
    expect(back).toHaveLength(4);
    for (const c of back) expect(c.blocked!.reason).toContain("set by xirsa stack 'team-b'");

    const d = sb.xirsa(["destroy", "--config", sb.configFile, "--yes"]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(
      /ServiceAccount krci\/edp-cd-pipeline-operator in krci-main: .*belongs to xirsa stack 'team-b'/,
    );
    // The annotations, the shared destination and the OIDC provider stay: stack two still proves its chains.
    expect(annotations("krci", "edp-cd-pipeline-operator")[ROLE_ARN]).toBe(
      `arn:aws:iam::${A}:role/AWSIRSA_team-b_CDPipelineOperator`,
    );
    expect(verifyOk(second)).toBe(true);
  }, 180_000);
});
