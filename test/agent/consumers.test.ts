/**
 * issue 15 on the sandbox: what real KubeRocketCI and Argo CD installations need from xirsa. One target (prod:
 * namespaced access with Capsule, as in examples/multi-target.yaml), cluster A as the seed's fixture with
 * ConfigMap krci-config (edp-install >= 3.12.0).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { E2ESandbox } from "../live/sandbox.js";
import { sandboxConfigText } from "../live/sandbox.js";
import { requireTools } from "../tools.js";
import { flowToken, inProcess, startFlowSandbox } from "./config.js";

const skip = requireTools("test/agent/consumers.test.ts", "aws", "kubectl");

const CLUSTERS = ["krci-main", "workloads-prod"];

interface VerifyJson {
  ok: boolean;
  chains: {
    id: string;
    ok: boolean;
    hops: { id: string; ok: boolean; reason: string; codes?: string[] }[];
  }[];
  findings: { code: string; severity: string; chain?: string }[];
}

describe.skipIf(!!skip)("consumers: KubeRocketCI and Argo CD as installed", () => {
  let sb: E2ESandbox;
  let opToken: string;
  const x = (args: string[]) => inProcess(args, sb.env);
  const kubectlJson = (cluster: string, args: string[]) => {
    const r = sb.kubectl(cluster, [...args, "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const secretData = (key: string): string | undefined => {
    const s = kubectlJson("krci-main", ["-n", "argocd", "get", "secret", "cluster-prod"]);
    const v = s.data?.[key];
    return v === undefined ? undefined : Buffer.from(v, "base64").toString();
  };
  const liveVerify = async (): Promise<{ code: number | null; json: VerifyJson }> => {
    const r = await x(["verify", "--live", "--config", sb.configFile, "--output", "json"]);
    expect(r.stderr).toBe("");
    return { code: r.code, json: JSON.parse(r.stdout) as VerifyJson };
  };
  const registration = (v: VerifyJson, chain: string) =>
    v.chains.find((c) => c.id === chain)!.hops.find((h) => h.id === "registration")!;
  const env = (action: string, ...flags: string[]) =>
    x(["env", action, "--config", sb.configFile, "--target", "prod", "--token-file", opToken, ...flags]);

  beforeAll(async () => {
    // startFlowSandbox applies: on a krci-config installation that alone failed before ("edp-config does not exist").
    sb = await startFlowSandbox(
      sandboxConfigText((doc) => {
        doc.targets = (doc.targets as { name: string }[]).filter((t) => t.name === "prod");
      }),
      CLUSTERS,
    );
    opToken = flowToken(sb, "krci", "edp-cd-pipeline-operator");
  }, 180_000);

  afterAll(() => sb?.stop());

  it("lists the target in krci-config and never creates edp-config", () => {
    const cm = kubectlJson("krci-main", ["-n", "krci", "get", "configmap", "krci-config"]);
    expect(cm.data.available_clusters).toBe("in-cluster, prod");
    expect(sb.kubectl("krci-main", ["-n", "krci", "get", "configmap", "edp-config"]).code).not.toBe(0);
  }, 240_000);

  it("on an installation older than edp-install 3.12.0, uses edp-config (discovered), never krci-config", async () => {
    expect(sb.kubectl("krci-main", ["-n", "krci", "delete", "configmap", "krci-config"]).code).toBe(0);
    const made = sb.kubectl("krci-main", [
      "-n",
      "krci",
      "create",
      "configmap",
      "edp-config",
      "--from-literal=available_clusters=in-cluster",
    ]);
    expect(made.code, made.stderr).toBe(0);
    const r = await x(["cluster", "register", "--config", sb.configFile, "--target", "prod"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("ConfigMap krci/edp-config: updated");
    const cm = kubectlJson("krci-main", ["-n", "krci", "get", "configmap", "edp-config"]);
    expect(cm.data.available_clusters).toBe("in-cluster, prod");
    expect(sb.kubectl("krci-main", ["-n", "krci", "get", "configmap", "krci-config"]).code).not.toBe(0);
    const v = await liveVerify();
    expect(registration(v.json, "prod/cd-pipeline-operator").ok).toBe(true);
  }, 240_000);

  it("namespace-scoped Argo CD: the cluster Secret lists the environments that exist, kept true by env create/delete and apply", async () => {
    expect(secretData("clusterResources")).toBe("false");
    expect(secretData("namespaces")).toBe("");
    const created = await env("create", "--pipeline", "app", "--stage", "dev");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("argocd secret/cluster-prod namespaces: updated");
    expect(secretData("namespaces")).toBe("krci-app-dev");
    const ok = await liveVerify();
    expect(registration(ok.json, "prod/argocd").ok, registration(ok.json, "prod/argocd").reason).toBe(true);

    // Someone drops the key: Argo CD would list cluster-wide and be refused. verify --live fails the hop.
    const drop = sb.kubectl("krci-main", [
      "-n",
      "argocd",
      "patch",
      "secret",
      "cluster-prod",
      "--type",
      "json",
      "-p",
      '[{"op":"remove","path":"/data/namespaces"}]',
    ]);
    expect(drop.code, drop.stderr).toBe(0);
    const broken = await liveVerify();
    expect(broken.code).toBe(1);
    const hop = registration(broken.json, "prod/argocd");
    expect(hop.ok).toBe(false);
    expect(hop.codes?.[0]).toBe("XIRSA-ARGOCD-NAMESPACED-CACHE");

    // apply recomputes the list from the namespaces that exist.
    const applied = await x(["apply", "--config", sb.configFile, "--yes"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(secretData("namespaces")).toBe("krci-app-dev");

    const deleted = await env("delete", "--pipeline", "app", "--stage", "dev");
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(secretData("namespaces")).toBe("");
  }, 240_000);

  it("GitOps-owned AppProject (the add-ons' Helm hook): plan shows BLOCKED (managed by …), apply leaves it, verify warns; --patch-managed patches", async () => {
    const project = () => kubectlJson("krci-main", ["-n", "argocd", "get", "appproject", "krci"]);
    const mark = sb.kubectl("krci-main", [
      "-n",
      "argocd",
      "annotate",
      "appproject",
      "krci",
      "helm.sh/hook=post-install",
      "helm.sh/hook-delete-policy=before-hook-creation",
    ]);
    expect(mark.code, mark.stderr).toBe(0);
    // A sync re-created it from the template: xirsa's destination is gone.
    const reset = sb.kubectl("krci-main", [
      "-n",
      "argocd",
      "patch",
      "appproject",
      "krci",
      "--type",
      "merge",
      "-p",
      '{"spec":{"destinations":[{"namespace":"*","server":"https://kubernetes.default.svc"}]}}',
    ]);
    expect(reset.code, reset.stderr).toBe(0);

    const planned = await x(["plan", "--config", sb.configFile]);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain("BLOCKED (managed by Helm (hook post-install");
    expect(planned.stdout).toContain("argo-cd/templates/appProjectKRCI.yaml");

    const applied = await x(["apply", "--config", sb.configFile, "--yes"]);
    expect(applied.code).toBe(1); // the Argo CD registration stays broken, and says why
    expect(applied.stderr).toContain("left alone: AppProject argocd/krci is managed by Helm");
    expect(project().spec.destinations).toHaveLength(1);
    const v = await liveVerify();
    expect(v.json.findings.find((f) => f.code === "XIRSA-GITOPS-MANAGED")?.severity).toBe("warning");
    expect(registration(v.json, "prod/argocd").codes).toContain("XIRSA-REG-APPPROJECT");

    const forced = await x(["apply", "--config", sb.configFile, "--yes", "--patch-managed"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(project().spec.destinations).toHaveLength(2);
  }, 240_000);

  it("refuses a target named like an existing Secret (regcred) before any change, one line, exit 2", async () => {
    const made = sb.kubectl("krci-main", [
      "-n",
      "krci",
      "create",
      "secret",
      "generic",
      "regcred",
      "--from-literal=.dockerconfigjson={}",
    ]);
    expect(made.code, made.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(sb.configFile, "utf8"));
    doc.targets[0].name = "regcred";
    const file = join(sb.dir, "regcred.yaml");
    writeFileSync(file, JSON.stringify(doc));
    for (const cmd of [
      ["apply", "--yes"],
      ["cluster", "register", "--target", "regcred"],
    ]) {
      const r = await x([
        ...cmd.slice(0, cmd[0] === "cluster" ? 2 : 1),
        "--config",
        file,
        ...cmd.slice(cmd[0] === "cluster" ? 2 : 1),
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("Secret krci/regcred already exists");
    }
    expect(sb.kubectl("krci-main", ["-n", "krci", "get", "secret", "regcred-cluster"]).code).not.toBe(0);
    expect(sb.kubectl("krci-main", ["-n", "argocd", "get", "secret", "cluster-regcred"]).code).not.toBe(0);
  }, 240_000);

  it("verify --live reads the operator's own verdict on its cluster Secret (cluster-connected / cluster-error)", async () => {
    const annotate = (...kv: string[]) => {
      const r = sb.kubectl("krci-main", [
        "-n",
        "krci",
        "annotate",
        "--overwrite",
        "secret",
        "prod-cluster",
        ...kv,
      ]);
      expect(r.code, r.stderr).toBe(0);
    };
    annotate(
      "app.edp.epam.com/cluster-connected=false",
      "app.edp.epam.com/cluster-error=failed to connect: Unauthorized",
    );
    const bad = await liveVerify();
    expect(bad.code).toBe(1);
    const hop = registration(bad.json, "prod/cd-pipeline-operator");
    expect(hop.ok).toBe(false);
    expect(hop.reason).toContain(
      "the CD pipeline operator reports on Secret krci/prod-cluster: failed to connect: Unauthorized",
    );
    annotate("app.edp.epam.com/cluster-connected=true", "app.edp.epam.com/cluster-error-");
    const good = await liveVerify();
    const ok = registration(good.json, "prod/cd-pipeline-operator") as {
      ok: boolean;
      detail?: { operator?: { connected: boolean; note: string } };
    };
    expect(ok.ok).toBe(true);
    expect(ok.detail?.operator?.connected).toBe(true);
    expect(ok.detail?.operator?.note).toContain("authentication only");
  }, 240_000);

  it("a portal edit of the KubeRocketCI Secret (awsAuthConfig.clusterName = the display name) fails registration live, with the fix", async () => {
    // The portal writes the target's display name (prod) where the EKS cluster's name (workloads-prod) belongs.
    const secret = kubectlJson("krci-main", ["-n", "krci", "get", "secret", "prod-cluster"]);
    const original = Buffer.from(secret.data.config, "base64").toString();
    const config = JSON.parse(original);
    expect(config.awsAuthConfig.clusterName).toBe("workloads-prod");
    const put = (text: string) => {
      const patch = JSON.stringify({ data: { config: Buffer.from(text).toString("base64") } });
      const r = sb.kubectl("krci-main", ["-n", "krci", "patch", "secret", "prod-cluster", "-p", patch]);
      expect(r.code, r.stderr).toBe(0);
    };
    put(JSON.stringify({ ...config, awsAuthConfig: { ...config.awsAuthConfig, clusterName: "prod" } }));
    const bad = await liveVerify();
    expect(bad.code).toBe(1);
    const hop = registration(bad.json, "prod/cd-pipeline-operator") as VerifyJson["chains"][0]["hops"][0] & {
      fix?: string;
    };
    expect(hop.ok).toBe(false);
    expect(hop.codes).toContain("XIRSA-REG-CLUSTER-NAME");
    expect(hop.reason).toContain("awsAuthConfig.clusterName is prod, not workloads-prod");
    expect(hop.fix).toContain("set awsAuthConfig.clusterName to workloads-prod");
    put(original);
    expect(registration((await liveVerify()).json, "prod/cd-pipeline-operator").ok).toBe(true);
  }, 240_000);

  it("restarts Argo CD by spec.serviceAccountName and ownerReferences, whatever the labels (nameOverride)", async () => {
    // argo-helm with nameOverride: the pods are labelled argocd-srv, not argocd-server.
    expect(sb.kubectl("krci-main", ["-n", "argocd", "delete", "deployment", "argocd-server"]).code).toBe(0);
    const renamed = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "argocd-srv", namespace: "argocd" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": "argocd-srv" } },
        template: {
          metadata: { labels: { "app.kubernetes.io/name": "argocd-srv" } },
          spec: { serviceAccountName: "argocd-server", containers: [{ name: "server", image: "argocd" }] },
        },
      },
    };
    const made = sb.kubectl("krci-main", ["apply", "-f", "-"], JSON.stringify(renamed));
    expect(made.code, made.stderr).toBe(0);
    // The pods were made before this annotation value: apply must restart argocd-srv.
    const ann = sb.kubectl("krci-main", [
      "-n",
      "argocd",
      "annotate",
      "--overwrite",
      "serviceaccount",
      "argocd-server",
      "eks.amazonaws.com/role-arn=arn:aws:iam::111111111111:role/elsewhere",
    ]);
    expect(ann.code, ann.stderr).toBe(0);
    const applied = await x(["apply", "--config", sb.configFile, "--yes"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("restart Deployment argocd-srv");
    const pods = kubectlJson("krci-main", [
      "-n",
      "argocd",
      "get",
      "pods",
      "-l",
      "app.kubernetes.io/name=argocd-srv",
    ]);
    expect(pods.items.length).toBeGreaterThan(0);
    for (const p of pods.items) {
      const env = p.spec.containers[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === "AWS_ROLE_ARN")?.value).toBe(
        "arn:aws:iam::111111111111:role/AWSIRSA_platform_ArgoCDMaster",
      );
    }
  }, 240_000);
});
