import { describe, expect, it } from "vitest";
import { validateCrd } from "./crd.js";
import { applyDefaults, prune, structuralErrors, validate } from "./crdSchema.js";
import type { JsonObject } from "./json.js";
import { compareKubeVersions } from "./registry.js";
import { jsonPathValues } from "./table.js";

const schema: JsonObject = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        items: {
          type: "array",
          items: {
            type: "object",
            properties: { name: { type: "string" }, port: { "x-kubernetes-int-or-string": true } },
          },
        },
        free: {
          type: "object",
          "x-kubernetes-preserve-unknown-fields": true,
          properties: { n: { type: "integer" } },
        },
        map: {
          type: "object",
          additionalProperties: { type: "object", properties: { a: { type: "string" } } },
        },
        embedded: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object" } },
        },
        when: { type: "string", format: "date-time" },
        mode: { type: "string", default: "auto", enum: ["auto", "manual"] },
        opt: { type: "string", nullable: true, default: "x" },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 2, uniqueItems: true },
      },
    },
  },
};

describe("structural schemas", () => {
  it("prunes unknown fields but keeps metadata, preserved and embedded type meta, naming array items path[i]", () => {
    const o: JsonObject = {
      apiVersion: "x/v1",
      kind: "X",
      metadata: { name: "a", labels: { k: "v" } },
      spec: {
        items: [{ name: "a", zap: 1 }],
        free: { n: 1, anything: { deep: true } },
        map: { k1: { a: "x", b: "y" } },
        embedded: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {}, junk: 1 },
        other: 2,
      },
      top: 1,
    };
    expect(prune(schema, o).sort()).toEqual(
      ["spec.items[0].zap", "spec.map.k1.b", "spec.embedded.junk", "spec.other", "top"].sort(),
    );
    expect(o).toEqual({
      apiVersion: "x/v1",
      kind: "X",
      metadata: { name: "a", labels: { k: "v" } },
      spec: {
        items: [{ name: "a" }],
        free: { n: 1, anything: { deep: true } },
        map: { k1: { a: "x" } },
        embedded: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} },
      },
    });
  });

  it("defaults absent properties, and null ones unless nullable", () => {
    const o: JsonObject = { spec: { mode: null, opt: null, when: null } };
    applyDefaults(schema, o);
    expect(o.spec).toEqual({ mode: "auto", opt: null });
    const empty: JsonObject = { spec: {} };
    applyDefaults(schema, empty);
    expect(empty.spec).toEqual({ mode: "auto", opt: "x" });
  });

  it("validates with kube-openapi's messages as field errors", () => {
    const causes = validate(schema, {
      spec: { items: [{ port: true }], when: "yesterday", mode: "fast", tags: ["a", "a", "b"] },
    });
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.items[0].port: Invalid value: "boolean": spec.items[0].port in body must be of type integer,string: "boolean"',
      'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
      'spec.mode: Unsupported value: "fast": supported values: "auto", "manual"',
      "spec.tags: Too many: 3: must have at most 2 items",
      `spec.tags: Invalid value: "": spec.tags in body shouldn't contain duplicates`,
    ]);
    expect(validate(schema, { spec: { tags: [], items: [{ port: 8080 }, { port: "http" }] } })).toEqual([
      {
        field: "spec.tags",
        reason: "FieldValueInvalid",
        message: "Invalid value: 0: spec.tags in body should have at least 1 items",
      },
    ]);
  });

  it("checks a CRD's names, scope, storage version and schema", () => {
    const crd: JsonObject = {
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example",
        names: { plural: "widgets", kind: "Widget" },
        scope: "Global",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", properties: { spec: {} } } },
          },
          { name: "v2", served: true, storage: true },
        ],
      },
    };
    expect(validateCrd(crd).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group',
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      'spec.versions: Invalid value: "[\\"v1\\",\\"v2\\"]": must have exactly one version marked as storage version',
      "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
      "spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required",
    ]);
    expect(
      structuralErrors(
        { type: "object", properties: { a: { "x-kubernetes-preserve-unknown-fields": true } } },
        "s",
      ),
    ).toEqual([]);
  });

  it("orders versions by Kubernetes priority and reads printer-column JSONPaths", () => {
    expect(["v1alpha1", "v1beta1", "v2", "v1", "v1beta2", "v10"].sort(compareKubeVersions)).toEqual([
      "v10",
      "v2",
      "v1",
      "v1beta2",
      "v1beta1",
      "v1alpha1",
    ]);
    const o = {
      status: {
        conditions: [
          { type: "A", status: "False" },
          { type: "Ready", status: "True" },
        ],
      },
    };
    expect(jsonPathValues(o, '.status.conditions[?(@.type=="Ready")].status')).toEqual(["True"]);
    expect(jsonPathValues(o, ".status.conditions[*].type")).toEqual(["A", "Ready"]);
    expect(jsonPathValues(o, ".status.conditions[-1].type")).toEqual(["Ready"]);
    expect(jsonPathValues(o, ".status.missing")).toEqual([]);
  });
});
