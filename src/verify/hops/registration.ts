/**
 * Hop 6, `registration`: the source cluster knows the target for this flow (REFERENCE §4).
 * - argocd: an Argo CD cluster Secret (label argocd.argoproj.io/secret-type: cluster) with server = the target
 *   endpoint and config.awsAuthConfig {clusterName = the target cluster, roleARN = ArgoCDAgentAccess}, and an
 *   AppProject whose destinations allow the endpoint and the namespace pattern.
 * - cd-pipeline-operator: Secret `<target>-cluster` with the three labels, the same server/config checks with
 *   roleARN = CDPipelineAgent, and the target listed in ConfigMap krci-config (edp-config before edp-install v3.12.0) key
 *   available_clusters.
 */

import { argocdClusterSecretName, krciClusterSecretName, PLATFORM_CONFIGMAPS } from "../../names/index.js";
import type { ChainSpec, KubeObject } from "../../state/index.js";
import { type ClusterIndex, failed, type HopOutcome, passed, type VerifyContext } from "../context.js";
import type { HopEvidence, RegistrationObjectCheck } from "../evidence.js";
import { clusterResourceId, finding, kubeResourceId } from "../findings.js";
import { isObject } from "../json.js";
import { namespaceCovers } from "../k8s/authorizer.js";
import { parseClusterConfig, secretValue } from "../k8s/clusterSecret.js";
import { type Installs, managerOf, managerText, sourceOfTruth } from "../k8s/gitops.js";
import { appendOp, jsonPatch, shellQuote } from "../k8s/kubectlFix.js";
import type { Finding } from "../types.js";
import { findAccessEntry } from "./clusterAccess.js";
import { namespaceScopedOnly } from "./kubernetesPermissions.js";

const HOP = "registration";

type RegistrationEvidence = Extract<HopEvidence, { kind: "registration" }>;
type OperatorVerdict = NonNullable<RegistrationEvidence["operator"]>;
const ARGOCD_SECRET_TYPE = "argocd.argoproj.io/secret-type";
const KRCI_LABELS: Record<string, string> = {
  "app.edp.epam.com/secret-type": "cluster",
  "app.edp.epam.com/cluster-type": "irsa",
  [ARGOCD_SECRET_TYPE]: "cluster",
};

function serverOf(secret: KubeObject): string | undefined {
  const v = secretValue(secret, "server");
  return v.ok ? v.value.replace(/\/+$/, "") : undefined;
}

/** Argo CD matches destinations with globs (`*` any run of characters); compiled once per pattern. */
function globMatcher(pattern: string): (value: string) => boolean {
  if (pattern === "*") return () => true;
  if (!pattern.includes("*")) return (v) => v === pattern;
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
  );
  return (v) => re.test(v);
}

interface SecretCheck {
  secret: KubeObject;
  /** The agent role the Secret must name. */
  roleArn: string;
}

/** Checks shared by both cluster Secrets: server, config (clusterName, roleARN, TLS), name key. */
function checkClusterSecret(chain: ChainSpec, endpoint: string | undefined, check: SecretCheck): Finding[] {
  const { secret, roleArn } = check;
  const resource = kubeResourceId(chain.source, secret);
  const ref = `${secret.metadata.namespace}/${secret.metadata.name}`;
  const out: Finding[] = [];
  const bound = { chain: chain.id };
  const at = (key: string) => ({ ...bound, jsonPath: `data.${key}` });

  for (const key of ["server", "config", "name"]) {
    const v = secretValue(secret, key);
    if (!v.ok && v.problem === "not-base64") {
      out.push(
        finding(
          "XIRSA-REG-DATA-NOT-BASE64",
          `Secret ${ref} data.${key} is not base64 (${v.raw.trim().startsWith("{") ? "plain JSON" : "plain text"}); the API server refuses it`,
          resource,
          {
            ...at(key),
            remediation: `base64-encode data.${key} of Secret ${ref}, or move it under stringData`,
          },
        ),
      );
    }
  }
  const server = serverOf(secret);
  if (endpoint && server !== undefined && server !== endpoint) {
    out.push(
      finding(
        "XIRSA-REG-SERVER",
        `Secret ${ref} has server ${server}, not the target endpoint ${endpoint}`,
        resource,
        {
          ...at("server"),
          remediation: `set server of Secret ${ref} to ${endpoint}`,
        },
      ),
    );
  } else if (
    secretValue(secret, "server").ok === false &&
    !out.some((f) => f.location?.jsonPath === "data.server")
  ) {
    out.push(
      finding("XIRSA-REG-SERVER", `Secret ${ref} has no server key`, resource, {
        ...at("server"),
        remediation: `set server of Secret ${ref} to ${endpoint ?? "the target endpoint"}`,
      }),
    );
  }

  const configValue = secretValue(secret, "config");
  if (configValue.ok) {
    const config = parseClusterConfig(configValue.value);
    if (!config) {
      out.push(
        finding("XIRSA-REG-CONFIG-INVALID", `Secret ${ref} config is not JSON`, resource, at("config")),
      );
    } else {
      if (config.clusterName !== chain.targetCluster.name) {
        out.push(
          finding(
            "XIRSA-REG-CLUSTER-NAME",
            `Secret ${ref} awsAuthConfig.clusterName is ${config.clusterName ?? "missing"}, not ${chain.targetCluster.name}: its tokens are for another cluster (Unauthorized)`,
            resource,
            { ...at("config"), remediation: `set awsAuthConfig.clusterName to ${chain.targetCluster.name}` },
          ),
        );
      }
      if (config.roleARN === chain.sourceRoleArn) {
        out.push(
          finding(
            "XIRSA-REG-ROLEARN-SOURCE",
            `Secret ${ref} awsAuthConfig.roleARN is the source role ${chain.sourceRoleArn}, which would have to assume itself`,
            resource,
            { ...at("config"), remediation: `set awsAuthConfig.roleARN to ${roleArn}` },
          ),
        );
      } else if (config.roleARN !== roleArn) {
        out.push(
          finding(
            "XIRSA-REG-ROLEARN",
            `Secret ${ref} awsAuthConfig.roleARN is ${config.roleARN ?? "missing"}, not ${roleArn}`,
            resource,
            { ...at("config"), remediation: `set awsAuthConfig.roleARN to ${roleArn}` },
          ),
        );
      }
      if (config.insecure === true || !config.caData) {
        out.push(
          finding(
            "XIRSA-REG-TLS",
            `Secret ${ref} ${config.insecure ? "sets tlsClientConfig.insecure: true" : "has no tlsClientConfig.caData"}`,
            resource,
            { jsonPath: "data.config" },
          ),
        );
      }
    }
  } else if (configValue.problem === "missing") {
    out.push(finding("XIRSA-REG-CONFIG-INVALID", `Secret ${ref} has no config key`, resource, at("config")));
  }

  const name = secretValue(secret, "name");
  if (name.ok && name.value !== chain.target) {
    out.push(
      finding(
        "XIRSA-REG-NAME",
        `Secret ${ref} names the cluster ${name.value}, not ${chain.target}`,
        resource,
        {
          jsonPath: "data.name",
        },
      ),
    );
  }
  return out;
}

function missingLabelPairs(secret: KubeObject, wanted: Record<string, string>): [string, string][] {
  const labels = secret.metadata.labels ?? {};
  return Object.entries(wanted).filter(([k, v]) => labels[k] !== v);
}

function missingLabels(secret: KubeObject, wanted: Record<string, string>): string[] {
  return missingLabelPairs(secret, wanted).map(([k, v]) => `${k}: ${v}`);
}

/** `kubectl label secret -n NS NAME k=v … --overwrite`. */
function labelCommand(obj: KubeObject, pairs: [string, string][]): string {
  return `kubectl label ${obj.kind.toLowerCase()} -n ${obj.metadata.namespace} ${obj.metadata.name} ${pairs.map(([k, v]) => `${k}=${v}`).join(" ")} --overwrite`;
}

/** Argo CD cluster Secrets of a namespace, indexed by server once per verify run (not once per chain). */
function argocdSecrets(
  ctx: VerifyContext,
  chain: ChainSpec,
  source: ClusterIndex,
  ns: string,
): { labelled: KubeObject[]; byServer: Map<string, KubeObject> } {
  const key = `argocd-secrets\u0000${chain.source.accountId}/${chain.source.region}/${chain.source.name}\u0000${ns}`;
  return ctx.memoise(key, () => {
    const labelled = source
      .list("Secret", ns)
      .filter((s) => s.metadata.labels?.[ARGOCD_SECRET_TYPE] === "cluster");
    const byServer = new Map<string, KubeObject>();
    for (const s of labelled) {
      const server = serverOf(s);
      if (server !== undefined && !byServer.has(server)) byServer.set(server, s);
    }
    return { labelled, byServer };
  });
}

function argocd(
  chain: ChainSpec,
  ctx: VerifyContext,
  source: ClusterIndex,
  endpoint: string | undefined,
  objects: RegistrationObjectCheck[],
): Finding[] {
  const ns = chain.serviceAccounts[0]?.namespace ?? "argocd";
  const out: Finding[] = [];
  const { labelled, byServer } = argocdSecrets(ctx, chain, source, ns);
  const secret =
    (endpoint ? byServer.get(endpoint) : undefined) ??
    source.get("Secret", argocdClusterSecretName(chain.target), ns) ??
    labelled.find((s) => {
      const n = secretValue(s, "name");
      return n.ok && n.value === chain.target;
    });
  objects.push(
    looked("Secret", ns, secret?.metadata.name ?? argocdClusterSecretName(chain.target), !!secret),
  );
  if (!secret) {
    out.push(
      finding(
        "XIRSA-REG-SECRET-MISSING",
        `namespace ${ns} has no Argo CD cluster Secret for ${chain.target} (server ${endpoint ?? "unknown"})`,
        kubeResourceId(chain.source, "Secret", argocdClusterSecretName(chain.target), ns),
        {
          chain: chain.id,
          remediation: `create Secret ${ns}/${argocdClusterSecretName(chain.target)} labelled ${ARGOCD_SECRET_TYPE}: cluster (xirsa cluster register)`,
        },
      ),
    );
  } else {
    const labels = missingLabels(secret, { [ARGOCD_SECRET_TYPE]: "cluster" });
    if (labels.length) {
      out.push(
        finding(
          "XIRSA-REG-LABELS",
          `Secret ${ns}/${secret.metadata.name} lacks label ${labels.join(", ")}, so Argo CD ignores it`,
          kubeResourceId(chain.source, secret),
          {
            chain: chain.id,
            jsonPath: "metadata.labels",
            remediation: labelCommand(secret, missingLabelPairs(secret, { [ARGOCD_SECRET_TYPE]: "cluster" })),
          },
        ),
      );
    }
    out.push(...checkClusterSecret(chain, endpoint, { secret, roleArn: chain.targetRoleArn }));
    out.push(...namespacedCache(chain, ctx, secret));
  }

  const project = source.get("AppProject", ctx.appProject, ns);
  const projectId = kubeResourceId(chain.source, "AppProject", ctx.appProject, ns);
  objects.push(looked("AppProject", ns, ctx.appProject, !!project));
  if (project)
    out.push(
      ...gitopsNote(chain, project, {
        krci: { namespace: "", serviceAccount: "" },
        argocd: { namespace: ns },
      }),
    );
  const covered =
    project &&
    endpoint &&
    candidates(destinations(ctx, projectId, project), endpoint, chain.target).some(
      (d) => !d.namespace.startsWith("!") && namespaceCovers(d.namespace, chain.namespacePattern),
    );
  if (!covered) {
    out.push(
      finding(
        "XIRSA-REG-APPPROJECT",
        project
          ? `AppProject ${ns}/${ctx.appProject} has no destination allowing server ${endpoint ?? "(unknown)"} with namespaces ${chain.namespacePattern}`
          : `AppProject ${ns}/${ctx.appProject} does not exist`,
        projectId,
        {
          chain: chain.id,
          jsonPath: "spec.destinations",
          remediation:
            project && endpoint
              ? jsonPatch(`appproject -n ${ns} ${ctx.appProject}`, [
                  appendOp(project, "/spec/destinations", {
                    namespace: chain.namespacePattern,
                    server: endpoint,
                  }),
                ])
              : `add {namespace: ${chain.namespacePattern}, server: ${endpoint ?? "<target endpoint>"}} to spec.destinations of AppProject ${ns}/${ctx.appProject}`,
        },
      ),
    );
  }
  return out;
}

/**
 * Namespace-scoped Argo CD access needs the cluster Secret to say so: `namespaces` (exact names; absent or
 * empty means cluster-wide, argoproj/argo-cd docs/operator-manual/declarative-setup.md#clusters) and
 * `clusterResources: "false"`, else Argo CD lists and watches cluster-wide, the list is forbidden and every
 * sync of that cluster fails. Each listed namespace must be inside the access scope.
 */
function namespacedCache(chain: ChainSpec, ctx: VerifyContext, secret: KubeObject): Finding[] {
  const target = ctx.cluster(chain.targetCluster);
  const entry = target ? findAccessEntry(target.cluster, chain.targetRoleArn) : undefined;
  if (!entry || !namespaceScopedOnly(entry.accessPolicies)) return [];
  const scopes = entry.accessPolicies.flatMap((a) =>
    a.accessScope.type === "namespace" ? a.accessScope.namespaces : [],
  );
  const ref = `${secret.metadata.namespace}/${secret.metadata.name}`;
  const resource = kubeResourceId(chain.source, secret);
  const ns = secretValue(secret, "namespaces");
  const clusterResources = secretValue(secret, "clusterResources");
  const out: Finding[] = [];
  const scopeText = scopes.join(", ");
  if (!ns.ok) {
    out.push(
      finding(
        "XIRSA-ARGOCD-NAMESPACED-CACHE",
        `${chain.targetRoleArn} may act only in ${scopeText} on ${chain.targetCluster.name}, but Argo CD cluster Secret ${ref} sets no namespaces, so Argo CD lists resources cluster-wide, is refused and cannot sync`,
        resource,
        {
          chain: chain.id,
          jsonPath: "data.namespaces",
          remediation: `set data.namespaces of Secret ${ref} to the environment namespaces (exact names, comma-separated) and clusterResources to "false" (xirsa apply keeps them up to date)`,
        },
      ),
    );
  } else {
    const listed = ns.value
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean);
    if (!listed.length) {
      out.push(
        finding(
          "XIRSA-ARGOCD-NAMESPACES-EMPTY",
          `Argo CD cluster Secret ${ref} lists no namespace yet (no environment exists in ${chain.namespacePattern}), so Argo CD treats ${chain.target} as cluster-wide until one is added`,
          resource,
          { chain: chain.id, jsonPath: "data.namespaces" },
        ),
      );
    }
    const outside = listed.filter((n) => !scopes.some((s) => namespaceCovers(s, n)));
    if (outside.length) {
      out.push(
        finding(
          "XIRSA-ARGOCD-NAMESPACES-SCOPE",
          `Argo CD cluster Secret ${ref} lists ${outside.join(", ")}, outside the access scope ${scopeText} of ${chain.targetRoleArn}: Argo CD's watch there is refused and the cluster cannot sync`,
          resource,
          {
            chain: chain.id,
            jsonPath: "data.namespaces",
            remediation: `remove ${outside.join(", ")} from data.namespaces of Secret ${ref}, or widen the target's namespaces`,
          },
        ),
      );
    }
  }
  if (ns.ok && (!clusterResources.ok || clusterResources.value !== "false")) {
    out.push(
      finding(
        "XIRSA-ARGOCD-NAMESPACED-CACHE",
        `Argo CD cluster Secret ${ref} does not set clusterResources: "false", though ${chain.targetRoleArn} may not touch cluster-scoped resources on ${chain.targetCluster.name}`,
        resource,
        {
          chain: chain.id,
          jsonPath: "data.clusterResources",
          remediation: `set data.clusterResources of Secret ${ref} to "false"`,
        },
      ),
    );
  }
  return out;
}

/** A registration object Helm or Argo CD manages: a live fix of it is reverted on the next sync. */
function gitopsNote(chain: ChainSpec, obj: KubeObject, installs: Installs): Finding[] {
  const m = managerOf(obj);
  if (!m) return [];
  const ref = `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`;
  return [
    finding(
      "XIRSA-GITOPS-MANAGED",
      `${ref} is managed by ${managerText(m)}: a live fix is reverted on its next sync`,
      kubeResourceId(chain.source, obj),
      { chain: chain.id, remediation: `change ${sourceOfTruth(obj, installs)}, then sync` },
    ),
  ];
}

interface Destination {
  /** undefined when the destination names the cluster instead of its server */
  server?: (endpoint: string) => boolean;
  name?: string;
  namespace: string;
}

/** An AppProject's destinations, compiled once per verify run and indexed by exact server and name. */
interface Destinations {
  byServer: Map<string, Destination[]>;
  byName: Map<string, Destination[]>;
  /** Destinations whose server is a glob. */
  globs: Destination[];
}

function push<K>(map: Map<K, Destination[]>, key: K, d: Destination): void {
  const list = map.get(key);
  if (list) list.push(d);
  else map.set(key, [d]);
}

function destinations(ctx: VerifyContext, projectId: string, project: KubeObject): Destinations {
  return ctx.memoise(`destinations\u0000${projectId}`, () => {
    const out: Destinations = { byServer: new Map(), byName: new Map(), globs: [] };
    const spec = project.spec;
    if (!isObject(spec) || !Array.isArray(spec.destinations)) return out;
    for (const d of spec.destinations.filter(isObject)) {
      const namespace = typeof d.namespace === "string" ? d.namespace : "";
      if (typeof d.name === "string") push(out.byName, d.name, { name: d.name, namespace });
      if (typeof d.server !== "string") continue;
      const server = d.server.replace(/\/+$/, "");
      const dest = { server: globMatcher(server), namespace };
      if (server.includes("*")) out.globs.push(dest);
      else push(out.byServer, server, dest);
    }
    return out;
  });
}

/** The destinations that may apply to a target (its endpoint or its name). */
function candidates(all: Destinations, endpoint: string, target: string): Destination[] {
  return [
    ...(all.byServer.get(endpoint) ?? []),
    ...(all.byName.get(target) ?? []),
    ...all.globs.filter((d) => d.server?.(endpoint)),
  ];
}

function operator(
  chain: ChainSpec,
  ctx: VerifyContext,
  source: ClusterIndex,
  endpoint: string | undefined,
  objects: RegistrationObjectCheck[],
): Finding[] {
  const ns = chain.serviceAccounts[0]?.namespace ?? "krci";
  const name = krciClusterSecretName(chain.target);
  const out: Finding[] = [];
  const expectedId = kubeResourceId(chain.source, "Secret", name, ns);
  let secret = source.get("Secret", name, ns);
  if (!secret) {
    const other = source
      .list("Secret", ns)
      .find(
        (s) =>
          s.metadata.labels?.["app.edp.epam.com/secret-type"] === "cluster" &&
          ((endpoint !== undefined && serverOf(s) === endpoint) || s.metadata.name === chain.target),
      );
    if (other && !other.metadata.name.endsWith("-cluster")) {
      out.push(
        finding(
          "XIRSA-REG-KRCI-NAME",
          `KubeRocketCI cluster Secret ${ns}/${other.metadata.name} is not named ${name}: the operator's kubeconfig Secret ${other.metadata.name} would overwrite it`,
          kubeResourceId(chain.source, other),
          {
            chain: chain.id,
            jsonPath: "metadata.name",
            remediation: `rename Secret ${ns}/${other.metadata.name} to ${name}`,
          },
        ),
      );
      secret = other;
    } else {
      out.push(
        finding(
          "XIRSA-REG-SECRET-MISSING",
          `namespace ${ns} has no KubeRocketCI cluster Secret ${name}`,
          expectedId,
          {
            chain: chain.id,
            remediation: `create Secret ${ns}/${name} with the labels ${Object.entries(KRCI_LABELS)
              .map(([k, v]) => `${k}: ${v}`)
              .join(", ")} (xirsa cluster register)`,
          },
        ),
      );
    }
  }
  objects.push(looked("Secret", ns, secret?.metadata.name ?? name, !!secret));
  if (secret) {
    const labels = missingLabels(secret, KRCI_LABELS);
    if (labels.length) {
      out.push(
        finding(
          "XIRSA-REG-LABELS",
          `Secret ${ns}/${secret.metadata.name} lacks label${labels.length > 1 ? "s" : ""} ${labels.join(", ")}, so the operator ignores it`,
          kubeResourceId(chain.source, secret),
          {
            chain: chain.id,
            jsonPath: "metadata.labels",
            remediation: labelCommand(secret, missingLabelPairs(secret, KRCI_LABELS)),
          },
        ),
      );
    }
    out.push(...checkClusterSecret(chain, endpoint, { secret, roleArn: chain.targetRoleArn }));
  }

  // The one the operator reads: krci-config, else edp-config (PLATFORM_CONFIGMAPS, names/index.ts).
  const edp = PLATFORM_CONFIGMAPS.map((n) => source.get("ConfigMap", n, ns)).find((c) => c !== undefined);
  const cmName = edp?.metadata.name ?? PLATFORM_CONFIGMAPS.join(" or ");
  const cmId = kubeResourceId(chain.source, "ConfigMap", edp?.metadata.name ?? PLATFORM_CONFIGMAPS[0], ns);
  objects.push(looked("ConfigMap", ns, edp?.metadata.name ?? PLATFORM_CONFIGMAPS[0], !!edp));
  if (edp) {
    out.push(
      ...gitopsNote(chain, edp, { krci: { namespace: ns, serviceAccount: "" }, argocd: { namespace: "" } }),
    );
  }
  const data = edp && isObject(edp.data) ? edp.data : {};
  const raw = typeof data.available_clusters === "string" ? data.available_clusters : "";
  // Parsed once per verify run: hundreds of targets share one ConfigMap.
  const listed = ctx.memoise(
    `available-clusters\u0000${cmId}`,
    () => new Set(raw.split(",").map((s) => s.trim())),
  );
  if (!listed.has(chain.target)) {
    out.push(
      finding(
        "XIRSA-REG-AVAILABLE-CLUSTERS",
        edp
          ? `ConfigMap ${ns}/${cmName} available_clusters (${raw || "empty"}) does not list ${chain.target}`
          : `ConfigMap ${ns}/${cmName} does not exist`,
        cmId,
        {
          chain: chain.id,
          jsonPath: "data.available_clusters",
          // Comma and space separated, as edp-install writes it (with edp-install as a Helm release the list is
          // its global.availableClusters, and XIRSA-GITOPS-MANAGED says so).
          remediation: edp
            ? `kubectl patch configmap -n ${ns} ${cmName} --type merge -p ${shellQuote(
                JSON.stringify({
                  data: { available_clusters: raw.trim() ? `${raw.trim()}, ${chain.target}` : chain.target },
                }),
              )}`
            : `install KubeRocketCI (edp-install creates ConfigMap ${ns}/krci-config), then list ${chain.target} in its available_clusters`,
        },
      ),
    );
  }
  return out;
}

/**
 * The operator's own verdict on its cluster Secret (epam/edp-cd-pipeline-operator
 * internal/controller/clustersecret/clustersecret_controller.go processSuccess/processError): annotation
 * `app.edp.epam.com/cluster-connected` "true"/"false" and `app.edp.epam.com/cluster-error` with the error text.
 * "connected" proves only that the operator authenticated (its connection check), not its permissions.
 */
export const CLUSTER_CONNECTED = "app.edp.epam.com/cluster-connected";
export const CLUSTER_ERROR = "app.edp.epam.com/cluster-error";

function operatorVerdict(
  chain: ChainSpec,
  source: ClusterIndex,
): { detail?: OperatorVerdict; findings: Finding[] } {
  const ns = chain.serviceAccounts[0]?.namespace ?? "krci";
  const secret = source.get("Secret", krciClusterSecretName(chain.target), ns);
  const annotations = secret?.metadata.annotations ?? {};
  const connected = annotations[CLUSTER_CONNECTED];
  const error = annotations[CLUSTER_ERROR];
  if (connected === undefined && error === undefined) return { findings: [] };
  const detail: OperatorVerdict = {
    connected: connected === "true",
    ...(error ? { error } : {}),
    note: "connected proves authentication only (the operator's connection check), not permissions",
  };
  if (!error) return { detail, findings: [] };
  const ref = `${ns}/${secret!.metadata.name}`;
  return {
    detail,
    findings: [
      finding(
        "XIRSA-REG-OPERATOR-ERROR",
        `the CD pipeline operator reports on Secret ${ref}: ${error}`,
        kubeResourceId(chain.source, secret!),
        {
          chain: chain.id,
          jsonPath: `metadata.annotations.${CLUSTER_ERROR}`,
          remediation:
            "fix what the error names (xirsa probe --chain cd-pipeline-operator shows the failing hop); the operator retries every minute",
        },
      ),
    ],
  };
}

export function registrationHop(chain: ChainSpec, ctx: VerifyContext): HopOutcome {
  const source = ctx.cluster(chain.source);
  const endpoint = ctx.cluster(chain.targetCluster)?.cluster.endpoint?.replace(/\/+$/, "");
  const objects: RegistrationObjectCheck[] = [];
  const detail: RegistrationEvidence = {
    kind: "registration",
    endpoint: endpoint ?? null,
    roleArn: chain.targetRoleArn,
    objects,
  };
  if (!source) {
    const f = finding(
      "XIRSA-CLUSTER-MISSING",
      `source cluster ${chain.source.name} is not in the State`,
      clusterResourceId(chain.source),
      { chain: chain.id, hop: HOP },
    );
    // The service-account hop fails first on the same missing cluster.
    return failed(
      HOP,
      f.message,
      f.remediation,
      { ...detail, absent: "source-cluster" },
      [f],
      "service-account",
    );
  }
  const all =
    chain.kind === "argocd"
      ? argocd(chain, ctx, source, endpoint, objects)
      : operator(chain, ctx, source, endpoint, objects);
  if (chain.kind === "cd-pipeline-operator") {
    const verdict = operatorVerdict(chain, source);
    if (verdict.detail) detail.operator = verdict.detail;
    all.push(...verdict.findings);
  }
  // Each object's codes: the findings raised on it.
  const byId = new Map(objects.map((o) => [kubeResourceId(chain.source, o.kind, o.name, o.namespace), o]));
  for (const f of all) {
    const o = byId.get(f.resource);
    if (o && !o.codes.includes(f.code)) o.codes.push(f.code);
  }
  const problems = all.filter((f) => f.severity === "error");
  const notes = all.filter((f) => f.severity !== "error");
  const targetMissing = !ctx.cluster(chain.targetCluster);
  if (!endpoint) {
    const f = finding(
      "XIRSA-CLUSTER-MISSING",
      `the endpoint of target cluster ${chain.targetCluster.name} is unknown, so the cluster Secret's server cannot be checked`,
      clusterResourceId(chain.targetCluster),
      {
        chain: chain.id,
        hop: HOP,
        remediation: "set the target's endpoint (aws eks describe-cluster … endpoint)",
      },
    );
    problems.unshift(f);
  }
  const what =
    chain.kind === "argocd"
      ? "Argo CD cluster Secret and AppProject"
      : "KubeRocketCI cluster Secret and available_clusters";
  if (problems.length === 0) {
    return passed(
      HOP,
      `${what} register ${chain.target} (${endpoint}) with roleARN ${chain.targetRoleArn}`,
      detail,
      notes,
    );
  }
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : "";
  // Only the unknown endpoint of a target cluster that is not in the State: cluster-access fails on it first.
  // (the AppProject's destinations cannot be matched without the endpoint either).
  const project = objects.find((o) => o.kind === "AppProject");
  const blocked =
    targetMissing &&
    problems.every(
      (p) => p.code === "XIRSA-CLUSTER-MISSING" || (p.code === "XIRSA-REG-APPPROJECT" && project?.exists),
    )
      ? "cluster-access"
      : undefined;
  if (targetMissing) detail.absent = "target-cluster";
  return failed(HOP, `${first.message}${more}`, first.remediation, detail, [...problems, ...notes], blocked);
}

function looked(
  kind: RegistrationObjectCheck["kind"],
  namespace: string,
  name: string,
  exists: boolean,
): RegistrationObjectCheck {
  return { kind, namespace, name, exists, codes: [] };
}
