/**
 * CustomResourceDefinitions with the real kubectl (default client validation: fieldValidation=Strict): a CRD
 * created is served (CRUD, printer columns, status subresource, discovery, OpenAPI), its schema prunes,
 * defaults and validates with kube-apiserver's messages, and deleting it takes its objects. Then installs
 * shaped like Argo CD's install.yaml, Capsule's chart CRDs and KubeRocketCI's operator CRDs (fixtures/),
 * applied with plain `kubectl apply -f`, and custom objects validated against them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { ADMIN, call, startTestCluster, type TestCluster } from "./harness.js";
import { kubectlRunner, type Run, writeTokenKubeconfig } from "./kubectlHelper.js";

const skip = requireTools("test/sandbox-kube/crd.test.ts", "kubectl");
const FIXTURES = join(import.meta.dirname, "fixtures");

const WIDGET_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget, shortNames: [wd], categories: [all]}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources: {status: {}}
      additionalPrinterColumns:
        - {name: Size, type: integer, jsonPath: .spec.size}
        - {name: Phase, type: string, jsonPath: .status.phase}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [color]
              properties:
                color: {type: string, enum: [red, blue]}
                size: {type: integer, minimum: 1, maximum: 10, default: 3}
                name: {type: string, pattern: '^[a-z]+$', maxLength: 8}
                labels: {type: object, additionalProperties: {type: string}}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
            status:
              type: object
              properties:
                phase: {type: string}
`;

const widget = (name: string, spec: string) =>
  `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: ${name}, namespace: default}\nspec: ${spec}\n`;

describe.skipIf(!!skip)("CustomResourceDefinitions with kubectl", () => {
  let tc: TestCluster;
  let home: string;
  let kc: string;
  let run: (kubeconfig: string, args: string[], input?: string) => Promise<Run>;
  const k = (args: string[], input?: string) => run(kc, args, input);
  let token: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "xirsa-crd-"));
    run = kubectlRunner(home);
    tc = await startTestCluster();
    token = await tc.token(ADMIN);
    kc = join(home, "admin.kubeconfig");
    writeTokenKubeconfig(kc, tc.url, tc.caPem, { token });
  });
  afterAll(async () => {
    await tc?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("serves a CRD once created: discovery, OpenAPI, CRUD with defaults, printer columns", async () => {
    const created = await k(["apply", "-f", "-"], WIDGET_CRD);
    expect(created.stderr).toBe("");
    expect(created.stdout).toContain(
      "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created",
    );
    const crd = await k([
      "get",
      "crd",
      "widgets.example.com",
      "-o",
      'jsonpath={.status.conditions[?(@.type=="Established")].status}',
    ]);
    expect(crd.stdout).toBe("True");
    const resources = await k(["api-resources", "--api-group=example.com", "--no-headers"]);
    expect(resources.stdout.split(/\s+/).filter(Boolean)).toEqual([
      "widgets",
      "wd",
      "example.com/v1",
      "true",
      "Widget",
    ]);
    const index = await call(tc, "GET", "/openapi/v3", { token });
    expect(Object.keys(index.json.paths)).toContain("apis/example.com/v1");
    const v3 = await call(tc, "GET", index.json.paths["apis/example.com/v1"].serverRelativeURL, { token });
    const v3Widget = Object.values(v3.json.components.schemas)[0] as {
      properties: { spec: { required: string[] } };
    };
    expect(v3Widget.properties.spec.required).toEqual(["color"]);
    const v2 = await call(tc, "GET", "/openapi/v2", { token });
    const v2Widget = v2.json.definitions["io.sandbox.com.example.v1.Widget"];
    expect(v2Widget["x-kubernetes-group-version-kind"]).toEqual([
      { group: "example.com", version: "v1", kind: "Widget" },
    ]);
    expect(v2Widget.properties.spec.properties.size).toEqual({
      type: "integer",
      minimum: 1,
      maximum: 10,
      default: 3,
    });
    const explain = await k(["explain", "widgets.spec"]);
    expect(explain.stdout).toMatch(/color\s+<string> -required-/);
    const pb = await call(tc, "GET", "/openapi/v2", {
      token,
      accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    });
    expect(pb.status).toBe(406);
    const apply = await k(["apply", "-f", "-"], widget("w1", "{color: red}"));
    expect(apply.stderr).toBe("");
    expect(apply.stdout).toBe("widget.example.com/w1 created\n");
    const got = await k(["get", "wd", "w1", "-o", "jsonpath={.spec.size}"]);
    expect(got.stdout).toBe("3"); // defaulted from the schema
    const table = await k(["get", "widgets"]);
    expect(table.stdout.split("\n")[0]!.split(/\s{2,}/)).toEqual(["NAME", "SIZE", "PHASE"]);
    // A value the JSONPath does not find is a null cell, which kubectl prints empty.
    expect(table.stdout).toMatch(/^w1\s+3\s*$/m);
    const all = await k(["get", "all", "-n", "default", "-o", "name"]);
    expect(all.stdout).toContain("widget.example.com/w1");
  });

  it("validates with kube-apiserver's messages and refuses unknown fields under kubectl's default Strict", async () => {
    const bad = await k(["apply", "-f", "-"], widget("w2", "{color: green, size: 11, name: Bad1}"));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('The Widget "w2" is invalid: ');
    expect(bad.stderr).toContain('spec.color: Unsupported value: "green": supported values: "red", "blue"');
    expect(bad.stderr).toContain(
      "spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10",
    );
    expect(bad.stderr).toContain(
      `spec.name: Invalid value: "Bad1": spec.name in body should match '^[a-z]+$'`,
    );
    const typed = await k(["apply", "-f", "-"], widget("w2", '{color: red, size: "big"}'));
    expect(typed.stderr).toContain(
      'spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    );
    const missing = await k(["apply", "-f", "-"], widget("w2", "{size: 2}"));
    expect(missing.stderr).toContain('The Widget "w2" is invalid: spec.color: Required value');
    const unknown = await k(["apply", "-f", "-"], widget("w2", "{color: red, foo: 1}"));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.foo"');
    const warned = await k(
      ["apply", "--validate=warn", "-f", "-"],
      widget("w2", "{color: red, foo: 1, extra: {any: 1}}"),
    );
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('Warning: unknown field "spec.foo"');
    const stored = await k(["get", "widget", "w2", "-o", "json"]);
    expect(JSON.parse(stored.stdout).spec).toEqual({ color: "red", size: 3, extra: { any: 1 } });
    const ignored = await k(
      ["apply", "--validate=false", "-f", "-"],
      widget("w3", "{color: blue, bar: true}"),
    );
    expect(ignored.stderr).toBe("");
    expect(JSON.parse((await k(["get", "widget", "w3", "-o", "json"])).stdout).spec).toEqual({
      color: "blue",
      size: 3,
    });
  });

  it("refuses unknown fields of built-in kinds under Strict, warns and drops them under Warn", async () => {
    const deployment = (extra: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 1\n  ${extra}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx, imagePullPolicyy: Always}]\n`;
    const strict = await k(["apply", "-f", "-"], deployment("replica: 2"));
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    );
    const warn = await k(["apply", "--validate=warn", "-f", "-"], deployment("replica: 2"));
    expect(warn.code).toBe(0);
    expect(warn.stderr).toContain('Warning: unknown field "spec.replica"');
    const stored = JSON.parse((await k(["get", "deploy", "web", "-o", "json"])).stdout);
    expect(stored.spec.replica).toBeUndefined();
    expect(stored.spec.template.spec.containers[0].imagePullPolicyy).toBeUndefined();
  });

  it("keeps spec and status apart with the status subresource", async () => {
    await k([
      "patch",
      "widget",
      "w1",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Ignored"},"spec":{"size":4}}',
    ]);
    await k([
      "patch",
      "widget",
      "w1",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Ready"},"spec":{"size":9}}',
    ]);
    const w = JSON.parse((await k(["get", "widget", "w1", "-o", "json"])).stdout);
    expect(w.spec.size).toBe(4);
    expect(w.status).toEqual({ phase: "Ready" });
    expect(w.metadata.generation).toBe(2);
  });

  it("lists custom resources in pages, by field selector, and watches them", async () => {
    const base = "/apis/example.com/v1/namespaces/default/widgets";
    const page = await call(tc, "GET", `${base}?limit=2`, { token });
    expect(page.json.kind).toBe("WidgetList");
    expect(page.json.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(["w1", "w2"]);
    expect(page.json.metadata.remainingItemCount).toBe(1);
    const next = await call(tc, "GET", `${base}?limit=2&continue=${page.json.metadata.continue}`, { token });
    expect(next.json.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(["w3"]);
    const byName = await call(tc, "GET", `${base}?fieldSelector=metadata.name%3Dw2`, { token });
    expect(byName.json.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(["w2"]);
    const watch = await call(tc, "GET", "/apis/example.com/v1/widgets?watch=1&timeoutSeconds=1", { token });
    const events = watch.text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      "ADDED w1",
      "ADDED w2",
      "ADDED w3",
    ]);
  });

  it("serves a CRD's update at once: a new short name, generation moved", async () => {
    const patched = await k([
      "patch",
      "crd",
      "widgets.example.com",
      "--type=merge",
      "-p",
      '{"spec":{"names":{"shortNames":["wd","wdg"]}}}',
    ]);
    expect(patched.code).toBe(0);
    const crd = JSON.parse((await k(["get", "crd", "widgets.example.com", "-o", "json"])).stdout);
    expect(crd.metadata.generation).toBe(2);
    expect(crd.status.acceptedNames.shortNames).toEqual(["wd", "wdg"]);
    const aggregated = await call(tc, "GET", "/apis", {
      token,
      accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    });
    const group = aggregated.json.items.find(
      (g: { metadata: { name: string } }) => g.metadata.name === "example.com",
    );
    expect(group.versions[0].resources[0]).toMatchObject({
      resource: "widgets",
      shortNames: ["wd", "wdg"],
      scope: "Namespaced",
    });
  });

  it("stops serving a deleted CRD and deletes its objects", async () => {
    const del = await k(["delete", "crd", "widgets.example.com"]);
    expect(del.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted',
    );
    const gone = await k(["get", "widgets"]);
    expect(gone.code).not.toBe(0);
    // kubectl's discovery cache still lists widgets: the list itself is the 404.
    expect(gone.stderr).toContain("the server could not find the requested resource");
    const list = await call(tc, "GET", "/apis/example.com/v1/widgets", { token });
    expect(list.status).toBe(404);
    const groups = await call(tc, "GET", "/apis", { token });
    expect(groups.json.groups.map((g: { name: string }) => g.name)).not.toContain("example.com");
    await k(["apply", "-f", "-"], WIDGET_CRD);
    expect((await k(["get", "widgets", "-o", "name"])).stdout).toBe("");
  });

  it("applies installs shaped like Argo CD's, Capsule's and KubeRocketCI's with default validation", async () => {
    // The sandbox bootstraps these CRDs; remove them so the fixtures' CRDs are created, as on a new cluster.
    const bootstrap = [
      "applications.argoproj.io",
      "appprojects.argoproj.io",
      "applicationsets.argoproj.io",
      "tenants.capsule.clastix.io",
      "capsuleconfigurations.capsule.clastix.io",
      "cdpipelines.v2.edp.epam.com",
      "stages.v2.edp.epam.com",
    ];
    expect((await k(["delete", "crd", ...bootstrap])).code).toBe(0);
    expect((await k(["create", "namespace", "argocd"])).code).toBe(0);
    for (const f of ["argocd-install.yaml", "capsule-crds.yaml", "krci-crds.yaml"]) {
      const r = await k(["apply", "-n", "argocd", "-f", join(FIXTURES, f)]);
      expect(r.stderr, f).toBe("");
      expect(r.code, f).toBe(0);
    }
    const sts = await k([
      "get",
      "statefulset",
      "-n",
      "argocd",
      "argocd-application-controller",
      "-o",
      "name",
    ]);
    expect(sts.stdout).toBe("statefulset.apps/argocd-application-controller\n");
    // The pod spec's probes, security context and volumes are typed by the schema table and kept whole.
    const stored = JSON.parse(
      (await k(["get", "statefulset", "-n", "argocd", "argocd-application-controller", "-o", "json"])).stdout,
    );
    const podSpec = stored.spec.template.spec;
    expect(podSpec.containers[0].readinessProbe.httpGet).toEqual({ path: "/healthz", port: 8082 });
    expect(podSpec.containers[0].securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(podSpec.volumes[2].projected.sources[0].serviceAccountToken.audience).toBe("sts.amazonaws.com");
    // A second client-side apply is a strategic merge patch with the table's merge keys: nothing changes.
    const again = await k(["apply", "-n", "argocd", "-f", join(FIXTURES, "argocd-install.yaml")]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("statefulset.apps/argocd-application-controller unchanged");
    const objects = await k(["apply", "-f", join(FIXTURES, "custom-objects.yaml")]);
    expect(objects.stderr).toBe("");
    expect(objects.stdout.split("\n").filter(Boolean)).toEqual([
      "appproject.argoproj.io/krci created",
      "application.argoproj.io/shop created",
      "tenant.capsule.clastix.io/krci created",
      "cdpipeline.v2.edp.epam.com/shop created",
      "stage.v2.edp.epam.com/shop-dev created",
    ]);
    // Defaults of the schemas, and preserved fields where the schema says so.
    const tenant = JSON.parse((await k(["get", "tnt", "krci", "-o", "json"])).stdout);
    expect(tenant.spec.owners[0].clusterRoles).toEqual(["admin", "capsule-namespace-deleter"]);
    expect(tenant.spec.cordoned).toBe(false);
    const stage = await k([
      "get",
      "stages",
      "-n",
      "argocd",
      "shop-dev",
      "-o",
      "jsonpath={.spec.clusterName}",
    ]);
    expect(stage.stdout).toBe("in-cluster");
    const app = JSON.parse((await k(["get", "app", "-n", "argocd", "shop", "-o", "json"])).stdout);
    expect(app.spec.source.helm.valuesObject).toEqual({ replicas: 2 });
    const tnt = await k(["get", "tenants"]);
    expect(tnt.stdout.split("\n")[0]!.split(/\s{2,}/)).toEqual([
      "NAME",
      "STATE",
      "NAMESPACE QUOTA",
      "NAMESPACE COUNT",
      "NODE SELECTOR",
      "AGE",
    ]);
    // Another served version: the same object, its apiVersion as asked (conversion None).
    const v1beta1 = await k([
      "get",
      "tenants.v1beta1.capsule.clastix.io",
      "krci",
      "-o",
      "jsonpath={.apiVersion}",
    ]);
    expect(v1beta1.stdout).toBe("capsule.clastix.io/v1beta1");
    const deprecated = await k(["get", "stages.v1alpha1.v2.edp.epam.com", "-n", "argocd", "-o", "name"]);
    expect(deprecated.stdout).toBe("stage.v2.edp.epam.com/shop-dev\n");
    expect(deprecated.stderr).toBe(
      "Warning: v2.edp.epam.com/v1alpha1 Stage is deprecated; use v2.edp.epam.com/v1 Stage\n",
    );
    // Objects the schemas refuse.
    const badStage = await k(
      ["apply", "-f", "-"],
      "apiVersion: v2.edp.epam.com/v1\nkind: Stage\nmetadata: {name: bad, namespace: argocd}\nspec: {name: x, cdPipeline: shop, order: first, triggerType: Manual}\n",
    );
    expect(badStage.stderr).toContain('The Stage "bad" is invalid: ');
    expect(badStage.stderr).toContain(
      'spec.order: Invalid value: "string": spec.order in body must be of type integer: "string"',
    );
    expect(badStage.stderr).toContain(
      'spec.name: Invalid value: "x": spec.name in body should be at least 2 chars long',
    );
    const badTenant = await k(
      ["apply", "-f", "-"],
      "apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata: {name: bad}\nspec: {owners: [{kind: Team, name: a}], namespaceOptions: {quota: 0}}\n",
    );
    expect(badTenant.stderr).toContain(
      'spec.owners[0].kind: Unsupported value: "Team": supported values: "User", "Group", "ServiceAccount"',
    );
    expect(badTenant.stderr).toContain(
      "spec.namespaceOptions.quota: Invalid value: 0: spec.namespaceOptions.quota in body should be greater than or equal to 1",
    );
    const unknown = await k(
      ["apply", "-f", "-"],
      "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: extra, namespace: argocd}\nspec: {sourceRepos: ['*'], colour: blue}\n",
    );
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.colour"');
    const pruned = await k(
      ["apply", "--validate=false", "-f", "-"],
      "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: extra, namespace: argocd}\nspec: {sourceRepos: ['*'], colour: blue}\n",
    );
    expect(pruned.code).toBe(0);
    const extra = JSON.parse((await k(["get", "appproj", "-n", "argocd", "extra", "-o", "json"])).stdout);
    expect(extra.spec).toEqual({ sourceRepos: ["*"] });
  });

  it("installs the bootstrap CRDs into a state from before the sandbox had CRDs, keeping its objects", async () => {
    await tc.api.close();
    // Closed already: restart() must not write the store over the state edited below.
    tc.api.close = async () => {};
    const state = JSON.parse(readFileSync(tc.dataFile, "utf8")) as { objects: { kind: string }[] };
    state.objects = state.objects.filter((o) => o.kind !== "CustomResourceDefinition");
    state.objects.push({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: { name: "old", namespace: "argocd", uid: "u-old", resourceVersion: "1" },
      spec: { sourceRepos: ["*"] },
    } as { kind: string });
    writeFileSync(tc.dataFile, JSON.stringify(state));
    await tc.restart();
    kc = join(home, "admin.kubeconfig");
    writeTokenKubeconfig(kc, tc.url, tc.caPem, { token: await tc.token(ADMIN) });
    const old = await k(["get", "appproj", "-n", "argocd", "old", "-o", "jsonpath={.spec.sourceRepos[0]}"]);
    expect(old.stdout).toBe("*");
    const crds = await k(["get", "crd", "-o", "name"]);
    expect(crds.stdout.split("\n").filter(Boolean).sort()).toEqual(
      [
        "applications.argoproj.io",
        "applicationsets.argoproj.io",
        "appprojects.argoproj.io",
        "capsuleconfigurations.capsule.clastix.io",
        "cdpipelines.v2.edp.epam.com",
        "stages.v2.edp.epam.com",
        "tenants.capsule.clastix.io",
      ].map((n) => `customresourcedefinition.apiextensions.k8s.io/${n}`),
    );
  });
});
