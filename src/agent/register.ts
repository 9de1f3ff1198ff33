/**
 * `xirsa cluster register`: what `apply` does in cluster A for one target, usable alone (REFERENCE §4): the
 * Argo CD and KubeRocketCI cluster Secrets, the target's destination in the AppProject and its name in
 * the platform ConfigMap's (krci-config, else edp-config) available_clusters. The objects come from topology and the changes from the live plan (same
 * ownership labels, same record of the list items xirsa added) and are made by the live executor, so a later
 * `apply` or `destroy` treats them as its own. Registering one target never removes another's items.
 */
import type { Config, TargetConfig } from "../config/index.js";
import { OperationError } from "../errors.js";
import type { Change } from "../live/index.js";
import {
  addedKeys,
  checkTargetNames,
  environmentNamespaces,
  execute,
  plan,
  sharedListOf,
  withPlatformConfigMap,
} from "../live/index.js";
import { argocdClusterSecretName, krciClusterSecretName, platformConfigMapName } from "../names/index.js";
import type { ClusterRef, Json, KubeObject, State } from "../state/index.js";
import {
  appProject,
  argocdClusterSecret,
  edpConfig,
  krciClusterSecret,
  roleNames,
  sourceCluster,
} from "../topology/index.js";
import { diagnose, errorText } from "./diagnose.js";
import { type AgentOptions, adminConnections } from "./session.js";
import { findTarget, type TargetEndpoint, targetEndpoint } from "./targets.js";

/** The objects of cluster A that name the target (each with only this target's list items). */
export function registrationObjects(
  config: Config,
  target: TargetConfig,
  endpoint: TargetEndpoint,
  envNamespaces?: readonly string[],
): KubeObject[] {
  const names = roleNames(config);
  const resolved = { ...target, endpoint: endpoint.endpoint, caData: endpoint.caData };
  const edp = edpConfig(config);
  return [
    argocdClusterSecret(config, resolved, names.arn("ArgoCDAgentAccess", target.accountId), envNamespaces),
    krciClusterSecret(config, resolved, names.arn("CDPipelineAgent", target.accountId)),
    appProject(config, [resolved]),
    { ...edp, data: { available_clusters: target.name } },
  ];
}

/** Refs of the objects register reads in cluster A. */
export function registrationRefs(config: Config, target: string) {
  const argo = config.source.argocd.namespace;
  const krci = config.source.krci.namespace;
  return [
    { apiVersion: "v1", kind: "Secret", name: argocdClusterSecretName(target), namespace: argo },
    { apiVersion: "v1", kind: "Secret", name: krciClusterSecretName(target), namespace: krci },
    {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      name: config.source.argocd.project,
      namespace: argo,
    },
    { apiVersion: "v1", kind: "ConfigMap", name: platformConfigMapName(config), namespace: krci },
  ];
}

/**
 * Desired objects whose shared lists keep every item xirsa added earlier (other targets) plus this target's:
 * the live plan drops added items that are no longer desired, which is right for `apply` of the whole config
 * but not for registering one target.
 */
function keepOthers(want: KubeObject, have: KubeObject | undefined, stack: string): KubeObject {
  const shared = sharedListOf(want);
  if (!shared || !have) return want;
  const added = new Set(addedKeys(have, stack));
  const mine = shared.items(want);
  const mineKeys = new Set(mine.map(shared.key));
  const kept: Json[] = shared
    .items(have)
    .filter((i) => added.has(shared.key(i)) && !mineKeys.has(shared.key(i)));
  return { ...want, ...shared.patch([...kept, ...mine]) } as KubeObject;
}

/** The changes in cluster A that register the target (pure: desired and live objects in, changes out). */
export function registrationChanges(args: {
  config: Config;
  source: ClusterRef;
  desired: KubeObject[];
  live: KubeObject[];
  adopt?: boolean;
}): Change[] {
  const find = (o: KubeObject) =>
    args.live.find(
      (l) =>
        l.kind === o.kind &&
        l.metadata.name === o.metadata.name &&
        l.metadata.namespace === o.metadata.namespace,
    );
  const desired = args.desired.map((o) => keepOthers(o, find(o), args.config.name));
  // Only the objects of this target: the live plan prunes owned objects it is not told to keep (another
  // target's Secrets), which is right for apply of the whole config but not here.
  const live = desired.map(find).filter((o): o is KubeObject => o !== undefined);
  const state = (objects: KubeObject[]): State => ({
    roles: [],
    oidcProviders: [],
    clusters: [{ ...args.source, accessEntries: [], objects }],
  });
  return plan({
    desired: state(desired),
    live: state(live),
    stack: args.config.name,
    workloads: [],
    config: args.config,
    ...(args.adopt ? { adopt: true } : {}),
  });
}

export interface RegisterInput extends AgentOptions {
  config: Config;
  target: string;
  adopt?: boolean;
}

export interface RegisterResult {
  target: string;
  endpoint: TargetEndpoint;
  changes: Change[];
  /** Objects already as wanted. */
  unchanged: string[];
}

function objectId(o: { kind: string; name: string; namespace?: string }): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

export async function registerCluster(input: RegisterInput): Promise<RegisterResult> {
  const ref = findTarget(input.config, input.target);
  const { conns, close } = adminConnections(input.config, input);
  const src = sourceCluster(input.config);
  try {
    const endpoint = await targetEndpoint(ref, conns, input.endpointFrom ?? "auto");
    for (const w of endpoint.warnings) input.log?.(w);
    const kube = await conns.kube(src);
    await checkTargetNames(input.config, kube, ref.target.name);
    const config = await withPlatformConfigMap(input.config, kube);
    const refs = registrationRefs(config, ref.target.name);
    let live: KubeObject[];
    try {
      live = (await Promise.all(refs.map((r) => kube.get(r)))).filter(
        (o): o is KubeObject => o !== undefined,
      );
    } catch (e) {
      const d = diagnose(e, { step: "kubernetes", clusterName: src.name });
      throw new OperationError(
        `register.${d.code}`,
        `reading cluster ${src.name} failed: ${d.cause} (${errorText(e)})`,
        d.fix,
        { cause: e },
      );
    }
    // A namespace-scoped Argo CD lists the environments that exist, as apply writes them (live/envNamespaces.ts).
    const envNamespaces =
      ref.target.access === "namespaced"
        ? environmentNamespaces(
            ref.target,
            await (
              await conns.kube({
                accountId: ref.target.accountId,
                region: ref.target.region,
                name: ref.target.cluster,
              })
            ).list("v1", "Namespace"),
          )
        : undefined;
    const desired = registrationObjects(config, ref.target, endpoint, envNamespaces);
    const changes = registrationChanges({
      config,
      source: src,
      desired,
      live,
      ...(input.adopt ? { adopt: true } : {}),
    });
    const blocked = changes.filter((c) => c.blocked);
    if (blocked.length) {
      const first = blocked[0]!;
      throw new OperationError(
        "register.blocked",
        `cannot register ${ref.target.name}: ${first.blocked!.reason}${blocked.length > 1 ? ` (+${blocked.length - 1} more)` : ""}; nothing was changed`,
        first.blocked!.fix,
      );
    }
    const exec = {
      conns,
      now: input.now ?? (() => new Date()),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      waitTimeoutMs: 60_000,
      pollMs: 250,
    };
    for (const c of changes) {
      try {
        for (const op of c.ops) await execute(op, exec);
      } catch (e) {
        const d = diagnose(e, { step: "kubernetes", clusterName: src.name });
        throw new OperationError(
          `register.${d.code}`,
          `${c.action} ${c.kind} ${c.id} in cluster ${src.name} failed: ${d.cause} (${errorText(e)})`,
          `${d.fix}; rerun xirsa cluster register (it is idempotent)`,
          { cause: e },
        );
      }
    }
    const changed = new Set(changes.map((c) => `${c.kind} ${c.id}`));
    const unchanged = refs.map(objectId).filter((id) => !changed.has(id));
    return { target: ref.target.name, endpoint, changes, unchanged };
  } finally {
    close();
  }
}
