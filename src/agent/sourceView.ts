/**
 * What the probe reads from cluster A (with the source account's credentials) to prove the hops that happen
 * there: the flow's ServiceAccounts and the pods in their namespaces (annotated, and restarted since), and the
 * registration objects (cluster Secrets, AppProject, krci-config / edp-config). Read-only; the verify hops judge them.
 */
import type { Config } from "../config/index.js";
import type { KubeClient } from "../kube/index.js";
import { PLATFORM_CONFIGMAPS } from "../names/index.js";
import type { ChainSpec, KubeObject } from "../state/index.js";

const CLUSTER_SECRET_SELECTOR = "argocd.argoproj.io/secret-type=cluster";

export async function serviceAccountObjects(kube: KubeClient, chain: ChainSpec): Promise<KubeObject[]> {
  const namespaces = [...new Set(chain.serviceAccounts.map((s) => s.namespace))];
  const [accounts, pods] = await Promise.all([
    Promise.all(
      chain.serviceAccounts.map((sa) =>
        kube.get({ apiVersion: "v1", kind: "ServiceAccount", name: sa.name, namespace: sa.namespace }),
      ),
    ),
    Promise.all(namespaces.map((namespace) => kube.list("v1", "Pod", { namespace }))),
  ]);
  return [...accounts.filter((o): o is KubeObject => o !== undefined), ...pods.flat()];
}

export async function registrationObjects(
  kube: KubeClient,
  config: Config,
  chain: ChainSpec,
): Promise<KubeObject[]> {
  if (chain.kind === "argocd") {
    const ns = config.source.argocd.namespace;
    const [secrets, project] = await Promise.all([
      kube.list("v1", "Secret", { namespace: ns, labelSelector: CLUSTER_SECRET_SELECTOR }),
      kube.get({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        name: config.source.argocd.project,
        namespace: ns,
      }),
    ]);
    return [...secrets, ...(project ? [project] : [])];
  }
  const ns = config.source.krci.namespace;
  const [secrets, ...maps] = await Promise.all([
    kube.list("v1", "Secret", { namespace: ns, labelSelector: CLUSTER_SECRET_SELECTOR }),
    ...PLATFORM_CONFIGMAPS.map((name) =>
      kube.get({ apiVersion: "v1", kind: "ConfigMap", name, namespace: ns }),
    ),
  ]);
  return [...secrets, ...maps.filter((m): m is KubeObject => m !== undefined)];
}
