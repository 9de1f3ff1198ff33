/**
 * issue 6 end to end on the sandbox, with the real aws CLI and kubectl as outside actors:
 * apply → every chain proven live → a second apply makes zero mutating calls; drift made by hand shows up in
 * plan exactly and apply repairs it; destroy leaves nothing xirsa manages and everything else as it was; a
 * same-named role xirsa does not own stops apply unless --adopt.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DisassociateAccessPolicyCommand,
} from "@aws-sdk/client-eks";
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountClients } from "../../src/aws/clients.js";
import { loadConfig } from "../../src/config/load.js";
import { applyLive } from "../../src/live/service.js";
import { VERIFIER_ACCESS_POLICY, verifierPolicies } from "../../src/live/verifierPolicy.js";
import { defaultRetryPolicy } from "../../src/transport/backoff.js";
import { CallLog } from "../../src/transport/calls.js";
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

const skip = requireTools("test/live/e2e.test.ts", "aws", "kubectl");

const role = platformRole;
const CLUSTERS = ALL_CLUSTERS;

describe.skipIf(!!skip)("live provisioning on the sandbox", () => {
  let sb: E2ESandbox;

  beforeAll(() => {
    sb = startPlatformSandbox(sandboxConfigText(), CLUSTERS);
    // The in-process calls below (CallLog) read credentials like the CLI does: from the sandbox's env.sh.
    Object.assign(process.env, sb.env);
  }, 120_000);

  afterAll(() => sb?.stop());

  const plan = (...flags: string[]): PlanChange[] => {
    const r = sb.xirsa(["plan", "--config", sb.configFile, "--output", "json", ...flags]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as { changes: PlanChange[] }).changes;
  };

  /** `xirsa verify --live --output json`, checking its exit code agrees with the result. */
  const liveVerify = () => {
    const r = sb.xirsa(["verify", "--live", "--config", sb.configFile, "--output", "json"]);
    expect(r.stderr).toBe("");
    const result = JSON.parse(r.stdout) as {
      ok: boolean;
      chains: { id: string; ok: boolean; hops: { id: string; ok: boolean }[] }[];
      findings: { code: string }[];
    };
    expect(r.code).toBe(result.ok ? 0 : 1);
    return result;
  };

  const podRoles = (namespace: string) => {
    const pods = JSON.parse(
      sb.kubectl("krci-main", ["get", "pods", "-n", namespace, "-o", "json"]).stdout,
    ) as {
      items: { spec: { containers: { env?: { name: string; value?: string }[] }[] } }[];
    };
    return pods.items.map(
      (p) => p.spec.containers[0]!.env?.find((e) => e.name === "AWS_ROLE_ARN")?.value ?? null,
    );
  };

  it("refuses without --yes when there is no terminal, changing nothing (exit 2)", () => {
    const r = sb.xirsa(["apply", "--config", sb.configFile, "--create-oidc-provider"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("without confirmation");
    expect(r.stderr).toContain("--yes");
    expect(plan("--create-oidc-provider").filter((c) => c.kind === "IamRole")).toHaveLength(6);
  });

  it("stops with a clear error when the OIDC provider is missing and --create-oidc-provider is not given", () => {
    const r = sb.xirsa(["apply", "--config", sb.configFile, "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /no IAM OIDC provider for https:\/\/oidc\.eks\.eu-central-1\.amazonaws\.com\/id\/.*--create-oidc-provider/,
    );
    expect(JSON.parse(sb.aws(["iam", "list-roles", "--profile", `sandbox-${A}`]).stdout).Roles).toEqual([]);
  });

  it("applies examples/multi-target.yaml and proves every chain live", async () => {
    const r = sb.xirsa([
      "apply",
      "--config",
      sb.configFile,
      "--yes",
      "--create-oidc-provider",
      "--output",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      changes: PlanChange[];
      steps: { step: string; ms: number }[];
      verify: { ok: boolean; chains: { id: string; ok: boolean }[] };
    };
    expect(out.verify.ok).toBe(true);
    expect(out.verify.chains.map((c) => `${c.id} ${c.ok}`)).toEqual([
      "staging/cd-pipeline-operator true",
      "staging/argocd true",
      "prod/cd-pipeline-operator true",
      "prod/argocd true",
    ]);
    expect(out.steps.map((s) => s.step)).toEqual([
      "oidc-provider",
      "source-roles",
      "target-roles",
      "inline-policies",
      "access-entries",
      "service-accounts",
      "restarts",
      "appproject",
      "cluster-secrets",
      "available-clusters",
      "target-objects",
      "prune",
    ]);
    // Progress: one line per step with its duration, on stderr with --output json.
    expect(r.stderr.match(/^✓ \[ ?\d+\/12\] .* \(\d+\.\d\d s\)$/gm)).toHaveLength(12);
    // The restarted pods carry the injected role.
    expect(podRoles("krci")).toEqual([role(A, "CDPipelineOperator")]);
    expect(podRoles("argocd")).toEqual(Array(4).fill(role(A, "ArgoCDMaster")));
    // Merged into what was there: the existing destination and cluster list stay.
    const cm = JSON.parse(
      sb.kubectl("krci-main", ["get", "cm", "-n", "krci", "krci-config", "-o", "json"]).stdout,
    );
    expect(cm.data.available_clusters).toBe("in-cluster, staging, prod");
    expect(cm.data.edp_name).toBe("krci");
    const project = JSON.parse(
      sb.kubectl("krci-main", ["get", "appproject", "-n", "argocd", "krci", "-o", "json"]).stdout,
    );
    expect(project.spec.destinations.map((d: { server: string }) => d.server)[0]).toBe(
      "https://kubernetes.default.svc",
    );
    expect(project.spec.destinations).toHaveLength(3);
    // Proven again from a fresh read of the live state.
    const proof = liveVerify();
    expect(proof.ok).toBe(true);
    expect(proof.chains.filter((c) => !c.ok)).toEqual([]);
  });

  it("makes zero mutating calls on a second apply", async () => {
    const log = new CallLog();
    const res = await applyLive(
      loadConfig(sb.configFile),
      {
        createOidcProvider: true,
        confirm: async () => Promise.reject(new Error("must not ask: nothing to do")),
      },
      { env: sb.env, log },
    );
    expect(res.changes).toEqual([]);
    expect(log.mutating()).toEqual([]);
    // It did look: roles, provider, clusters, entries and objects were all read.
    expect(log.calls.filter((c) => c.api === "iam").length).toBeGreaterThanOrEqual(6);
    expect(log.calls.filter((c) => c.api === "kube").length).toBeGreaterThan(10);
    expect(res.verify.ok).toBe(true);
    const cli = sb.xirsa(["apply", "--config", sb.configFile]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("No changes");
  });

  it("reaches a cluster through a kubeconfig context named in the config, and names bad connections", () => {
    const base = readFileSync(sb.configFile, "utf8");
    const withContext = join(sb.dir, "xirsa-context.yaml");
    writeFileSync(
      withContext,
      base.replace('"cluster": "krci-main",', '"cluster": "krci-main",\n    "kubeContext": "krci-main",'),
    );
    const viaContext = sb.xirsa(["plan", "--config", withContext, "--output", "json"], {
      KUBECONFIG: sb.kubeconfig("krci-main"),
    });
    expect(viaContext.stderr).toBe("");
    expect(JSON.parse(viaContext.stdout)).toEqual({
      changes: [],
      counts: { create: 0, update: 0, delete: 0, blocked: 0 },
    });
    const noContext = sb.xirsa(["plan", "--config", withContext], { KUBECONFIG: join(sb.dir, "none") });
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toContain("source.kubeContext: kubeconfig context 'krci-main' not found");
    // With --detailed-exitcode, 2 means "changes": bad input is 1 then, with the same one line.
    const detailedBad = sb.xirsa(["plan", "--config", withContext, "--detailed-exitcode"], {
      KUBECONFIG: join(sb.dir, "none"),
    });
    expect(detailedBad.code).toBe(1);
    expect(detailedBad.stderr).toBe(noContext.stderr);

    const missing = join(sb.dir, "xirsa-missing.yaml");
    writeFileSync(missing, base.replace('"cluster": "workloads-prod"', '"cluster": "workloads-gone"'));
    const gone = sb.xirsa(["plan", "--config", missing]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(
      `EKS cluster workloads-gone does not exist in account ${C}, region us-east-1; check targets[1].cluster, region and the credentials (profile)`,
    );

    const wrong = join(sb.dir, "xirsa-wrong.yaml");
    writeFileSync(wrong, base.replace(`"profile": "sandbox-${C}"`, `"profile": "sandbox-${B}"`));
    const mismatch = sb.xirsa(["plan", "--config", wrong]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(
      `targets[1]: the credentials of profile sandbox-${B} belong to account ${B}, not ${C}`,
    );
  });

  it("plans with nothing but the verifier policy and AmazonEKSAdminViewPolicy (read-only collector)", async () => {
    const cfg = loadConfig(sb.configFile);
    const regions: Record<string, string> = { [A]: "eu-central-1", [B]: "eu-west-1", [C]: "us-east-1" };
    const clusterOf: Record<string, string> = {
      [A]: "krci-main",
      [B]: "workloads-staging",
      [C]: "workloads-prod",
    };
    const admin = (account: string) =>
      accountClients({
        accountId: account,
        region: regions[account]!,
        profile: `sandbox-${account}`,
        env: sb.env,
        log: new CallLog(),
        retry: defaultRetryPolicy(),
      });
    const policies = verifierPolicies(cfg);
    expect(policies.map((p) => p.accountId)).toEqual([A, B, C]);
    let profiles = readFileSync(sb.env.AWS_CONFIG_FILE!, "utf8");
    try {
      for (const p of policies) {
        const c = admin(p.accountId);
        const trust = {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${p.accountId}:user/sandbox-admin` },
              Action: "sts:AssumeRole",
            },
          ],
        };
        await c.iam.send(
          new CreateRoleCommand({
            RoleName: "xirsa-verifier",
            AssumeRolePolicyDocument: JSON.stringify(trust),
          }),
        );
        await c.iam.send(
          new PutRolePolicyCommand({
            RoleName: "xirsa-verifier",
            PolicyName: "read",
            PolicyDocument: JSON.stringify(p.policy),
          }),
        );
        const eks = c.eks(regions[p.accountId]!);
        const principalArn = `arn:aws:iam::${p.accountId}:role/xirsa-verifier`;
        expect(p.clusters).toEqual([clusterOf[p.accountId]]);
        await eks.send(new CreateAccessEntryCommand({ clusterName: p.clusters[0], principalArn }));
        await eks.send(
          new AssociateAccessPolicyCommand({
            clusterName: p.clusters[0],
            principalArn,
            policyArn: VERIFIER_ACCESS_POLICY,
            accessScope: { type: "cluster" },
          }),
        );
        c.destroy();
        profiles += `\n[profile verifier-${p.accountId}]\nrole_arn = ${principalArn}\nsource_profile = sandbox-${p.accountId}\nregion = ${regions[p.accountId]}\n`;
      }
      const configFile = join(sb.dir, "aws-config-verifier");
      writeFileSync(configFile, profiles, { mode: 0o600 });
      const xirsaFile = join(sb.dir, "xirsa-verifier.yaml");
      writeFileSync(xirsaFile, readFileSync(sb.configFile, "utf8").replaceAll('"sandbox-', '"verifier-'));
      const r = sb.xirsa(["plan", "--config", xirsaFile, "--output", "json"], {
        AWS_CONFIG_FILE: configFile,
      });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        changes: [],
        counts: { create: 0, update: 0, delete: 0, blocked: 0 },
      });
      // Each grant is needed: without the provider read, or without the view policy in a cluster, plan stops.
      const a = admin(A);
      const lessened = policies[0]!.policy.Statement as { Sid: string }[];
      await a.iam.send(
        new PutRolePolicyCommand({
          RoleName: "xirsa-verifier",
          PolicyName: "read",
          PolicyDocument: JSON.stringify({
            ...policies[0]!.policy,
            Statement: lessened.filter((x) => x.Sid !== "ReadOidcProvider"),
          }),
        }),
      );
      const noIam = sb.xirsa(["plan", "--config", xirsaFile], { AWS_CONFIG_FILE: configFile });
      expect(noIam.code).toBe(1);
      expect(noIam.stderr).toMatch(
        /AccessDenied.*GetOpenIDConnectProvider|GetOpenIDConnectProvider.*AccessDenied/,
      );
      await a.iam.send(
        new PutRolePolicyCommand({
          RoleName: "xirsa-verifier",
          PolicyName: "read",
          PolicyDocument: JSON.stringify(policies[0]!.policy),
        }),
      );
      a.destroy();
      const c = admin(C);
      await c.eks(regions[C]!).send(
        new DisassociateAccessPolicyCommand({
          clusterName: "workloads-prod",
          principalArn: `arn:aws:iam::${C}:role/xirsa-verifier`,
          policyArn: VERIFIER_ACCESS_POLICY,
        }),
      );
      c.destroy();
      const noView = sb.xirsa(["plan", "--config", xirsaFile], { AWS_CONFIG_FILE: configFile });
      expect(noView.code).toBe(1);
      expect(noView.stderr).toContain("on cluster workloads-prod: 403 Forbidden");
      expect(noView.stderr).toContain("AmazonEKSAdminViewPolicy");
    } finally {
      for (const p of policies) {
        const c = admin(p.accountId);
        const principalArn = `arn:aws:iam::${p.accountId}:role/xirsa-verifier`;
        await c
          .eks(regions[p.accountId]!)
          .send(new DeleteAccessEntryCommand({ clusterName: p.clusters[0], principalArn }))
          .catch(() => {});
        await c.iam
          .send(new DeleteRolePolicyCommand({ RoleName: "xirsa-verifier", PolicyName: "read" }))
          .catch(() => {});
        await c.iam.send(new DeleteRoleCommand({ RoleName: "xirsa-verifier" })).catch(() => {});
        c.destroy();
      }
    }
  });

  it("shows drift made with the aws CLI and kubectl exactly, and apply repairs it", async () => {
    const agent = role(B, "CDPipelineAgent");
    const argoAgent = role(C, "ArgoCDAgentAccess");
    expect(
      sb.aws([
        "eks",
        "delete-access-entry",
        "--cluster-name",
        "workloads-staging",
        "--principal-arn",
        agent,
        "--profile",
        `sandbox-${B}`,
      ]).code,
    ).toBe(0);
    const foreignTrust = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${C}:root` }, Action: "sts:AssumeRole" },
      ],
    };
    const upd = sb.aws([
      "iam",
      "update-assume-role-policy",
      "--role-name",
      "AWSIRSA_platform_ArgoCDAgentAccess",
      "--policy-document",
      JSON.stringify(foreignTrust),
      "--profile",
      `sandbox-${C}`,
    ]);
    expect(upd.code, upd.stderr).toBe(0);
    const ann = sb.kubectl("krci-main", [
      "annotate",
      "serviceaccount",
      "-n",
      "argocd",
      "argocd-server",
      "eks.amazonaws.com/role-arn-",
    ]);
    expect(ann.code, ann.stderr).toBe(0);

    const broken = liveVerify();
    expect(broken.ok).toBe(false);
    expect(
      broken.chains
        .filter((c) => !c.ok)
        .map(
          (c) =>
            `${c.id}: ${c.hops
              .filter((h) => !h.ok)
              .map((h) => h.id)
              .join(",")}`,
        ),
    ).toEqual([
      "staging/cd-pipeline-operator: cluster-access,kubernetes-permissions",
      "staging/argocd: service-account",
      "prod/argocd: service-account,assume-role",
    ]);

    const changes = plan();
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.id}`)).toEqual([
      `update IamRole ${argoAgent}`,
      `create AccessEntry ${agent}`,
      `create AccessPolicyAssociation ${agent} AmazonEKSClusterAdminPolicy`,
      "update ServiceAccount argocd/argocd-server",
      "update Pod argocd/serviceaccount=argocd-server",
    ]);
    // The trust policy as statements removed and added (its principal changed), not a JSON line diff.
    expect(changes[0]!.diff).toContain(`- statement 0: Allow sts:AssumeRole by AWS arn:aws:iam::${C}:root`);
    expect(changes[0]!.diff).toContain(
      `+ statement 0: Allow sts:AssumeRole by AWS ${role(A, "ArgoCDMaster")}`,
    );
    // plan JSON keeps both documents in full.
    expect(JSON.stringify(changes[0]!.before)).toContain(`"AWS":["arn:aws:iam::${C}:root"]`);
    expect(JSON.stringify(changes[0]!.after)).toContain(`"AWS":["${role(A, "ArgoCDMaster")}"]`);
    // terraform plan -detailed-exitcode's contract: 2 when there is something to change.
    const detailed = sb.xirsa(["plan", "--config", sb.configFile, "--detailed-exitcode"]);
    expect(detailed.code, detailed.stderr).toBe(2);
    expect(detailed.stdout).toContain("Plan: 5 changes");

    const r = sb.xirsa(["apply", "--config", sb.configFile, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("4 of 4 chains proven");
    expect(r.stdout).toContain("Applied 5 changes (2 created, 3 updated, 0 deleted).");
    // apply --yes lists the changes; the policy diffs were plan's to show.
    expect(r.stdout).not.toContain(`+ statement 0: Allow sts:AssumeRole by AWS ${role(A, "ArgoCDMaster")}`);
    expect(plan()).toEqual([]);
    expect(sb.xirsa(["plan", "--config", sb.configFile, "--detailed-exitcode"]).code).toBe(0);
    expect(podRoles("argocd")).toEqual(Array(4).fill(role(A, "ArgoCDMaster")));
  });

  it("catches a role re-created by hand (stale access entry) only live, and apply re-binds the entry", () => {
    const name = "AWSIRSA_platform_CDPipelineAgent";
    const got = JSON.parse(
      sb.aws(["iam", "get-role", "--role-name", name, "--profile", `sandbox-${B}`]).stdout,
    );
    const trust = got.Role.AssumeRolePolicyDocument;
    expect(sb.aws(["iam", "delete-role", "--role-name", name, "--profile", `sandbox-${B}`]).code).toBe(0);
    const again = sb.aws([
      "iam",
      "create-role",
      "--role-name",
      name,
      "--assume-role-policy-document",
      typeof trust === "string" ? decodeURIComponent(trust) : JSON.stringify(trust),
      "--tags",
      "Key=xirsa.io/managed-by,Value=xirsa",
      "Key=xirsa.io/stack,Value=platform",
      "Key=team,Value=platform",
      "--profile",
      `sandbox-${B}`,
    ]);
    expect(again.code, again.stderr).toBe(0);
    const stale = liveVerify();
    expect(stale.chains.filter((c) => !c.ok).map((c) => c.id)).toEqual(["staging/cd-pipeline-operator"]);
    expect(stale.findings.map((f) => f.code)).toContain("XIRSA-EKS-ENTRY-STALE");
    const changes = plan();
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.id}`)).toEqual([
      `update AccessEntry ${role(B, "CDPipelineAgent")}`,
    ]);
    expect(changes[0]!.diff).toContain("re-created role");
    const r = sb.xirsa(["apply", "--config", sb.configFile, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(liveVerify().ok).toBe(true);
  });

  it("destroy removes everything xirsa manages and nothing else", () => {
    // Things that are not xirsa's: a role, a Secret, the admin's access entries, the fixture's objects.
    const keepTrust = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sts:AssumeRole" },
      ],
    };
    expect(
      sb.aws([
        "iam",
        "create-role",
        "--role-name",
        "keep-me",
        "--assume-role-policy-document",
        JSON.stringify(keepTrust),
        "--tags",
        "Key=team,Value=other",
        "--profile",
        `sandbox-${B}`,
      ]).code,
    ).toBe(0);
    expect(
      sb.kubectl("krci-main", [
        "create",
        "secret",
        "generic",
        "unrelated",
        "-n",
        "argocd",
        "--from-literal=a=b",
      ]).code,
    ).toBe(0);

    const r = sb.xirsa(["destroy", "--config", sb.configFile, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^✓ \[ ?\d+\/10\]/gm)).toHaveLength(10);

    for (const account of [A, B, C]) {
      const roles = JSON.parse(sb.aws(["iam", "list-roles", "--profile", `sandbox-${account}`]).stdout)
        .Roles as {
        RoleName: string;
      }[];
      for (const rl of roles) {
        const tags = JSON.parse(
          sb.aws(["iam", "list-role-tags", "--role-name", rl.RoleName, "--profile", `sandbox-${account}`])
            .stdout,
        ).Tags as { Key: string }[];
        expect(tags.map((t) => t.Key)).not.toContain("xirsa.io/managed-by");
      }
      expect(roles.map((x) => x.RoleName)).toEqual(account === B ? ["keep-me"] : []);
    }
    const keep = JSON.parse(
      sb.aws(["iam", "get-role", "--role-name", "keep-me", "--profile", `sandbox-${B}`]).stdout,
    );
    expect(keep.Role.Tags).toEqual([{ Key: "team", Value: "other" }]);
    expect(
      JSON.parse(sb.aws(["iam", "list-open-id-connect-providers", "--profile", `sandbox-${A}`]).stdout)
        .OpenIDConnectProviderList,
    ).toEqual([]);
    for (const [cluster, account] of [
      ["workloads-staging", B],
      ["workloads-prod", C],
    ] as const) {
      const entries = JSON.parse(
        sb.aws(["eks", "list-access-entries", "--cluster-name", cluster, "--profile", `sandbox-${account}`])
          .stdout,
      ).accessEntries;
      expect(entries).toEqual([`arn:aws:iam::${account}:user/sandbox-admin`]);
    }
    const kinds =
      "secrets,tenants,capsuleconfigurations,clusterroles,clusterrolebindings,serviceaccounts,configmaps";
    for (const cluster of CLUSTERS) {
      const got = sb.kubectl(cluster, [
        "get",
        kinds,
        "-A",
        "-l",
        "app.kubernetes.io/managed-by=xirsa",
        "-o",
        "json",
      ]);
      expect(got.code, got.stderr).toBe(0);
      expect(JSON.parse(got.stdout).items).toEqual([]);
    }
    const sa = JSON.parse(
      sb.kubectl("krci-main", ["get", "sa", "-n", "argocd", "argocd-server", "-o", "json"]).stdout,
    );
    expect(sa.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toBeUndefined();
    expect(sa.metadata.annotations?.["xirsa.io/previous-role-arn"]).toBeUndefined();
    const cm = JSON.parse(
      sb.kubectl("krci-main", ["get", "cm", "-n", "krci", "krci-config", "-o", "json"]).stdout,
    );
    expect(cm.data).toEqual({ edp_name: "krci", available_clusters: "in-cluster" });
    const project = JSON.parse(
      sb.kubectl("krci-main", ["get", "appproject", "-n", "argocd", "krci", "-o", "json"]).stdout,
    );
    expect(project.spec.destinations).toEqual([{ namespace: "*", server: "https://kubernetes.default.svc" }]);
    expect(sb.kubectl("krci-main", ["get", "secret", "-n", "argocd", "unrelated"]).code).toBe(0);
    // Pods went back to no IRSA role.
    expect(podRoles("argocd")).toEqual([null, null, null, null]);
    // Nothing left to remove.
    const again = sb.xirsa(["destroy", "--config", sb.configFile, "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to remove");
  });

  it("refuses to overwrite a same-named role it does not own unless --adopt", () => {
    const trust = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sts:AssumeRole" },
      ],
    };
    const created = sb.aws([
      "iam",
      "create-role",
      "--role-name",
      "AWSIRSA_platform_CDPipelineAgent",
      "--assume-role-policy-document",
      JSON.stringify(trust),
      "--profile",
      `sandbox-${B}`,
    ]);
    expect(created.code, created.stderr).toBe(0);
    // …and an access entry for it that someone made by hand, with another group.
    const entry = sb.aws([
      "eks",
      "create-access-entry",
      "--cluster-name",
      "workloads-staging",
      "--principal-arn",
      role(B, "CDPipelineAgent"),
      "--kubernetes-groups",
      "hand-made",
      "--profile",
      `sandbox-${B}`,
    ]);
    expect(entry.code, entry.stderr).toBe(0);
    const r = sb.xirsa(["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `role ${role(B, "CDPipelineAgent")} exists, is not managed by xirsa stack 'platform'`,
    );
    expect(r.stderr).toContain(
      `access entry ${role(B, "CDPipelineAgent")} in workloads-staging exists, is not managed`,
    );
    expect(r.stderr).toContain("--adopt");
    // The blocked change's diff (its fix says: review it) names the statement that would go.
    expect(r.stdout).toContain(`- statement 0: Allow sts:AssumeRole by AWS arn:aws:iam::${B}:root`);
    // Nothing was changed anywhere.
    expect(JSON.parse(sb.aws(["iam", "list-roles", "--profile", `sandbox-${A}`]).stdout).Roles).toEqual([]);
    const still = JSON.parse(
      sb.aws([
        "iam",
        "get-role",
        "--role-name",
        "AWSIRSA_platform_CDPipelineAgent",
        "--profile",
        `sandbox-${B}`,
      ]).stdout,
    );
    expect(decodeURIComponent(JSON.stringify(still.Role.AssumeRolePolicyDocument))).toContain(
      `arn:aws:iam::${B}:root`,
    );
    expect(still.Role.Tags ?? []).toEqual([]);

    const adopted = sb.xirsa([
      "apply",
      "--config",
      sb.configFile,
      "--yes",
      "--create-oidc-provider",
      "--adopt",
    ]);
    expect(adopted.code, adopted.stderr).toBe(0);
    const tags = JSON.parse(
      sb.aws([
        "iam",
        "list-role-tags",
        "--role-name",
        "AWSIRSA_platform_CDPipelineAgent",
        "--profile",
        `sandbox-${B}`,
      ]).stdout,
    ).Tags as { Key: string; Value: string }[];
    expect(tags).toContainEqual({ Key: "xirsa.io/stack", Value: "platform" });
    const adoptedEntry = JSON.parse(
      sb.aws([
        "eks",
        "describe-access-entry",
        "--cluster-name",
        "workloads-staging",
        "--principal-arn",
        role(B, "CDPipelineAgent"),
        "--profile",
        `sandbox-${B}`,
      ]).stdout,
    ).accessEntry;
    expect(adoptedEntry.kubernetesGroups).toEqual([]);
    expect(adoptedEntry.tags).toMatchObject({ "xirsa.io/managed-by": "xirsa", "xirsa.io/stack": "platform" });
    expect(plan()).toEqual([]);
    expect(liveVerify().ok).toBe(true);
  });
  it("destroy keeps the OIDC provider another role trusts and a ServiceAccount re-pointed after apply", () => {
    // Applied (a no-op after the test above; needed when this test runs alone with -t destroy).
    const applied = sb.xirsa([
      "apply",
      "--config",
      sb.configFile,
      "--yes",
      "--create-oidc-provider",
      "--adopt",
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    const providers = () =>
      (
        JSON.parse(sb.aws(["iam", "list-open-id-connect-providers", "--profile", `sandbox-${A}`]).stdout)
          .OpenIDConnectProviderList as { Arn: string }[]
      ).map((p) => p.Arn);
    const [provider] = providers();
    expect(provider).toMatch(/:oidc-provider\//);
    // Another team's role trusts the same provider, made with the aws CLI.
    const otherTrust = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity" },
      ],
    };
    const made = sb.aws([
      "iam",
      "create-role",
      "--role-name",
      "other-team-irsa",
      "--assume-role-policy-document",
      JSON.stringify(otherTrust),
      "--profile",
      `sandbox-${A}`,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const otherArn = `arn:aws:iam::${A}:role/other-team-irsa`;
    // Someone re-points the operator's ServiceAccount after apply.
    const sa = () =>
      JSON.parse(
        sb.kubectl("krci-main", ["get", "sa", "-n", "krci", "edp-cd-pipeline-operator", "-o", "json"]).stdout,
      ).metadata.annotations ?? {};
    const annotated = sb.kubectl("krci-main", [
      "annotate",
      "sa",
      "-n",
      "krci",
      "edp-cd-pipeline-operator",
      `eks.amazonaws.com/role-arn=${otherArn}`,
      "--overwrite",
    ]);
    expect(annotated.code, annotated.stderr).toBe(0);

    const r = sb.xirsa(["destroy", "--config", sb.configFile, "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Kept");
    expect(r.stdout).toMatch(new RegExp(`OidcProvider ${provider}.*still trusted by ${otherArn}`));
    expect(r.stdout).toMatch(/ServiceAccount krci\/edp-cd-pipeline-operator in krci-main: .*other-team-irsa/);
    expect(providers()).toEqual([provider]);
    expect(sa()["eks.amazonaws.com/role-arn"]).toBe(otherArn);
    // The other ServiceAccounts still held this stack's role: restored.
    const server = JSON.parse(
      sb.kubectl("krci-main", ["get", "sa", "-n", "argocd", "argocd-server", "-o", "json"]).stdout,
    );
    expect(server.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toBeUndefined();
    const roles = JSON.parse(sb.aws(["iam", "list-roles", "--profile", `sandbox-${A}`]).stdout).Roles as {
      RoleName: string;
    }[];
    expect(roles.map((x) => x.RoleName)).toEqual(["other-team-irsa"]);

    // Once nobody trusts it, the next destroy removes the provider; the re-pointed annotation stays theirs.
    expect(
      sb.aws(["iam", "delete-role", "--role-name", "other-team-irsa", "--profile", `sandbox-${A}`]).code,
    ).toBe(0);
    const again = sb.xirsa(["destroy", "--config", sb.configFile, "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`OidcProvider ${provider}`);
    expect(providers()).toEqual([]);
    expect(sa()["eks.amazonaws.com/role-arn"]).toBe(otherArn);
  });
});
