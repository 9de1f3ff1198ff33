import { describe, expect, it } from "vitest";
import { controllerOf, podsUsing, restartTargets } from "./controllers.js";
import type { KubeObject } from "./types.js";

const owned = (
  kind: string,
  name: string,
  owner?: { kind: string; name: string },
  extra: object = {},
): KubeObject => ({
  apiVersion: kind === "Pod" ? "v1" : "apps/v1",
  kind,
  metadata: {
    name,
    namespace: "argocd",
    ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", ...owner, uid: "u", controller: true }] } : {}),
  },
  ...extra,
});
const pod = (name: string, sa: string | undefined, owner?: { kind: string; name: string }) =>
  owned("Pod", name, owner, { spec: sa ? { serviceAccountName: sa } : {} });

const rs = owned("ReplicaSet", "argocd-server-7d9f", { kind: "Deployment", name: "argocd-server" });
const bareRs = owned("ReplicaSet", "lonely-1");

describe("controllerOf", () => {
  it("follows a ReplicaSet to its Deployment; StatefulSet and DaemonSet own their pods", () => {
    expect(controllerOf(pod("a", "s", { kind: "ReplicaSet", name: "argocd-server-7d9f" }), [rs])).toEqual({
      kind: "Deployment",
      name: "argocd-server",
    });
    expect(
      controllerOf(pod("b", "s", { kind: "StatefulSet", name: "argocd-application-controller" }), []),
    ).toEqual({ kind: "StatefulSet", name: "argocd-application-controller" });
    expect(controllerOf(pod("c", "s", { kind: "DaemonSet", name: "agent" }), [])).toEqual({
      kind: "DaemonSet",
      name: "agent",
    });
  });

  it("says when nothing xirsa can restart would re-create the pod", () => {
    expect(controllerOf(pod("d", "s"), [])).toEqual({ kind: "none" });
    expect(controllerOf(pod("e", "s", { kind: "ReplicaSet", name: "lonely-1" }), [bareRs])).toEqual({
      kind: "other",
      owner: "ReplicaSet lonely-1 (no Deployment controls it)",
    });
    expect(controllerOf(pod("f", "s", { kind: "Job", name: "once" }), [])).toEqual({
      kind: "other",
      owner: "Job once",
    });
  });
});

describe("podsUsing and restartTargets", () => {
  it("finds pods by spec.serviceAccountName whatever their labels (nameOverride), one restart per controller", () => {
    const objects = [
      rs,
      pod("srv-1", "argocd-server", { kind: "ReplicaSet", name: "argocd-server-7d9f" }),
      pod("srv-2", "argocd-server", { kind: "ReplicaSet", name: "argocd-server-7d9f" }),
      pod("ctl-0", "argocd-application-controller", {
        kind: "StatefulSet",
        name: "argocd-application-controller",
      }),
      pod("other", undefined, { kind: "DaemonSet", name: "x" }),
    ];
    const server = podsUsing(objects, "argocd", "argocd-server");
    expect(server.map((p) => p.metadata.name)).toEqual(["srv-1", "srv-2"]);
    expect(podsUsing(objects, "argocd", "default").map((p) => p.metadata.name)).toEqual(["other"]);
    expect(restartTargets(server, objects)).toEqual({
      controllers: [{ kind: "Deployment", name: "argocd-server" }],
      stranded: [],
    });
    const bare = restartTargets([pod("naked", "argocd-server")], objects);
    expect(bare.stranded).toEqual([{ pod: "naked", why: "has no controller" }]);
  });
});
