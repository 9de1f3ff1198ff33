/**
 * issue 15 §3 and §9 on the sandbox (target prod: namespaced access and Capsule).
 *
 * §3: AmazonEKSAdminPolicy grants nothing on custom resources. verify --live says so, `deploy` refuses an
 * Argo CD Application (a custom resource the sandbox serves) before sending anything, and once
 * `targets[].extraResources` lists it, apply binds it in the environments and the deploy goes through.
 *
 * §9: Capsule >= 0.12 lists its users in CapsuleConfiguration `spec.users` (the sandbox
 * honours it and the deprecated `userGroups`), `xirsa apply` adds the operator's group in the form the installed
 * object uses, and Capsule binds the tenant owners in a new namespace only after a while
 * (`sandbox up --capsule-bind-delay-ms`): `env create` waits for it, saying so on stderr.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { E2ESandbox } from "../live/sandbox.js";
import { sandboxConfigText } from "../live/sandbox.js";
import { requireTools } from "../tools.js";
import { flowToken, inProcess, startFlowSandbox } from "./config.js";

const skip = requireTools("test/agent/capsule.test.ts", "aws", "kubectl");

const CLUSTERS = ["krci-main", "workloads-staging", "workloads-prod"];

/** A Capsule >= 0.12 installation as its chart leaves it: its default group and one user of someone else. */
const INSTALLED = `apiVersion: capsule.clastix.io/v1beta2
kind: CapsuleConfiguration
metadata:
  name: default
spec:
  users:
    - kind: Group
      name: projectcapsule.dev
    - kind: User
      name: alice
`;

describe.skipIf(!!skip)("Capsule >= 0.12 and its bind delay on the sandbox", () => {
  let sb: E2ESandbox;
  let opToken: string;
  let argoToken: string;

  beforeAll(async () => {
    sb = await startFlowSandbox(
      sandboxConfigText(),
      CLUSTERS,
      (s) => {
        const r = s.kubectl("workloads-prod", ["apply", "-f", "-"], INSTALLED);
        expect(r.code, r.stderr).toBe(0);
      },
      ["--capsule-bind-delay-ms", "1500"],
    );
    opToken = flowToken(sb, "krci", "edp-cd-pipeline-operator");
    argoToken = flowToken(sb, "argocd", "argocd-application-controller");
  }, 180_000);

  afterAll(() => sb?.stop());

  it("apply adds the operator's group to spec.users and leaves the other entries and userGroups alone", () => {
    const r = sb.kubectl("workloads-prod", ["get", "capsuleconfiguration", "default", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const spec = JSON.parse(r.stdout).spec;
    expect(spec.users).toEqual([
      { kind: "Group", name: "projectcapsule.dev" },
      { kind: "User", name: "alice" },
      { kind: "Group", name: "cd-pipeline-operator" },
    ]);
    expect(spec.userGroups).toBeUndefined();
  });

  it("verify --live proves the operator a Capsule user through spec.users", async () => {
    const r = await inProcess(["verify", "--config", sb.configFile, "--live", "--output", "json"], sb.env);
    const out = JSON.parse(r.stdout) as { findings: { code: string }[] };
    expect(out.findings.map((f) => f.code)).not.toContain("XIRSA-CAPSULE-NOT-USER");
  });

  it("env create waits while Capsule has not yet bound the tenant owners, then makes the environment", async () => {
    const r = await inProcess(
      [
        "env",
        "create",
        "--config",
        sb.configFile,
        "--target",
        "prod",
        "--token-file",
        opToken,
        "--pipeline",
        "shop",
        "--stage",
        "dev",
      ],
      sb.env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/waiting for Capsule to bind tenant krci's owners/);
    expect(r.stdout).toContain("(Capsule tenant krci)");
    const rb = sb.kubectl("workloads-prod", ["-n", "krci-shop-dev", "get", "rolebinding", "tenant-admin"]);
    expect(rb.code, rb.stderr).toBe(0);
  });

  const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: demo
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: child
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: krci-shop-dev}
  source: {repoURL: https://example.invalid/repo.git, path: app}
`;
  const deploy = async () => {
    const file = join(sb.dir, "with-cr.yaml");
    writeFileSync(file, MANIFEST);
    return inProcess(
      [
        "deploy",
        "--config",
        sb.configFile,
        "--target",
        "prod",
        "--token-file",
        argoToken,
        "--namespace",
        "krci-shop-dev",
        "-f",
        file,
      ],
      sb.env,
    );
  };
  const findings = async () => {
    const r = await inProcess(["verify", "--config", sb.configFile, "--live", "--output", "json"], sb.env);
    return (JSON.parse(r.stdout) as { findings: { code: string; resource: string }[] }).findings;
  };

  it("verify --live warns that AmazonEKSAdminPolicy grants Argo CD nothing on custom resources", async () => {
    const f = await findings();
    expect(f.filter((x) => x.code === "XIRSA-EKS-NO-CUSTOM-RESOURCES").length).toBeGreaterThan(0);
  });

  it("deploy refuses a custom resource the Argo CD role cannot create, before sending anything", async () => {
    const r = await deploy();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("AmazonEKSAdminPolicy grants nothing on custom resources");
    expect(r.stderr).toContain("targets[].extraResources");
    // The ConfigMap before it was not applied either.
    const cm = sb.kubectl("workloads-prod", ["-n", "krci-shop-dev", "get", "configmap", "settings"]);
    expect(cm.code).not.toBe(0);
  });

  it("with targets[].extraResources, apply binds the kind in the environments and the deploy goes through", async () => {
    const doc = JSON.parse(readFileSync(sb.configFile, "utf8")) as { targets: Record<string, unknown>[] };
    doc.targets.find((t) => t.name === "prod")!.extraResources = [
      { apiGroup: "argoproj.io", resources: ["applications"] },
    ];
    writeFileSync(sb.configFile, JSON.stringify(doc, null, 2));
    const applied = await inProcess(["apply", "--config", sb.configFile, "--yes"], sb.env);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const rb = sb.kubectl("workloads-prod", [
      "-n",
      "krci-shop-dev",
      "get",
      "rolebinding",
      "xirsa-extra-resources",
    ]);
    expect(rb.code, rb.stderr).toBe(0);
    const f = await findings();
    expect(f.map((x) => x.code)).not.toContain("XIRSA-EKS-NO-CUSTOM-RESOURCES");
    expect(f.map((x) => x.code)).not.toContain("XIRSA-K8S-EXTRA-RESOURCE-DENIED");
    const r = await deploy();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("application.argoproj.io/child created");

    // A new environment gets the RoleBinding from env create, through the operator's chain.
    const env = await inProcess(
      [
        "env",
        "create",
        "--config",
        sb.configFile,
        "--target",
        "prod",
        "--token-file",
        opToken,
        "--pipeline",
        "shop",
        "--stage",
        "qa",
      ],
      sb.env,
    );
    expect(env.code, env.stderr).toBe(0);
    const rb2 = sb.kubectl("workloads-prod", [
      "-n",
      "krci-shop-qa",
      "get",
      "rolebinding",
      "xirsa-extra-resources",
    ]);
    expect(rb2.code, rb2.stderr).toBe(0);
  });
});
