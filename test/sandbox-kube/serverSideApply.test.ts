/** Server-side apply driven by the real kubectl: field managers, conflicts, --force-conflicts, pruning, diff. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { requireTools } from "../tools.js";
import { ADMIN, call, startTestCluster, type TestCluster } from "./harness.js";
import { kubectlRunner, type Run, writeTokenKubeconfig } from "./kubectlHelper.js";

const skip = requireTools("test/sandbox-kube/serverSideApply.test.ts", "kubectl");

const deployment = (opts: { replicas?: number; image?: string; sidecar?: boolean; note?: boolean }) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}${opts.note ? "\n  annotations: {team: payments}" : ""}
spec:${opts.replicas === undefined ? "" : `\n  replicas: ${opts.replicas}`}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${opts.image ?? "nginx:1"}${
          opts.sidecar
            ? `
      - name: proxy
        image: envoy:1`
            : ""
        }
`;

// biome-ignore lint/suspicious/noExplicitAny: managedFields entries are inspected field by field
type Entry = any;

describe.skipIf(!!skip)("server-side apply with kubectl", () => {
  let tc: TestCluster;
  let home: string;
  let kubeconfig: string;
  let kubectl: (kubeconfig: string, args: string[], input?: string) => Promise<Run>;
  const k = (args: string[], input?: string) => kubectl(kubeconfig, args, input);
  const get = async (): Promise<Entry> =>
    JSON.parse(
      (await k(["get", "deploy", "web", "-n", "default", "-o", "json", "--show-managed-fields"])).stdout,
    );
  const managers = (o: Entry) =>
    (o.metadata.managedFields as Entry[]).map((e) => `${e.manager}/${e.operation}`);
  const entry = (o: Entry, manager: string, operation: string) =>
    (o.metadata.managedFields as Entry[]).find((e) => e.manager === manager && e.operation === operation);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "xirsa-ssa-"));
    kubectl = kubectlRunner(home);
    tc = await startTestCluster();
    kubeconfig = join(home, "admin.kubeconfig");
    writeTokenKubeconfig(kubeconfig, tc.url, tc.caPem, { token: await tc.token(ADMIN) });
  });
  afterAll(async () => {
    await tc?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("a client-side apply records an Update; a server-side apply changing its field conflicts", async () => {
    const created = await k(["apply", "-f", "-"], deployment({ replicas: 2 }));
    expect(created.code, created.stderr).toBe(0);
    const csa = entry(await get(), "kubectl-client-side-apply", "Update");
    expect(csa.apiVersion).toBe("apps/v1");
    expect(csa.fieldsType).toBe("FieldsV1");
    expect(csa.fieldsV1["f:spec"]["f:replicas"]).toEqual({});
    expect(csa.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"web"}']).toMatchObject({
      ".": {},
      "f:image": {},
      "f:name": {},
    });
    expect(Date.parse(csa.time)).not.toBeNaN();

    const refused = await k(["apply", "--server-side", "-f", "-"], deployment({ replicas: 3 }));
    expect(refused.code).toBe(1);
    expect(refused.stderr.split("\n")[0]).toBe(
      'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    expect(refused.stderr).toContain("--force-conflicts");
    expect((await get()).spec.replicas).toBe(2);

    // The same value is no conflict. kubectl then keeps the last-applied annotation under a manager of its
    // own and migrates the client-side manager's fields into its apply entry (a JSON patch of managedFields,
    // which the server takes as written).
    const same = await k(["apply", "--server-side", "-f", "-"], deployment({ replicas: 2 }));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout.trim()).toBe("deployment.apps/web serverside-applied");
    const migrated = await get();
    expect(entry(migrated, "kubectl", "Apply").fieldsV1["f:spec"]["f:replicas"]).toEqual({});
    expect(entry(migrated, "kubectl-client-side-apply", "Update")).toBeUndefined();
    expect(
      entry(migrated, "kubectl-last-applied", "Apply").fieldsV1["f:metadata"]["f:annotations"],
    ).toHaveProperty(["f:kubectl.kubernetes.io/last-applied-configuration"]);
  });

  it("--force-conflicts takes the field; the loser no longer owns it", async () => {
    const scaled = await k([
      "patch",
      "deploy",
      "web",
      "-n",
      "default",
      "--type=merge",
      "--field-manager=autoscaler",
      "-p",
      '{"spec":{"replicas":4}}',
    ]);
    expect(scaled.code, scaled.stderr).toBe(0);
    const refused = await k(["apply", "--server-side", "-f", "-"], deployment({ replicas: 3 }));
    expect(refused.stderr.split("\n")[0]).toBe(
      'error: Apply failed with 1 conflict: conflict with "autoscaler" using apps/v1: .spec.replicas',
    );
    const forced = await k(
      ["apply", "--server-side", "--force-conflicts", "-f", "-"],
      deployment({ replicas: 3 }),
    );
    expect(forced.code, forced.stderr).toBe(0);
    const o = await get();
    expect(o.spec.replicas).toBe(3);
    const apply = entry(o, "kubectl", "Apply");
    expect(apply.apiVersion).toBe("apps/v1");
    expect(apply.fieldsV1).toMatchObject({
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": { "f:replicas": {}, "f:selector": {} },
    });
    // autoscaler owned nothing else: its entry is gone.
    expect(entry(o, "autoscaler", "Update")).toBeUndefined();
    // Apply entries come first (sortEncodedManagedFields); kubectl keeps the last-applied annotation of an
    // object applied client-side before under a manager of its own.
    const ops = managers(o).map((m) => m.split("/")[1]);
    expect(ops).toEqual([...ops].sort());
    expect(managers(o)).toContain("kubectl-last-applied/Apply");
  });

  it("an edit by another manager is an Update that a later apply conflicts with, listed per manager", async () => {
    const patched = await k([
      "patch",
      "deploy",
      "web",
      "-n",
      "default",
      "--type=strategic",
      "-p",
      '{"spec":{"replicas":5,"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}',
    ]);
    expect(patched.code, patched.stderr).toBe(0);
    const p = entry(await get(), "kubectl-patch", "Update");
    expect(p.fieldsV1["f:spec"]["f:replicas"]).toEqual({});
    const refused = await k(["apply", "--server-side", "-f", "-"], deployment({ replicas: 3 }));
    expect(refused.code).toBe(1);
    expect(refused.stderr.split("\n").slice(0, 4)).toEqual([
      'error: Apply failed with 2 conflicts: conflicts with "kubectl-patch" using apps/v1:',
      "- .spec.replicas",
      '- .spec.template.spec.containers[name="web"].image',
      "Please review the fields above--they currently have other managers. Here",
    ]);
  });

  it("--field-manager names the applier; fields it stops applying go unless someone else owns them", async () => {
    const fm = ["apply", "--server-side", "--field-manager=team-b", "--force-conflicts", "-f", "-"];
    const first = await k(fm, deployment({ replicas: 3, sidecar: true, note: true }));
    expect(first.code, first.stderr).toBe(0);
    let o = await get();
    expect(o.spec.template.spec.containers.map((c: Entry) => c.name)).toEqual(["web", "proxy"]);
    expect(o.metadata.annotations.team).toBe("payments");
    expect(entry(o, "team-b", "Apply")).toBeDefined();

    const second = await k(fm, deployment({ replicas: 3 }));
    expect(second.code, second.stderr).toBe(0);
    o = await get();
    // proxy and the annotation were team-b's alone: gone. The web container is also kubectl's: kept.
    expect(o.spec.template.spec.containers.map((c: Entry) => c.name)).toEqual(["web"]);
    expect(o.metadata.annotations?.team).toBeUndefined();
    expect(o.spec.replicas).toBe(3);

    // kubectl-patch took replicas from kubectl, team-b took it from kubectl-patch: team-b alone owns it, so
    // omitting it removes it, and the Deployment's default comes back.
    expect(entry(o, "kubectl", "Apply").fieldsV1["f:spec"]["f:replicas"]).toBeUndefined();
    const third = await k(fm, deployment({}));
    expect(third.code, third.stderr).toBe(0);
    o = await get();
    expect(o.spec.replicas).toBe(1);
    expect(entry(o, "team-b", "Apply").fieldsV1["f:spec"]["f:replicas"]).toBeUndefined();
  });

  it("get -o yaml --show-managed-fields prints the entries kubectl hides by default", async () => {
    const shown = await k(["get", "deploy", "web", "-n", "default", "-o", "yaml", "--show-managed-fields"]);
    const doc = parseYaml(shown.stdout) as Entry;
    expect(doc.metadata.managedFields.map((e: Entry) => e.manager)).toEqual(
      expect.arrayContaining(["kubectl", "team-b", "kubectl-last-applied"]),
    );
    // kubectl-patch lost both its fields to team-b's forced apply: an entry without fields is dropped.
    expect(doc.metadata.managedFields.map((e: Entry) => e.manager)).not.toContain("kubectl-patch");
    const hidden = await k(["get", "deploy", "web", "-n", "default", "-o", "yaml"]);
    expect(hidden.stdout).not.toContain("managedFields");
  });

  it("diff --server-side shows the change of a dry-run apply and stores nothing", async () => {
    const diff = await k(
      ["diff", "--server-side", "--force-conflicts", "-f", "-"],
      deployment({ replicas: 4 }),
    );
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toMatch(/^-\s+replicas: 1$/m);
    expect(diff.stdout).toMatch(/^\+\s+replicas: 4$/m);
    expect((await get()).spec.replicas).toBe(1);
  });

  it("an apply to a missing object creates it, owned by the applier alone", async () => {
    const cm =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: '1'\n";
    const made = await k(["apply", "--server-side", "-f", "-"], cm);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout.trim()).toBe("configmap/settings serverside-applied");
    const o = JSON.parse(
      (await k(["get", "cm", "settings", "-n", "default", "-o", "json", "--show-managed-fields"])).stdout,
    );
    expect(o.metadata.managedFields).toHaveLength(1);
    expect(o.metadata.managedFields[0]).toMatchObject({
      manager: "kubectl",
      operation: "Apply",
      apiVersion: "v1",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:data": { "f:a": {} } },
    });
  });

  it("a built-in merges env by name as the schema table says, and the table's list types are in /openapi/v3", async () => {
    // Pods are immutable: a Deployment's template holds the containers.
    const pod = (manager: string, env: string) =>
      k(
        ["apply", "--server-side", `--field-manager=${manager}`, "-f", "-"],
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: envs, namespace: default}\nspec:\n  selector: {matchLabels: {app: envs}}\n  template:\n    metadata: {labels: {app: envs}}\n    spec:\n      containers:\n      - name: app\n        image: nginx\n        env: [${env}]\n`,
      );
    expect((await pod("one", "{name: A, value: '1'}")).code).toBe(0);
    const two = await pod("two", "{name: B, value: '2'}");
    expect(two.code, two.stderr).toBe(0);
    const o = JSON.parse(
      (await k(["get", "deploy", "envs", "-n", "default", "-o", "json", "--show-managed-fields"])).stdout,
    );
    expect(o.spec.template.spec.containers[0].env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    const two_ = (o.metadata.managedFields as Entry[]).find((e) => e.manager === "two")!;
    expect(JSON.stringify(two_.fieldsV1)).toContain('"k:{\\"name\\":\\"B\\"}"');
    const v3 = JSON.parse((await k(["get", "--raw", "/openapi/v3/api/v1"])).stdout);
    const schemas = v3.components.schemas as Record<string, Entry>;
    const podSchema = Object.values(schemas).find((x) => JSON.stringify(x).includes('"livenessProbe"'))!;
    expect(JSON.stringify(podSchema)).toContain('"x-kubernetes-list-map-keys":["containerPort","protocol"]');
  });

  it("a custom resource merges by its CRD schema: a list without x-kubernetes-list-type is atomic", async () => {
    const project = (repos: string[], description?: string) => `
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team
  namespace: default
spec:${description ? `\n  description: ${description}` : ""}
  sourceRepos: ${JSON.stringify(repos)}
`;
    const a = await k(
      ["apply", "--server-side", "--field-manager=platform", "-f", "-"],
      project(["https://a"], "x"),
    );
    expect(a.code, a.stderr).toBe(0);
    const b = await k(["apply", "--server-side", "--field-manager=team", "-f", "-"], project(["https://b"]));
    expect(b.code).toBe(1);
    expect(b.stderr.split("\n")[0]).toBe(
      'error: Apply failed with 1 conflict: conflict with "platform": .spec.sourceRepos',
    );
    const forced = await k(
      ["apply", "--server-side", "--field-manager=team", "--force-conflicts", "-f", "-"],
      project(["https://b"]),
    );
    expect(forced.code, forced.stderr).toBe(0);
    const o = JSON.parse(
      (await k(["get", "appproject", "team", "-n", "default", "-o", "json", "--show-managed-fields"])).stdout,
    );
    // The whole list was replaced and changed hands; platform keeps its description.
    expect(o.spec).toMatchObject({ sourceRepos: ["https://b"], description: "x" });
    const fields = Object.fromEntries(
      o.metadata.managedFields.map((e: Entry) => [e.manager, Object.keys(e.fieldsV1["f:spec"] ?? {})]),
    );
    expect(fields).toEqual({ platform: ["f:description"], team: ["f:sourceRepos"] });
  });

  it("refuses an apply without a field manager, and force on another patch, as kube-apiserver does", async () => {
    const token = await tc.token(ADMIN);
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" } });
    const noManager = await call(tc, "PATCH", "/api/v1/namespaces/default/configmaps/settings", {
      token,
      body,
      contentType: "application/apply-patch+yaml",
    });
    expect(noManager.status).toBe(422);
    expect(noManager.json.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const forced = await call(tc, "PATCH", "/api/v1/namespaces/default/configmaps/settings?force=true", {
      token,
      body: "{}",
      contentType: "application/merge-patch+json",
    });
    expect(forced.status).toBe(422);
    expect(forced.json.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    const wrongKind = await call(
      tc,
      "PATCH",
      "/api/v1/namespaces/default/configmaps/settings?fieldManager=x",
      {
        token,
        body: JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "settings" } }),
        contentType: "application/apply-patch+yaml",
      },
    );
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json.message).toBe("invalid object type: v1, Kind=Secret");
  });
});
