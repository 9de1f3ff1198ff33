import { describe, expect, it } from "vitest";
import type { JsonObject } from "./json.js";
import { RESOURCES } from "./resources.js";
import { apply, readManagers, trackUpdate, type Writer, writeManagers } from "./serverSideApply.js";
import { KubeStatusError } from "./status.js";

const DEPLOYMENTS = RESOURCES.find((r) => r.kind === "Deployment")!;
const CONFIG_MAPS = RESOURCES.find((r) => r.kind === "ConfigMap")!;

const writer = (manager: string, now = "2026-01-01T00:00:00Z"): Writer => ({
  manager,
  apiVersion: "apps/v1",
  subresource: "",
  now,
});

const withManagers = (o: JsonObject, ms: ReturnType<typeof readManagers>): JsonObject => ({
  ...o,
  metadata: { ...(o.metadata as JsonObject), managedFields: writeManagers(ms) },
});

const dep = (spec: JsonObject): JsonObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "u", resourceVersion: "7" },
  spec,
});

function conflictOf(f: () => unknown): KubeStatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof KubeStatusError) return e;
    throw e;
  }
  throw new Error("no conflict");
}

describe("updates", () => {
  it("a create gives the writer every field it set, server fields excluded", () => {
    const ms = trackUpdate(DEPLOYMENTS, undefined, dep({ replicas: 2 }), writer("kubectl-create"));
    expect(writeManagers(ms)).toEqual([
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2026-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": { "f:replicas": {} } },
      },
    ]);
  });

  it("an update takes the changed fields from others and leaves an object without managedFields untracked", () => {
    const live = withManagers(
      dep({ replicas: 2, paused: false }),
      trackUpdate(DEPLOYMENTS, undefined, dep({ replicas: 2, paused: false }), writer("a")),
    );
    const ms = trackUpdate(DEPLOYMENTS, live, dep({ replicas: 3, paused: false }), writer("b"));
    expect(ms.map((m) => [m.manager, m.set.paths().map((p) => p.join("/"))])).toEqual([
      ["a", ["f:spec/f:paused"]],
      ["b", ["f:spec/f:replicas"]],
    ]);
    expect(trackUpdate(DEPLOYMENTS, dep({ replicas: 1 }), dep({ replicas: 2 }), writer("b"))).toEqual([]);
  });

  it("managedFields the request writes replace the live ones; an empty list resets them", () => {
    const live = withManagers(
      dep({ replicas: 2 }),
      trackUpdate(DEPLOYMENTS, undefined, dep({ replicas: 2 }), writer("a")),
    );
    const requested = [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        fieldsV1: { "f:spec": { "f:replicas": {} } },
      },
    ];
    const ms = trackUpdate(DEPLOYMENTS, live, dep({ replicas: 2 }), writer("kubectl-patch"), requested);
    expect(ms.map((m) => `${m.manager}/${m.operation}`)).toEqual(["kubectl/Apply"]);
    expect(trackUpdate(DEPLOYMENTS, live, dep({ replicas: 2 }), writer("x"), [])).toEqual([]);
  });
});

describe("apply", () => {
  it("a conflict with an updater names its API version; with an applier only its name", () => {
    const live = withManagers(
      dep({ replicas: 2 }),
      trackUpdate(DEPLOYMENTS, undefined, dep({ replicas: 2 }), writer("kubectl-client-side-apply")),
    );
    const err = conflictOf(() => apply(DEPLOYMENTS, live, dep({ replicas: 3 }), writer("kubectl"), false));
    expect(err.code).toBe(409);
    expect(err.reason).toBe("Conflict");
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    expect(err.details).toEqual({
      causes: [
        {
          reason: "FieldManagerConflict",
          message: 'conflict with "kubectl-client-side-apply" using apps/v1',
          field: ".spec.replicas",
        },
      ],
    });
    const applied = apply(DEPLOYMENTS, dep({}), dep({ replicas: 2, paused: true }), writer("ci"), false);
    const two = conflictOf(() =>
      apply(
        DEPLOYMENTS,
        withManagers(applied.object, applied.managers),
        dep({ replicas: 3, paused: false }),
        writer("me"),
        false,
      ),
    );
    expect(two.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "ci":\n- .spec.paused\n- .spec.replicas',
    );
  });

  it("the same value is shared, force takes the field, omitted fields go unless co-owned", () => {
    let live: JsonObject | undefined;
    const step = (config: JsonObject, manager: string, force = false) => {
      const a = apply(DEPLOYMENTS, live, config, writer(manager), force);
      live = withManagers(a.object, a.managers);
      return live;
    };
    step(dep({ replicas: 2, paused: true, minReadySeconds: 5 }), "a");
    step(dep({ replicas: 2 }), "b");
    expect(readManagers(live).map((m) => [m.manager, m.set.size])).toEqual([
      ["a", 3],
      ["b", 1],
    ]);
    expect(step(dep({ replicas: 2, paused: false }), "b", true).spec).toMatchObject({ paused: false });
    // a applies without replicas (b still owns it: kept), without minReadySeconds (a alone: removed).
    expect(step(dep({}), "a").spec).toEqual({ replicas: 2, paused: false });
  });

  it("an object without managedFields gets a before-first-apply owner of what it holds", () => {
    const err = conflictOf(() =>
      apply(
        CONFIG_MAPS,
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "2" } },
        { ...writer("me"), apiVersion: "v1" },
        false,
      ),
    );
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a',
    );
  });
});
