/**
 * verify --live through a permissions boundary, end to end on the sandbox: the config's permissionsBoundary
 * names a customer managed policy made with the aws CLI; xirsa apply sets it on every role; verify --live reads
 * its default version and proves the assume-role hop through it, then fails there once a new default version
 * no longer allows sts:AssumeRole. Two accounts: IAM attaches a boundary only from the role's own account, so
 * the config names it once as arn:aws:iam::{account}:policy/… and the policy exists in each account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { A, B, type E2ESandbox, sandboxConfigText, startPlatformSandbox } from "./sandbox.js";

const skip = requireTools("test/live/boundary.test.ts", "aws", "kubectl");

const BOUNDARY = `arn:aws:iam::${A}:policy/platform-boundary`;
const B_BOUNDARY = `arn:aws:iam::${B}:policy/platform-boundary`;
const CHAINS = ["staging/cd-pipeline-operator", "staging/argocd"];

interface Hop {
  id: string;
  ok: boolean;
  reason: string;
  codes?: string[];
}

describe.skipIf(!!skip)("verify --live through a permissions boundary", () => {
  let sb: E2ESandbox;
  const profile = ["--profile", `sandbox-${A}`];

  beforeAll(() => {
    const config = sandboxConfigText((doc) => {
      doc.permissionsBoundary = "arn:aws:iam::{account}:policy/platform-boundary";
      const targets = doc.targets as Record<string, unknown>[];
      expect(targets[0]!.accountId).toBe(B);
      doc.targets = [targets[0]];
    });
    sb = startPlatformSandbox(config, ["krci-main", "workloads-staging"]);
  }, 120_000);

  afterAll(() => sb?.stop());

  const liveVerify = () => {
    const r = sb.xirsa(["verify", "--live", "--config", sb.configFile, "--output", "json"]);
    expect(r.stderr).toBe("");
    const result = JSON.parse(r.stdout) as {
      ok: boolean;
      chains: { id: string; ok: boolean; hops: Hop[] }[];
      findings: { code: string; message: string }[];
    };
    expect(r.code).toBe(result.ok ? 0 : 1);
    return result;
  };

  it("applies with a boundary that allows sts:AssumeRole and proves every chain through it", () => {
    const doc = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "eks:DescribeCluster"], Resource: "*" }],
    };
    for (const account of [A, B]) {
      const created = sb.aws([
        "iam",
        "create-policy",
        "--policy-name",
        "platform-boundary",
        "--policy-document",
        JSON.stringify(doc),
        "--profile",
        `sandbox-${account}`,
      ]);
      expect(created.code, created.stderr).toBe(0);
    }
    const r = sb.xirsa(["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"]);
    expect(r.code, r.stderr).toBe(0);
    const got = sb.aws(["iam", "get-role", "--role-name", "AWSIRSA_platform_ArgoCDMaster", ...profile]);
    expect(JSON.parse(got.stdout).Role.PermissionsBoundary.PermissionsBoundaryArn).toBe(BOUNDARY);
    const agent = sb.aws([
      "iam",
      "get-role",
      "--role-name",
      "AWSIRSA_platform_CDPipelineAgent",
      "--profile",
      `sandbox-${B}`,
    ]);
    expect(JSON.parse(agent.stdout).Role.PermissionsBoundary.PermissionsBoundaryArn).toBe(B_BOUNDARY);

    const proof = liveVerify();
    expect(proof.chains.map((c) => `${c.id} ${c.ok}`)).toEqual(CHAINS.map((c) => `${c} true`));
    for (const c of proof.chains) {
      expect(c.hops.find((h) => h.id === "assume-role")!.reason).toContain(
        `within permissions boundary ${BOUNDARY}`,
      );
    }
    // Read live, the boundary's document is known: no "not in the State" warning for it.
    expect(proof.findings.filter((f) => f.message.includes(`permissions boundary ${BOUNDARY}`))).toEqual([]);
  });

  it("fails at assume-role, naming the boundary, once its default version drops sts:AssumeRole", () => {
    const narrowed = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }],
    };
    const v = sb.aws([
      "iam",
      "create-policy-version",
      "--policy-arn",
      BOUNDARY,
      "--policy-document",
      JSON.stringify(narrowed),
      "--set-as-default",
      ...profile,
    ]);
    expect(v.code, v.stderr).toBe(0);
    const proof = liveVerify();
    expect(proof.ok).toBe(false);
    for (const c of proof.chains) {
      const failing = c.hops.filter((h) => !h.ok);
      expect(failing.map((h) => h.id)).toEqual(["assume-role"]);
      expect(failing[0]!.codes).toEqual(["XIRSA-ASSUME-BOUNDARY-DENIED"]);
      expect(failing[0]!.reason).toContain(`permissions boundary ${BOUNDARY}`);
      expect(failing[0]!.reason).toContain("does not allow sts:AssumeRole");
    }
  });
});
