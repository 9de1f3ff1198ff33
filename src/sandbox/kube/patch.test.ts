import { describe, expect, it } from "vitest";
import { builtinRoot } from "./builtinFields.js";
import type { JsonObject } from "./json.js";
import { applyPatch, jsonPatch, mergePatch, strategicMerge } from "./patch.js";
import { KubeStatusError } from "./status.js";

const DEP = builtinRoot("Deployment");

describe("merge patch (RFC 7386)", () => {
  it("merges objects, replaces lists, deletes with null", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      l: [3],
    });
  });
});

describe("JSON patch (RFC 6902)", () => {
  const doc = { spec: { replicas: 1, list: ["a", "b"] }, metadata: { labels: { "a/b": "x" } } };
  it("applies add, remove, replace, move, copy, test and ~1 escapes", () => {
    const out = jsonPatch(doc, [
      { op: "test", path: "/spec/replicas", value: 1 },
      { op: "replace", path: "/spec/replicas", value: 3 },
      { op: "add", path: "/spec/list/-", value: "c" },
      { op: "add", path: "/spec/list/0", value: "z" },
      { op: "remove", path: "/metadata/labels/a~1b" },
      { op: "copy", from: "/spec/replicas", path: "/spec/copied" },
      { op: "move", from: "/spec/copied", path: "/spec/moved" },
    ]);
    expect(out).toEqual({
      spec: { replicas: 3, list: ["z", "a", "b", "c"], moved: 3 },
      metadata: { labels: {} },
    });
    expect(doc.spec.replicas).toBe(1);
  });
  it("fails a test op and a missing path with a Status", () => {
    expect(() => jsonPatch(doc, [{ op: "test", path: "/spec/replicas", value: 2 }])).toThrow(KubeStatusError);
    expect(() => jsonPatch(doc, [{ op: "remove", path: "/spec/nope" }])).toThrow(/missing path/);
  });
});

describe("strategic merge patch", () => {
  const dep = {
    spec: {
      template: {
        metadata: { annotations: { a: "1" } },
        spec: {
          containers: [
            {
              name: "app",
              image: "x:1",
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
            },
            { name: "side", image: "s:1" },
          ],
          volumes: [{ name: "v1", emptyDir: {} }],
        },
      },
    },
    metadata: { finalizers: ["f1"] },
  };
  it("merges containers and env by name (kubectl rollout restart, set env)", () => {
    const out = strategicMerge(
      dep as never,
      {
        spec: {
          template: {
            metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "now" } },
            spec: {
              containers: [
                {
                  name: "app",
                  env: [
                    { name: "B", value: "3" },
                    { name: "C", value: "4" },
                  ],
                },
              ],
            },
          },
        },
      },
      DEP,
    ) as typeof dep;
    expect(out.spec.template.metadata.annotations).toEqual({
      a: "1",
      "kubectl.kubernetes.io/restartedAt": "now",
    });
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: "app",
        image: "x:1",
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "3" },
          { name: "C", value: "4" },
        ],
      },
      { name: "side", image: "s:1" },
    ]);
  });
  it("honours $patch: delete, $setElementOrder and $deleteFromPrimitiveList; finalizers merge", () => {
    const out = strategicMerge(
      dep as never,
      {
        metadata: { finalizers: ["f2"] },
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "side" }, { name: "app" }],
              containers: [{ name: "app", env: [{ name: "A", $patch: "delete" }] }],
              volumes: [{ name: "v1", $patch: "delete" }],
            },
          },
        },
      } as never,
      DEP,
    ) as typeof dep;
    expect(out.metadata.finalizers).toEqual(["f1", "f2"]);
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(["side", "app"]);
    expect(out.spec.template.spec.containers[1]!.env).toEqual([{ name: "B", value: "2" }]);
    expect(out.spec.template.spec.volumes).toEqual([]);
    expect(
      strategicMerge(
        { metadata: { finalizers: ["f1", "f2"] } },
        { metadata: { "$deleteFromPrimitiveList/finalizers": ["f1"] } },
        builtinRoot("Lease"),
      ),
    ).toEqual({
      metadata: { finalizers: ["f2"] },
    });
  });
  it("reads merge keys from the schema table: a Service's ports by port, tolerations replaced", () => {
    const svc: JsonObject = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    expect(
      strategicMerge(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, builtinRoot("Service")),
    ).toEqual({ spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } });
    const pod = {
      spec: { tolerations: [{ key: "a" }], containers: [{ name: "c", ports: [{ containerPort: 80 }] }] },
    };
    const patched = strategicMerge(
      pod,
      { spec: { tolerations: [{ key: "b" }], containers: [{ name: "c", ports: [{ containerPort: 81 }] }] } },
      builtinRoot("Pod"),
    );
    expect(patched).toEqual({
      spec: {
        tolerations: [{ key: "b" }],
        containers: [{ name: "c", ports: [{ containerPort: 80 }, { containerPort: 81 }] }],
      },
    });
  });
  it("lists without a merge key are replaced; $patch: replace replaces a map", () => {
    expect(strategicMerge({ args: ["a", "b"] }, { args: ["c"] })).toEqual({ args: ["c"] });
    expect(strategicMerge({ m: { a: 1, b: 2 } }, { m: { $patch: "replace", c: 3 } })).toEqual({
      m: { c: 3 },
    });
  });
  it("is refused for custom resources with 415, as for CRDs", () => {
    expect(() => applyPatch({}, "application/strategic-merge-patch+json", {}, true)).toThrow(
      /unknown format/,
    );
    try {
      applyPatch({}, "application/strategic-merge-patch+json", {}, true);
    } catch (e) {
      expect((e as KubeStatusError).code).toBe(415);
    }
  });
});
