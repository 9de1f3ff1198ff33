/**
 * The operator's flows against the sandbox's RBAC escalation check, for a target with namespaced access and no
 * Capsule: RoleBinding tenant-admin -> ClusterRole admin is allowed only by ClusterRole xirsa-namespace-manager's
 * `bind` (AmazonEKSAdminPolicy grants no bind, and access policies hold nothing for the rule resolver). Taking
 * that rule away makes env create fail as EKS would, and the probe's dry-run RoleBinding says no.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2ESandbox, sandboxConfigText } from "../live/sandbox.js";
import { requireTools } from "../tools.js";
import { flowToken, inProcess, startFlowSandbox } from "./config.js";

const skip = requireTools("test/agent/escalation.test.ts", "aws", "kubectl");

interface Permission {
  id: string;
  allowed: boolean;
  namespace?: string;
  via?: string;
}
interface Hop {
  id: string;
  ok: boolean;
  reason: string;
  detail: { permissions?: Permission[] };
}

describe.skipIf(!!skip)("RBAC escalation check: namespaced access without Capsule", () => {
  let sb: E2ESandbox;
  let opToken: string;
  const x = (args: string[]) => inProcess(args, sb.env);
  const env = (...args: string[]) =>
    x(["env", "create", "--config", sb.configFile, "--target", "prod", "--token-file", opToken, ...args]);
  const bindPermission = async (namespace: string) => {
    const r = await x([
      "probe",
      "--config",
      sb.configFile,
      "--chain",
      "cd-pipeline-operator",
      "--target",
      "prod",
      "--token-file",
      opToken,
      "--namespace",
      namespace,
      "--output",
      "json",
    ]);
    const hops = (JSON.parse(r.stdout) as { chains: { hops: Hop[] }[] }).chains[0]!.hops;
    const hop = hops.find((h) => h.id === "kubernetes-permissions")!;
    return {
      code: r.code,
      hop,
      bind: hop.detail.permissions!.find((p) => p.id === "clusterroles:bind:admin")!,
    };
  };

  beforeAll(async () => {
    // Only the prod target, without its Capsule tenancy: namespaced access through xirsa-namespace-manager.
    const config = sandboxConfigText((doc) => {
      const targets = (doc.targets as Record<string, unknown>[]).filter((t) => t.name === "prod");
      for (const t of targets) delete t.capsule;
      doc.targets = targets;
    });
    sb = await startFlowSandbox(config, ["krci-main", "workloads-prod"]);
    opToken = flowToken(sb, "krci", "edp-cd-pipeline-operator");
  }, 180_000);

  afterAll(() => sb?.stop());

  it("bind on clusterroles/admin lets env create bind tenant-admin; the probe sees it in the environment", async () => {
    const r = await env("--pipeline", "shop", "--stage", "qa");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("rolebinding/tenant-admin: created");
    const p = await bindPermission("krci-shop-qa");
    expect(p.code, JSON.stringify(p.hop)).toBe(0);
    expect(p.bind).toMatchObject({ allowed: true, namespace: "krci-shop-qa" });
    expect(p.bind.via).toContain('ClusterRoleBinding "xirsa-namespace-manager"');
  });

  it("without that rule, env create is refused with kube-apiserver's message and the probe's dry run says no; apply repairs it", async () => {
    const cut = sb.kubectl("workloads-prod", [
      "patch",
      "clusterrole",
      "xirsa-namespace-manager",
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/rules/1"}]',
    ]);
    expect(cut.code, cut.stderr).toBe(0);

    // The access review of bind says no, and holding admin through RBAC does not apply (the dry-run RoleBinding
    // in the existing environment is refused): an access policy is not RBAC.
    const p = await bindPermission("krci-shop-qa");
    expect(p.code).toBe(1);
    expect(p.hop.ok).toBe(false);
    expect(p.bind).toMatchObject({ allowed: false, namespace: "krci-shop-qa" });
    expect(p.hop.reason).toContain("clusterroles:bind:admin in krci-shop-qa");

    const refused = await env("--pipeline", "shop", "--stage", "uat");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("creating RoleBinding krci-shop-uat/tenant-admin failed");
    expect(refused.stderr).toContain(
      'rolebindings.rbac.authorization.k8s.io "tenant-admin" is forbidden: user "arn:aws:sts::333333333333:assumed-role/AWSIRSA_platform_CDPipelineAgent/',
    );
    expect(refused.stderr).toContain("is attempting to grant RBAC permissions not currently held:");
    const rb = sb.kubectl("workloads-prod", ["-n", "krci-shop-uat", "get", "rolebinding", "tenant-admin"]);
    expect(rb.code).toBe(1);

    const repaired = await x(["apply", "--config", sb.configFile, "--yes"]);
    expect(repaired.code, repaired.stderr + repaired.stdout).toBe(0);
    const again = await env("--pipeline", "shop", "--stage", "uat");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("rolebinding/tenant-admin: created");
    expect((await bindPermission("krci-shop-uat")).bind.allowed).toBe(true);
  });
});
