/** The Terraform of every bundle is `terraform fmt` clean (fmt needs no provider, so no network). */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { renderBundle } from "../../src/render/bundle.js";
import { writeBundle } from "../../src/render/write.js";
import { requireTools } from "../tools.js";
import { edgeConfig } from "./fixtures.js";

const root = join(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "xirsa-tf-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fmtCheck(dir: string): { status: number | null; out: string } {
  const r = spawnSync("terraform", ["fmt", "-check", "-recursive", "-diff", "-no-color", dir], {
    encoding: "utf8",
    env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
  });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout };
}

const configs: [string, Config][] = [
  ["xirsa", loadConfig(join(root, "examples/xirsa.yaml"))],
  ["multi-target", loadConfig(join(root, "examples/multi-target.yaml"))],
  ["edge", edgeConfig],
];

const skip = requireTools("test/render/terraform.test.ts", "terraform");
describe.skipIf(!!skip)("terraform fmt -check -recursive", () => {
  it("terraform is installed (the check below is real)", () => {
    expect(execFileSync("terraform", ["version"], { encoding: "utf8" })).toMatch(/^Terraform v\d/);
  });

  it("notices a file that is not formatted", () => {
    const dir = join(tmp, "unformatted");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.tf"), 'variable "x" {\n  type = string\n  default = "a"\n}\n');
    expect(fmtCheck(dir).status).not.toBe(0);
  });

  for (const [name, config] of configs) {
    it(`${name}: every .tf file is already formatted`, async () => {
      const dir = join(tmp, name);
      await writeBundle(dir, renderBundle(config, { only: ["terraform"] }));
      const r = fmtCheck(dir);
      expect(r.out).toBe("");
      expect(r.status).toBe(0);
    });
  }
});

describe("terraform content", () => {
  const files = renderBundle(edgeConfig, { only: ["terraform"] });

  it("one root per account, each with its provider guard", () => {
    const roots = [
      ...new Set([...files.keys()].filter((p) => p.startsWith("terraform/")).map((p) => p.split("/")[1])),
    ];
    expect(roots).toEqual(["111111111111", "222222222222"]);
    for (const acct of roots) {
      expect(files.get(`terraform/${acct}/providers.tf`)).toContain(`allowed_account_ids = ["${acct}"]`);
    }
  });

  it("an aliased provider for a second region, used by that cluster's access entries", () => {
    const providers = files.get("terraform/222222222222/providers.tf")!;
    expect(providers).toContain('alias               = "us_east_1"');
    expect(providers).toContain('region              = "us-east-1"');
    const eks = files.get("terraform/222222222222/eks.tf")!;
    expect(eks).toMatch(
      /resource "aws_eks_access_entry" "east_cd_pipeline_agent" \{\n {2}provider {10}= aws\.us_east_1/,
    );
    expect(eks).not.toMatch(/"west_[a-z_]+" \{\n {2}provider/);
  });

  it("the profile defaults from the config; targets in the source account share its root", () => {
    expect(files.get("terraform/111111111111/variables.tf")).toContain('default     = "acct-a"');
    expect(files.get("terraform/222222222222/variables.tf")).toContain('default     = "acct-b"');
    const iam = files.get("terraform/111111111111/iam.tf")!;
    expect(iam).toContain('resource "aws_iam_role" "cd_pipeline_agent"');
    // Same root: the trust of the agent role references the operator role, so Terraform orders the creates.
    expect(iam).toMatch(/AWS = aws_iam_role\.cd_pipeline_operator\.arn/);
    expect(files.get("terraform/111111111111/eks.tf")).toMatch(
      /principal_arn += aws_iam_role\.cd_pipeline_agent\.arn/,
    );
  });

  it("path, permissions boundary and tags", () => {
    const iam = files.get("terraform/222222222222/iam.tf")!;
    expect(iam).toContain('path                 = "/xirsa/"');
    // `{account}` in the config: each role's boundary is the policy of its own account.
    expect(iam).toContain('permissions_boundary = "arn:aws:iam::222222222222:policy/boundary"');
    expect(files.get("terraform/111111111111/iam.tf")).toContain(
      'permissions_boundary = "arn:aws:iam::111111111111:policy/boundary"',
    );
    expect(iam).toContain('"cost-center"         = "a/b = c@d: é"');
  });

  it("namespaced access: a namespace-scoped association for the pattern", () => {
    const eks = files.get("terraform/222222222222/eks.tf")!;
    expect(eks).toContain('namespaces = ["team-*"]');
    expect(eks).toContain('kubernetes_groups = ["xirsa-namespace-manager"]');
  });
});
