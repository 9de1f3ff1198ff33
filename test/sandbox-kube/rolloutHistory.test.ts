/** ControllerRevisions: `kubectl rollout history` and `rollout undo` of DaemonSets and StatefulSets. */
import { describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { adminCluster } from "./adminCluster.js";

const skip = requireTools("test/sandbox-kube/rolloutHistory.test.ts", "kubectl");

const set = (kind: string, name: string, extra = "") => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, namespace: default}
spec:
${extra}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: main, image: "${name}:1"}]
`;

describe.skipIf(!!skip)("rollout history and undo of DaemonSets and StatefulSets", () => {
  const sandbox = adminCluster("xirsa-history-");
  const kubectl = (args: string[], input?: string) => sandbox.kubectl(args, input);
  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };

  for (const [kind, resource, extra] of [
    ["DaemonSet", "daemonset", ""],
    ["StatefulSet", "statefulset", "  replicas: 2\n  serviceName: db\n"],
  ] as const) {
    it(`${kind}: each template is a revision; undo brings the previous one back as a new revision`, async () => {
      const name = kind === "DaemonSet" ? "agent" : "db";
      await ok(["apply", "-f", "-"], set(kind, name, extra));
      await ok(["set", "image", `${resource}/${name}`, `main=${name}:2`]);
      const history = await ok(["rollout", "history", `${resource}/${name}`]);
      expect(
        history
          .split("\n")
          .filter((l) => /^\d+\s/.test(l))
          .map((l) => l.split(/\s+/)[0]),
      ).toEqual(["1", "2"]);
      expect(await ok(["rollout", "history", `${resource}/${name}`, "--revision=1"])).toContain(
        `Image:\t${name}:1`,
      );

      const revisions = JSON.parse(
        await ok(["get", "controllerrevisions", "-l", `app=${name}`, "-o", "json"]),
      );
      expect(revisions.items).toHaveLength(2);
      const first = revisions.items.find((r: { revision: number }) => r.revision === 1);
      expect(first.metadata.ownerReferences[0]).toMatchObject({ kind, name, controller: true });
      expect(first.metadata.name).toBe(`${name}-${first.metadata.labels["controller-revision-hash"]}`);
      expect(first.data.spec.template.$patch).toBe("replace");

      expect(await ok(["rollout", "undo", `${resource}/${name}`])).toContain(
        `${resource}.apps/${name} rolled back`,
      );
      const obj = JSON.parse(await ok(["get", resource, name, "-o", "json"]));
      expect(obj.spec.template.spec.containers[0].image).toBe(`${name}:1`);
      const after = await ok(["rollout", "history", `${resource}/${name}`]);
      expect(
        after
          .split("\n")
          .filter((l) => /^\d+\s/.test(l))
          .map((l) => l.split(/\s+/)[0]),
      ).toEqual(["2", "3"]);
      const pods = JSON.parse(await ok(["get", "pods", "-l", `app=${name}`, "-o", "json"]));
      const hash = first.metadata.labels["controller-revision-hash"];
      for (const p of pods.items)
        expect(p.metadata.labels["controller-revision-hash"]).toBe(
          kind === "DaemonSet" ? hash : `${name}-${hash}`,
        );
    });
  }
});
