import { describe, expect, it } from "vitest";
import { builtinSchema, decodeBuiltin } from "./builtinFields.js";
import type { JsonObject } from "./json.js";

const deployment = (spec: JsonObject): JsonObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec,
});

describe("decodeBuiltin", () => {
  it("names the innermost struct, the path without indices and the Go type, as encoding/json does", () => {
    expect(decodeBuiltin("Deployment", deployment({ replicas: 2.5 })).typeError).toBe(
      "json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
    );
    const args = deployment({ template: { spec: { containers: [{ name: "a", args: [1] }] } } });
    expect(decodeBuiltin("Deployment", args).typeError).toBe(
      "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string",
    );
    const labels: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { labels: { v: 1 } } };
    expect(decodeBuiltin("ConfigMap", labels).typeError).toBe(
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
    );
    expect(decodeBuiltin("Deployment", deployment({ template: [] })).typeError).toBe(
      "json: cannot unmarshal array into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec",
    );
  });

  it("lets null and unmodelled subtrees through, and drops unknown fields with their indexed paths", () => {
    const o = deployment({
      replicas: null,
      strategy: { anything: [1, "x"] },
      template: { spec: { containers: [{ name: "a", imagePullPolicyy: "Always" }] } },
    });
    const w = decodeBuiltin("Deployment", o);
    expect(w.typeError).toBeUndefined();
    expect(w.dropped).toEqual(["spec.template.spec.containers[0].imagePullPolicyy"]);
    expect(decodeBuiltin("Widget", { spec: 1 })).toEqual({ dropped: [] });
  });

  it("serves the same table as OpenAPI, made once", () => {
    const s = builtinSchema("Deployment", true)!;
    expect(builtinSchema("Deployment", true)).toBe(s);
    const spec = (s.properties as JsonObject).spec as JsonObject;
    expect((spec.properties as JsonObject).replicas).toMatchObject({ type: "integer", format: "int32" });
    expect(spec.required).toEqual(["selector", "template"]);
  });
});
