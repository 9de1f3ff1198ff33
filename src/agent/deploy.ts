/**
 * `xirsa deploy`: a smoke test of the seed's title. Applies application manifests in a target namespace with
 * the identity Argo CD would use (ArgoCDMaster by web identity → ArgoCDAgentAccess → EKS token), waits until
 * its Deployments are available, and says per object what changed (created / configured / unchanged, as
 * kubectl apply does). Not a replacement for Argo CD: no pruning, no sync waves.
 */
import type { Config, TargetConfig } from "../config/index.js";
import { InputError, OperationError } from "../errors.js";
import type { KubeClient } from "../kube/index.js";
import { accessReview, groupOf, type KindInfo, resourceName, unservedKind } from "../kube/index.js";
import { containedIn } from "../live/index.js";
import { ADMIN_POLICY } from "../names/index.js";
import type { Json, JsonObject, KubeObject } from "../state/index.js";
import { extraResourceRules } from "../topology/index.js";
import { accessPolicyRules, rulesAllow } from "../verify/index.js";
import { diagnose, errorText } from "./diagnose.js";
import { inNamespace } from "./manifests.js";
import { type AgentOptions, adminConnections, establish, openFlowSession } from "./session.js";
import { findTarget, matchesPattern, targetEndpoint } from "./targets.js";

export interface DeployInput extends AgentOptions {
  config: Config;
  target: string;
  namespace: string;
  objects: KubeObject[];
  tokenFile: string;
  /** Name of the manifest file, for messages. */
  source?: string;
  /** How long to wait for Deployments (default 120 s). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  sessionName?: string;
  /** Called after each object is applied (before waiting for Deployments). */
  onApplied?: (o: DeployedObject) => void;
}

export type ApplyAction = "created" | "configured" | "unchanged";

export interface DeployedObject {
  /** `deployment.apps/web`, as kubectl names it. */
  resource: string;
  action: ApplyAction;
}

export interface DeploymentStatus {
  name: string;
  replicas: number;
  available: number;
}

export interface DeployResult {
  target: string;
  cluster: string;
  namespace: string;
  objects: DeployedObject[];
  deployments: DeploymentStatus[];
}

/** Refuses a namespace outside the target's pattern (the chain is scoped to it). */
export function checkDeployNamespace(config: Config, target: string, namespace: string): void {
  const { target: t } = findTarget(config, target);
  if (!matchesPattern(t.namespaces, namespace)) {
    throw new InputError(
      "deploy.namespace",
      `namespace ${namespace} is outside target ${t.name}'s namespaces ${t.namespaces}`,
      `deploy to a namespace matching ${t.namespaces} (xirsa env create makes one)`,
    );
  }
}

/**
 * Whether the Argo CD chain may create objects of `r` in an environment namespace by what the config grants:
 * everything with cluster-admin access; under namespaced access the rules of AmazonEKSAdminPolicy (built-in
 * groups only, Amazon EKS User Guide "Review access policy permissions") and targets[].extraResources.
 */
export function configGrantsCreate(target: TargetConfig, r: KindInfo): boolean {
  if (target.access !== "namespaced") return true;
  const req = { verb: "create", group: groupOf(r.apiVersion), resource: r.plural };
  return rulesAllow([...(accessPolicyRules(ADMIN_POLICY) ?? []), ...extraResourceRules(target)], req);
}

/** What apply compares: the object without apiVersion/kind/status, with only its labels and annotations. */
export function applied(obj: KubeObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === "apiVersion" || k === "kind" || k === "metadata" || k === "status") continue;
    out[k] = v as Json;
  }
  const meta: JsonObject = {};
  if (obj.metadata.labels) meta.labels = obj.metadata.labels;
  if (obj.metadata.annotations) meta.annotations = obj.metadata.annotations;
  if (Object.keys(meta).length) out.metadata = meta;
  return out;
}

/** Available when the controller saw the latest spec and every replica is updated and available. */
export function deploymentStatus(d: KubeObject): DeploymentStatus & { ready: boolean } {
  const spec = (d.spec ?? {}) as { replicas?: number };
  const status = (d.status ?? {}) as {
    observedGeneration?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const generation = typeof d.metadata.generation === "number" ? d.metadata.generation : undefined;
  const observed = status.observedGeneration;
  const seen = generation === undefined || (observed !== undefined && observed >= generation);
  const available = status.availableReplicas ?? 0;
  const ready = seen && (status.updatedReplicas ?? 0) >= replicas && available >= replicas;
  return { name: d.metadata.name, replicas, available, ready };
}

async function applyOne(kube: KubeClient, obj: KubeObject): Promise<ApplyAction> {
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    namespace: obj.metadata.namespace,
  };
  const have = await kube.get(ref);
  if (!have) {
    if (await kube.createIfAbsent(obj)) return "created";
  } else if (containedIn(applied(obj), applied(have))) return "unchanged";
  // As kubectl apply: strategic merge for built-in kinds, merge patch for custom resources.
  await kube.patch(ref, applied(obj), "auto");
  return "configured";
}

export async function deploy(input: DeployInput): Promise<DeployResult> {
  const { config } = input;
  const ref = findTarget(config, input.target);
  checkDeployNamespace(config, input.target, input.namespace);
  const source = input.source ?? "manifests";
  const objects = inNamespace(input.objects, input.namespace, source);
  const session = openFlowSession({
    config,
    kind: "argocd",
    target: input.target,
    tokenFile: input.tokenFile,
    sessionName: input.sessionName ?? "xirsa-deploy",
    env: input.env,
    ...(input.now ? { now: input.now } : {}),
    ...(input.retry ? { retry: input.retry } : {}),
  });
  const admin = adminConnections(config, input);
  const now = input.now ?? (() => new Date());
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ctx = (endpoint?: string) => ({
    step: "kubernetes" as const,
    sourceRoleArn: session.chain.sourceRoleArn,
    targetRoleArn: session.chain.targetRoleArn,
    clusterName: ref.cluster.name,
    ...(endpoint ? { endpoint } : {}),
  });
  const fail = (what: string, e: unknown, endpoint?: string) => {
    const d = diagnose(e, ctx(endpoint));
    return new OperationError(`deploy.${d.code}`, `${what} failed: ${d.cause} (${errorText(e)})`, d.fix, {
      cause: e,
    });
  };
  try {
    const endpoint = await targetEndpoint(ref, admin.conns, input.endpointFrom ?? "auto");
    for (const w of endpoint.warnings) input.log?.(w);
    await establish(session);
    const kube = session.kube(endpoint);

    // Every kind is resolved before anything is written: nothing half-applied because of a typo.
    const resources: KindInfo[] = [];
    for (const o of objects) {
      let r: KindInfo | undefined;
      try {
        r = await kube.resolve(o.apiVersion, o.kind);
      } catch (e) {
        throw fail(`discovery of ${o.apiVersion} on cluster ${ref.cluster.name}`, e, endpoint.endpoint);
      }
      if (!r) {
        const unserved = unservedKind(o.apiVersion, o.kind, ref.cluster.name);
        throw new OperationError("deploy.kind", `${unserved.message} named in ${source}`, unserved.hint);
      }
      if (!r.namespaced) {
        throw new InputError(
          "deploy.cluster-scoped",
          `${source}: ${o.kind} ${o.metadata.name} is cluster-scoped; deploy applies namespaced objects only`,
          "apply cluster-scoped objects with the platform's own tooling",
        );
      }
      resources.push(r);
    }

    // A custom resource the chain's grants do not cover is refused before anything is sent: under
    // namespaced access, AmazonEKSAdminPolicy names built-in API groups only.
    for (const [i, o] of objects.entries()) {
      const r = resources[i]!;
      if (configGrantsCreate(ref.target, r)) continue;
      const review = await accessReview(kube, {
        verb: "create",
        group: groupOf(r.apiVersion),
        resource: r.plural,
        namespace: input.namespace,
      }).catch(() => ({ allowed: false }));
      if (review.allowed) continue;
      const group = groupOf(r.apiVersion);
      throw new OperationError(
        "deploy.custom-resource",
        `${resourceName(r, o.metadata.name)} in ${source} cannot be created: target ${ref.target.name} has namespaced access, and AmazonEKSAdminPolicy grants nothing on custom resources (${r.plural}.${group}); nothing was applied`,
        `list {apiGroup: ${group}, resources: [${r.plural}]} in targets[].extraResources of ${ref.target.name} and run xirsa apply`,
      );
    }

    const results: DeployedObject[] = [];
    for (const [i, o] of objects.entries()) {
      const r = resources[i]!;
      try {
        results.push({ resource: resourceName(r, o.metadata.name), action: await applyOne(kube, o) });
      } catch (e) {
        throw fail(
          `applying ${resourceName(r, o.metadata.name)} in ${input.namespace}`,
          e,
          endpoint.endpoint,
        );
      }
      input.onApplied?.(results.at(-1)!);
    }

    const deployments = objects
      .map((o, i) => ({ o, r: resources[i]! }))
      .filter(({ r }) => r.kind === "Deployment" && r.apiVersion === "apps/v1");
    const timeoutMs = input.timeoutMs ?? 120_000;
    const deadline = now().getTime() + timeoutMs;
    const statuses: DeploymentStatus[] = [];
    for (const { o, r } of deployments) {
      for (;;) {
        let d: KubeObject | undefined;
        try {
          d = await kube.get({
            apiVersion: r.apiVersion,
            kind: r.kind,
            name: o.metadata.name,
            namespace: input.namespace,
          });
        } catch (e) {
          throw fail(`reading Deployment ${input.namespace}/${o.metadata.name}`, e, endpoint.endpoint);
        }
        const s = d ? deploymentStatus(d) : undefined;
        if (s?.ready) {
          statuses.push({ name: s.name, replicas: s.replicas, available: s.available });
          break;
        }
        if (now().getTime() >= deadline) {
          throw new OperationError(
            "deploy.timeout",
            `Deployment ${input.namespace}/${o.metadata.name} is not available after ${Math.round(timeoutMs / 1000)} s (${s ? `${s.available}/${s.replicas} available` : "it is gone"})`,
            `look at its pods and events: kubectl -n ${input.namespace} describe deployment ${o.metadata.name}`,
          );
        }
        await sleep(500);
      }
    }
    return {
      target: ref.target.name,
      cluster: ref.cluster.name,
      namespace: input.namespace,
      objects: results,
      deployments: statuses,
    };
  } finally {
    admin.close();
  }
}
