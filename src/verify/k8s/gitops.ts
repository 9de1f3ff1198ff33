/**
 * Who else manages an object xirsa would patch in cluster A, so that a live edit would be undone:
 * - Helm: label `app.kubernetes.io/managed-by: Helm`, annotations `meta.helm.sh/release-name` /
 *   `-namespace` (helm/helm pkg/action/validate.go), and hooks (`helm.sh/hook`): the KubeRocketCI add-ons
 *   create AppProject krci as a `post-install` hook with `before-hook-creation`
 *   (epam/edp-cluster-add-ons argo-cd/templates/appProjectKRCI.yaml), which Argo CD re-creates on every sync.
 * - Argo CD: the tracking annotation `argocd.argoproj.io/tracking-id` (`<app>:<group>/<kind>:<ns>/<name>`,
 *   argoproj/argo-cd common/common.go AnnotationKeyAppInstance) or the instance label
 *   `argocd.argoproj.io/instance` (application.instanceLabelKey as the Argo CD docs recommend).
 * And where the change belongs instead: the values keys xirsa renders into helm/*.yaml.
 */

import { ARGOCD_CHART_COMPONENTS, isPlatformConfigMap, ROLE_ARN_ANNOTATION } from "../../names/index.js";
import type { KubeObject } from "../../state/index.js";

export type Manager =
  | { kind: "helm"; release?: string; namespace?: string; hook?: string }
  | { kind: "argocd"; application: string };

export const HELM_RELEASE_NAME = "meta.helm.sh/release-name";
export const HELM_RELEASE_NAMESPACE = "meta.helm.sh/release-namespace";
export const HELM_HOOK = "helm.sh/hook";
export const ARGOCD_TRACKING_ID = "argocd.argoproj.io/tracking-id";
export const ARGOCD_INSTANCE_LABEL = "argocd.argoproj.io/instance";

/** The GitOps manager of a live object, or undefined (pure). Argo CD wins: it is the one that reverts. */
export function managerOf(obj: KubeObject): Manager | undefined {
  const labels = obj.metadata.labels ?? {};
  const annotations = obj.metadata.annotations ?? {};
  const tracking = annotations[ARGOCD_TRACKING_ID];
  if (tracking) return { kind: "argocd", application: tracking.split(":")[0] || tracking };
  if (labels[ARGOCD_INSTANCE_LABEL]) return { kind: "argocd", application: labels[ARGOCD_INSTANCE_LABEL] };
  const release = annotations[HELM_RELEASE_NAME];
  const hook = annotations[HELM_HOOK];
  if (labels["app.kubernetes.io/managed-by"] === "Helm" || release || hook) {
    return {
      kind: "helm",
      ...(release ? { release } : {}),
      ...(annotations[HELM_RELEASE_NAMESPACE] ? { namespace: annotations[HELM_RELEASE_NAMESPACE] } : {}),
      ...(hook ? { hook } : {}),
    };
  }
  return undefined;
}

export function managerText(m: Manager): string {
  if (m.kind === "argocd") return `Argo CD Application ${m.application}`;
  const release = m.release ? `Helm release ${m.namespace ? `${m.namespace}/` : ""}${m.release}` : "Helm";
  return m.hook ? `${release} (hook ${m.hook}, re-created on every sync or upgrade)` : release;
}

/** Where the change xirsa wants belongs when a GitOps tool owns the object: the exact key to change. */
export interface Installs {
  krci: { namespace: string; serviceAccount: string };
  argocd: { namespace: string };
}

export function sourceOfTruth(obj: KubeObject, installs: Installs): string {
  const { krci, argocd } = installs;
  const ns = obj.metadata.namespace;
  if (obj.kind === "ServiceAccount") {
    const key = `serviceAccount.annotations."${ROLE_ARN_ANNOTATION}"`;
    if (ns === krci.namespace && obj.metadata.name === krci.serviceAccount) {
      return `edp-install values cd-pipeline-operator.${key} (helm/edp-install-values.yaml)`;
    }
    const component = ARGOCD_CHART_COMPONENTS[obj.metadata.name];
    if (ns === argocd.namespace && component) {
      return `argo-cd values ${component}.${key} (helm/argo-cd-values.yaml; under argo-cd: in the add-ons repository)`;
    }
    return `the chart that creates ServiceAccount ${ns}/${obj.metadata.name}: annotation ${ROLE_ARN_ANNOTATION}`;
  }
  if (isPlatformConfigMap(obj)) {
    return "edp-install values global.availableClusters (helm/edp-install-values.yaml)";
  }
  if (obj.kind === "AppProject") {
    return `spec.destinations of AppProject ${obj.metadata.name} in the KubeRocketCI add-ons repository (argo-cd/templates/appProjectKRCI.yaml; kubernetes/<source cluster>/appproject.yaml has the destinations)`;
  }
  if (obj.kind === "CapsuleConfiguration") {
    return "Capsule chart values manager.options.users (kind Group; capsuleUserGroups before Capsule 0.12)";
  }
  return `the manifests of ${obj.kind} ${ns ? `${ns}/` : ""}${obj.metadata.name}`;
}
