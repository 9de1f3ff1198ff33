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
    const o = {
      ...deployment({
        replicas: null,
        strategy: { type: "Recreate", anything: [1, "x"] },
        template: { spec: { containers: [{ name: "a", imagePullPolicyy: "Always" }] } },
      }),
      status: { anything: [1, "x"] },
    };
    const w = decodeBuiltin("Deployment", o);
    expect(w.typeError).toBeUndefined();
    expect(w.dropped).toEqual([
      "spec.strategy.anything",
      "spec.template.spec.containers[0].imagePullPolicyy",
    ]);
    expect(decodeBuiltin("Widget", { spec: 1 })).toEqual({ dropped: [] });
  });

  it("types the pod spec's probes, volumes, affinity, tolerations, env and resources", () => {
    const pod = (container: JsonObject, spec: JsonObject = {}): JsonObject =>
      deployment({ template: { spec: { containers: [{ name: "a", image: "i", ...container }], ...spec } } });
    expect(decodeBuiltin("Deployment", pod({ livenessProbe: { periodSeconds: "10" } })).typeError).toBe(
      "json: cannot unmarshal string into Go struct field Probe.spec.template.spec.containers.livenessProbe.periodSeconds of type int32",
    );
    expect(decodeBuiltin("Deployment", pod({ imagePullPolicy: 1 })).typeError).toBe(
      "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.imagePullPolicy of type v1.PullPolicy",
    );
    // IntOrString: a name or a number; anything else is an int32 error.
    const ports = [{ httpGet: { port: "http" } }, { httpGet: { port: 8080 } }];
    for (const p of ports)
      expect(decodeBuiltin("Deployment", pod({ readinessProbe: p })).typeError).toBeUndefined();
    expect(decodeBuiltin("Deployment", pod({ readinessProbe: { httpGet: { port: true } } })).typeError).toBe(
      "json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.template.spec.containers.readinessProbe.httpGet.port of type int32",
    );
    expect(
      decodeBuiltin("Deployment", pod({ resources: { limits: { cpu: "500m", memory: 128 } } })).typeError,
    ).toBeUndefined();
    expect(decodeBuiltin("Deployment", pod({ resources: { limits: { cpu: "lots" } } })).typeError).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(decodeBuiltin("Deployment", pod({ resources: { requests: { memory: "1ki" } } })).typeError).toBe(
      "unable to parse quantity's suffix",
    );
    expect(
      decodeBuiltin("Deployment", pod({ env: [{ name: "A", valueFrom: { secretKeyRef: { key: 1 } } }] }))
        .typeError,
    ).toBe(
      "json: cannot unmarshal number into Go struct field SecretKeySelector.spec.template.spec.containers.env.valueFrom.secretKeyRef.key of type string",
    );
    expect(
      decodeBuiltin("Deployment", pod({}, { tolerations: [{ tolerationSeconds: "5" }] })).typeError,
    ).toBe(
      "json: cannot unmarshal string into Go struct field Toleration.spec.template.spec.tolerations.tolerationSeconds of type int64",
    );
    const volumes = pod(
      {},
      { volumes: [{ name: "v", configMap: { name: "c", defaultMode: 420, itemz: [] } }] },
    );
    expect(decodeBuiltin("Deployment", volumes).dropped).toEqual([
      "spec.template.spec.volumes[0].configMap.itemz",
    ]);
    const affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: {} } },
    };
    expect(decodeBuiltin("Deployment", pod({}, { affinity })).typeError).toBe(
      "json: cannot unmarshal object into Go struct field NodeSelector.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms of type []v1.NodeSelectorTerm",
    );
  });

  it("publishes list types, merge keys and (in v3) enums", () => {
    const container = (v3: boolean) => {
      const spec = ((builtinSchema("Pod", v3)!.properties as JsonObject).spec as JsonObject)
        .properties as JsonObject;
      return { spec, c: ((spec.containers as JsonObject).items as JsonObject).properties as JsonObject };
    };
    const { spec, c } = container(true);
    expect(spec.containers).toMatchObject({
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
    });
    expect(c.ports).toMatchObject({ "x-kubernetes-list-map-keys": ["containerPort", "protocol"] });
    expect(spec.tolerations).toMatchObject({ "x-kubernetes-list-type": "atomic" });
    expect(c.imagePullPolicy).toEqual({ type: "string", enum: ["Always", "IfNotPresent", "Never"] });
    expect(container(false).c.imagePullPolicy).toEqual({ type: "string" });
    expect(container(false).spec.volumes).toMatchObject({
      "x-kubernetes-patch-strategy": "merge,retainKeys",
    });
  });

  it("serves the same table as OpenAPI, made once", () => {
    const s = builtinSchema("Deployment", true)!;
    expect(builtinSchema("Deployment", true)).toBe(s);
    const spec = (s.properties as JsonObject).spec as JsonObject;
    expect((spec.properties as JsonObject).replicas).toMatchObject({ type: "integer", format: "int32" });
    expect(spec.required).toEqual(["selector", "template"]);
  });
});
