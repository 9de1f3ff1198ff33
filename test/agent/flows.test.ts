/**
 * issue 7 §1-§4 end to end on the sandbox: after `xirsa apply` of examples/multi-target.yaml (staging: the seed's
 * cluster-admin access; prod: namespaced access + Capsule), the runtime flows run with the flows' own identities
 * (service-account tokens minted by `xirsa sandbox token`) and the real aws CLI and kubectl act from outside:
 * probe of both chains, environments, registration, deploy; and the failures users meet — a missing access
 * entry, a trust policy mismatch, a ServiceAccount annotated but not restarted, an unreachable cluster.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { flowChain } from "../../src/aws/chain.js";
import { HOP_IDS } from "../../src/verify/types.js";
import { ROOT } from "../helpers.js";
import { type E2ESandbox, platformRole, sandboxConfigText } from "../live/sandbox.js";
import { requireTools } from "../tools.js";
import { flowToken, inProcess, startFlowSandbox } from "./config.js";

const skip = requireTools("test/agent/flows.test.ts", "aws", "kubectl");

const A = "111111111111";
const B = "222222222222";
const role = platformRole;
const CLUSTERS = ["krci-main", "workloads-staging", "workloads-prod"];
const APP = join(ROOT, "examples", "app.yaml");

interface Hop {
  id: string;
  ok: boolean;
  reason: string;
  fix?: string;
  blockedBy?: string;
  detail: Record<string, unknown>;
}
interface ProbeJson {
  ok: boolean;
  chains: { id: string; ok: boolean; hops: Hop[] }[];
  findings: { code: string }[];
}

describe.skipIf(!!skip)("runtime flows on the sandbox", () => {
  let sb: E2ESandbox;
  let opToken: string;
  let argoToken: string;

  const apply = async () => {
    const r = await x(["apply", "--config", sb.configFile, "--yes", "--create-oidc-provider"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
  };

  const probe = async (chain: string, target: string, ...flags: string[]) => {
    const file = chain === "argocd" ? argoToken : opToken;
    const r = await x([
      "probe",
      "--config",
      sb.configFile,
      "--chain",
      chain,
      "--target",
      target,
      "--token-file",
      file,
      "--output",
      "json",
      ...flags,
    ]);
    return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout || "null") as ProbeJson };
  };

  const x = (args: string[]) => inProcess(args, sb.env);

  const hop = (p: ProbeJson, id: string) => p.chains[0]!.hops.find((h) => h.id === id)!;

  const env = (action: string, target: string, ...flags: string[]) =>
    x(["env", action, "--config", sb.configFile, "--target", target, "--token-file", opToken, ...flags]);

  const kubectlJson = (cluster: string, args: string[]) => {
    const r = sb.kubectl(cluster, [...args, "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    sb = await startFlowSandbox(sandboxConfigText(), CLUSTERS, (s) => {
      const secret = s.kubectl("krci-main", [
        "-n",
        "krci",
        "create",
        "secret",
        "docker-registry",
        "regcred",
        "--docker-server=registry.example",
        "--docker-username=ci",
        "--docker-password=not-a-real-password",
      ]);
      expect(secret.code, secret.stderr).toBe(0);
    });
    opToken = flowToken(sb, "krci", "edp-cd-pipeline-operator");
    argoToken = flowToken(sb, "argocd", "argocd-application-controller");
  }, 180_000);

  afterAll(() => sb?.stop());

  it("probes both chains to both targets: every hop proven, in verify's order and JSON", async () => {
    for (const target of ["staging", "prod"]) {
      for (const chain of ["cd-pipeline-operator", "argocd"]) {
        const p = await probe(chain, target);
        expect(p.code, JSON.stringify(p.json?.chains[0]?.hops.filter((h) => !h.ok))).toBe(0);
        expect(p.json.ok).toBe(true);
        expect(p.json.chains[0]!.id).toBe(`${target}/${chain}`);
        expect(p.json.chains[0]!.hops.map((h) => h.id)).toEqual([...HOP_IDS]);
        const sa =
          chain === "argocd" ? "argocd:argocd-application-controller" : "krci:edp-cd-pipeline-operator";
        expect(hop(p.json, "web-identity").detail.subject).toBe(`system:serviceaccount:${sa}`);
        expect(hop(p.json, "web-identity").detail.audience).toEqual(["sts.amazonaws.com"]);
        // The cluster maps the target role's session (SelfSubjectReview, as kubectl auth whoami).
        const agent = chain === "argocd" ? "ArgoCDAgentAccess" : "CDPipelineAgent";
        const account = target === "staging" ? B : "333333333333";
        expect(hop(p.json, "cluster-access").detail.username).toBe(
          `arn:aws:sts::${account}:assumed-role/AWSIRSA_platform_${agent}/xirsa-probe`,
        );
        const perms = hop(p.json, "kubernetes-permissions").detail.permissions as { allowed: boolean }[];
        expect(perms.length).toBeGreaterThan(0);
        expect(perms.every((q) => q.allowed)).toBe(true);
        // Nothing secret on stdout: no session token or bearer token.
        expect(JSON.stringify(p.json)).not.toMatch(/k8s-aws-v1\.|ASIA[A-Z0-9]{16}/);
      }
    }
    // The table output says the same for people.
    const table = sb.xirsa([
      "probe",
      "--config",
      sb.configFile,
      "--chain",
      "argocd",
      "--target",
      "staging",
      "--token-file",
      argoToken,
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("✓ cluster-access");
    expect(table.stdout).toContain("1 of 1 chain proven");
  });

  it("reports the hops in cluster A as not probed, saying why, when it cannot or may not read them", async () => {
    const skipped = await probe("argocd", "staging", "--skip-source");
    expect(skipped.code).toBe(0);
    for (const id of ["service-account", "registration"]) {
      expect(hop(skipped.json, id)).toMatchObject({ ok: true, detail: { probed: false } });
      expect(hop(skipped.json, id).reason).toBe("not probed: source checks were turned off (--skip-source)");
    }
    // Cluster A read with credentials of another account: DescribeCluster finds no such cluster there.
    const cfg = parse(readFileSync(sb.configFile, "utf8"));
    cfg.source.profile = `sandbox-${B}`;
    const other = join(sb.dir, "other-source.yaml");
    writeFileSync(other, stringify(cfg));
    const r = await x([
      "probe",
      "--config",
      other,
      "--chain",
      "argocd",
      "--target",
      "staging",
      "--token-file",
      argoToken,
      "--output",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as ProbeJson;
    expect(hop(p, "service-account").reason).toMatch(
      /^not probed: cluster krci-main could not be read with the source account's credentials: .*does not exist in account 111111111111/,
    );
    expect(hop(p, "web-identity").ok).toBe(true);
    expect(hop(p, "kubernetes-permissions").ok).toBe(true);
  });

  it("env create makes the operator's namespace, binding and secret copy; idempotent; list shows it", async () => {
    const first = await env(
      "create",
      "staging",
      "--pipeline",
      "shop",
      "--stage",
      "qa",
      "--copy-secret",
      "regcred",
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("namespace/krci-shop-qa: created");
    expect(first.stdout).toContain("rolebinding/tenant-admin: created");
    expect(first.stdout).toContain("secret/regcred: created");

    // kubectl as the target account's admin sees what the operator's chain made.
    const made = kubectlJson("workloads-staging", [
      "-n",
      "krci-shop-qa",
      "get",
      "namespace/krci-shop-qa",
      "rolebinding/tenant-admin",
      "secret/regcred",
    ]).items;
    const [ns, rb, copied] = made;
    expect(ns.metadata.labels["app.edp.epam.com/tenant"]).toBe("krci");
    expect(rb.roleRef).toMatchObject({ kind: "ClusterRole", name: "admin" });
    expect(rb.subjects.map((s: { kind: string; name: string }) => `${s.kind}:${s.name}`)).toEqual([
      "Group:krci-oidc-admins",
      "Group:krci-oidc-developers",
    ]);
    const original = kubectlJson("krci-main", ["-n", "krci", "get", "secret", "regcred"]);
    expect(copied.type).toBe("kubernetes.io/dockerconfigjson");
    expect(copied.data).toEqual(original.data);
    expect(first.stdout + first.stderr).not.toContain("not-a-real-password");

    const again = await env(
      "create",
      "staging",
      "--pipeline",
      "shop",
      "--stage",
      "qa",
      "--copy-secret",
      "regcred",
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("namespace/krci-shop-qa: exists");
    expect(again.stdout).toContain("rolebinding/tenant-admin: exists");
    expect(again.stdout).toContain("secret/regcred: unchanged");

    const list = await env("list", "staging", "--output", "json");
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as {
      via: string;
      environments: { namespace: string; stack?: string }[];
    };
    expect(listed.via).toBe("chain");
    expect(listed.environments).toEqual([
      expect.objectContaining({ namespace: "krci-shop-qa", stack: "platform" }),
    ]);
  });

  it("with Capsule the environment is owned by the tenant, and the probe checks the real bindings there", async () => {
    const r = await env("create", "prod", "--pipeline", "shop", "--stage", "qa");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(Capsule tenant krci)");
    const ns = kubectlJson("workloads-prod", ["get", "namespace", "krci-shop-qa"]);
    expect(ns.metadata.labels["capsule.clastix.io/tenant"]).toBe("krci");
    expect(ns.metadata.ownerReferences[0]).toMatchObject({ kind: "Tenant", name: "krci" });

    const p = await probe("cd-pipeline-operator", "prod", "--namespace", "krci-shop-qa");
    expect(p.code).toBe(0);
    const perms = hop(p.json, "kubernetes-permissions").detail.permissions as { id: string; via?: string }[];
    expect(perms.find((x) => x.id === "rolebindings:create")!.via).toMatch(/RBAC/);
    expect(hop(p.json, "kubernetes-permissions").detail.capsule).toBeUndefined();

    // The operator may not list namespaces under Capsule: list says it used the account's own credentials.
    const list = await env("list", "prod");
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("krci-shop-qa");
    expect(list.stderr).toContain("listed with the target account's credentials");
  });

  it("refuses an environment name over 63 characters before touching anything (exit 2)", async () => {
    const r = await env("create", "staging", "--pipeline", "p".repeat(40), "--stage", "s".repeat(20));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`krci-${"p".repeat(40)}-${"s".repeat(20)}' is 66 characters`);
    expect(
      sb.kubectl("workloads-staging", ["get", "namespace", `krci-${"p".repeat(40)}-${"s".repeat(20)}`]).code,
    ).not.toBe(0);
  });

  it("deploys the sample application through the Argo CD chain, waits for it, and reports what changed", async () => {
    const deploy = (...args: string[]) =>
      x(["deploy", "--config", sb.configFile, "--target", "staging", "--token-file", argoToken, ...args]);
    const first = await deploy("--namespace", "krci-shop-qa", "-f", APP);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("deployment.apps/hello created");
    expect(first.stdout).toContain("service/hello created");
    expect(first.stdout).toContain("deployment.apps/hello available (2/2)");
    const live = kubectlJson("workloads-staging", [
      "-n",
      "krci-shop-qa",
      "get",
      "deployments,services,pods",
      "-l",
      "app.kubernetes.io/name=hello",
    ]).items as {
      kind: string;
      status: { availableReplicas?: number };
      spec: { ports?: { port: number }[] };
    }[];
    expect(live.filter((o) => o.kind === "Pod")).toHaveLength(2);
    expect(live.find((o) => o.kind === "Deployment")!.status.availableReplicas).toBe(2);
    expect(live.find((o) => o.kind === "Service")!.spec.ports![0]!.port).toBe(80);

    const second = await deploy("--namespace", "krci-shop-qa", "-f", APP);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("deployment.apps/hello unchanged");
    expect(second.stdout).toContain("service/hello unchanged");

    const app = join(sb.dir, "app-scaled.yaml");
    writeFileSync(app, readFileSync(APP, "utf8").replace("replicas: 2", "replicas: 3"));
    const third = await deploy("--namespace", "krci-shop-qa", "-f", app, "--output", "json");
    expect(third.code, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({
      cluster: "workloads-staging",
      namespace: "krci-shop-qa",
      objects: [
        { resource: "deployment.apps/hello", action: "configured" },
        { resource: "service/hello", action: "unchanged" },
      ],
      deployments: [{ name: "hello", replicas: 3, available: 3 }],
    });

    const outside = await deploy("--namespace", "kube-system", "-f", app);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("namespace kube-system is outside target staging's namespaces krci-*");

    // A kind the cluster does not serve stops the deploy before anything is written.
    const bad = join(sb.dir, "app-bad.yaml");
    writeFileSync(
      bad,
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before-widget}\ndata: {a: b}\n---\napiVersion: example.io/v1\nkind: Widget\nmetadata: {name: w}\n",
    );
    const refused = await deploy("--namespace", "krci-shop-qa", "-f", bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("does not serve Widget (example.io/v1)");
    expect(
      sb.kubectl("workloads-staging", ["-n", "krci-shop-qa", "get", "configmap", "before-widget"]).code,
    ).not.toBe(0);
  });

  it("cluster register puts back the Secrets and list items of a target, as apply would", async () => {
    expect(sb.kubectl("krci-main", ["-n", "argocd", "delete", "secret", "cluster-staging"]).code).toBe(0);
    expect(sb.kubectl("krci-main", ["-n", "krci", "delete", "secret", "staging-cluster"]).code).toBe(0);
    const patch = sb.kubectl("krci-main", [
      "-n",
      "krci",
      "patch",
      "configmap",
      "krci-config",
      "--type",
      "merge",
      "-p",
      '{"data":{"available_clusters":"in-cluster, prod"}}',
    ]);
    expect(patch.code, patch.stderr).toBe(0);

    const r = await x(["cluster", "register", "--config", sb.configFile, "--target", "staging"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Secret argocd/cluster-staging: created");
    expect(r.stdout).toContain("Secret krci/staging-cluster: created");
    expect(r.stdout).toContain("ConfigMap krci/krci-config: updated");
    expect(r.stdout).toContain("AppProject argocd/krci: unchanged");
    const edp = kubectlJson("krci-main", ["-n", "krci", "get", "configmap", "krci-config"]);
    expect(edp.data.available_clusters).toBe("in-cluster, prod, staging");
    const secret = kubectlJson("krci-main", ["-n", "argocd", "get", "secret", "cluster-staging"]);
    const config = JSON.parse(Buffer.from(secret.data.config, "base64").toString());
    expect(config.awsAuthConfig).toEqual({
      clusterName: "workloads-staging",
      roleARN: role(B, "ArgoCDAgentAccess"),
    });

    // What register wrote is exactly what apply wants: the live plan has nothing left to do.
    const plan = await x(["plan", "--config", sb.configFile, "--output", "json"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).changes).toEqual([]);
    const again = await x(["cluster", "register", "--config", sb.configFile, "--target", "staging"]);
    expect(again.stdout.match(/: unchanged/g)).toHaveLength(4);
  });

  it("a missing access entry: probe fails at cluster-access with the cause; env delete fails loudly", async () => {
    const del = sb.aws([
      "eks",
      "delete-access-entry",
      "--profile",
      `sandbox-${B}`,
      "--region",
      "eu-west-1",
      "--cluster-name",
      "workloads-staging",
      "--principal-arn",
      role(B, "CDPipelineAgent"),
    ]);
    expect(del.code, del.stderr).toBe(0);

    const p = await probe("cd-pipeline-operator", "staging");
    expect(p.code).toBe(1);
    expect(p.json.chains[0]!.hops.map((h) => `${h.id}:${h.ok}`)).toEqual([
      "service-account:true",
      "web-identity:true",
      "assume-role:true",
      "cluster-access:false",
      "kubernetes-permissions:false",
      "registration:true",
    ]);
    const access = hop(p.json, "cluster-access");
    expect(access.detail.cause).toBe("access-entry-missing");
    expect(access.reason).toContain("no EKS access entry");
    expect(access.reason).toContain("401 Unauthorized");
    expect(access.fix).toContain(
      `aws eks create-access-entry --cluster-name workloads-staging --principal-arn ${role(B, "CDPipelineAgent")}`,
    );
    expect(hop(p.json, "kubernetes-permissions").reason).toContain("not probed");
    // cluster-access is the root cause; the permissions hop is blocked by it, not failing on its own.
    expect(access.blockedBy).toBeUndefined();
    expect(access.detail.kind).toBe("cluster-authentication");
    expect(hop(p.json, "kubernetes-permissions")).toMatchObject({
      blockedBy: "cluster-access",
      detail: { kind: "blocked", probed: false, by: "cluster-access" },
    });

    const d = await env("delete", "staging", "--pipeline", "shop", "--stage", "qa");
    expect(d.code).toBe(1);
    expect(d.stderr).toContain("the namespace may be orphaned");
    expect(d.stderr).toContain("no EKS access entry");
    expect(sb.kubectl("workloads-staging", ["get", "namespace", "krci-shop-qa"]).code).toBe(0);

    await apply();
    expect((await probe("cd-pipeline-operator", "staging")).code).toBe(0);
  });

  it("a trust policy mismatch: probe fails at web-identity with the cause", async () => {
    const get = sb.aws([
      "iam",
      "get-role",
      "--profile",
      `sandbox-${A}`,
      "--role-name",
      "AWSIRSA_platform_CDPipelineOperator",
    ]);
    const trust = JSON.stringify(JSON.parse(get.stdout).Role.AssumeRolePolicyDocument).replace(
      "system:serviceaccount:krci:edp-cd-pipeline-operator",
      "system:serviceaccount:krci:cd-pipeline-operator",
    );
    const put = sb.aws([
      "iam",
      "update-assume-role-policy",
      "--profile",
      `sandbox-${A}`,
      "--role-name",
      "AWSIRSA_platform_CDPipelineOperator",
      "--policy-document",
      trust,
    ]);
    expect(put.code, put.stderr).toBe(0);

    const p = await probe("cd-pipeline-operator", "staging");
    expect(p.code).toBe(1);
    const web = hop(p.json, "web-identity");
    expect(web.ok).toBe(false);
    expect(web.detail.cause).toBe("trust-web-identity");
    expect(web.reason).toContain("Not authorized to perform sts:AssumeRoleWithWebIdentity");
    expect(web.fix).toContain("sub = system:serviceaccount:krci:edp-cd-pipeline-operator");
    expect(hop(p.json, "assume-role").reason).toContain("not probed: it needs the web-identity hop");
    // web-identity is the root cause: every hop after it that needs its credentials is blocked by it.
    expect(web.blockedBy).toBeUndefined();
    expect(web.detail.kind).toBe("token-exchange");
    for (const id of ["assume-role", "cluster-access", "kubernetes-permissions"]) {
      expect(hop(p.json, id), id).toMatchObject({ ok: false, blockedBy: "web-identity" });
    }
    const table = await x([
      "probe",
      "--config",
      sb.configFile,
      "--chain",
      "cd-pipeline-operator",
      "--target",
      "staging",
      "--token-file",
      opToken,
    ]);
    expect(table.stdout).toMatch(/^ {2}– assume-role +not checked because web-identity failed$/m);
    // The Argo CD chain is unaffected.
    expect((await probe("argocd", "staging")).code).toBe(0);

    await apply();
    expect((await probe("cd-pipeline-operator", "staging")).code).toBe(0);
  });

  it("a ServiceAccount annotated but not restarted is caught at service-account", async () => {
    const k = (...args: string[]) => {
      const r = sb.kubectl("krci-main", ["-n", "krci", ...args]);
      expect(r.code, r.stderr).toBe(0);
    };
    k("annotate", "serviceaccount", "edp-cd-pipeline-operator", "eks.amazonaws.com/role-arn-");
    k("rollout", "restart", "deployment", "cd-pipeline-operator");
    k(
      "annotate",
      "serviceaccount",
      "edp-cd-pipeline-operator",
      `eks.amazonaws.com/role-arn=${role(A, "CDPipelineOperator")}`,
    );

    const p = await probe("cd-pipeline-operator", "staging");
    expect(p.code).toBe(1);
    const sa = hop(p.json, "service-account");
    expect(sa.ok).toBe(false);
    expect(sa.reason).toMatch(/runs with no AWS_ROLE_ARN: it was created before the annotation/);
    expect(p.json.findings.map((f) => f.code)).toContain("XIRSA-SA-NOT-RESTARTED");
    // The token still works: only the pods are stale.
    expect(hop(p.json, "web-identity").ok).toBe(true);

    k("rollout", "restart", "deployment", "cd-pipeline-operator");
    expect((await probe("cd-pipeline-operator", "staging")).code).toBe(0);
  });

  it("env delete with the cluster unreachable fails loudly and keeps trying next time", async () => {
    // The config names the endpoint (a closed port) and the CA: --endpoint-from config uses them.
    const cfg = parse(readFileSync(sb.configFile, "utf8"));
    cfg.targets[0].endpoint = "https://127.0.0.1:9";
    cfg.targets[0].caData = readFileSync(join(sb.dir, "ca.pem")).toString("base64");
    const down = join(sb.dir, "down.yaml");
    writeFileSync(down, stringify(cfg));
    const args = ["--target", "staging", "--token-file", opToken, "--pipeline", "shop", "--stage", "qa"];
    const r = await x(["env", "delete", "--config", down, "--endpoint-from", "config", ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("could not delete namespace krci-shop-qa in cluster workloads-staging");
    expect(r.stderr).toContain("cannot be reached (ECONNREFUSED)");
    expect(r.stderr).toContain("the namespace may be orphaned there");
    expect(sb.kubectl("workloads-staging", ["get", "namespace", "krci-shop-qa"]).code).toBe(0);

    const ok = await x(["env", "delete", "--config", sb.configFile, ...args]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("namespace/krci-shop-qa: deleted");
    expect(sb.kubectl("workloads-staging", ["get", "namespace", "krci-shop-qa"]).code).not.toBe(0);
    const again = await x(["env", "delete", "--config", sb.configFile, ...args]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("namespace/krci-shop-qa: absent");
  });

  it("refuses bad input with one line and exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [
        [
          "probe",
          "--config",
          sb.configFile,
          "--chain",
          "argocd",
          "--target",
          "staging",
          "--token-file",
          "/nonexistent",
        ],
        /cannot read the web identity token file \/nonexistent: no such file/,
      ],
      [
        [
          "probe",
          "--config",
          sb.configFile,
          "--chain",
          "argocd",
          "--target",
          "nope",
          "--token-file",
          argoToken,
        ],
        /no target named 'nope'.*staging, prod/,
      ],
      [
        [
          "probe",
          "--config",
          sb.configFile,
          "--chain",
          "flux",
          "--target",
          "staging",
          "--token-file",
          argoToken,
        ],
        /--chain must be one of cd-pipeline-operator, argocd/,
      ],
      [
        ["probe", "--config", sb.configFile, "--chain", "argocd", "--target", "staging"],
        /pass --token-file or set AWS_WEB_IDENTITY_TOKEN_FILE/,
      ],
      [
        [
          "env",
          "create",
          "--config",
          sb.configFile,
          "--target",
          "staging",
          "--token-file",
          opToken,
          "--stage",
          "qa",
        ],
        /--pipeline is required/,
      ],
      [
        [
          "deploy",
          "--config",
          sb.configFile,
          "--target",
          "staging",
          "--namespace",
          "krci-x",
          "-f",
          "/nonexistent.yaml",
          "--token-file",
          argoToken,
        ],
        /cannot read \/nonexistent\.yaml: no such file/,
      ],
      [["cluster", "unregister", "--config", sb.configFile], /unknown subcommand 'unregister'/],
    ];
    for (const [args, message] of cases) {
      const r = await x(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it("the chain makes one STS round trip per hop per session and refreshes before expiry", async () => {
    let now = Date.now();
    const chain = flowChain({
      tokenFile: opToken,
      sourceRoleArn: role(A, "CDPipelineOperator"),
      targetRoleArn: role(B, "CDPipelineAgent"),
      sessionName: "xirsa-test",
      region: "eu-central-1",
      env: sb.env,
      now: () => now,
    });
    const first = await chain.target();
    await Promise.all([chain.target(), chain.target(), chain.source()]);
    expect(chain.calls).toEqual({ webIdentity: 1, assumeRole: 1 });
    // Role chaining: the target session lasts at most one hour.
    expect(first.expiration!.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(first.expiration!.getTime() - Date.now()).toBeGreaterThan(3000_000);

    now += 56 * 60_000; // within five minutes of the sessions' expiry
    const refreshed = await chain.target();
    expect(chain.calls).toEqual({ webIdentity: 2, assumeRole: 2 });
    expect(refreshed.accessKeyId).not.toBe(first.accessKeyId);

    expect(() =>
      flowChain({
        tokenFile: opToken,
        sourceRoleArn: role(A, "CDPipelineOperator"),
        targetRoleArn: role(B, "CDPipelineAgent"),
        sessionName: "x",
        region: "eu-central-1",
        env: sb.env,
        durationSeconds: 7200,
      }),
    ).toThrow(/900 to 3600 seconds, not 7200/);
  });
});
