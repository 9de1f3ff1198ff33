/**
 * The `helm/` part: values that make edp-install and the argo-cd chart annotate their own ServiceAccounts, as in
 * the seed ("Values.yaml" tabs), so that a Helm upgrade does not drop annotations applied by hand.
 */
import type { Config } from "../config/index.js";
import { ARGOCD_CHART_COMPONENTS, isPlatformConfigMap, ROLE_ARN_ANNOTATION } from "../names/index.js";
import type { EksCluster } from "../state/index.js";
import { yamlDocuments } from "./format.js";

/** argo-cd chart components by the ServiceAccount (and pod label) names they use by default. */
const ARGOCD_COMPONENTS = ARGOCD_CHART_COMPONENTS;

function annotationOf(cluster: EksCluster, namespace: string, name: string): string | undefined {
  const sa = cluster.objects.find(
    (o) => o.kind === "ServiceAccount" && o.metadata.name === name && o.metadata.namespace === namespace,
  );
  return sa?.metadata.annotations?.[ROLE_ARN_ANNOTATION];
}

export function renderHelm(config: Config, source: EksCluster): Map<string, string> {
  const files = new Map<string, string>();
  const { krci, argocd } = config.source;
  const operatorArn = annotationOf(source, krci.namespace, krci.serviceAccount);
  // edp-install renders key available_clusters of krci-config from global.availableClusters, a comma + space
  // separated string (epam/edp-install deploy-templates/templates/krci_config_map.yaml, values.yaml).
  const platform = source.objects.find(
    (o) => isPlatformConfigMap(o) && o.metadata.namespace === krci.namespace,
  );
  const listed = (platform?.data as Record<string, string> | undefined)?.available_clusters;
  if (operatorArn || listed !== undefined) {
    const values: Record<string, unknown> = {};
    if (listed !== undefined) values.global = { availableClusters: listed };
    if (operatorArn) {
      values["cd-pipeline-operator"] = {
        serviceAccount: { annotations: { [ROLE_ARN_ANNOTATION]: operatorArn } },
      };
    }
    files.set(
      "helm/edp-install-values.yaml",
      yamlDocuments(
        [values],
        [
          `Values for edp-install (KubeRocketCI) in cluster ${source.name}: merge into your values and upgrade.`,
          ...(listed !== undefined
            ? [
                "global.availableClusters becomes available_clusters of ConfigMap krci-config: keep the clusters you",
                "already list there (e.g. in-cluster) in front of these.",
              ]
            : []),
          ...(operatorArn
            ? [
                "Then restart the operator so that its pods get the role (only pods created after the annotation do):",
                `  kubectl rollout restart deployment ${krci.deployment} -n ${krci.namespace}`,
              ]
            : []),
        ].join("\n"),
      ),
    );
  }
  const components: Record<string, unknown> = {};
  const unmapped: string[] = [];
  for (const sa of argocd.serviceAccounts) {
    const arn = annotationOf(source, argocd.namespace, sa);
    if (!arn) continue;
    const component = ARGOCD_COMPONENTS[sa];
    if (component)
      components[component] = { serviceAccount: { annotations: { [ROLE_ARN_ANNOTATION]: arn } } };
    else unmapped.push(sa);
  }
  if (Object.keys(components).length) {
    const ordered: Record<string, unknown> = {};
    for (const c of ["controller", "server", "applicationSet"]) if (components[c]) ordered[c] = components[c];
    const restarts = argocd.serviceAccounts
      .filter((sa) => ARGOCD_COMPONENTS[sa])
      .map((sa) => `  kubectl delete pod -l app.kubernetes.io/name=${sa} -n ${argocd.namespace}`);
    const note = [
      `Values for the argo-cd chart (as a dependency named argo-cd, e.g. in the add-ons repository) in cluster ${source.name}:`,
      "merge into your values and upgrade, then re-create the pods so that they get the role:",
      ...restarts,
      ...(unmapped.length
        ? [`Not a chart component, annotate by hand (see scripts/): ${unmapped.join(", ")}`]
        : []),
    ].join("\n");
    files.set("helm/argo-cd-values.yaml", yamlDocuments([{ "argo-cd": ordered }], note));
  }
  return files;
}
