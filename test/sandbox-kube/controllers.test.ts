/**
 * The DaemonSet, Job and CronJob controllers, the Events the controllers write, finalizers, propagation
 * policies and namespace finalization, through the real kubectl.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { adminCluster } from "./adminCluster.js";
import { kubectlRunner, writeTokenKubeconfig } from "./kubectlHelper.js";

const skip = requireTools("test/sandbox-kube/controllers.test.ts", "kubectl");

const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "agent:1"}]
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: default}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: task, image: "task:1"}]
`;

interface Obj {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string }[];
    deletionTimestamp?: string;
    finalizers?: string[];
  };
  spec: Record<string, unknown> & { nodeName?: string };
  status: Record<string, unknown> & { phase?: string };
}

describe.skipIf(!!skip)("controllers, events and deletion through kubectl", () => {
  const sandbox = adminCluster("xirsa-controllers-");
  const kubectl = (args: string[], input?: string) => sandbox.kubectl(args, input);
  const json = async (args: string[]) => {
    const r = await kubectl([...args, "-o", "json"]);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const items = async (args: string[]): Promise<Obj[]> => (await json(args)).items;

  it("a DaemonSet runs one pod per Node, owned by it; rollout restart and status work", async () => {
    const nodes = (await items(["get", "nodes"])).map((n) => n.metadata.name);
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    const applied = await kubectl(["apply", "-f", "-"], DAEMONSET);
    expect(applied.stdout.trim(), applied.stderr).toBe("daemonset.apps/agent created");
    const ds: Obj = await json(["get", "ds", "agent", "-n", "default"]);
    const pods = await items(["get", "pods", "-n", "default", "-l", "app=agent"]);
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual([...nodes].sort());
    for (const p of pods)
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: "DaemonSet", uid: ds.metadata.uid });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: nodes.length, numberAvailable: nodes.length });

    const restart = await kubectl(["rollout", "restart", "daemonset/agent", "-n", "default"]);
    expect(restart.stdout.trim(), restart.stderr).toBe("daemonset.apps/agent restarted");
    const status = await kubectl(["rollout", "status", "daemonset/agent", "-n", "default", "--timeout=20s"]);
    expect(status.stdout.trim(), status.stderr).toBe('daemon set "agent" successfully rolled out');
    const after = await items(["get", "pods", "-n", "default", "-l", "app=agent"]);
    expect(after).toHaveLength(nodes.length);
    const before = new Set(pods.map((p) => p.metadata.uid));
    for (const p of after) expect(before.has(p.metadata.uid)).toBe(false);
  });

  it("a Job's pods run to completion; kubectl wait sees it complete; a Job from a CronJob runs too", async () => {
    const created = await kubectl(["create", "job", "once", "--image=task:1", "-n", "default"]);
    expect(created.stdout.trim(), created.stderr).toBe("job.batch/once created");
    const wait = await kubectl([
      "wait",
      "--for=condition=complete",
      "job/once",
      "-n",
      "default",
      "--timeout=20s",
    ]);
    expect(wait.stdout.trim(), wait.stderr).toBe("job.batch/once condition met");
    const job: Obj = await json(["get", "job", "once", "-n", "default"]);
    expect(job.status.succeeded).toBe(1);
    const pods = await items(["get", "pods", "-n", "default", "-l", "job-name=once"]);
    expect(pods.map((p) => p.status.phase)).toEqual(["Succeeded"]);

    const refused = await kubectl(
      ["apply", "-f", "-"],
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: bad, namespace: default}\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers: [{name: c, image: x}]\n",
    );
    expect(refused.stderr).toContain(
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );

    await kubectl(["apply", "-f", "-"], CRONJOB);
    const fromCron = await kubectl(["create", "job", "manual", "--from=cronjob/nightly", "-n", "default"]);
    expect(fromCron.stdout.trim(), fromCron.stderr).toBe("job.batch/manual created");
    const w2 = await kubectl([
      "wait",
      "--for=condition=complete",
      "job/manual",
      "-n",
      "default",
      "--timeout=20s",
    ]);
    expect(w2.code, w2.stderr).toBe(0);
    const manual: Obj = await json(["get", "job", "manual", "-n", "default"]);
    expect(manual.metadata.ownerReferences?.[0]).toMatchObject({ kind: "CronJob", name: "nightly" });
  });

  it("Events record what the controllers did; kubectl events and get events show them", async () => {
    await kubectl(["create", "deployment", "web", "--image=nginx:1", "--replicas=2", "-n", "default"]);
    const evs = (await items(["get", "events", "-n", "default"])) as unknown as {
      reason: string;
      message: string;
      involvedObject: { kind: string; name: string };
      source: { component: string };
    }[];
    const rs = (await items(["get", "rs", "-n", "default", "-l", "app=web"]))[0]!;
    expect(evs).toContainEqual(
      expect.objectContaining({
        reason: "ScalingReplicaSet",
        message: `Scaled up replica set ${rs.metadata.name} from 0 to 2`,
        involvedObject: expect.objectContaining({ kind: "Deployment", name: "web" }),
        source: { component: "deployment-controller" },
      }),
    );
    const created = evs.filter(
      (e) => e.reason === "SuccessfulCreate" && e.involvedObject.name === rs.metadata.name,
    );
    expect(created).toHaveLength(2);
    expect(created[0]!.message).toMatch(new RegExp(`^Created pod: ${rs.metadata.name}-\\w{5}$`));
    expect(evs.some((e) => e.reason === "Completed" && e.message === "Job completed")).toBe(true);

    const pod = (await items(["get", "pods", "-n", "default", "-l", "app=web"]))[0]!;
    await kubectl(["delete", "pod", pod.metadata.name, "-n", "default", "--wait=false"]);
    const shown = await kubectl(["events", "-n", "default", "--for", `pod/${pod.metadata.name}`]);
    expect(shown.stdout, shown.stderr).toMatch(/Normal\s+Killing\s+Pod\/\S+\s+Stopping container nginx/);
    const table = await kubectl(["get", "events", "-n", "default"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(table.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set/);
  });

  it("finalizers hold an object with a deletionTimestamp until they are removed", async () => {
    await kubectl(
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: default, finalizers: [example.com/hold]}\n",
    );
    const del = await kubectl(["delete", "configmap", "held", "-n", "default", "--wait=false"]);
    expect(del.stdout.trim(), del.stderr).toBe('configmap "held" deleted');
    const held: Obj = await json(["get", "configmap", "held", "-n", "default"]);
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toEqual(["example.com/hold"]);
    const more = await kubectl([
      "patch",
      "configmap",
      "held",
      "-n",
      "default",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}',
    ]);
    expect(more.stderr.trim()).toBe(
      'The ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}',
    );
    const patched = await kubectl([
      "patch",
      "configmap",
      "held",
      "-n",
      "default",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":null}}',
    ]);
    expect(patched.code, patched.stderr).toBe(0);
    const gone = await kubectl(["get", "configmap", "held", "-n", "default"]);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): configmaps "held" not found');
  });

  it("propagationPolicy: orphan keeps the dependents without the owner's reference; foreground removes them", async () => {
    await kubectl(["create", "deployment", "orph", "--image=nginx:1", "-n", "default"]);
    const rs = (await items(["get", "rs", "-n", "default", "-l", "app=orph"]))[0]!;
    const orphan = await kubectl(["delete", "deployment", "orph", "-n", "default", "--cascade=orphan"]);
    expect(orphan.code, orphan.stderr).toBe(0);
    const kept: Obj = await json(["get", "rs", rs.metadata.name, "-n", "default"]);
    expect(kept.metadata.ownerReferences).toBeUndefined();
    expect(await items(["get", "pods", "-n", "default", "-l", "app=orph"])).toHaveLength(1);

    await kubectl(["create", "deployment", "fg", "--image=nginx:1", "-n", "default"]);
    const fg = await kubectl(["delete", "deployment", "fg", "-n", "default", "--cascade=foreground"]);
    expect(fg.code, fg.stderr).toBe(0);
    expect(await items(["get", "rs,pods", "-n", "default", "-l", "app=fg"])).toEqual([]);
    const missing = await kubectl(["get", "deployment", "fg", "-n", "default"]);
    expect(missing.code).toBe(1);
  });

  it("deleting a namespace: Terminating while content with finalizers remains, then gone", async () => {
    await kubectl(["create", "namespace", "doomed"]);
    await kubectl(["create", "deployment", "app", "--image=nginx:1", "-n", "doomed"]);
    await kubectl(
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: doomed, finalizers: [example.com/hold]}\n",
    );
    const del = await kubectl(["delete", "namespace", "doomed", "--wait=false"]);
    expect(del.stdout.trim(), del.stderr).toBe('namespace "doomed" deleted');
    const ns = await json(["get", "namespace", "doomed"]);
    expect(ns.status.phase).toBe("Terminating");
    expect(ns.metadata.deletionTimestamp).toBeDefined();
    expect(ns.status.conditions).toContainEqual(
      expect.objectContaining({
        type: "NamespaceFinalizersRemaining",
        message:
          "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
      }),
    );
    const left = await kubectl(["get", "all,configmaps", "-n", "doomed", "-o", "name"]);
    expect(left.stdout.trim().split("\n")).toEqual(["configmap/held"]);
    const create = await kubectl(["create", "configmap", "late", "-n", "doomed"]);
    expect(create.stderr.trim()).toBe(
      'error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    );
    await kubectl([
      "patch",
      "configmap",
      "held",
      "-n",
      "doomed",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":[]}}',
    ]);
    const gone = await kubectl(["get", "namespace", "doomed"]);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): namespaces "doomed" not found');
  });

  it("built-in ClusterRoles: admin aggregates a labelled role; an admin-bound account sees it in auth can-i --list", async () => {
    const names = (await items(["get", "clusterroles"])).map((r) => r.metadata.name);
    for (const n of [
      "admin",
      "system:aggregate-to-admin",
      "system:node",
      "system:kube-scheduler",
      "system:auth-delegator",
      "system:controller:cronjob-controller",
      "system:controller:generic-garbage-collector",
    ])
      expect(names).toContain(n);
    // A cluster has about 60 bootstrap ClusterRoles besides the ones its add-ons bring.
    expect(names.length).toBeGreaterThanOrEqual(60);
    const binding = await json(["get", "clusterrolebinding", "system:controller:daemon-set-controller"]);
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "daemon-set-controller", namespace: "kube-system" },
    ]);
    expect(binding.roleRef.name).toBe("system:controller:daemon-set-controller");
    await kubectl(["create", "namespace", "team"]);
    await kubectl(["create", "serviceaccount", "dev", "-n", "team"]);
    await kubectl([
      "create",
      "rolebinding",
      "dev-admin",
      "--clusterrole=admin",
      "--serviceaccount=team:dev",
      "-n",
      "team",
    ]);
    await kubectl(
      ["apply", "-f", "-"],
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: widgets-admin\n  labels: {rbac.authorization.k8s.io/aggregate-to-admin: 'true'}\nrules:\n- {apiGroups: [example.com], resources: [widgets], verbs: ['*']}\n",
    );
    const admin = await json(["get", "clusterrole", "admin"]);
    expect(admin.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }],
    });
    expect(admin.rules).toContainEqual({ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["*"] });
    const token = (await kubectl(["create", "token", "dev", "-n", "team"])).stdout.trim();
    const file = join(sandbox.home, "dev.kubeconfig");
    writeTokenKubeconfig(file, sandbox.tc.url, sandbox.tc.caPem, { token });
    const list = await kubectlRunner(sandbox.home)(file, ["auth", "can-i", "--list", "-n", "team"]);
    expect(list.stdout, list.stderr).toMatch(/^widgets\.example\.com\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(list.stdout).toMatch(/^rolebindings\.rbac\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[/m);
    // The aggregated rules are enforced, not only listed.
    const can = await kubectlRunner(sandbox.home)(file, [
      "auth",
      "can-i",
      "create",
      "rolebindings",
      "-n",
      "team",
    ]);
    expect(can.stdout.trim()).toBe("yes");
    const other = await kubectlRunner(sandbox.home)(file, [
      "auth",
      "can-i",
      "create",
      "rolebindings",
      "-n",
      "default",
    ]);
    expect(other.stdout.trim()).toBe("no");
  });
});
