/**
 * A Kubernetes Job that runs `xirsa probe` inside cluster A under the flow's real ServiceAccount, so the
 * chain is proven with the identity the pod identity webhook injects (AWS_ROLE_ARN, the projected token in
 * AWS_WEB_IDENTITY_TOKEN_FILE). With the config in a ConfigMap beside it. Pure: config in, manifests out.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import type { Config } from "../config/index.js";
import { K8S_MANAGED_BY_LABEL, K8S_STACK_LABEL, MANAGED_BY_VALUE } from "../names/index.js";
import type { ChainKind, KubeObject } from "../state/index.js";
import { findTarget, flowChainSpec } from "./targets.js";

export interface ProbeJobOptions {
  /** An image whose entrypoint is the xirsa CLI (default `xirsa:0.1.0`, built from this repository). */
  image?: string;
}

export const DEFAULT_PROBE_IMAGE = "xirsa:0.1.0";
const CONFIG_DIR = "/etc/xirsa";

/** A DNS-label name of at most 63 characters (long target names get a hash suffix). */
function jobName(target: string, kind: ChainKind): string {
  const name = `xirsa-probe-${target}-${kind === "argocd" ? "argocd" : "operator"}`;
  if (name.length <= 63) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

/**
 * The config the pod needs: the source and this one target, without profiles or kubeconfig contexts (the pod
 * has its own identity and no kubeconfig).
 */
export function probeConfig(config: Config, target: string): Config {
  const { target: t } = findTarget(config, target);
  const { profile: _p, kubeContext: _k, ...source } = config.source;
  const { profile: _tp, kubeContext: _tk, ...onlyTarget } = t;
  return { ...config, source, targets: [onlyTarget] } as Config;
}

export function probeJobObjects(
  config: Config,
  kind: ChainKind,
  target: string,
  opts: ProbeJobOptions = {},
): KubeObject[] {
  const chain = flowChainSpec(config, kind, target);
  const { target: t } = findTarget(config, target);
  const sa = chain.serviceAccounts[0]!;
  const name = jobName(t.name, kind);
  const labels = {
    "app.kubernetes.io/name": "xirsa-probe",
    "app.kubernetes.io/instance": name,
    [K8S_MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [K8S_STACK_LABEL]: config.name,
  };
  // In the pod, DescribeCluster of account B is normally not allowed: take the endpoint from the config when it has one.
  const endpointFrom = t.endpoint && t.caData ? "config" : "auto";
  const configMap: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: sa.namespace, labels },
    data: { "xirsa.yaml": stringify(probeConfig(config, target)) },
  };
  const job: KubeObject = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: sa.namespace, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: sa.name,
          restartPolicy: "Never",
          containers: [
            {
              name: "probe",
              image: opts.image ?? DEFAULT_PROBE_IMAGE,
              args: [
                "probe",
                "--config",
                `${CONFIG_DIR}/xirsa.yaml`,
                "--chain",
                kind,
                "--target",
                t.name,
                "--endpoint-from",
                endpointFrom,
                "--skip-source",
                "--output",
                "json",
              ],
              env: [
                { name: "AWS_STS_REGIONAL_ENDPOINTS", value: "regional" },
                { name: "AWS_REGION", value: config.source.region },
              ],
              volumeMounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }],
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
            },
          ],
          volumes: [{ name: "config", configMap: { name } }],
        },
      },
    },
  };
  return [configMap, job];
}

/** The Job (and its ConfigMap) as YAML documents, for `xirsa render --only probe-job`. */
export function probeJobManifest(
  config: Config,
  kind: ChainKind,
  target: string,
  opts: ProbeJobOptions = {},
): string {
  const sa = flowChainSpec(config, kind, target).serviceAccounts[0]!;
  const objects = probeJobObjects(config, kind, target, opts);
  const header = [
    `# xirsa probe of the ${kind} chain to ${target}, run in cluster ${config.source.cluster} as ServiceAccount ${sa.namespace}/${sa.name}.`,
    `# kubectl apply -f this file; kubectl -n ${sa.namespace} logs job/${objects[1]!.metadata.name} prints the probe's JSON (exit 0 = chain proven).`,
  ].join("\n");
  return `${header}\n${objects.map((o) => `---\n${stringify(o, { blockQuote: "literal" })}`).join("")}`;
}
