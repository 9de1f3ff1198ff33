import { describe, expect, it } from "vitest";
import { builtinShape, schemaShape } from "./fieldShape.js";
import type { JsonObject } from "./json.js";
import {
  compare,
  FieldSet,
  fieldSet,
  fromFieldsV1,
  merge,
  pathString,
  removeItems,
  toFieldsV1,
} from "./managedFields.js";

const DEPLOYMENT = builtinShape("Deployment");
const POD = builtinShape("Pod");

const deploymentConfig: JsonObject = {
  metadata: { name: "web", labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      spec: {
        containers: [{ name: "web", image: "nginx:1", ports: [{ containerPort: 80 }] }],
        tolerations: [{ key: "a", operator: "Exists" }],
      },
    },
  },
};

describe("field sets", () => {
  it("holds leaves, atomic values and keyed items with kube-apiserver's FieldsV1 shape", () => {
    expect(toFieldsV1(fieldSet(deploymentConfig, DEPLOYMENT))).toEqual({
      "f:metadata": { "f:labels": { "f:app": {} }, "f:name": {} },
      "f:spec": {
        "f:replicas": {},
        // LabelSelector is an atomic struct; tolerations an atomic list.
        "f:selector": {},
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"web"}': {
                ".": {},
                "f:image": {},
                "f:name": {},
                // ContainerPort's keys are containerPort and protocol, TCP when omitted.
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
              },
            },
            "f:tolerations": {},
          },
        },
      },
    });
  });

  it("reads FieldsV1 back to the same set, and prints paths as fieldpath does", () => {
    const set = fieldSet(deploymentConfig, DEPLOYMENT);
    expect(toFieldsV1(fromFieldsV1(toFieldsV1(set)))).toEqual(toFieldsV1(set));
    expect(
      pathString(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image"]),
    ).toBe('.spec.template.spec.containers[name="web"].image');
    expect(pathString(["f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}'])).toBe(
      '.spec.ports[port=80,protocol="TCP"]',
    );
    expect(pathString(["f:metadata", "f:finalizers", 'v:"a"'])).toBe('.metadata.finalizers[="a"]');
  });

  it("a CRD schema decides list types: map keys, sets, atomic by default", () => {
    const shape = schemaShape({
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            sources: {
              type: "array",
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["repoURL"],
              items: {
                type: "object",
                properties: { repoURL: { type: "string" }, path: { type: "string" } },
              },
            },
            tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
            plain: { type: "array", items: { type: "string" } },
          },
        },
      },
    });
    const set = fieldSet(
      { spec: { sources: [{ repoURL: "r", path: "p" }], tags: ["a"], plain: ["x"] } },
      shape,
    );
    expect(toFieldsV1(set)).toEqual({
      "f:spec": {
        "f:plain": {},
        "f:sources": { 'k:{"repoURL":"r"}': { ".": {}, "f:path": {}, "f:repoURL": {} } },
        "f:tags": { 'v:"a"': {} },
      },
    });
  });
});

describe("merge and compare", () => {
  it("merges keyed lists by key, keeps live-only items, replaces atomic lists", () => {
    const live: JsonObject = {
      spec: {
        containers: [
          { name: "a", image: "a:1", env: [{ name: "X", value: "1" }] },
          { name: "b", image: "b:1" },
        ],
        tolerations: [{ key: "t1" }],
      },
    };
    const config = {
      spec: {
        containers: [
          { name: "a", image: "a:2" },
          { name: "c", image: "c:1" },
        ],
        tolerations: [{ key: "t2" }],
      },
    };
    expect(merge(live, config, POD)).toEqual({
      spec: {
        containers: [
          { name: "a", image: "a:2", env: [{ name: "X", value: "1" }] },
          // typed/merge.go: an item only live stays where it was, a new one comes after it.
          { name: "b", image: "b:1" },
          { name: "c", image: "c:1" },
        ],
        tolerations: [{ key: "t2" }],
      },
    });
  });

  it("reads list keys from the schema table: Service ports by port+protocol, env and volumes by name", () => {
    const svc = fieldSet({ spec: { ports: [{ port: 80, targetPort: 8080 }] } }, builtinShape("Service"));
    expect(svc.paths().map(pathString)).toContain('.spec.ports[port=80,protocol="TCP"].targetPort');
    const merged = merge(
      {
        spec: {
          containers: [{ name: "a", env: [{ name: "X", value: "1" }] }],
          volumes: [{ name: "v", emptyDir: {} }],
        },
      },
      {
        spec: {
          containers: [{ name: "a", env: [{ name: "Y", value: "2" }] }],
          volumes: [{ name: "w", configMap: { name: "c" } }],
        },
      },
      POD,
    );
    expect(merged).toEqual({
      spec: {
        containers: [
          {
            name: "a",
            env: [
              { name: "X", value: "1" },
              { name: "Y", value: "2" },
            ],
          },
        ],
        volumes: [
          { name: "v", emptyDir: {} },
          { name: "w", configMap: { name: "c" } },
        ],
      },
    });
    // A Service's selector is an atomic map: replaced whole.
    expect(
      merge({ spec: { selector: { a: "1" } } }, { spec: { selector: { b: "2" } } }, builtinShape("Service")),
    ).toEqual({ spec: { selector: { b: "2" } } });
  });

  it("unions sets and follows the configuration's order for shared items", () => {
    const merged = merge(
      { metadata: { finalizers: ["a", "b"] }, spec: { containers: [{ name: "x" }, { name: "y" }] } },
      { metadata: { finalizers: ["c"] }, spec: { containers: [{ name: "y" }, { name: "x" }] } },
      POD,
    );
    expect(merged).toEqual({
      metadata: { finalizers: ["a", "b", "c"] },
      spec: { containers: [{ name: "y" }, { name: "x" }] },
    });
  });

  it("compares leaves: added, modified, removed; a new keyed item is itself added", () => {
    const c = compare(
      { spec: { replicas: 1, containers: [{ name: "a", image: "1" }] } },
      { spec: { paused: true, containers: [{ name: "a", image: "2" }, { name: "b" }] } },
      POD,
    );
    expect(c.added.paths().map(pathString)).toEqual([
      '.spec.containers[name="b"]',
      '.spec.containers[name="b"].name',
      ".spec.paused",
    ]);
    expect(c.modified.paths().map(pathString)).toEqual(['.spec.containers[name="a"].image']);
    expect(c.removed.paths().map(pathString)).toEqual([".spec.replicas"]);
  });

  it("removes members with their subtrees", () => {
    const set = FieldSet.of([
      ["f:spec", "f:containers", 'k:{"name":"b"}'],
      ["f:metadata", "f:annotations", "f:x"],
    ]);
    expect(
      removeItems(
        {
          metadata: { annotations: { x: "1", y: "2" } },
          spec: { containers: [{ name: "a" }, { name: "b", image: "i" }] },
        },
        set,
        POD,
      ),
    ).toEqual({ metadata: { annotations: { y: "2" } }, spec: { containers: [{ name: "a" }] } });
  });
});

describe("null in an applied configuration", () => {
  it("unsets the field and is still owned", () => {
    const config: JsonObject = { spec: { replicas: null, paused: true } };
    expect(merge({ spec: { replicas: 3 } }, config, DEPLOYMENT)).toEqual({ spec: { paused: true } });
    expect(toFieldsV1(fieldSet(config, DEPLOYMENT))).toEqual({
      "f:spec": { "f:paused": {}, "f:replicas": {} },
    });
  });
});
