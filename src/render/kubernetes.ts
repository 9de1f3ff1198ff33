/**
 * The `kubernetes/` part: plain manifests per cluster, one file per concern, in a fixed order (the order
 * loadBundle reads them back in).
 */

import { isPlatformConfigMap } from "../names/index.js";
import type { EksCluster, KubeObject, State } from "../state/index.js";
import { orderKubeObject, yamlDocuments } from "./format.js";
import { kubernetesDir } from "./layout.js";

/** Files in the order they are applied and read back; objects of other kinds go to `<kind>.yaml` after them. */
export const CONCERN_FILES = [
  "service-accounts.yaml",
  "appproject.yaml",
  "cluster-secrets.yaml",
  "krci-config.yaml",
  "edp-config.yaml",
  "capsule.yaml",
  "rbac.yaml",
] as const;

const NOTES: Record<string, string> = {
  "service-accounts.yaml":
    "The IRSA annotations (Helm may own these ServiceAccounts: prefer helm/*.yaml or scripts/).\nPods pick the role up only when re-created: restart the workloads after applying.",
  "appproject.yaml":
    "The Argo CD AppProject with one destination per target cluster.\nkubectl apply replaces spec.destinations: merge any destinations you keep elsewhere.",
  "cluster-secrets.yaml":
    "Cluster registration for Argo CD (cluster-<target>) and KubeRocketCI (<target>-cluster).\nNo credentials: Argo CD and the operator assume the role named in config's awsAuthConfig.roleARN.\nstringData: the API server stores it base64-encoded as data.",
  "krci-config.yaml":
    "Only the key xirsa manages; edp-install owns the rest of this ConfigMap (patch it, do not replace it).\nWith edp-install as a Helm release, set global.availableClusters in helm/edp-install-values.yaml instead.",
  "edp-config.yaml":
    "Only the key xirsa manages; edp-install (before v3.12.0) owns the rest of this ConfigMap (patch it, do not replace it).\nWith edp-install as a Helm release, set global.availableClusters in helm/edp-install-values.yaml instead.",
  "capsule.yaml": "Capsule tenancy for the CD pipeline operator's group (the seed's optional step).",
  "rbac.yaml":
    "Least privilege without Capsule: the operator's group may manage namespaces cluster-wide\n(RBAC cannot restrict create by name). With targets[].extraResources: the custom resources\nAmazonEKSAdminPolicy does not grant, bound in each environment namespace.",
};

export function concernOf(obj: KubeObject): string {
  const group = obj.apiVersion.includes("/") ? obj.apiVersion.split("/")[0]! : "";
  if (obj.kind === "ServiceAccount") return "service-accounts.yaml";
  if (obj.kind === "AppProject") return "appproject.yaml";
  if (obj.kind === "Secret") return "cluster-secrets.yaml";
  if (isPlatformConfigMap(obj)) return `${obj.metadata.name}.yaml`;
  if (group === "capsule.clastix.io") return "capsule.yaml";
  if (group === "rbac.authorization.k8s.io") return "rbac.yaml";
  return `${obj.kind.toLowerCase()}.yaml`;
}

/** base64 → text when that is lossless and printable, so that reviewers can read what a Secret says. */
function readableText(b64: string): string | undefined {
  const text = Buffer.from(b64, "base64").toString("utf8");
  if (Buffer.from(text, "utf8").toString("base64") !== b64) return undefined;
  return /^[\x20-\x7e\n]*$/.test(text) ? text : undefined;
}

/**
 * Secrets are written with `stringData` (the API server stores it as `data`), so that a reviewer sees the
 * cluster name, server and role ARN; loadBundle turns it back into `data`.
 */
export function readableSecret(obj: KubeObject): KubeObject {
  const data = obj.data as Record<string, string> | undefined;
  if (obj.kind !== "Secret" || !data || obj.stringData !== undefined) return obj;
  const stringData: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    const text = typeof v === "string" ? readableText(v) : undefined;
    if (text === undefined) return obj;
    stringData[k] = text;
  }
  const { data: _, ...rest } = obj;
  return { ...rest, stringData } as KubeObject;
}

/** The inverse of readableSecret (what the API server does): stringData is encoded into data. */
export function secretData(obj: KubeObject): KubeObject {
  const stringData = obj.stringData as Record<string, unknown> | undefined;
  if (obj.kind !== "Secret" || stringData === undefined) return obj;
  const { stringData: _, ...rest } = obj;
  const data: Record<string, string> = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData ?? {})) {
    data[k] = Buffer.from(String(v), "utf8").toString("base64");
  }
  return { ...rest, data } as KubeObject;
}

export function renderKubernetes(state: State, clusterDir: (c: EksCluster) => string): Map<string, string> {
  const files = new Map<string, string>();
  for (const c of state.clusters) {
    const groups = new Map<string, KubeObject[]>();
    for (const o of c.objects) {
      const f = concernOf(o);
      groups.set(f, [...(groups.get(f) ?? []), o]);
    }
    const names = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const f of names) {
      const where = `Cluster ${c.name} (account ${c.accountId}, ${c.region}). Rendered by xirsa.`;
      const note = NOTES[f];
      files.set(
        `${kubernetesDir(clusterDir(c))}/${f}`,
        yamlDocuments(
          groups.get(f)!.map((o) => orderKubeObject(readableSecret(o))),
          note ? `${where}\n${note}` : where,
        ),
      );
    }
  }
  return files;
}

export function rank(file: string): number {
  const i = (CONCERN_FILES as readonly string[]).indexOf(file);
  return i === -1 ? CONCERN_FILES.length : i;
}
