/**
 * The built-in kinds of the type table through the real kubectl: discovery (scope, short names, categories),
 * `kubectl apply` with default validation of one object of each kind, short-name gets, the scale and log
 * subresources.
 */
import { describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { adminCluster } from "./adminCluster.js";

const POD_TEMPLATE = `
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27`;

const MANIFEST = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:${POD_TEMPLATE}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:${POD_TEMPLATE}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1, namespace: default}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:${POD_TEMPLATE}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: default}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: job, image: busybox}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  rules:
    - host: web.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: default}
spec: {hard: {pods: "10"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: l, namespace: default}
spec: {limits: [{type: Container, default: {cpu: 500m}}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: web, namespace: default}
subsets: []
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, namespace: default}
addressType: IPv4
endpoints: []
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: leader, namespace: default}
spec: {holderIdentity: me}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Event
metadata: {name: e1, namespace: default}
involvedObject: {kind: Pod, name: x, namespace: default}
reason: Test
message: hello
type: Normal
---
apiVersion: v1
kind: Node
metadata: {name: ip-10-0-0-1.ec2.internal}
`;

const skip = requireTools("test/sandbox-kube/kinds.test.ts", "kubectl");

describe.skipIf(!!skip)("built-in kinds through kubectl", () => {
  const sandbox = adminCluster("xirsa-kinds-");
  const kubectl = (args: string[], input?: string) => sandbox.kubectl(args, input);

  it("discovery lists each kind with kube-apiserver's scope and short names", async () => {
    const r = await kubectl(["api-resources", "--no-headers"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/));
    const find = (name: string) => rows.find((x) => x[0] === name);
    expect(find("statefulsets")).toEqual(["statefulsets", "sts", "apps/v1", "true", "StatefulSet"]);
    expect(find("daemonsets")).toEqual(["daemonsets", "ds", "apps/v1", "true", "DaemonSet"]);
    expect(find("cronjobs")).toEqual(["cronjobs", "cj", "batch/v1", "true", "CronJob"]);
    expect(find("networkpolicies")).toEqual([
      "networkpolicies",
      "netpol",
      "networking.k8s.io/v1",
      "true",
      "NetworkPolicy",
    ]);
    expect(find("nodes")).toEqual(["nodes", "no", "v1", "false", "Node"]);
    expect(find("priorityclasses")).toEqual([
      "priorityclasses",
      "pc",
      "scheduling.k8s.io/v1",
      "false",
      "PriorityClass",
    ]);
    expect(find("leases")).toEqual(["leases", "coordination.k8s.io/v1", "true", "Lease"]);
    const all = await kubectl(["api-resources", "--categories=all", "-o", "name"]);
    expect(all.stdout.trim().split("\n").sort()).toEqual(
      [
        "pods",
        "services",
        "daemonsets.apps",
        "deployments.apps",
        "replicasets.apps",
        "statefulsets.apps",
        "horizontalpodautoscalers.autoscaling",
        "cronjobs.batch",
        "jobs.batch",
      ].sort(),
    );
  });

  it("applies one object of each kind with default validation and gets them by short name", async () => {
    const r = await kubectl(["apply", "-f", "-"], MANIFEST);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toHaveLength(MANIFEST.split("\n---\n").length);
    expect(r.stdout).toContain("statefulset.apps/db created");
    expect(r.stdout).toContain("priorityclass.scheduling.k8s.io/high created");
    const g = await kubectl([
      "get",
      "sts,ds,rs,cj,netpol,ing,pdb,hpa,pvc,quota,limits,ep,endpointslices,leases,ev",
      "-o",
      "name",
    ]);
    // kubectl's shortcut expander warns as it does on a real cluster, where events.k8s.io/v1 also says `ev`
    // (client-go restmapper/shortcut.go).
    expect(g.stderr).toBe(
      'Warning: short name "ev" could also match lower priority resource events.events.k8s.io\n',
    );
    for (const want of [
      "statefulset.apps/db",
      "daemonset.apps/agent",
      "replicaset.apps/rs1",
      "cronjob.batch/nightly",
      "networkpolicy.networking.k8s.io/deny-all",
      "ingress.networking.k8s.io/web",
      "poddisruptionbudget.policy/web",
      "horizontalpodautoscaler.autoscaling/web",
      "persistentvolumeclaim/data",
      "resourcequota/q",
      "limitrange/l",
      "endpoints/web",
      "endpointslice.discovery.k8s.io/web-abc",
      "lease.coordination.k8s.io/leader",
      "event/e1",
    ])
      expect(g.stdout.split("\n"), want).toContain(want);
    const cluster = await kubectl(["get", "pc,no", "-o", "name"]);
    expect(cluster.stdout.split("\n")).toEqual(
      expect.arrayContaining(["priorityclass.scheduling.k8s.io/high", "node/ip-10-0-0-1.ec2.internal"]),
    );
    // Cluster-scoped kinds refuse a namespaced path.
    const ns = await kubectl(["get", "--raw", "/api/v1/namespaces/default/nodes"]);
    expect(ns.code).toBe(1);
    expect(ns.stderr).toContain("NotFound");
  });

  it("kubectl scale writes spec.replicas through the scale subresource; kubectl logs answers", async () => {
    const c = await kubectl(["create", "deployment", "web", "--image=nginx:1.27", "-n", "default"]);
    expect(c.stdout.trim(), c.stderr).toBe("deployment.apps/web created");
    const s = await kubectl(["scale", "deployment/web", "--replicas=3", "-n", "default"]);
    expect(s.stdout.trim(), s.stderr).toBe("deployment.apps/web scaled");
    const scale = await kubectl(["get", "--raw", "/apis/apps/v1/namespaces/default/deployments/web/scale"]);
    expect(JSON.parse(scale.stdout)).toMatchObject({
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      spec: { replicas: 3 },
      status: { replicas: 3, selector: "app=web" },
    });
    const bad = await kubectl(["scale", "deployment/web", "--replicas=-1", "-n", "default"]);
    expect(bad.code).toBe(1);
    const pods = await kubectl(["get", "pods", "-l", "app=web", "-n", "default", "-o", "name"]);
    const web = pods.stdout
      .trim()
      .split("\n")
      .filter((n) => n.startsWith("pod/web-"));
    expect(web).toHaveLength(3);
    const pod = web[0]!;
    const logs = await kubectl(["logs", pod, "-n", "default"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toBe("");
  });

  it("controllers: Deployment -> ReplicaSet -> Pods and StatefulSet -> ordinal pods, with rollout restart/status/history", async () => {
    const json = async (args: string[]) =>
      JSON.parse((await kubectl([...args, "-o", "json", "-n", "default"])).stdout);
    // The StatefulSet of the manifest: pod db-0 owned by it, with its revision and ordinal labels.
    const db0 = await json(["get", "pod", "db-0"]);
    const sts = await json(["get", "sts", "db"]);
    expect(db0.metadata.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        name: "db",
        uid: sts.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(db0.metadata.labels).toMatchObject({
      "statefulset.kubernetes.io/pod-name": "db-0",
      "apps.kubernetes.io/pod-index": "0",
      "controller-revision-hash": sts.status.updateRevision,
    });
    const firstUid = db0.metadata.uid;
    const restart = await kubectl(["rollout", "restart", "statefulset/db", "-n", "default"]);
    expect(restart.stdout.trim(), restart.stderr).toBe("statefulset.apps/db restarted");
    const status = await kubectl(["rollout", "status", "statefulset/db", "-n", "default", "--timeout=20s"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("partitioned roll out complete");
    const db0After = await json(["get", "pod", "db-0"]);
    expect(db0After.metadata.uid).not.toBe(firstUid);
    expect(db0After.metadata.labels["controller-revision-hash"]).not.toBe(
      db0.metadata.labels["controller-revision-hash"],
    );
    // Deleting the pod: the StatefulSet makes it again under the same name.
    await kubectl(["delete", "pod", "db-0", "-n", "default", "--wait=false"]);
    expect((await json(["get", "pod", "db-0"])).metadata.uid).not.toBe(db0After.metadata.uid);

    // Deployment web (3 replicas): restart makes a second ReplicaSet; the first is scaled to 0 and kept.
    const r1 = await kubectl(["rollout", "restart", "deployment/web", "-n", "default"]);
    expect(r1.stdout.trim(), r1.stderr).toBe("deployment.apps/web restarted");
    const ds = await kubectl(["rollout", "status", "deployment/web", "-n", "default", "--timeout=20s"]);
    expect(ds.stdout, ds.stderr).toContain('deployment "web" successfully rolled out');
    const sets = (await json(["get", "rs", "-l", "app=web"])).items.filter(
      (x: { metadata: { name: string } }) => x.metadata.name.startsWith("web-"),
    );
    expect(sets.map((x: { spec: { replicas: number } }) => x.spec.replicas).sort()).toEqual([0, 3]);
    const history = await kubectl(["rollout", "history", "deployment/web", "-n", "default"]);
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const pods = (await json(["get", "pods"])).items.filter((p: { metadata: { name: string } }) =>
      p.metadata.name.startsWith("web-"),
    );
    const current = sets.find((x: { spec: { replicas: number } }) => x.spec.replicas === 3);
    expect(pods).toHaveLength(3);
    for (const p of pods)
      expect(p.metadata.ownerReferences[0]).toMatchObject({
        kind: "ReplicaSet",
        name: current.metadata.name,
      });
    // Undo goes back to revision 1's template: kubectl copies it into the Deployment, which becomes revision 3:
    // the first ReplicaSet is scaled up again rather than a new one made.
    const undo = await kubectl(["rollout", "undo", "deployment/web", "-n", "default"]);
    expect(undo.stdout.trim(), undo.stderr).toBe("deployment.apps/web rolled back");
    const undone = await kubectl(["rollout", "status", "deployment/web", "-n", "default", "--timeout=20s"]);
    expect(undone.stdout, undone.stderr).toContain('deployment "web" successfully rolled out');
    const after = await kubectl(["rollout", "history", "deployment/web", "-n", "default"]);
    expect(after.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    const setsAfter = (await json(["get", "rs", "-l", "app=web"])).items.filter(
      (x: { metadata: { name: string } }) => x.metadata.name.startsWith("web-"),
    );
    const byName = Object.fromEntries(
      setsAfter.map((x: { metadata: { name: string }; spec: { replicas: number } }) => [
        x.metadata.name,
        x.spec.replicas,
      ]),
    );
    expect(byName[current.metadata.name]).toBe(0);
    expect(Object.values(byName).sort()).toEqual([0, 3]);
    // Garbage collection by ownerReferences: deleting the Deployment takes its ReplicaSets and pods.
    await kubectl(["delete", "deployment", "web", "-n", "default"]);
    const left = await kubectl(["get", "rs,pods", "-n", "default", "-o", "name"]);
    expect(left.stdout.split("\n").filter((n) => n.includes("/web-"))).toEqual([]);
  });
});
