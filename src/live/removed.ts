/**
 * Targets taken out of xirsa.yaml: found in the inventory (inventory.ts) or under `removed:`, read in their
 * own account, and planned as deletions of what this stack owns there (its agent roles unless another target
 * still uses the account, the access entries and the objects in its cluster). The cluster-A side of a removed
 * target (Secrets, AppProject destination, available_clusters, the source roles' ARNs) is pruned by the plan
 * of the remaining targets already. Without working credentials for the account nothing there can be read or
 * deleted: the plan lists what the inventory says is left, with the commands that remove it.
 */
import type { Config, RemovedConfig } from "../config/index.js";
import { AwsError } from "../errors.js";
import { partitionOf, ROLE_KINDS, roleArn, roleName, roleNameOf } from "../names/index.js";
import type { EksCluster, IamRole, State } from "../state/index.js";
import { clusterKey } from "../state/index.js";
import type { Change } from "./changes.js";
import { readAccessEntries, readObjects, readRole } from "./collect.js";
import type { Connections } from "./connections.js";
import { destroyDecisions, type Kept } from "./destroy.js";
import type { InventoryTarget } from "./inventory.js";
import { lineDiff } from "./textDiff.js";

export interface RemovedTarget {
  record: InventoryTarget;
  /** Where xirsa knows it from. */
  from: "inventory" | "config" | "inventory+config";
  /** Why its account cannot be used (no working credentials); undefined when it was read. */
  problem?: string;
}

export interface RemovedLive {
  targets: RemovedTarget[];
  /** What was read in the reachable accounts: the roles and the clusters of removed targets. */
  state: State;
}

/** The removed targets: inventory records not in `targets`, joined with `removed:` (whose profile wins). */
export function removedTargets(config: Config, inventory: InventoryTarget[]): RemovedTarget[] {
  const names = new Set(config.targets.map((t) => t.name));
  const out: RemovedTarget[] = [];
  for (const r of inventory) if (!names.has(r.name)) out.push({ record: r, from: "inventory" });
  for (const c of config.removed ?? []) {
    const have = out.find((t) => t.record.name === c.name);
    if (have) {
      have.record = withAccess(have.record, c);
      have.from = "inventory+config";
    } else out.push({ record: derivedRecord(config, c), from: "config" });
  }
  return out;
}

function withAccess(r: InventoryTarget, c: RemovedConfig): InventoryTarget {
  return {
    ...r,
    accountId: c.accountId,
    region: c.region,
    cluster: c.cluster,
    ...(c.profile ? { profile: c.profile } : {}),
    ...(c.kubeContext ? { kubeContext: c.kubeContext } : {}),
  };
}

/** A `removed:` entry the inventory does not know (applied before it existed): the names xirsa would use. */
function derivedRecord(config: Config, c: RemovedConfig): InventoryTarget {
  const partition = partitionOf(config.source.region);
  const arn = (kind: (typeof ROLE_KINDS)[number]) =>
    roleArn(partition, c.accountId, config.path, roleName(config, kind));
  const roles = [arn("CDPipelineAgent"), arn("ArgoCDAgentAccess")];
  return {
    name: c.name,
    accountId: c.accountId,
    region: c.region,
    cluster: c.cluster,
    ...(c.profile ? { profile: c.profile } : {}),
    ...(c.kubeContext ? { kubeContext: c.kubeContext } : {}),
    roles,
    accessEntries: roles,
    objects: [],
  };
}

/** Reads the removed targets' accounts and clusters (read-only); an account without credentials is noted. */
export async function collectRemoved(
  config: Config,
  conns: Connections,
  targets: RemovedTarget[],
  desired: State,
): Promise<RemovedLive> {
  const state: State = { roles: [], oidcProviders: [], clusters: [] };
  if (!targets.length) return { targets, state };
  conns.addRemoved(
    targets.map((t) => ({
      accountId: t.record.accountId,
      region: t.record.region,
      cluster: t.record.cluster,
      ...(t.record.profile ? { profile: t.record.profile } : {}),
      ...(t.record.kubeContext ? { kubeContext: t.record.kubeContext } : {}),
      field: t.from === "inventory" ? `inventory target ${t.record.name}` : `removed target ${t.record.name}`,
    })),
  );
  const accounts = [...new Set(targets.map((t) => t.record.accountId))];
  const problems = new Map(
    await Promise.all(accounts.map(async (a) => [a, await conns.credentialProblem(a)] as const)),
  );
  const desiredRoles = new Set(desired.roles.map((r) => r.arn));
  const desiredClusters = new Set(desired.clusters.map((c) => clusterKey(c)));
  const ourNames = new Set(ROLE_KINDS.map((k) => roleName(config, k)));
  const out = targets.map((t) => {
    const problem = problems.get(t.record.accountId);
    return problem ? { ...t, problem } : t;
  });
  // Roles once per account, the ones no remaining target uses.
  const roleReads = new Map<string, { accountId: string; name: string }>();
  for (const t of out) {
    if (t.problem) continue;
    for (const arn of t.record.roles)
      if (!desiredRoles.has(arn))
        roleReads.set(arn, { accountId: t.record.accountId, name: roleNameOf(arn) ?? arn });
  }
  const roles = (
    await Promise.all([...roleReads.values()].map((r) => readRole(conns, r.accountId, r.name)))
  ).filter((r): r is IamRole => r !== undefined);
  state.roles.push(...roles);
  const clusters = await Promise.all(
    out
      .filter((t) => !t.problem)
      .map(async (t): Promise<EksCluster | undefined> => {
        const ref = { accountId: t.record.accountId, region: t.record.region, name: t.record.cluster };
        // A renamed target keeps its cluster: the remaining targets' plan covers it.
        if (desiredClusters.has(clusterKey(ref))) return undefined;
        try {
          await conns.describeCluster(ref, `removed target ${t.record.name}`);
        } catch (e) {
          // The cluster itself is gone, and its access entries and objects with it.
          if (e instanceof AwsError && e.code === "eks.cluster-missing") return undefined;
          throw e;
        }
        const shell: EksCluster = { ...ref, accessEntries: [], objects: [] };
        const kube = await conns.kube(ref);
        const [accessEntries, objects] = await Promise.all([
          readAccessEntries(conns, shell, ourNames, roles),
          readObjects(kube, config, shell, false, []),
        ]);
        return { ...shell, accessEntries, objects };
      }),
  );
  state.clusters.push(...clusters.filter((c): c is EksCluster => c !== undefined));
  return { targets: out, state };
}

/**
 * The command that gives xirsa the credentials and removes the target, and the manual commands (AWS CLI
 * reference: `aws eks delete-access-entry --cluster-name --principal-arn`, `aws iam delete-role --role-name`;
 * the agent roles have no inline or attached policies, which DeleteRole would refuse).
 */
export function removalCommands(t: InventoryTarget, configFile = "xirsa.yaml"): string[] {
  const profile = ` --profile ${t.profile ?? `<a profile of account ${t.accountId}>`}`;
  const out = [
    `xirsa destroy --config ${configFile} --target ${t.name} (with removed: [{name: ${t.name}, accountId: '${t.accountId}', region: ${t.region}, cluster: ${t.cluster}, profile: <a profile of account ${t.accountId}>}] in ${configFile})`,
  ];
  for (const arn of t.accessEntries)
    out.push(
      `aws eks delete-access-entry --cluster-name ${t.cluster} --principal-arn ${arn} --region ${t.region}${profile}`,
    );
  for (const arn of t.roles) out.push(`aws iam delete-role --role-name ${roleNameOf(arn) ?? arn}${profile}`);
  for (const o of t.objects)
    out.push(
      `kubectl delete ${o.kind.toLowerCase()} ${o.name}${o.namespace ? ` -n ${o.namespace}` : ""} (cluster ${t.cluster})`,
    );
  return out;
}

/** What is left of a removed target whose account cannot be reached, as blocked deletions. */
function unreachableChanges(t: RemovedTarget, desired: State, configFile?: string): Change[] {
  const r = t.record;
  const blocked = {
    reason: `removed target ${r.name} (account ${r.accountId}) cannot be reached: ${t.problem}`,
    fix: `remove it with: ${removalCommands(r, configFile).join("; ")}`,
    adoptable: false,
    unreachableAccount: r.accountId,
  };
  const desiredRoles = new Set(desired.roles.map((x) => x.arn));
  const desiredClusters = new Set(desired.clusters.map((c) => clusterKey(c)));
  const out: Change[] = [];
  for (const arn of r.roles) {
    if (desiredRoles.has(arn)) continue;
    out.push({
      action: "delete",
      kind: "IamRole",
      id: arn,
      account: r.accountId,
      step: "prune",
      diff: lineDiff(`role ${arn}`, ""),
      ops: [],
      blocked,
    });
  }
  const ref = { accountId: r.accountId, region: r.region, name: r.cluster };
  if (!desiredClusters.has(clusterKey(ref))) {
    for (const arn of r.accessEntries)
      out.push({
        action: "delete",
        kind: "AccessEntry",
        id: arn,
        cluster: r.cluster,
        step: "prune",
        diff: lineDiff(`principalArn: ${arn}`, ""),
        ops: [],
        blocked,
      });
    for (const o of r.objects)
      out.push({
        action: "delete",
        kind: o.kind,
        id: o.namespace ? `${o.namespace}/${o.name}` : o.name,
        cluster: r.cluster,
        step: "prune",
        diff: lineDiff(`${o.kind} ${o.name}`, ""),
        ops: [],
        blocked,
      });
  }
  return out;
}

/**
 * The deletions of the removed targets (step `prune`): what this stack owns in the reachable ones, and the
 * inventory's list, blocked, for the others.
 */
export function planRemoved(
  config: Config,
  removed: RemovedLive,
  desired: State,
  opts: { configFile?: string } = {},
): { changes: Change[]; kept: Kept[] } {
  const { changes, kept } = destroyDecisions({
    live: removed.state,
    stack: config.name,
    workloads: [],
    accountRoles: {},
  });
  const out = changes.map((c): Change => ({ ...c, step: "prune" }));
  for (const t of removed.targets)
    if (t.problem) out.push(...unreachableChanges(t, desired, opts.configFile));
  return { changes: out, kept };
}
