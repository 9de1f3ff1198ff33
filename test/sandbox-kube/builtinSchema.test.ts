/**
 * Built-in kinds validated from their schema table (src/sandbox/kube/builtinFields.ts), driven by the real
 * kubectl: wrong types refused with kube-apiserver's decoding error, containers without name or image with its
 * Required value errors, and the same table served as OpenAPI for `kubectl explain`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { ADMIN, startTestCluster, type TestCluster } from "./harness.js";
import { kubectlRunner, type Run, writeTokenKubeconfig } from "./kubectlHelper.js";

const skip = requireTools("test/sandbox-kube/builtinSchema.test.ts", "kubectl");

const deployment = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
${spec}
`;
const TEMPLATE = `  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
`;

describe.skipIf(!!skip)("built-in kinds validated from their schemas", () => {
  let tc: TestCluster;
  let home: string;
  let kc: string;
  let kubectl: (kubeconfig: string, args: string[], input?: string) => Promise<Run>;
  const admin = (args: string[], input?: string) => kubectl(kc, args, input);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "xirsa-schema-"));
    kubectl = kubectlRunner(home);
    tc = await startTestCluster();
    kc = join(home, "admin.kubeconfig");
    writeTokenKubeconfig(kc, tc.url, tc.caPem, { token: await tc.token(ADMIN) });
  });
  afterAll(async () => {
    await tc?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("refuses replicas as a string with kube-apiserver's decoding error, with and without kubectl validation", async () => {
    const y = deployment(`  replicas: "3"\n${TEMPLATE}      containers: [{name: web, image: nginx}]`);
    const want =
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32';
    for (const flags of [[], ["--validate=false"], ["--validate=strict"]]) {
      const r = await admin(["apply", ...flags, "-f", "-"], y);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr.trim()).toBe(want);
    }
    expect((await admin(["get", "deployment", "web"])).code).not.toBe(0);
  });

  it("refuses containers as an object and a wrong type inside a container", async () => {
    const r = await admin(["apply", "-f", "-"], deployment(`${TEMPLATE}      containers: {}`));
    expect(r.stderr).toContain(
      "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container",
    );
    const env = await admin(
      ["apply", "-f", "-"],
      deployment(`${TEMPLATE}      containers: [{name: web, image: nginx, env: [{name: A, value: true}]}]`),
    );
    expect(env.stderr).toContain(
      "json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
    );
  });

  it("requires a container's name and image", async () => {
    const r = await admin(
      ["apply", "-f", "-"],
      deployment(`${TEMPLATE}      containers: [{ports: [{containerPort: 80}]}]`),
    );
    expect(r.stderr.trim()).toBe(
      'The Deployment "web" is invalid: \n* spec.template.spec.containers[0].name: Required value\n* spec.template.spec.containers[0].image: Required value',
    );
    const pod = await admin(
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  containers: [{name: p}]\n",
    );
    expect(pod.stderr.trim()).toBe('The Pod "p" is invalid: spec.containers[0].image: Required value');
  });

  it("still reports unknown fields as a strict decoding error and applies a correct object", async () => {
    const bad = await admin(
      ["apply", "-f", "-"],
      deployment(`  replica: 2\n${TEMPLATE}      containers: [{name: web, image: nginx}]`),
    );
    expect(bad.stderr).toContain('strict decoding error: unknown field "spec.replica"');
    const ok = await admin(
      ["apply", "-f", "-"],
      deployment(
        `  replicas: 2\n${TEMPLATE}      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]`,
      ),
    );
    expect(ok.stdout.trim(), ok.stderr).toBe("deployment.apps/web created");
  });

  it("serves the schema table to kubectl explain", async () => {
    const r = await admin(["explain", "deployment.spec.replicas"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("GROUP:      apps");
    expect(r.stdout).toMatch(/FIELD: +replicas <integer>/);
    const c = await admin(["explain", "pod.spec.containers"]);
    expect(c.stdout).toMatch(/FIELD: +containers <\[\]Object>/);
    expect(c.stdout).toMatch(/name\s+<string> -required-/);
  });

  it("types probes and resources, and refuses bad ports and enum values as kube-apiserver's validation does", async () => {
    await admin(["delete", "deployment", "web", "--ignore-not-found"]);
    const probe = await admin(
      ["apply", "-f", "-"],
      deployment(
        `${TEMPLATE}      containers: [{name: web, image: nginx, livenessProbe: {httpGet: {port: 80}, periodSeconds: "10"}}]`,
      ),
    );
    expect(probe.stderr.trim()).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Probe.spec.template.spec.containers.livenessProbe.periodSeconds of type int32',
    );
    const quantity = await admin(
      ["apply", "-f", "-"],
      deployment(
        `${TEMPLATE}      containers: [{name: web, image: nginx, resources: {limits: {cpu: lots}}}]`,
      ),
    );
    expect(quantity.stderr).toContain(
      "cannot be handled as a Deployment: quantities must match the regular expression",
    );
    const port = await admin(
      ["apply", "-f", "-"],
      deployment(`${TEMPLATE}      containers: [{name: web, image: nginx, ports: [{containerPort: 70000}]}]`),
    );
    expect(port.stderr.trim()).toBe(
      'The Deployment "web" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    const svc = await admin(
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\nspec:\n  type: Foo\n  ports: [{port: 80}]\n",
    );
    expect(svc.stderr.trim()).toBe(
      'The Service "s" is invalid: spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
    // The 422 Status carries the cause with its field and reason.
    const raw = await admin(
      ["create", "-f", "-", "-o", "json"],
      "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\nspec:\n  ports: [{port: 80, protocol: tcp}]\n",
    );
    expect(raw.code).not.toBe(0);
    expect(raw.stderr).toContain(
      'spec.ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
    );
    const ok = await admin(
      ["apply", "-f", "-"],
      deployment(
        `${TEMPLATE}      containers:\n      - name: web\n        image: nginx\n        ports: [{containerPort: 8080, name: http}]\n        readinessProbe: {httpGet: {port: http, path: /healthz}, periodSeconds: 10}\n        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 1Gi}}\n        env: [{name: P, valueFrom: {secretKeyRef: {name: s, key: p}}}]\n      tolerations: [{key: k, operator: Exists, effect: NoSchedule}]\n      affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}}]}}\n      volumes: [{name: c, configMap: {name: c, defaultMode: 420}}]`,
      ),
    );
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("explains the pod spec's subtrees, with enums and list types from the table", async () => {
    const r = await admin(["explain", "pod.spec.containers.livenessProbe"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/FIELD: +livenessProbe <Object>/);
    expect(r.stdout).toMatch(/httpGet\s+<Object>/);
    expect(r.stdout).toMatch(/periodSeconds\s+<integer>/);
    const pull = await admin(["explain", "pod.spec.containers.imagePullPolicy"]);
    expect(pull.stdout).toMatch(/ENUM:\s+Always\s+IfNotPresent\s+Never/);
  });

  it("serves the controllers' Events as events.k8s.io/v1 too, with kube-apiserver's field mapping", async () => {
    // The Deployment applied above made a ReplicaSet: the deployment controller's ScalingReplicaSet Event.
    const core = JSON.parse((await admin(["get", "events.v1.", "-n", "default", "-o", "json"])).stdout);
    const scaled = core.items.find((e: { reason: string }) => e.reason === "ScalingReplicaSet");
    expect(scaled, JSON.stringify(core.items)).toBeDefined();
    const r = await admin([
      "get",
      "events.v1.events.k8s.io",
      scaled.metadata.name,
      "-n",
      "default",
      "-o",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const ev = JSON.parse(r.stdout);
    expect(ev.apiVersion).toBe("events.k8s.io/v1");
    expect(ev.regarding).toEqual(scaled.involvedObject);
    expect(ev.note).toBe(scaled.message);
    expect(ev.reportingController).toBe(scaled.reportingComponent);
    expect(ev.deprecatedSource).toEqual(scaled.source);
    expect(ev.deprecatedCount).toBe(scaled.count);
    expect(ev.deprecatedLastTimestamp).toBe(scaled.lastTimestamp);
    expect(ev.involvedObject).toBeUndefined();
    expect(ev.metadata.resourceVersion).toBe(scaled.metadata.resourceVersion);
    const table = await admin(["get", "events.events.k8s.io", "-n", "default"]);
    expect(table.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-/);
    const groups = await admin(["api-resources", "--api-group=events.k8s.io", "--no-headers"]);
    expect(groups.stdout).toMatch(/^events\s+ev\s+events.k8s.io\/v1\s+true\s+Event$/m);
    const write = await admin(["delete", "events.events.k8s.io", scaled.metadata.name, "-n", "default"]);
    expect(write.stderr).toContain("MethodNotAllowed");
  });
});
