/**
 * `--target NAME` (repeatable): a change limited to some targets. The desired State is narrowed to those
 * targets and the shared objects they need, and every part of a shared object that belongs to another target
 * is taken from the live State as it is: the source roles' permission policies keep the other targets' role
 * ARNs (present or not), the AppProject and available_clusters keep their items, the other targets' cluster
 * Secrets stay as they are. Pure.
 */
import type { Config } from "../config/index.js";
import { InputError } from "../errors.js";
import { argocdClusterSecretName, INLINE_POLICY_NAME, krciClusterSecretName } from "../names/index.js";
import type { ChainSpec, IamRole, Json, JsonObject, KubeObject, State } from "../state/index.js";
import { clusterKey } from "../state/index.js";
import { didYouMean } from "../text/index.js";
import { assumeRolesPolicy, roleNames } from "../topology/index.js";
import type { InventoryTarget } from "./inventory.js";
import { sharedListOf } from "./merges.js";
import { addedKeys, ownsObject } from "./ownership.js";
import { OWNED_KINDS } from "./plan.js";

/**
 * The --target names, checked against the names xirsa knows (the config's targets, and for commands that
 * remove, the removed ones). Unknown: bad input, one line with the closest name.
 */
export function checkTargets(command: string, names: string[], known: string[]): void {
  for (const n of names) {
    if (known.includes(n)) continue;
    throw new InputError(
      "cli.target",
      `${command}: --target '${n}' is not a target of the config${didYouMean(n, known)}`,
      `targets: ${known.join(", ") || "none"}`,
    );
  }
}

/** The chains of the selected targets (verify --target). */
export function limitChains(chains: ChainSpec[], names: readonly string[] | undefined): ChainSpec[] {
  if (!names?.length) return chains;
  return chains.filter((c) => names.includes(c.target));
}

/** What one target puts into shared objects and where it lives. */
interface Footprint {
  name: string;
  accountId: string;
  clusterKey?: string;
  destination?: { namespace: string; server: string };
  /** Its API server: any AppProject destination of it, whatever the namespace. */
  server?: string;
}

/** The `server` of a target's Argo CD cluster Secret in the live source cluster (base64 data), if any. */
function liveServer(config: Config, live: State, name: string): string | undefined {
  const src = live.clusters.find(
    (c) =>
      c.accountId === config.source.accountId &&
      c.region === config.source.region &&
      c.name === config.source.cluster,
  );
  const secret = src?.objects.find(
    (o) =>
      o.kind === "Secret" &&
      o.metadata.namespace === config.source.argocd.namespace &&
      o.metadata.name === argocdClusterSecretName(name),
  );
  const raw = (secret?.data as Record<string, string> | undefined)?.server;
  return raw ? Buffer.from(raw, "base64").toString("utf8") : undefined;
}

function footprints(
  config: Config,
  live: State,
  selected: Set<string>,
  removed: InventoryTarget[],
): Footprint[] {
  const out: Footprint[] = [];
  for (const t of config.targets) {
    if (!selected.has(t.name)) continue;
    out.push({
      name: t.name,
      accountId: t.accountId,
      clusterKey: clusterKey({ accountId: t.accountId, region: t.region, name: t.cluster }),
      ...(t.endpoint ? { destination: { namespace: t.namespaces, server: t.endpoint } } : {}),
    });
  }
  for (const r of removed) {
    if (!selected.has(r.name)) continue;
    // Recorded by the inventory; for a target it never recorded, its cluster Secret still says where it was.
    const server = r.endpoint ?? liveServer(config, live, r.name);
    out.push({
      name: r.name,
      accountId: r.accountId,
      ...(server ? { server } : {}),
      ...(server && r.namespaces ? { destination: { namespace: r.namespaces, server } } : {}),
    });
  }
  return out;
}

/** The Resource strings of a policy document's statements. */
function resourcesOf(doc: JsonObject | undefined): string[] {
  const st = doc?.Statement;
  const list = Array.isArray(st) ? st : st ? [st] : [];
  const out: string[] = [];
  for (const s of list) {
    const r = (s as JsonObject | null)?.Resource;
    if (typeof r === "string") out.push(r);
    else if (Array.isArray(r)) out.push(...r.filter((x): x is string => typeof x === "string"));
  }
  return out;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return (
    a.kind === b.kind &&
    a.metadata.name === b.metadata.name &&
    (a.metadata.namespace ?? "") === (b.metadata.namespace ?? "")
  );
}

export interface LimitInput {
  /** The resolved config (targets with endpoints). */
  config: Config;
  desired: State;
  live: State;
  selected: readonly string[];
  /** Removed targets (inventory / removed:) that may be among the selected. */
  removed: InventoryTarget[];
}

export function limitDesired(input: LimitInput): State {
  const { config, desired, live } = input;
  const stack = config.name;
  const selected = new Set(input.selected);
  const feet = footprints(config, live, selected, input.removed);
  const names = roleNames(config);
  const selAccounts = new Set(config.targets.filter((t) => selected.has(t.name)).map((t) => t.accountId));
  // The ARNs the selected targets decide about in the source roles' policies.
  const selArns = new Set(
    feet.flatMap((f) => [
      names.arn("CDPipelineAgent", f.accountId),
      names.arn("ArgoCDAgentAccess", f.accountId),
    ]),
  );
  const sourceNames = new Set([names.name("CDPipelineOperator"), names.name("ArgoCDMaster")]);
  const roles: IamRole[] = [];
  for (const r of desired.roles) {
    const isSource = r.accountId === config.source.accountId && sourceNames.has(r.name);
    if (!isSource) {
      if (selAccounts.has(r.accountId)) roles.push(r);
      continue;
    }
    const want = r.inlinePolicies[INLINE_POLICY_NAME];
    const have = live.roles.find((x) => x.accountId === r.accountId && x.name === r.name);
    const haveDoc = have?.inlinePolicies[INLINE_POLICY_NAME];
    const mixed = [
      ...new Set([
        ...resourcesOf(haveDoc).filter((a) => !selArns.has(a)),
        ...resourcesOf(want).filter((a) => selArns.has(a)),
      ]),
    ];
    const inlinePolicies = { ...r.inlinePolicies };
    if (mixed.length) inlinePolicies[INLINE_POLICY_NAME] = assumeRolesPolicy(mixed);
    else if (haveDoc) inlinePolicies[INLINE_POLICY_NAME] = haveDoc;
    else delete inlinePolicies[INLINE_POLICY_NAME];
    roles.push({ ...r, inlinePolicies });
  }

  const secretNames = new Set(
    feet.flatMap((f) => [
      `${config.source.krci.namespace}/${krciClusterSecretName(f.name)}`,
      `${config.source.argocd.namespace}/${argocdClusterSecretName(f.name)}`,
    ]),
  );
  const isSelectedSecret = (o: KubeObject) =>
    secretNames.has(`${o.metadata.namespace ?? ""}/${o.metadata.name}`);
  const srcKey = clusterKey({
    accountId: config.source.accountId,
    region: config.source.region,
    name: config.source.cluster,
  });
  // A renamed target keeps its cluster: a removed name never takes away a remaining target's server.
  const othersServers = new Set(
    config.targets.filter((t) => !selected.has(t.name) && t.endpoint).map((t) => t.endpoint!),
  );
  const selClusters = new Set(feet.map((f) => f.clusterKey).filter((k): k is string => !!k));
  const clusters = desired.clusters
    .filter((c) => clusterKey(c) === srcKey || selClusters.has(clusterKey(c)))
    .map((c) => {
      if (clusterKey(c) !== srcKey) return c;
      const liveCluster = live.clusters.find((x) => clusterKey(x) === srcKey);
      const liveObjects = liveCluster?.objects ?? [];
      const objects: KubeObject[] = [];
      for (const o of c.objects) {
        const shared = sharedListOf(o);
        if (shared) {
          objects.push(
            limitShared(
              o,
              liveObjects.find((x) => sameObject(x, o)),
              feet,
              stack,
              othersServers,
            ),
          );
          continue;
        }
        if (OWNED_KINDS.includes(o.kind) && !isSelectedSecret(o)) {
          const have = liveObjects.find((x) => sameObject(x, o));
          if (have) objects.push(have); // another target's: as it is
          continue;
        }
        objects.push(o);
      }
      // What this stack owns here for other (or removed, unselected) targets stays: prune skips it.
      for (const o of liveObjects) {
        if (!OWNED_KINDS.includes(o.kind) || !ownsObject(o, stack) || isSelectedSecret(o)) continue;
        if (!objects.some((x) => sameObject(x, o))) objects.push(o);
      }
      return { ...c, objects };
    });
  return { roles, oidcProviders: desired.oidcProviders, clusters };
}

/**
 * A shared list's desired items for a limited change: the selected targets' items from the desired object,
 * and the items this stack added for anyone else, as they are live (so that they are not taken out).
 */
function limitShared(
  want: KubeObject,
  have: KubeObject | undefined,
  feet: Footprint[],
  stack: string,
  othersServers: ReadonlySet<string>,
): KubeObject {
  const list = sharedListOf(want)!;
  const keys = new Set<string>();
  const servers = new Set<string>();
  for (const f of feet) {
    keys.add(list.key(f.name));
    if (f.destination) keys.add(list.key(f.destination as unknown as Json));
    if (f.server && want.kind === "AppProject" && !othersServers.has(f.server)) servers.add(f.server);
  }
  const server = (i: Json) =>
    i && typeof i === "object" && !Array.isArray(i) ? (i as JsonObject).server : undefined;
  const mine = (i: Json) => keys.has(list.key(i)) || servers.has(String(server(i)));
  const wanted = list.items(want).filter(mine);
  const added = new Set(addedKeys(have, stack));
  const others = have ? list.items(have).filter((i) => added.has(list.key(i)) && !mine(i)) : [];
  const patched = list.patch([...others, ...wanted]);
  return mergeInto(want, patched);
}

/** `want` with the fields of a merge patch set (the patch of a shared list names only its list). */
function mergeInto(obj: KubeObject, patch: JsonObject): KubeObject {
  const out = { ...obj } as Record<string, Json>;
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    out[k] =
      cur && typeof cur === "object" && !Array.isArray(cur) && v && typeof v === "object" && !Array.isArray(v)
        ? { ...(cur as JsonObject), ...(v as JsonObject) }
        : v;
  }
  return out as unknown as KubeObject;
}
