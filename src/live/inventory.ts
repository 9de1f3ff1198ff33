/**
 * The inventory of a stack: per target, where xirsa applied things (account, region, cluster, the profile
 * used) and what it made there (roles, access entries, objects). It lives in the source cluster, ConfigMap
 * `xirsa-stack-<name>` in the KubeRocketCI namespace, one data key per target, so that a target taken out of
 * xirsa.yaml can still be found and removed, by `apply` or `destroy`, whose config no longer names its account.
 *
 * Crash safety: apply records a target before the first resource is made in it (the inventory is always a
 * superset of what exists) and forgets it only after every resource of it was deleted. One key per target keeps
 * each write a merge patch of that key alone.
 *
 * Why not a tag on the source roles: an IAM tag value holds 256 characters, too few for a list of targets,
 * and the roles may be the first thing a crash leaves half-made.
 */
import type { Config, TargetConfig } from "../config/index.js";
import type { EksCluster, JsonObject, KubeObject, State } from "../state/index.js";
import { roleNames, sourceCluster } from "../topology/index.js";
import type { Change } from "./changes.js";
import { ownershipLabels } from "./ownership.js";
import { lineDiff } from "./textDiff.js";

export interface InventoryObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface InventoryTarget {
  name: string;
  accountId: string;
  region: string;
  cluster: string;
  profile?: string;
  kubeContext?: string;
  /** The target's API endpoint and namespace pattern (its AppProject destination). */
  endpoint?: string;
  namespaces?: string;
  /** ARNs of the roles in its account (shared with other targets of the same account). */
  roles: string[];
  /** Principal ARNs of the access entries on its cluster. */
  accessEntries: string[];
  /** Objects in its cluster (Capsule, namespace-manager RBAC). */
  objects: InventoryObject[];
}

// ConfigMap data keys are [-._a-zA-Z0-9]+ and the whole object is at most 1 MiB (kubernetes/kubernetes
// pkg/apis/core/validation IsConfigMapKey, core/v1 ConfigMap docs): `target.` + a DNS label, ~1 KB each.
const KEY_PREFIX = "target.";

function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * `xirsa-stack-<name>`; a stack name that is not a DNS label as it is (upper case, `_`) is lowered and gets a
 * hash of the real name, so that `Dev` and `dev` do not share one inventory.
 */
export function inventoryName(stack: string): string {
  const plain = `xirsa-stack-${stack}`;
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(stack)) return plain;
  const label = stack
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+$/, "");
  return `xirsa-stack-${label}-${fnv(stack)}`;
}

export function inventoryRef(config: Config) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    name: inventoryName(config.name),
    namespace: config.source.krci.namespace,
  };
}

function refOf(o: KubeObject): InventoryObject {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

function sameCluster(c: { accountId: string; region: string; name: string }, t: TargetConfig): boolean {
  return c.accountId === t.accountId && c.region === t.region && c.name === t.cluster;
}

/** What apply makes for a target, read off the desired State. */
export function inventoryRecord(config: Config, target: TargetConfig, desired: State): InventoryTarget {
  const names = roleNames(config);
  const roleArns = new Set([
    names.arn("CDPipelineAgent", target.accountId),
    names.arn("ArgoCDAgentAccess", target.accountId),
  ]);
  const cluster = desired.clusters.find((c) => sameCluster(c, target));
  return {
    name: target.name,
    accountId: target.accountId,
    region: target.region,
    cluster: target.cluster,
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.kubeContext ? { kubeContext: target.kubeContext } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    namespaces: target.namespaces,
    roles: desired.roles.filter((r) => roleArns.has(r.arn)).map((r) => r.arn),
    accessEntries: (cluster?.accessEntries ?? []).map((e) => e.principalArn),
    objects: (cluster?.objects ?? []).map(refOf),
  };
}

/** The records of a live inventory ConfigMap; a key that does not parse is reported, not guessed at. */
export function parseInventory(obj: KubeObject | undefined): { targets: InventoryTarget[]; bad: string[] } {
  const data = (obj?.data ?? {}) as Record<string, string>;
  const targets: InventoryTarget[] = [];
  const bad: string[] = [];
  for (const [key, raw] of Object.entries(data)) {
    if (!key.startsWith(KEY_PREFIX)) continue;
    try {
      const v = JSON.parse(raw) as InventoryTarget;
      if (
        typeof v?.name !== "string" ||
        typeof v.accountId !== "string" ||
        typeof v.region !== "string" ||
        typeof v.cluster !== "string"
      )
        throw new Error("shape");
      targets.push({
        ...v,
        roles: Array.isArray(v.roles) ? v.roles : [],
        accessEntries: Array.isArray(v.accessEntries) ? v.accessEntries : [],
        objects: Array.isArray(v.objects) ? v.objects : [],
      });
    } catch {
      bad.push(key);
    }
  }
  return { targets, bad };
}

function recordText(r: InventoryTarget): string {
  return JSON.stringify(r);
}

function parsed(raw: string | undefined): InventoryTarget | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as InventoryTarget;
  } catch {
    return undefined;
  }
}

/**
 * The same place and the same resources. The credentials are not compared: a plan run with other (read-only)
 * profiles must not rewrite the inventory; the profile recorded is the one of the apply that made the target.
 */
function sameRecord(a: InventoryTarget, b: InventoryTarget): boolean {
  const { profile: _p, kubeContext: _k, ...x } = a;
  const { profile: _q, kubeContext: _l, ...y } = b;
  return JSON.stringify(x) === JSON.stringify(y);
}

function summary(r: InventoryTarget): string {
  return `${r.name}: account ${r.accountId}, ${r.region}, cluster ${r.cluster}${r.profile ? `, profile ${r.profile}` : ""}`;
}

/**
 * The change that records `records` (step `inventory`, before anything is made): the ConfigMap is created, or
 * the keys that differ are patched. Undefined when the inventory already says so.
 */
export function recordChange(
  config: Config,
  live: KubeObject | undefined,
  records: InventoryTarget[],
): Change | undefined {
  const ref = inventoryRef(config);
  const cluster = sourceCluster(config);
  const have = (live?.data ?? {}) as Record<string, string>;
  const data: Record<string, string> = {};
  for (const r of records) {
    const before = parsed(have[KEY_PREFIX + r.name]);
    if (!before || !sameRecord(before, r)) data[KEY_PREFIX + r.name] = recordText(r);
  }
  const base = {
    kind: "ConfigMap",
    id: `${ref.namespace}/${ref.name}`,
    cluster: cluster.name,
    step: "inventory" as const,
  };
  const labels = ownershipLabels(config.name);
  if (!live) {
    if (!records.length) return undefined;
    const object: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: ref.name, namespace: ref.namespace, labels },
      data,
    };
    return {
      ...base,
      action: "create",
      diff: lineDiff("", records.map((r) => `target ${summary(r)}`).join("\n")),
      ops: [{ type: "kube.create", cluster, object }],
    };
  }
  if (!Object.keys(data).length) return undefined;
  const before = parseInventory(live).targets;
  return {
    ...base,
    action: "update",
    diff: records
      .filter((r) => data[KEY_PREFIX + r.name])
      .map((r) => {
        const old = before.find((b) => b.name === r.name);
        return lineDiff(old ? `target ${summary(old)}` : "", `target ${summary(r)}`);
      })
      .join("\n"),
    ops: [
      {
        type: "kube.patch",
        cluster,
        ref,
        patch: { metadata: { labels }, data } as JsonObject,
      },
    ],
  };
}

/** The change that forgets removed targets (step `forget`, after their resources were deleted). */
export function forgetChange(
  config: Config,
  live: KubeObject | undefined,
  names: string[],
): Change | undefined {
  const have = (live?.data ?? {}) as Record<string, string>;
  const keys = names.map((n) => KEY_PREFIX + n).filter((k) => k in have);
  if (!live || !keys.length) return undefined;
  const ref = inventoryRef(config);
  const cluster = sourceCluster(config);
  const base = {
    kind: "ConfigMap",
    id: `${ref.namespace}/${ref.name}`,
    cluster: cluster.name,
    step: "forget" as const,
    diff: lineDiff(keys.map((k) => `target ${k.slice(KEY_PREFIX.length)}`).join("\n"), ""),
  };
  const data: JsonObject = {};
  for (const k of keys) data[k] = null;
  return { ...base, action: "update", ops: [{ type: "kube.patch", cluster, ref, patch: { data } }] };
}

/** The inventory's cluster objects as an EksCluster shell, for code that works on States. */
export function clusterOf(r: InventoryTarget): Pick<EksCluster, "accountId" | "region" | "name"> {
  return { accountId: r.accountId, region: r.region, name: r.cluster };
}

/** destroy: the inventory goes last, after everything it lists. */
export function deleteInventoryChange(config: Config, live: KubeObject | undefined): Change | undefined {
  if (!live) return undefined;
  const ref = inventoryRef(config);
  const names = parseInventory(live).targets.map((t) => t.name);
  return {
    action: "delete",
    kind: "ConfigMap",
    id: `${ref.namespace}/${ref.name}`,
    cluster: config.source.cluster,
    step: "forget",
    diff: lineDiff(names.map((n) => `target ${n}`).join("\n") || "(no targets)", ""),
    ops: [{ type: "kube.delete", cluster: sourceCluster(config), ref }],
  };
}
