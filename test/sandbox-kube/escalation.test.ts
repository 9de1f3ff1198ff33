/**
 * RBAC escalation prevention over real HTTPS and the real kubectl: bindings need `bind` (any authorizer, EKS
 * access policies included) or holding the role's rules through RBAC alone; roles need `escalate` or the rules.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import {
  ADMIN,
  call,
  POLICY,
  type Principal,
  rolePrincipal,
  startTestCluster,
  type TestCluster,
} from "./harness.js";
import { kubectlRunner, writeTokenKubeconfig } from "./kubectlHelper.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const NSADMIN = rolePrincipal("NsAdmin", "ns", "AROANSADMIN00000001");
const OWNER = rolePrincipal("CDPipelineAgent", "agent", "AROAAGENT0000000001");
const NSADMIN_USER = "arn:aws:sts::111111111111:assumed-role/NsAdmin/ns";
const OWNER_USER = "arn:aws:sts::111111111111:assumed-role/CDPipelineAgent/agent";
const HEAD = (resource: string, name: string, user: string, groups: string) =>
  `${resource}.rbac.authorization.k8s.io "${name}" is forbidden: user "${user}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:`;
const RB_LINE =
  '{APIGroups:["rbac.authorization.k8s.io"], Resources:["rolebindings"], Verbs:["get" "list" "watch" "create" "delete" "deletecollection" "patch" "update"]}';

let tc: TestCluster;
let admin: string;
const as = (p: Principal) => tc.token(p);
const post = async (path: string, body: unknown, token = admin) => call(tc, "POST", path, { token, body });
const binding = (name: string, role: string, kind = "ClusterRole") => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  metadata: { name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role },
  subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "krci-oidc-admins" }],
});

beforeAll(async () => {
  tc = await startTestCluster({
    principals: [NSADMIN, OWNER],
    entries: [
      {
        principalArn: "arn:aws:iam::111111111111:role/NsAdmin",
        principalId: "AROANSADMIN00000001",
        kubernetesGroups: ["xirsa-namespace-manager"],
        accessPolicies: [
          {
            policyArn: POLICY("AmazonEKSAdminPolicy"),
            accessScope: { type: "namespace", namespaces: ["krci-*"] },
          },
        ],
      },
      {
        principalArn: "arn:aws:iam::111111111111:role/CDPipelineAgent",
        principalId: "AROAAGENT0000000001",
        kubernetesGroups: ["cd-pipeline-operator", "capsule.clastix.io"],
      },
    ],
  });
  admin = await as(ADMIN);
  for (const name of ["krci-dev", "krci-prod"])
    expect((await post("/api/v1/namespaces", { metadata: { name } })).status).toBe(201);
});
afterAll(async () => tc?.stop());

describe("RoleBindings", () => {
  it("the ClusterAdmin access policy may bind admin (bind comes from the access-policy authorizer)", async () => {
    const r = await post(`${RBAC}/namespaces/krci-dev/rolebindings`, binding("by-admin", "admin"));
    expect(r.status, r.text).toBe(201);
    const crb = await post(`${RBAC}/clusterrolebindings`, {
      metadata: { name: "everyone-view" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "Group", name: "viewers" }],
    });
    expect(crb.status, crb.text).toBe(201);
  });

  it("namespaced AmazonEKSAdminPolicy alone may not bind admin: 403 with kube-apiserver's message, dry run too", async () => {
    const token = await as(NSADMIN);
    const groups = '["xirsa-namespace-manager" "system:authenticated"]';
    for (const q of ["", "?dryRun=All"]) {
      const r = await post(
        `${RBAC}/namespaces/krci-dev/rolebindings${q}`,
        binding("tenant-admin", "admin"),
        token,
      );
      expect(r.status, r.text).toBe(403);
      expect(r.json).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "Forbidden",
        code: 403,
        details: { name: "tenant-admin", group: "rbac.authorization.k8s.io", kind: "rolebindings" },
      });
      const lines: string[] = r.json.message.split("\n");
      expect(lines[0]).toBe(HEAD("rolebindings", "tenant-admin", NSADMIN_USER, groups));
      expect(lines).toContain(RB_LINE);
      expect(lines.slice(1)).toEqual([...lines.slice(1)].sort());
    }
    // It may still bind what it holds through RBAC: nothing but discovery here, so a Role with no rules.
    expect(
      (await post(`${RBAC}/namespaces/krci-dev/roles`, { metadata: { name: "empty" }, rules: [] }, token))
        .status,
    ).toBe(201);
    expect(
      (await post(`${RBAC}/namespaces/krci-dev/rolebindings`, binding("empty", "empty", "Role"), token))
        .status,
    ).toBe(201);
    // A binding to a role that does not exist: NotFound, as the rule resolver's lookup fails.
    const ghost = await post(`${RBAC}/namespaces/krci-dev/rolebindings`, binding("ghost", "ghost"), token);
    expect(ghost.status).toBe(404);
    expect(ghost.json.message).toBe('clusterroles.rbac.authorization.k8s.io "ghost" not found');
    expect(
      (await call(tc, "GET", `${RBAC}/namespaces/krci-dev/rolebindings/tenant-admin`, { token: admin }))
        .status,
    ).toBe(404);
  });

  it("an RBAC ClusterRole granting bind on clusterroles/admin lets it (xirsa-namespace-manager), dry run included", async () => {
    const token = await as(NSADMIN);
    expect(
      (
        await post(`${RBAC}/clusterroles`, {
          metadata: { name: "xirsa-namespace-manager" },
          rules: [
            {
              apiGroups: [""],
              resources: ["namespaces"],
              verbs: ["create", "get", "list", "watch", "delete"],
            },
            {
              apiGroups: ["rbac.authorization.k8s.io"],
              resources: ["clusterroles"],
              resourceNames: ["admin"],
              verbs: ["bind"],
            },
          ],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await post(`${RBAC}/clusterrolebindings`, {
          metadata: { name: "xirsa-namespace-manager" },
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "xirsa-namespace-manager",
          },
          subjects: [
            { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "xirsa-namespace-manager" },
          ],
        })
      ).status,
    ).toBe(201);
    const dry = await post(
      `${RBAC}/namespaces/krci-dev/rolebindings?dryRun=All`,
      binding("tenant-admin", "admin"),
      token,
    );
    expect(dry.status, dry.text).toBe(201);
    expect(
      (await call(tc, "GET", `${RBAC}/namespaces/krci-dev/rolebindings/tenant-admin`, { token: admin }))
        .status,
    ).toBe(404);
    const real = await post(
      `${RBAC}/namespaces/krci-dev/rolebindings`,
      binding("tenant-admin", "admin"),
      token,
    );
    expect(real.status, real.text).toBe(201);
    // bind names admin only: edit is still refused.
    const edit = await post(`${RBAC}/namespaces/krci-dev/rolebindings`, binding("editors", "edit"), token);
    expect(edit.status).toBe(403);
    expect(edit.json.message.split("\n")[0]).toBe(
      HEAD("rolebindings", "editors", NSADMIN_USER, '["xirsa-namespace-manager" "system:authenticated"]'),
    );
  });

  it("updates are checked too, except changes of garbage-collection fields", async () => {
    const token = await as(NSADMIN);
    expect(
      (await post(`${RBAC}/namespaces/krci-prod/rolebindings`, binding("view-binding", "view"))).status,
    ).toBe(201);
    const patch = (body: unknown) =>
      call(tc, "PATCH", `${RBAC}/namespaces/krci-prod/rolebindings/view-binding`, {
        token,
        body,
        contentType: "application/merge-patch+json",
      });
    const subjects = await patch({ subjects: [{ kind: "Group", name: "everyone" }] });
    expect(subjects.status).toBe(403);
    expect(subjects.json.message.split("\n")[0]).toBe(
      HEAD(
        "rolebindings",
        "view-binding",
        NSADMIN_USER,
        '["xirsa-namespace-manager" "system:authenticated"]',
      ),
    );
    const gc = await patch({ metadata: { finalizers: ["example.com/keep"] } });
    expect(gc.status, gc.text).toBe(200);
    expect(gc.json.metadata.finalizers).toEqual(["example.com/keep"]);
  });

  it("a Capsule tenant owner binds tenant-admin -> admin in its tenant's namespace (it holds admin there)", async () => {
    await post("/apis/capsule.clastix.io/v1beta2/capsuleconfigurations", {
      metadata: { name: "default" },
      spec: { userGroups: ["capsule.clastix.io", "cd-pipeline-operator"] },
    });
    await post("/apis/capsule.clastix.io/v1beta2/tenants", {
      metadata: { name: "krci" },
      spec: {
        owners: [
          {
            kind: "Group",
            name: "cd-pipeline-operator",
            clusterRoles: ["admin", "capsule-namespace-deleter"],
          },
        ],
      },
    });
    const token = await as(OWNER);
    const ns = await post("/api/v1/namespaces", { metadata: { name: "krci-cap" } }, token);
    expect(ns.json.metadata.labels["capsule.clastix.io/tenant"]).toBe("krci");
    const dry = await post(
      `${RBAC}/namespaces/krci-cap/rolebindings?dryRun=All`,
      binding("tenant-admin", "admin"),
      token,
    );
    expect(dry.status, dry.text).toBe(201);
    const r = await post(`${RBAC}/namespaces/krci-cap/rolebindings`, binding("tenant-admin", "admin"), token);
    expect(r.status, r.text).toBe(201);
    // admin does not hold cluster-admin: the exact message lists what is missing.
    const up = await post(
      `${RBAC}/namespaces/krci-cap/rolebindings`,
      binding("root", "cluster-admin"),
      token,
    );
    expect(up.status).toBe(403);
    expect(up.json.message).toBe(
      `${HEAD("rolebindings", "root", OWNER_USER, '["cd-pipeline-operator" "capsule.clastix.io" "system:authenticated"]')}\n` +
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
    );
    // Roles: holding the rules is enough, more than that is refused.
    const role = (rules: object[]) => ({ metadata: { name: "pods" }, rules });
    const pods = [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }];
    expect((await post(`${RBAC}/namespaces/krci-cap/roles`, role(pods), token)).status).toBe(201);
    const nodes = await post(
      `${RBAC}/namespaces/krci-cap/roles?dryRun=All`,
      { metadata: { name: "nodes" }, rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }] },
      token,
    );
    expect(nodes.status).toBe(403);
    expect(nodes.json.message).toBe(
      `${HEAD("roles", "nodes", OWNER_USER, '["cd-pipeline-operator" "capsule.clastix.io" "system:authenticated"]')}\n` +
        '{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}',
    );
  });

  it("access policies do not count for holding a Role's rules", async () => {
    const r = await post(
      `${RBAC}/namespaces/krci-dev/roles`,
      { metadata: { name: "pod-reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
      await as(NSADMIN),
    );
    expect(r.status).toBe(403);
    expect(r.json.message).toBe(
      `${HEAD("roles", "pod-reader", NSADMIN_USER, '["xirsa-namespace-manager" "system:authenticated"]')}\n` +
        '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}',
    );
  });
});

const noKubectl = requireTools("test/sandbox-kube/escalation.test.ts", "kubectl");
describe.skipIf(!!noKubectl)("kubectl create rolebinding", () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "xirsa-kubectl-esc-"));
  });
  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });
  it("shows the Forbidden message of the escalation check", async () => {
    const kubectl = kubectlRunner(home);
    const file = join(home, "nsadmin.kubeconfig");
    writeTokenKubeconfig(file, tc.url, tc.caPem, { token: await as(NSADMIN) });
    const args = [
      "create",
      "rolebinding",
      "reviewers",
      "--clusterrole=edit",
      "--group=krci-oidc-developers",
      "-n",
      "krci-prod",
    ];
    const r = await kubectl(file, args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: failed to create rolebinding: ${HEAD("rolebindings", "reviewers", NSADMIN_USER, '["xirsa-namespace-manager" "system:authenticated"]')}\n`,
    );
    expect(r.stderr).toContain(
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list" "watch" "create" "delete" "deletecollection" "patch" "update"]}',
    );
    const ok = await kubectl(file, [...args.slice(0, 3), "--clusterrole=admin", ...args.slice(4)]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe("rolebinding.rbac.authorization.k8s.io/reviewers created");
  });
});
