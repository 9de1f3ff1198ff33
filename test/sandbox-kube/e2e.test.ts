/**
 * End to end: the whole sandbox (AWS endpoint + Kubernetes APIs) in-process, kubeconfigs from writeKubeconfig
 * whose exec plugin is the real `aws eks get-token` (presigning against the sandbox STS), and the real kubectl.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeKubeconfig } from "../../src/sandbox/kube/index.js";
import { files } from "../../src/sandbox/server.js";
import {
  aws,
  B,
  CLUSTER_A,
  CLUSTER_B,
  type Harness,
  REGION_B,
  startHarness,
} from "../sandbox-aws/helpers.js";
import { requireTools } from "../tools.js";
import { kubectlRunner, type Run, writeTokenKubeconfig } from "./kubectlHelper.js";

const skip = requireTools("test/sandbox-kube/e2e.test.ts", "aws", "kubectl");

describe.skipIf(!!skip)("full sandbox: kubectl with `aws eks get-token`", () => {
  let h: Harness;
  let dir: string;
  let home: string;
  let kubectl: (kubeconfig: string, args: string[], input?: string) => Promise<Run>;
  const profileB = ["--profile", `sandbox-${B}`, "--region", REGION_B];
  const devArn = `arn:aws:iam::${B}:role/Dev`;
  const kubeconfig = (name: string, cluster: string, server: string, roleArn?: string) => {
    const file = join(home, `${name}.kubeconfig`);
    writeKubeconfig({
      file,
      clusterName: cluster,
      server,
      caPem: h.sandbox.caPem,
      region: REGION_B,
      profile: `sandbox-${B}`,
      envFile: files(dir).env,
      ...(roleArn ? { roleArn } : {}),
    });
    return file;
  };
  const createDevRole = async () => {
    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "sts:AssumeRole" },
      ],
    });
    const r = await aws(h.env, [
      "iam",
      "create-role",
      "--role-name",
      "Dev",
      "--assume-role-policy-document",
      trust,
      ...profileB,
    ]);
    expect(r.stderr).toBe("");
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xirsa-kube-e2e-"));
    home = mkdtempSync(join(tmpdir(), "xirsa-kube-e2e-home-"));
    h = await startHarness({ kube: true, dir });
    kubectl = kubectlRunner(home);
    await createDevRole();
    for (const args of [
      ["eks", "create-access-entry", "--cluster-name", CLUSTER_B, "--principal-arn", devArn],
      [
        "eks",
        "associate-access-policy",
        "--cluster-name",
        CLUSTER_B,
        "--principal-arn",
        devArn,
        "--policy-arn",
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
        "--access-scope",
        "type=namespace,namespaces=krci-*",
      ],
    ]) {
      const r = await aws(h.env, [...args, ...profileB]);
      expect(r.stderr, args.join(" ")).toBe("");
    }
  });
  afterAll(async () => {
    await h?.close();
    for (const d of [dir, home]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("writeKubeconfig: an exec plugin running aws eks get-token with the sandbox env, mode 0600", () => {
    const file = kubeconfig("check", CLUSTER_B, h.sandbox.kube[CLUSTER_B]!, devArn);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const doc = parse(readFileSync(file, "utf8"));
    const exec = doc.users[0].user.exec;
    expect(exec.command).toBe("aws");
    expect(exec.args).toEqual([
      "--region",
      REGION_B,
      "eks",
      "get-token",
      "--cluster-name",
      CLUSTER_B,
      "--output",
      "json",
      "--role-arn",
      devArn,
    ]);
    const env = Object.fromEntries(exec.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ AWS_PROFILE: `sandbox-${B}`, AWS_ENDPOINT_URL: h.sandbox.awsUrl });
    expect(doc.clusters[0].cluster["certificate-authority-data"]).toBe(
      Buffer.from(h.sandbox.caPem).toString("base64"),
    );
  });

  it("the account admin (cluster creator entry) administers its cluster", async () => {
    const admin = kubeconfig("admin", CLUSTER_B, h.sandbox.kube[CLUSTER_B]!);
    const v = await kubectl(admin, ["version"]);
    expect(v.stdout, v.stderr).toContain("Server Version: v1.31.4-eks-sandbox");
    const ns = await kubectl(admin, ["create", "namespace", "krci-dev"]);
    expect(ns.stdout.trim(), ns.stderr).toBe("namespace/krci-dev created");
    const can = await kubectl(admin, ["auth", "can-i", "create", "namespaces"]);
    expect(can.stdout.trim(), can.stderr).toBe("yes");
  });

  it("an EKS token is good until 15 minutes after X-Amz-Date, whatever X-Amz-Expires=60 says", async () => {
    const got = await aws(h.env, ["eks", "get-token", "--cluster-name", CLUSTER_B, ...profileB]);
    const token = got.json().status.token as string;
    const url = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString());
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    const file = join(home, "static.kubeconfig");
    writeTokenKubeconfig(file, h.sandbox.kube[CLUSTER_B]!, h.sandbox.caPem, { token });
    try {
      // Ten minutes on the sandbox's clock: long past X-Amz-Expires, inside the 15 minutes.
      h.clock.offsetMs = 10 * 60_000;
      const ok = await kubectl(file, ["get", "namespace", "default", "-o", "name"]);
      expect(ok.stdout.trim(), ok.stderr).toBe("namespace/default");
      h.clock.offsetMs = 15 * 60_000 + 5_000;
      const late = await kubectl(file, ["get", "namespace", "default", "-o", "name"]);
      expect(late.code).toBe(1);
      expect(late.stderr).toMatch(/You must be logged in to the server/);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("a role with a namespaced access policy works inside krci-* only", async () => {
    const dev = kubeconfig("dev", CLUSTER_B, h.sandbox.kube[CLUSTER_B]!, devArn);
    const ok = await kubectl(dev, ["create", "configmap", "c", "-n", "krci-dev", "--from-literal=a=b"]);
    expect(ok.stdout.trim(), ok.stderr).toBe("configmap/c created");
    const denied = await kubectl(dev, ["get", "configmaps", "-n", "default"]);
    expect(denied.stderr.trim()).toMatch(
      /^Error from server \(Forbidden\): configmaps is forbidden: User "arn:aws:sts::222222222222:assumed-role\/Dev\/[^"]+" cannot list resource "configmaps" in API group "" in the namespace "default"$/,
    );
  });

  it("a token for another cluster is refused", async () => {
    // The exec plugin signs for cluster A; the server of cluster B checks with its own id.
    const wrong = kubeconfig("wrong", CLUSTER_A, h.sandbox.kube[CLUSTER_B]!);
    const r = await kubectl(wrong, ["get", "namespaces"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/You must be logged in to the server/);
  });

  it("state persists across a restart of the whole sandbox", async () => {
    await h.close();
    h = await startHarness({ kube: true, dir });
    const admin = kubeconfig("admin2", CLUSTER_B, h.sandbox.kube[CLUSTER_B]!);
    const r = await kubectl(admin, ["get", "configmap", "c", "-n", "krci-dev", "-o", "jsonpath={.data.a}"]);
    expect(r.stdout, r.stderr).toBe("b");
  });

  it("an unexpired session of a deleted role still authenticates through the role's old access entry", async () => {
    const assumed = await aws(h.env, [
      "sts",
      "assume-role",
      "--role-arn",
      devArn,
      "--role-session-name",
      "before-delete",
      ...profileB,
    ]);
    const c = assumed.json().Credentials;
    const del = await aws(h.env, ["iam", "delete-role", "--role-name", "Dev", ...profileB]);
    expect(del.stderr).toBe("");
    try {
      const { AWS_PROFILE: _profile, ...base } = h.env;
      const sessionEnv = {
        ...base,
        AWS_ACCESS_KEY_ID: c.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
        AWS_SESSION_TOKEN: c.SessionToken,
      };
      const got = await aws(sessionEnv, [
        "eks",
        "get-token",
        "--cluster-name",
        CLUSTER_B,
        "--region",
        REGION_B,
      ]);
      expect(got.stderr).toBe("");
      const file = join(home, "deleted-role.kubeconfig");
      writeTokenKubeconfig(file, h.sandbox.kube[CLUSTER_B]!, h.sandbox.caPem, {
        token: got.json().status.token as string,
      });
      const r = await kubectl(file, ["get", "configmap", "c", "-n", "krci-dev", "-o", "name"]);
      expect(r.stdout.trim(), r.stderr).toBe("configmap/c");
    } finally {
      await createDevRole();
    }
  });

  it("a re-created role leaves its access entry stale (401)", async () => {
    const del = await aws(h.env, ["iam", "delete-role", "--role-name", "Dev", ...profileB]);
    expect(del.stderr).toBe("");
    await createDevRole();
    const dev = kubeconfig("dev2", CLUSTER_B, h.sandbox.kube[CLUSTER_B]!, devArn);
    const r = await kubectl(dev, ["get", "configmaps", "-n", "krci-dev"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/You must be logged in to the server/);
  });
});
