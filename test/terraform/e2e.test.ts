/**
 * The rendered Terraform run by the real `terraform` and the real hashicorp/aws provider against the sandbox:
 * render for a running sandbox → init (offline, -plugin-dir) and apply per account → a second plan is clean
 * (-detailed-exitcode 0) → xirsa does the Kubernetes side and proves every chain live → xirsa plan has nothing to
 * do → what Terraform owns, xirsa never changes (drift is Terraform's to repair) nor deletes → terraform destroy
 * per account leaves no role, policy, OIDC provider or access entry.
 *
 * Needs terraform on PATH and the provider as a plugin directory (XIRSA_TF_PLUGIN_DIR, default /opt/tf-plugins).
 * Under CI (env CI set) a missing one fails the test; elsewhere it is skipped with the reason printed.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  A,
  ALL_CLUSTERS,
  B,
  C,
  type E2ESandbox,
  sandboxConfigText,
  startPlatformSandbox,
} from "../live/sandbox.js";
import { requireTools, TF_PLUGIN_DIR } from "../tools.js";

const PLUGIN_DIR = TF_PLUGIN_DIR;
const ACCOUNTS = [A, B, C];
const CLUSTERS = ALL_CLUSTERS;
const AWS_KINDS = ["OidcProvider", "IamRole", "InlinePolicy", "AccessEntry", "AccessPolicyAssociation"];

const why = requireTools(
  "test/terraform/e2e.test.ts",
  "aws",
  "kubectl",
  "terraform",
  "terraform-provider-aws",
);

interface PlanChange {
  action: string;
  kind: string;
  id: string;
  blocked?: { reason: string; fix: string };
}

interface PlanOut {
  changes: PlanChange[];
  ownedByTerraform?: { kind: string; id: string; account: string; command: string }[];
}

describe.skipIf(!!why)("the rendered Terraform on the sandbox with the real provider", () => {
  let sb: E2ESandbox;
  let bundle: string;
  let tfEnv: NodeJS.ProcessEnv;

  const terraform = (account: string, args: string[]) => {
    const r = spawnSync("terraform", [`-chdir=${join(bundle, "terraform", account)}`, ...args], {
      env: tfEnv,
      encoding: "utf8",
      timeout: 300_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const vars = (account: string) => (account === A ? ["-var", "create_oidc_provider=true"] : []);
  const awsJson = (args: string[]) => {
    const r = sb.aws(args);
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout);
  };
  const plan = (): PlanOut => {
    const r = sb.xirsa(["plan", "--config", sb.configFile, "--output", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as PlanOut;
  };

  beforeAll(() => {
    sb = startPlatformSandbox(sandboxConfigText(), CLUSTERS);
    // Render for the running sandbox: the issuer and endpoints it decided, read as a user would.
    const describe = (name: string, region: string, account: string) =>
      awsJson([
        "eks",
        "describe-cluster",
        "--name",
        name,
        "--region",
        region,
        "--profile",
        `sandbox-${account}`,
      ]).cluster;
    const config = JSON.parse(readFileSync(sb.configFile, "utf8"));
    config.source.oidcIssuer = describe("krci-main", "eu-central-1", A).identity.oidc.issuer;
    for (const t of config.targets) {
      const c = describe(t.cluster, t.region, t.accountId);
      t.endpoint = c.endpoint;
      t.caData = c.certificateAuthority.data;
    }
    const renderConfig = join(sb.dir, "render.yaml");
    writeFileSync(renderConfig, JSON.stringify(config, null, 2));
    bundle = join(sb.dir, "bundle");
    const r = sb.xirsa(["render", "--config", renderConfig, "--out", bundle]);
    expect(r.code, r.stderr).toBe(0);
    const cliConfig = join(sb.dir, "terraformrc");
    writeFileSync(cliConfig, "");
    // Offline: no checkpoint call, no registry; the provider reaches the sandbox through env.sh's variables.
    tfEnv = {
      ...sb.env,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_CLI_ARGS: "-no-color",
    };
  }, 180_000);

  afterAll(() => sb?.stop());

  it("applies every account's root with the real provider, and a second plan is clean", () => {
    for (const account of ACCOUNTS) {
      const init = terraform(account, ["init", "-input=false", `-plugin-dir=${PLUGIN_DIR}`]);
      expect(init.code, init.stderr).toBe(0);
      const apply = terraform(account, ["apply", "-auto-approve", "-input=false", ...vars(account)]);
      expect(apply.code, `${account}: ${apply.stderr}${apply.stdout}`).toBe(0);
    }
    for (const account of ACCOUNTS) {
      const again = terraform(account, ["plan", "-detailed-exitcode", "-input=false", ...vars(account)]);
      expect(again.code, `${account}: ${again.stdout}${again.stderr}`).toBe(0);
    }
    const roles = awsJson([
      "iam",
      "get-role",
      "--role-name",
      "AWSIRSA_platform_CDPipelineAgent",
      "--profile",
      `sandbox-${B}`,
    ]);
    expect(roles.Role.Tags).toContainEqual({ Key: "xirsa.io/managed-by", Value: "terraform" });
  }, 600_000);

  it("xirsa sees Terraform's resources as its desired AWS state, owned by Terraform, with nothing to change", () => {
    const out = plan();
    expect(out.changes.filter((c) => AWS_KINDS.includes(c.kind))).toEqual([]);
    const owned = out.ownedByTerraform ?? [];
    expect(owned.filter((o) => o.kind === "IamRole")).toHaveLength(6);
    expect(owned.filter((o) => o.kind === "OidcProvider")).toHaveLength(1);
    expect(owned.filter((o) => o.kind === "AccessEntry")).toHaveLength(4);
    expect(owned.find((o) => o.account === B)?.command).toBe(`terraform -chdir=terraform/${B} apply`);
  });

  it("xirsa apply does the Kubernetes side, then verify --live proves every chain and plan is empty", () => {
    const apply = sb.xirsa(["apply", "--config", sb.configFile, "--yes", "--output", "json"]);
    expect(apply.code, apply.stderr).toBe(0);
    const applied = JSON.parse(apply.stdout) as { changes: PlanChange[]; verify: { ok: boolean } };
    expect(applied.changes.filter((c) => AWS_KINDS.includes(c.kind))).toEqual([]);
    expect(applied.changes.length).toBeGreaterThan(0);
    expect(applied.verify.ok).toBe(true);

    const v = sb.xirsa(["verify", "--live", "--config", sb.configFile, "--output", "json"]);
    expect(v.stderr).toBe("");
    expect(v.code).toBe(0);
    const proof = JSON.parse(v.stdout) as { ok: boolean; chains: { id: string; ok: boolean }[] };
    expect(proof.chains.map((c) => `${c.id} ${c.ok}`)).toEqual([
      "staging/cd-pipeline-operator true",
      "staging/argocd true",
      "prod/cd-pipeline-operator true",
      "prod/argocd true",
    ]);
    expect(plan().changes).toEqual([]);
  }, 300_000);

  it("drift in what Terraform owns is blocked in xirsa with the Terraform command, and Terraform repairs it", () => {
    const del = sb.aws([
      "iam",
      "delete-role-policy",
      "--role-name",
      "AWSIRSA_platform_CDPipelineOperator",
      "--policy-name",
      "xirsa-assume-agent-roles",
      "--profile",
      `sandbox-${A}`,
    ]);
    expect(del.code, del.stderr).toBe(0);
    const drift = plan().changes.filter((c) => c.kind === "InlinePolicy");
    expect(drift).toHaveLength(1);
    expect(drift[0]!.blocked?.reason).toContain("is managed by Terraform for stack 'platform'");
    expect(drift[0]!.blocked?.fix).toContain(`terraform -chdir=terraform/${A} apply`);
    const refused = sb.xirsa(["apply", "--config", sb.configFile, "--yes"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("managed by Terraform");
    const still = sb.aws([
      "iam",
      "list-role-policies",
      "--role-name",
      "AWSIRSA_platform_CDPipelineOperator",
      "--profile",
      `sandbox-${A}`,
    ]);
    expect(JSON.parse(still.stdout).PolicyNames).toEqual([]);

    expect(terraform(A, ["plan", "-detailed-exitcode", "-input=false", ...vars(A)]).code).toBe(2);
    const repair = terraform(A, ["apply", "-auto-approve", "-input=false", ...vars(A)]);
    expect(repair.code, repair.stderr).toBe(0);
    expect(plan().changes).toEqual([]);
  }, 300_000);

  it("xirsa destroy removes only its Kubernetes side and names Terraform for the rest", () => {
    const d = sb.xirsa(["destroy", "--config", sb.configFile, "--yes", "--output", "json"]);
    expect(d.code, d.stderr).toBe(0);
    const out = JSON.parse(d.stdout) as PlanOut;
    expect(out.changes.filter((c) => AWS_KINDS.includes(c.kind))).toEqual([]);
    expect(out.ownedByTerraform?.find((o) => o.account === C)?.command).toBe(
      `terraform -chdir=terraform/${C} destroy`,
    );
    expect(d.stderr).toContain("Owned by Terraform (xirsa destroy leaves these alone");
    for (const account of ACCOUNTS) {
      const roles = awsJson(["iam", "list-roles", "--profile", `sandbox-${account}`]).Roles;
      expect(roles).toHaveLength(2);
    }
  }, 300_000);

  it("terraform destroy per account leaves no role, policy, OIDC provider or access entry", () => {
    for (const account of [C, B, A]) {
      const d = terraform(account, ["destroy", "-auto-approve", "-input=false", ...vars(account)]);
      expect(d.code, `${account}: ${d.stderr}${d.stdout}`).toBe(0);
    }
    for (const account of ACCOUNTS) {
      const p = `sandbox-${account}`;
      expect(awsJson(["iam", "list-roles", "--profile", p]).Roles).toEqual([]);
      expect(awsJson(["iam", "list-policies", "--scope", "Local", "--profile", p]).Policies).toEqual([]);
      expect(
        awsJson(["iam", "list-open-id-connect-providers", "--profile", p]).OpenIDConnectProviderList,
      ).toEqual([]);
    }
    for (const [name, region, account] of [
      ["workloads-staging", "eu-west-1", B],
      ["workloads-prod", "us-east-1", C],
    ] as const) {
      const entries = awsJson([
        "eks",
        "list-access-entries",
        "--cluster-name",
        name,
        "--region",
        region,
        "--profile",
        `sandbox-${account}`,
      ]).accessEntries as string[];
      expect(entries.filter((e) => e.includes("AWSIRSA_"))).toEqual([]);
    }
  }, 600_000);

  it("hands what xirsa apply created over to Terraform with the rendered import blocks", () => {
    const apply = sb.xirsa(["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"]);
    expect(apply.code, apply.stderr).toBe(0);
    const before = plan();
    expect(before.changes).toEqual([]);
    expect(before.ownedByTerraform).toBeUndefined();

    const r = sb.xirsa(["render", "--config", join(sb.dir, "render.yaml"), "--only", "terraform-imports"]);
    expect(r.code, r.stderr).toBe(0);
    const sections = r.stdout.split(/^(?=# Hand-over of account )/m).filter(Boolean);
    expect(sections).toHaveLength(3);
    for (const text of sections) {
      const account = /^# Hand-over of account (\d{12})/.exec(text)![1]!;
      writeFileSync(join(bundle, "terraform", account, "imports.tf"), text);
      const imported = terraform(account, ["apply", "-auto-approve", "-input=false", ...vars(account)]);
      expect(imported.code, `${account}: ${imported.stderr}${imported.stdout}`).toBe(0);
      expect(imported.stdout).toMatch(
        /Apply complete! Resources: [1-9]\d* imported, 0 added, [1-9]\d* changed, 0 destroyed/,
      );
      const clean = terraform(account, ["plan", "-detailed-exitcode", "-input=false", ...vars(account)]);
      expect(clean.code, `${account}: ${clean.stdout}`).toBe(0);
    }
    const after = plan();
    expect(after.changes).toEqual([]);
    expect(after.ownedByTerraform).toHaveLength(11);
  }, 600_000);
});
