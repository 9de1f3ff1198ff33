import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../state/index.js";
import { managerOf, managerText, sourceOfTruth } from "./gitops.js";

const obj = (
  kind: string,
  name: string,
  namespace: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): KubeObject => ({ apiVersion: "v1", kind, metadata: { name, namespace, labels, annotations } });

const installs = {
  krci: { namespace: "krci", serviceAccount: "edp-cd-pipeline-operator" },
  argocd: { namespace: "argocd" },
};

describe("managerOf", () => {
  it("finds Helm by label, by release annotations and by hook", () => {
    expect(managerOf(obj("ServiceAccount", "s", "krci", { "app.kubernetes.io/managed-by": "Helm" }))).toEqual(
      {
        kind: "helm",
      },
    );
    const released = obj(
      "ConfigMap",
      "krci-config",
      "krci",
      {},
      {
        "meta.helm.sh/release-name": "edp-install",
        "meta.helm.sh/release-namespace": "krci",
      },
    );
    expect(managerText(managerOf(released)!)).toBe("Helm release krci/edp-install");
    const hook = obj(
      "AppProject",
      "krci",
      "argocd",
      {},
      {
        "helm.sh/hook": "post-install",
        "helm.sh/hook-delete-policy": "before-hook-creation",
      },
    );
    expect(managerText(managerOf(hook)!)).toMatch(/^Helm \(hook post-install, re-created/);
  });

  it("finds Argo CD by tracking-id annotation or instance label, ahead of Helm", () => {
    const tracked = obj(
      "AppProject",
      "krci",
      "argocd",
      { "app.kubernetes.io/managed-by": "Helm" },
      {
        "argocd.argoproj.io/tracking-id": "krci-addons:argoproj.io/AppProject:argocd/krci",
      },
    );
    expect(managerOf(tracked)).toEqual({ kind: "argocd", application: "krci-addons" });
    const labelled = obj("ServiceAccount", "x", "argocd", { "argocd.argoproj.io/instance": "argo-cd" });
    expect(managerText(managerOf(labelled)!)).toBe("Argo CD Application argo-cd");
  });

  it("is undefined for an object nobody manages, or that xirsa manages", () => {
    expect(managerOf(obj("Secret", "s", "argocd"))).toBeUndefined();
    expect(
      managerOf(obj("Secret", "s", "argocd", { "app.kubernetes.io/managed-by": "xirsa" })),
    ).toBeUndefined();
  });
});

describe("sourceOfTruth", () => {
  it("names the values key for each object xirsa patches in cluster A", () => {
    expect(sourceOfTruth(obj("ServiceAccount", "edp-cd-pipeline-operator", "krci"), installs)).toContain(
      'edp-install values cd-pipeline-operator.serviceAccount.annotations."eks.amazonaws.com/role-arn"',
    );
    expect(
      sourceOfTruth(obj("ServiceAccount", "argocd-application-controller", "argocd"), installs),
    ).toContain("argo-cd values controller.serviceAccount.annotations");
    expect(sourceOfTruth(obj("ConfigMap", "krci-config", "krci"), installs)).toContain(
      "edp-install values global.availableClusters",
    );
    expect(sourceOfTruth(obj("AppProject", "krci", "argocd"), installs)).toContain(
      "argo-cd/templates/appProjectKRCI.yaml",
    );
  });
});
