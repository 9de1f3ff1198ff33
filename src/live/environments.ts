/**
 * Environments at destroy time (issue 15 §7, issue 17 §6). The CD pipeline operator deletes an environment's
 * namespace only through the kubeconfig Secret it derives from `<name>-cluster` (stages.ts): destroying that
 * Secret while Stage objects deploy to the target orphans their namespaces. So destroy reads the Stages naming
 * a target it removes and refuses unless --force (or --environments), lists the environment namespaces that
 * remain in each target, and with --environments deletes them first, through the operator's chain as
 * `xirsa env delete` does.
 */
import type { Config, TargetConfig } from "../config/index.js";
import { OperationError } from "../errors.js";
import { krciClusterSecretName } from "../names/index.js";
import { sourceCluster } from "../topology/index.js";
import type { Change } from "./changes.js";
import type { Connections } from "./connections.js";
import { environmentNamespaces } from "./envNamespaces.js";
import { listStages, type StageRef, stagesOn } from "./stages.js";

/** Label the operator puts on the namespaces it makes (REFERENCE §5; env.ts TENANT_LABEL). */
const TENANT_LABEL = "app.edp.epam.com/tenant";

export interface EnvNamespace {
  target: string;
  cluster: string;
  namespace: string;
}

export interface Environments {
  /** Stages deploying to a target whose KubeRocketCI cluster Secret this destroy deletes. */
  stages: StageRef[];
  /** The environment namespaces that exist in the targets. */
  namespaces: EnvNamespace[];
  /** What could not be read (a cluster that is unreachable or refuses), said instead of guessed. */
  warnings: string[];
  /** Why the Stages could not be read: destroy then cannot show that nothing deploys there. */
  stagesUnread?: string;
}

/** Targets whose `<name>-cluster` Secret the changes delete: the operator loses them (pure). */
export function targetsLosingOperator(config: Config, changes: readonly Change[]): string[] {
  const ns = config.source.krci.namespace;
  return config.targets
    .filter((t) =>
      changes.some(
        (c) =>
          c.action === "delete" &&
          c.kind === "Secret" &&
          c.cluster === config.source.cluster &&
          c.id === `${ns}/${krciClusterSecretName(t.name)}`,
      ),
    )
    .map((t) => t.name);
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads the Stages of cluster A and the environment namespaces of `targets` (with the admin credentials). */
export async function readEnvironments(
  config: Config,
  conns: Connections,
  changes: readonly Change[],
  targets: readonly TargetConfig[] = config.targets,
): Promise<Environments> {
  const warnings: string[] = [];
  const losing = targetsLosingOperator(config, changes);
  let stages: StageRef[] = [];
  let stagesUnread: string | undefined;
  if (losing.length) {
    try {
      const source = await conns.kube(sourceCluster(config));
      stages = stagesOn(await listStages(source, config.source.krci.namespace), losing);
    } catch (e) {
      stagesUnread = `could not read the Stage objects of ${config.source.krci.namespace} in ${config.source.cluster}: ${errText(e)}`;
    }
  }
  const namespaces: EnvNamespace[] = [];
  await Promise.all(
    targets.map(async (t) => {
      try {
        const kube = await conns.kube({ accountId: t.accountId, region: t.region, name: t.cluster });
        const labelled = await kube.list("v1", "Namespace", {
          labelSelector: `${TENANT_LABEL}=${config.source.krci.namespace}`,
        });
        for (const namespace of environmentNamespaces(t, labelled))
          namespaces.push({ target: t.name, cluster: t.cluster, namespace });
      } catch (e) {
        warnings.push(`could not list the environment namespaces of cluster ${t.cluster}: ${errText(e)}`);
      }
    }),
  );
  namespaces.sort((a, b) => a.target.localeCompare(b.target) || a.namespace.localeCompare(b.namespace));
  return { stages, namespaces, warnings, ...(stagesUnread ? { stagesUnread } : {}) };
}

export interface EnvironmentFlags {
  /** Destroy although Stages still deploy to a target (their namespaces are orphaned). */
  force?: boolean;
  /** Delete the environment namespaces first, through the operator's chain. */
  environments?: boolean;
}

function stageText(s: StageRef): string {
  return `Stage ${s.id} (cluster ${s.clusterName}${s.namespace ? `, namespace ${s.namespace}` : ""})`;
}

/** Stops destroy while Stages deploy to a target it removes, unless --force or --environments. */
export function refuseStages(envs: Environments, flags: EnvironmentFlags): void {
  if (flags.force || flags.environments) return;
  if (envs.stagesUnread) {
    throw new OperationError(
      "destroy.stages",
      `nothing was changed: ${envs.stagesUnread}, so destroy cannot show that KubeRocketCI no longer deploys to the clusters it removes`,
      "give the source credentials read access to stages.v2.edp.epam.com, or rerun with --environments or --force",
    );
  }
  if (!envs.stages.length) return;
  throw new OperationError(
    "destroy.stages",
    `nothing was changed: KubeRocketCI still deploys to ${[...new Set(envs.stages.map((s) => s.clusterName))].join(", ")} (${envs.stages.map(stageText).join("; ")}); without its cluster Secret the operator cannot delete their namespaces`,
    "delete those Stages in KubeRocketCI first (the operator then deletes their namespaces), or rerun with --environments to delete the environment namespaces first through the operator's chain, or with --force to leave them behind",
  );
}

/** What destroy says about environments, before it asks ("" when there is nothing to say). */
export function environmentsText(envs: Environments, flags: EnvironmentFlags): string {
  const lines: string[] = [];
  if (envs.stages.length) {
    lines.push(
      flags.environments
        ? "Stages that still deploy to a removed cluster (their namespaces are deleted first; delete the Stages in KubeRocketCI):"
        : "Stages that still deploy to a removed cluster (--force: their namespaces are left behind):",
    );
    for (const s of envs.stages) lines.push(`  ! ${stageText(s)}`);
  }
  if (envs.namespaces.length) {
    lines.push(
      flags.environments
        ? "Environment namespaces deleted first, through the operator's chain:"
        : "Environment namespaces left behind (delete them first with --environments, or later with xirsa env delete --as-admin):",
    );
    for (const n of envs.namespaces)
      lines.push(
        `  ${flags.environments ? "-" : "="} namespace ${n.namespace} in ${n.cluster} (target ${n.target})`,
      );
  }
  for (const w of [...(envs.stagesUnread ? [envs.stagesUnread] : []), ...envs.warnings])
    lines.push(`warning: ${w}`);
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/**
 * Deletes one environment namespace of a target through the operator's chain: `agent/env.ts`
 * `deleteEnvNamespace` (xirsa env delete), passed in by the caller because the agent's flows sit above `live/`.
 */
export type DeleteEnvNamespace = (
  input: { config: Config; target: string; conns: Connections },
  namespace: string,
) => Promise<{ steps: readonly { result: string }[] }>;

/** Deletes the environment namespaces through the operator's chain (env delete); stops at the first failure. */
export async function deleteEnvironments(
  config: Config,
  envs: Environments,
  opts: { deleteNamespace: DeleteEnvNamespace; conns: Connections; progress?: (line: string) => void },
): Promise<EnvNamespace[]> {
  const done: EnvNamespace[] = [];
  for (const n of envs.namespaces) {
    const r = await opts.deleteNamespace({ config, target: n.target, conns: opts.conns }, n.namespace);
    opts.progress?.(`environment ${n.namespace} in ${n.cluster}: ${r.steps.map((s) => s.result).join(", ")}`);
    done.push(n);
  }
  return done;
}
