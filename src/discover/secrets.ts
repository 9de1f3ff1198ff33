/**
 * The cluster Secrets of cluster A as Argo CD and KubeRocketCI read them (REFERENCE §4). Pure.
 *
 * Argo CD: label argocd.argoproj.io/secret-type=cluster; data `name`, `server`, `config` (JSON ClusterConfig
 * with `awsAuthConfig: {clusterName, roleARN}` and `tlsClientConfig`), optional `namespaces` (comma-separated,
 * trimmed) — argoproj/argo-cd util/db/cluster.go (SecretToCluster), pkg/apis/application/v1alpha1/types.go
 * (AWSAuthConfig).
 * KubeRocketCI: label app.edp.epam.com/secret-type=cluster, and app.edp.epam.com/cluster-type=irsa for the IRSA
 * kind (any other value is a bearer kubeconfig); the same `config` JSON, the server from data `server` —
 * epam/edp-cd-pipeline-operator controllers/clustersecret/clustersecret_controller.go (Reconcile) and
 * pkg/argocd/argocd_cluster.go (SecretToIRSACluster, ArgoIRSAClusterSecretToKubeconfig).
 */
import type { Json, KubeObject } from "../state/index.js";

export const ARGOCD_SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";
export const KRCI_SECRET_TYPE_LABEL = "app.edp.epam.com/secret-type";
export const KRCI_CLUSTER_TYPE_LABEL = "app.edp.epam.com/cluster-type";

export type Registrar = "argocd" | "krci";

export interface RegisteredCluster {
  registrar: Registrar;
  /** `<namespace>/<name>` of the Secret. */
  secret: string;
  /** data.name: the cluster's name in Argo CD / KubeRocketCI (the target name). */
  name: string;
  /** data.server without a trailing slash (both readers trim it). */
  server: string;
  /** config.awsAuthConfig.clusterName: the EKS cluster name the token is for. */
  clusterName?: string;
  /** config.awsAuthConfig.roleARN: the role assumed before asking EKS for a token. */
  roleArn?: string;
  /** data.namespaces (Argo CD namespace-scoped clusters). */
  namespaces?: string[];
}

export type ParsedSecret =
  | { ok: true; cluster: RegisteredCluster }
  | { ok: false; secret: string; why: string };

function decode(data: Record<string, Json> | undefined, key: string): string | undefined {
  const v = data?.[key];
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
}

export function parseClusterSecret(obj: KubeObject, registrar: Registrar): ParsedSecret {
  const secret = `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
  const data = obj.data as Record<string, Json> | undefined;
  if (registrar === "krci" && obj.metadata.labels?.[KRCI_CLUSTER_TYPE_LABEL] !== "irsa") {
    return {
      ok: false,
      secret,
      why: "not an IRSA cluster (label app.edp.epam.com/cluster-type is not irsa)",
    };
  }
  const name = decode(data, "name");
  const server = decode(data, "server")?.replace(/\/+$/, "");
  if (!name || !server) return { ok: false, secret, why: "no data.name or data.server" };
  const cluster: RegisteredCluster = { registrar, secret, name, server };
  const rawConfig = decode(data, "config");
  if (rawConfig) {
    let config: unknown;
    try {
      config = JSON.parse(rawConfig);
    } catch {
      return { ok: false, secret, why: "data.config is not JSON" };
    }
    const aws = (config as { awsAuthConfig?: { clusterName?: unknown; roleARN?: unknown } })?.awsAuthConfig;
    if (typeof aws?.clusterName === "string" && aws.clusterName) cluster.clusterName = aws.clusterName;
    if (typeof aws?.roleARN === "string" && aws.roleARN) cluster.roleArn = aws.roleARN;
  }
  if (!cluster.roleArn || !cluster.clusterName) {
    return { ok: false, secret, why: "data.config has no awsAuthConfig.clusterName and roleARN (not IRSA)" };
  }
  const namespaces = decode(data, "namespaces")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (namespaces?.length) cluster.namespaces = namespaces;
  return { ok: true, cluster };
}

/** The EKS region in a public endpoint, `https://<id>.<gr7>.<region>.eks.amazonaws.com`. */
export function regionOfEndpoint(server: string): string | undefined {
  return /^https:\/\/[^/]+\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2})\.eks\.amazonaws\.com(?::\d+)?$/.exec(
    server,
  )?.[1];
}
