import { describe, expect, it } from "vitest";
import type { JsonObject } from "./json.js";
import { RESOURCES } from "./resources.js";
import { validateObject } from "./validate.js";

const def = (kind: string) => RESOURCES.find((r) => r.kind === kind && !r.viewOf)!;
const messages = (kind: string, o: JsonObject) =>
  validateObject(def(kind), o).map((c) => `${c.field}: ${c.message}`);

const deployment = (pod: JsonObject, spec: JsonObject = {}): JsonObject => ({
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx", ...pod }] },
    },
    ...spec,
  },
});

describe("validateObject", () => {
  it("refuses ports out of range and unsupported enum values with kube-apiserver's texts", () => {
    expect(
      messages("Deployment", deployment({ ports: [{ containerPort: 70000, hostPort: 0, protocol: "tcp" }] })),
    ).toEqual([
      "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      'spec.template.spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
    ]);
    expect(
      messages("Deployment", deployment({ ports: [{ name: "http" }], imagePullPolicy: "Sometimes" })),
    ).toEqual([
      "spec.template.spec.containers[0].ports[0].containerPort: Required value",
      'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ]);
    const pod: JsonObject = {
      spec: { containers: [{ name: "a", image: "i" }], restartPolicy: "Sometimes", dnsPolicy: "Google" },
    };
    expect(messages("Pod", pod)).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
  });

  it("holds a workload's template to the restart policies of its controller", () => {
    const never = deployment({});
    ((never.spec as JsonObject).template as { spec: JsonObject }).spec.restartPolicy = "Never";
    expect(messages("Deployment", never)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it("checks a Service's type and ports, and a Deployment's strategy", () => {
    const svc = {
      spec: {
        type: "Foo",
        ports: [
          { port: 80, targetPort: 0 },
          { port: 0, targetPort: 99999 },
        ],
      },
    };
    expect(messages("Service", svc)).toEqual([
      "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ports[1].targetPort: Invalid value: 99999: must be between 1 and 65535, inclusive",
      'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(
      messages("Service", { spec: { type: "NodePort", ports: [{ port: 80, targetPort: "http" }] } }),
    ).toEqual([]);
    expect(messages("Deployment", deployment({}, { strategy: { type: "BlueGreen" } }))).toEqual([
      'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
    ]);
    expect(messages("Deployment", deployment({}, { strategy: { type: "Recreate" } }))).toEqual([]);
  });
});
