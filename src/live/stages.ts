/**
 * KubeRocketCI's Stage objects (`v2.edp.epam.com/v1`, kind Stage, in the KubeRocketCI namespace of cluster A):
 * each names the cluster it deploys to in `spec.clusterName` (default `in-cluster`) and its environment
 * namespace there in `spec.namespace` (epam/edp-cd-pipeline-operator api/v1/stage_types.go). The operator
 * reaches that cluster only through the kubeconfig Secret `<clusterName>` in the Stage's namespace
 * (pkg/multiclusterclient/provider.go getClusterSecret), which it derives from `<name>-cluster`; when it is
 * gone, deleting the Stage skips the namespace ("Failed to get cluster internalClient. Skipping namespace
 * deletion.", internal/controller/stage/chain/factory.go): the namespace is orphaned.
 */
import { KubeStatusError } from "../kube/index.js";
import type { KubeObject } from "../state/index.js";

export const STAGE_API_VERSION = "v2.edp.epam.com/v1";
export const STAGE_KIND = "Stage";
/** The operator's default `spec.clusterName`: its own cluster. */
const IN_CLUSTER = "in-cluster";

export interface StageRef {
  /** `<namespace>/<name>` of the Stage object in cluster A. */
  id: string;
  clusterName: string;
  /** The environment namespace in that cluster. */
  namespace: string;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

/** The Stages that deploy to one of `clusters` (target names), sorted (pure). */
export function stagesOn(stages: readonly KubeObject[], clusters: readonly string[]): StageRef[] {
  const out: StageRef[] = [];
  for (const s of stages) {
    const spec = (s.spec ?? {}) as Record<string, unknown>;
    const clusterName = str(spec.clusterName) ?? IN_CLUSTER;
    if (!clusters.includes(clusterName)) continue;
    out.push({
      id: `${s.metadata.namespace ?? ""}/${s.metadata.name}`,
      clusterName,
      namespace: str(spec.namespace) ?? "",
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The Stage objects of a namespace; none where KubeRocketCI's CRD is not installed (404). */
export async function listStages(
  kube: { list(apiVersion: string, kind: string, opts?: { namespace?: string }): Promise<KubeObject[]> },
  namespace: string,
): Promise<KubeObject[]> {
  try {
    return await kube.list(STAGE_API_VERSION, STAGE_KIND, { namespace });
  } catch (e) {
    if (e instanceof KubeStatusError && e.status === 404) return [];
    throw e;
  }
}
