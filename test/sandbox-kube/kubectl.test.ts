/** The real kubectl (dispatcher -> kubectl 1.31) against a sandbox cluster, with presigned EKS tokens. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyServiceAccountToken } from "../../src/sandbox/jwt.js";
import { requireTools } from "../tools.js";
import {
  ADMIN,
  call,
  eksToken,
  NOBODY,
  POLICY,
  type Principal,
  RECREATED,
  rolePrincipal,
  STALE_ENTRY,
  startTestCluster,
  type TestCluster,
} from "./harness.js";
import { kubectlRunner, newestKubectl, type Run, writeTokenKubeconfig } from "./kubectlHelper.js";

const skip = requireTools("test/sandbox-kube/kubectl.test.ts", "kubectl");

const DEV = rolePrincipal("Dev", "dev", "AROADEV000000000001");
const AGENT = rolePrincipal("Agent", "agent", "AROAAGENT0000000001");

describe.skipIf(!!skip)("kubectl against the sandbox API", () => {
  let tc: TestCluster;
  let home: string;
  let kubectl: (kubeconfig: string, args: string[], input?: string) => Promise<Run>;
  const kc: Record<string, string> = {};
  const kcFor = async (
    name: string,
    p: Principal,
    opts?: Parameters<typeof eksToken>[2],
    cluster?: string,
  ) => {
    const file = join(home, `${name}.kubeconfig`);
    const token = cluster ? await eksToken(p, cluster, opts) : await tc.token(p, opts);
    writeTokenKubeconfig(file, tc.url, tc.caPem, { token });
    kc[name] = file;
    return file;
  };
  const admin = (args: string[], input?: string) => kubectl(kc.admin!, args, input);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "xirsa-kubectl-"));
    kubectl = kubectlRunner(home);
    tc = await startTestCluster({
      principals: [DEV, AGENT, NOBODY, RECREATED],
      entries: [
        {
          principalArn: "arn:aws:iam::111111111111:role/Dev",
          principalId: "AROADEV000000000001",
          accessPolicies: [
            {
              policyArn: POLICY("AmazonEKSAdminPolicy"),
              accessScope: { type: "namespace", namespaces: ["krci-*"] },
            },
          ],
        },
        {
          principalArn: "arn:aws:iam::111111111111:role/Agent",
          principalId: "AROAAGENT0000000001",
          kubernetesGroups: ["capsule.clastix.io"],
        },
        STALE_ENTRY,
      ],
    });
    await kcFor("admin", ADMIN);
    await kcFor("dev", DEV);
    await kcFor("agent", AGENT);
  });
  afterAll(async () => {
    await tc?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("version picks the server's minor version", async () => {
    const r = await admin(["version", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.serverVersion.gitVersion).toBe("v1.31.4-eks-sandbox");
    expect(v.clientVersion.minor).toBe("31");
  });

  it("get prints the server's Table columns", async () => {
    const r = await admin(["get", "namespaces"]);
    expect(r.stdout.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(r.stdout).toMatch(/\ndefault\s+Active\s+\d+s\n/);
  });

  it("get, create namespace (protobuf body), get -o json", async () => {
    const ns = await admin(["get", "namespaces", "-o", "name"]);
    expect(ns.stdout.split("\n")).toEqual(
      expect.arrayContaining(["namespace/default", "namespace/kube-system"]),
    );
    const created = await admin(["create", "namespace", "krci-dev"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toBe("namespace/krci-dev created");
    const again = await admin(["create", "namespace", "krci-dev"]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      'Error from server (AlreadyExists): namespaces "krci-dev" already exists',
    );
    const missing = await admin(["get", "namespace", "nope"]);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): namespaces "nope" not found');
  });

  it("apply -f creates, then updates with the strategic merge patch kubectl computes", async () => {
    const manifest = (image: string, server: string, extraEnv = "") => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: op
  namespace: krci-dev
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: edp-config
  namespace: krci-dev
data:
  available_clusters: "a, b"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: op
  namespace: krci-dev
spec:
  replicas: 2
  selector:
    matchLabels: {app: op}
  template:
    metadata:
      labels: {app: op}
    spec:
      serviceAccountName: op
      containers:
      - name: op
        image: ${image}
        env:
        - name: A
          value: "1"${extraEnv}
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: krci
  namespace: krci-dev
spec:
  destinations:
  - namespace: krci-*
    server: ${server}
`;
    const first = await admin(["apply", "-f", "-"], manifest("op:1", "https://a"));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split("\n")).toEqual([
      "serviceaccount/op created",
      "configmap/edp-config created",
      "deployment.apps/op created",
      "appproject.argoproj.io/krci created",
    ]);
    const second = await admin(
      ["apply", "-f", "-"],
      manifest("op:2", "https://b", '\n        - name: B\n          value: "2"'),
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe("");
    expect(second.stdout.trim().split("\n")).toEqual([
      "serviceaccount/op unchanged",
      "configmap/edp-config unchanged",
      "deployment.apps/op configured",
      "appproject.argoproj.io/krci configured",
    ]);
    const dep = JSON.parse((await admin(["get", "deploy", "op", "-n", "krci-dev", "-o", "json"])).stdout);
    expect(dep.spec.template.spec.containers[0].image).toBe("op:2");
    expect(dep.spec.template.spec.containers[0].env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    expect(dep.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toContain('"op:2"');
    expect(dep.status.readyReplicas).toBe(2);
    const proj = JSON.parse(
      (await admin(["get", "appproject", "krci", "-n", "krci-dev", "-o", "json"])).stdout,
    );
    expect(proj.spec.destinations).toEqual([{ namespace: "krci-*", server: "https://b" }]);
    expect(proj.metadata.generation).toBe(2);
  });

  it("patch (strategic, merge, json), rollout restart, delete", async () => {
    const ns = ["-n", "krci-dev"];
    expect(
      (await admin(["patch", "deploy", "op", ...ns, "-p", '{"spec":{"replicas":3}}'])).stdout.trim(),
    ).toBe("deployment.apps/op patched");
    await admin(["patch", "configmap", "edp-config", ...ns, "--type", "merge", "-p", '{"data":{"x":"y"}}']);
    await admin([
      "patch",
      "sa",
      "op",
      ...ns,
      "--type",
      "json",
      "-p",
      '[{"op":"add","path":"/metadata/annotations","value":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111111111111:role/Op"}}]',
    ]);
    const cm = JSON.parse((await admin(["get", "cm", "edp-config", ...ns, "-o", "json"])).stdout);
    expect(cm.data).toEqual({ available_clusters: "a, b", x: "y" });
    const podsBefore = (await admin(["get", "pods", ...ns, "-l", "app=op", "-o", "name"])).stdout
      .trim()
      .split("\n");
    expect(podsBefore).toHaveLength(3);
    const envOf = async () =>
      JSON.parse((await admin(["get", "pods", ...ns, "-l", "app=op", "-o", "json"])).stdout).items.map(
        (p: { spec: { containers: { env: { name: string }[] }[] } }) =>
          p.spec.containers[0]!.env.map((e) => e.name),
      );
    expect((await envOf()).every((names: string[]) => !names.includes("AWS_ROLE_ARN"))).toBe(true);
    const restart = await admin(["rollout", "restart", "deployment/op", ...ns]);
    expect(restart.stdout.trim()).toBe("deployment.apps/op restarted");
    const status = await admin(["rollout", "status", "deployment/op", ...ns, "--timeout=10s"]);
    expect(status.stdout).toContain('deployment "op" successfully rolled out');
    const podsAfter = (await admin(["get", "pods", ...ns, "-l", "app=op", "-o", "name"])).stdout
      .trim()
      .split("\n");
    expect(podsAfter).toHaveLength(3);
    expect(podsAfter.filter((p) => podsBefore.includes(p))).toEqual([]);
    expect(
      (await envOf()).every(
        (names: string[]) => names.includes("AWS_ROLE_ARN") && names.includes("AWS_WEB_IDENTITY_TOKEN_FILE"),
      ),
    ).toBe(true);
    const delPods = await admin(["delete", "pod", ...ns, "-l", "app=op"]);
    expect(delPods.code, delPods.stderr).toBe(0);
    expect(delPods.stdout.trim().split("\n")).toHaveLength(3);
    const del = await admin(["delete", "configmap", "edp-config", ...ns]);
    expect(del.stdout.trim()).toBe('configmap "edp-config" deleted');
    expect((await admin(["get", "cm", "edp-config", ...ns])).code).toBe(1);
  });

  it("auth can-i answers yes/no with the authorizer's decision", async () => {
    const dev = (args: string[]) => kubectl(kc.dev!, args);
    const yes = await dev(["auth", "can-i", "create", "rolebindings", "-n", "krci-dev"]);
    expect([yes.code, yes.stdout.trim()]).toEqual([0, "yes"]);
    const no = await dev(["auth", "can-i", "create", "pods", "-n", "default"]);
    expect([no.code, no.stdout.trim()]).toEqual([1, "no"]);
    const ns = await dev(["auth", "can-i", "create", "namespaces"]);
    expect(ns.stdout.trim()).toBe("no");
    expect((await admin(["auth", "can-i", "*", "*"])).stdout.trim()).toBe("yes");
  });

  it("auth whoami and can-i --list (RBAC rules only, as on EKS)", async () => {
    const who = await kubectl(kc.dev!, ["auth", "whoami", "-o", "json"]);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({
      username: "arn:aws:sts::111111111111:assumed-role/Dev/dev",
      uid: "aws-iam-authenticator:111111111111:AROADEV000000000001",
      groups: ["system:authenticated"],
    });
    const list = await kubectl(kc.dev!, ["auth", "can-i", "--list", "-n", "krci-dev"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("selfsubjectaccessreviews.authorization.k8s.io");
    expect(list.stdout).not.toMatch(/^rolebindings/m);
  });

  it("the newest kubectl here (1.33 sends protobuf) gets the same answers from can-i, whoami and create", async () => {
    const bin = newestKubectl();
    const newest = kubectlRunner(home, {}, bin);
    const version = await newest(kc.dev!, ["version", "--client", "-o", "json"]);
    expect(version.code, `${bin}: ${version.stderr}`).toBe(0);
    const yes = await newest(kc.dev!, ["auth", "can-i", "create", "rolebindings", "-n", "krci-dev"]);
    expect([yes.code, yes.stdout.trim(), yes.stderr]).toEqual([0, "yes", ""]);
    const no = await newest(kc.dev!, ["auth", "can-i", "create", "pods", "-n", "default"]);
    expect([no.code, no.stdout.trim()]).toEqual([1, "no"]);
    const who = await newest(kc.dev!, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"]);
    expect([who.code, who.stdout, who.stderr]).toEqual([
      0,
      "arn:aws:sts::111111111111:assumed-role/Dev/dev",
      "",
    ]);
    const list = await newest(kc.dev!, ["auth", "can-i", "--list", "-n", "krci-dev"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("selfsubjectaccessreviews.authorization.k8s.io");
    const rb = await newest(kc.admin!, [
      "create",
      "rolebinding",
      "pb-edit",
      "-n",
      "krci-dev",
      "--clusterrole",
      "edit",
      "--group",
      "developers",
    ]);
    expect(rb.code, rb.stderr).toBe(0);
    const got = await admin(["get", "rolebinding", "pb-edit", "-n", "krci-dev", "-o", "json"]);
    expect(JSON.parse(got.stdout)).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "edit" },
      subjects: [{ kind: "Group", name: "developers" }],
    });
    const token = await newest(kc.admin!, [
      "create",
      "token",
      "op",
      "-n",
      "krci-dev",
      "--audience",
      "sts.amazonaws.com",
    ]);
    expect(token.code, token.stderr).toBe(0);
    const v = await verifyServiceAccountToken(token.stdout.trim(), {
      issuer: tc.cluster.issuer,
      publicJwk: tc.saKey.publicJwk,
      audiences: ["sts.amazonaws.com"],
      now: new Date(),
    });
    expect(v.ok && v.claims.sub).toBe("system:serviceaccount:krci-dev:op");
  });

  it("create token: a web identity JWT of this cluster, and an API credential for the ServiceAccount", async () => {
    const web = await admin(["create", "token", "op", "-n", "krci-dev", "--audience", "sts.amazonaws.com"]);
    expect(web.code, web.stderr).toBe(0);
    const v = await verifyServiceAccountToken(web.stdout.trim(), {
      issuer: tc.cluster.issuer,
      publicJwk: tc.saKey.publicJwk,
      audiences: ["sts.amazonaws.com"],
      now: new Date(),
    });
    expect(v.ok && v.claims.sub).toBe("system:serviceaccount:krci-dev:op");
    const api = await admin(["create", "token", "op", "-n", "krci-dev"]);
    const f = join(home, "sa.kubeconfig");
    writeTokenKubeconfig(f, tc.url, tc.caPem, { token: api.stdout.trim() });
    const who = await kubectl(f, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"]);
    expect(who.stdout).toBe("system:serviceaccount:krci-dev:op");
    const denied = await kubectl(f, ["get", "pods", "-n", "krci-dev"]);
    expect(denied.stderr).toContain('User "system:serviceaccount:krci-dev:op" cannot list resource "pods"');
  });

  it("a namespaced access policy used outside its namespaces is Forbidden", async () => {
    const r = await kubectl(kc.dev!, ["get", "pods", "-n", "default"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): pods is forbidden: User "arn:aws:sts::111111111111:assumed-role/Dev/dev" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    expect((await kubectl(kc.dev!, ["get", "pods", "-n", "krci-dev"])).code).toBe(0);
  });

  it("a Capsule user without tenant gets Capsule's denial", async () => {
    await admin(
      ["apply", "-f", "-"],
      "apiVersion: capsule.clastix.io/v1beta2\nkind: CapsuleConfiguration\nmetadata:\n  name: default\nspec:\n  userGroups: [capsule.clastix.io]\n",
    );
    const r = await kubectl(kc.agent!, ["create", "namespace", "krci-env"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): admission webhook "namespaces.projectcapsule.dev" denied the request: You do not have any Tenant assigned: please, reach out to the system administrators',
    );
    await admin(
      ["apply", "-f", "-"],
      "apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata:\n  name: krci\nspec:\n  owners:\n  - kind: Group\n    name: capsule.clastix.io\n",
    );
    const ok = await kubectl(kc.agent!, ["create", "namespace", "krci-env"]);
    expect(ok.stdout.trim(), ok.stderr).toBe("namespace/krci-env created");
    const label = (
      await admin([
        "get",
        "ns",
        "krci-env",
        "-o",
        "jsonpath={.metadata.labels.capsule\\.clastix\\.io/tenant}",
      ])
    ).stdout;
    expect(label).toBe("krci");
  });

  it("a tenant owner cannot pull a namespace outside its tenant into it (issue #11: Capsule takeover)", async () => {
    // Runs after the test above: tenant krci owned by the agent's group, krci-env in it.
    const secretsBefore = await kubectl(kc.agent!, ["get", "secrets", "-n", "kube-system"]);
    expect(secretsBefore.code).toBe(1);
    // The agent may patch namespaces (capsule-namespace-provisioner) but not read kube-system, so kubectl
    // (which reads first) cannot try: a blind merge patch, as a script would send it.
    const pull = await call(tc, "PATCH", "/api/v1/namespaces/kube-system", {
      token: await tc.token(AGENT),
      body: { metadata: { labels: { "capsule.clastix.io/tenant": "krci" } } },
      contentType: "application/merge-patch+json",
    });
    expect(pull.status).toBe(403);
    expect(pull.json.message).toBe(
      'admission webhook "namespaces.projectcapsule.dev" denied the request: Denied patch request for this namespace',
    );
    // An administrator's label alone (no Tenant ownerReference) does not make a member either.
    await admin(["label", "namespace", "kube-system", "capsule.clastix.io/tenant=krci", "--overwrite"]);
    const secrets = await kubectl(kc.agent!, ["get", "secrets", "-n", "kube-system"]);
    expect(secrets.code).toBe(1);
    expect(secrets.stderr).toContain(
      'cannot list resource "secrets" in API group "" in the namespace "kube-system"',
    );
    await admin(["label", "namespace", "kube-system", "capsule.clastix.io/tenant-"]);
    // In its own namespace the owner may change labels, but not the tenant label or the Tenant reference.
    const own = await kubectl(kc.agent!, [
      "label",
      "namespace",
      "krci-env",
      "team=a",
      "capsule.clastix.io/tenant=elsewhere",
      "--overwrite",
    ]);
    expect(own.code, own.stderr).toBe(0);
    const labels = JSON.parse(
      (await admin(["get", "ns", "krci-env", "-o", "jsonpath={.metadata.labels}"])).stdout,
    );
    expect(labels).toMatchObject({ team: "a", "capsule.clastix.io/tenant": "krci" });
    const strip = await kubectl(kc.agent!, [
      "patch",
      "namespace",
      "krci-env",
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/metadata/ownerReferences"}]',
    ]);
    expect(strip.code, strip.stderr).toBe(0);
    const refs = (
      await admin(["get", "ns", "krci-env", "-o", "jsonpath={.metadata.ownerReferences[0].kind}"])
    ).stdout;
    expect(refs).toBe("Tenant");
  });

  // kubectl's words for a 401 Status (the wording depends on the kubectl minor the dispatcher picked).
  const UNAUTHORIZED =
    /^error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)$/;
  it("refuses: token for another cluster, expired token, no access entry, stale entry (401)", async () => {
    const files = [
      await kcFor("other", ADMIN, undefined, "other-cluster"),
      await kcFor("expired", ADMIN, { date: new Date(Date.now() - 20 * 60_000) }),
      await kcFor("nobody", NOBODY),
      await kcFor("stale", RECREATED),
    ];
    for (const f of files) {
      const r = await kubectl(f, ["get", "namespaces"]);
      expect(r.code, f).toBe(1);
      expect(r.stderr.trim().split("\n").at(-1), f).toMatch(UNAUTHORIZED);
    }
    // what kube-apiserver sends with it
    const body = await call(tc, "GET", "/api", { token: await tc.token(NOBODY) });
    expect(body.json).toMatchObject({
      kind: "Status",
      code: 401,
      reason: "Unauthorized",
      message: "Unauthorized",
    });
  });

  it("works through an exec credential plugin", async () => {
    const tokenFile = join(home, "token.json");
    writeFileSync(
      tokenFile,
      JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1beta1",
        spec: {},
        status: {
          token: await tc.token(ADMIN),
          expirationTimestamp: new Date(Date.now() + 14 * 60_000).toISOString(),
        },
      }),
    );
    const script = join(home, "plugin.sh");
    writeFileSync(script, `#!/bin/sh\ncat '${tokenFile}'\n`);
    chmodSync(script, 0o755);
    const f = join(home, "exec.kubeconfig");
    writeTokenKubeconfig(f, tc.url, tc.caPem, { exec: { command: script, args: [] } });
    const r = await kubectl(f, ["get", "ns", "kube-system", "-o", "name"]);
    expect(r.stdout.trim(), r.stderr).toBe("namespace/kube-system");
  });
});
