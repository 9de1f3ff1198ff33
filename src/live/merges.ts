/**
 * Lists xirsa shares with others: the AppProject's destinations, the platform ConfigMap's `available_clusters` and the
 * CapsuleConfiguration's users (or userGroups, in the form the installed one uses). xirsa adds its items, keeps everyone else's, and remembers what it added
 * (ownership.ts) so that a removed target or `destroy` takes away only its own items.
 */

import { isPlatformConfigMap } from "../names/index.js";
import type { Json, JsonObject, KubeObject } from "../state/index.js";
import { capsuleUsersFormOf } from "../topology/index.js";

export interface SharedList {
  /** Items of the list in an object. */
  items(obj: KubeObject): Json[];
  /** Merge patch that sets the list. */
  patch(items: Json[]): JsonObject;
  key(item: Json): string;
  /** Whether xirsa creates the object when it is missing (else a prerequisite is missing). */
  createIfMissing: boolean;
  /** The fix when the object is missing. */
  missingFix: string;
}

function field(obj: unknown, ...path: string[]): Json | undefined {
  let cur = obj as Json | undefined;
  for (const p of path) {
    if (cur === null || cur === undefined || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, Json>)[p];
  }
  return cur;
}

export function splitClusters(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const appProjectDestinations: SharedList = {
  items: (o) => {
    const d = field(o, "spec", "destinations");
    return Array.isArray(d) ? d : [];
  },
  patch: (items) => ({ spec: { destinations: items } }),
  key: (item) =>
    `${String(field(item, "server") ?? field(item, "name") ?? "")} ${String(field(item, "namespace") ?? "")}`,
  createIfMissing: false,
  missingFix: "create the AppProject first (KubeRocketCI's install creates AppProject krci in argocd)",
};

const availableClusters: SharedList = {
  items: (o) => {
    const v = field(o, "data", "available_clusters");
    return splitClusters(typeof v === "string" ? v : undefined);
  },
  // The operator reads a comma + space separated list (REFERENCE §4).
  patch: (items) => ({ data: { available_clusters: items.map(String).join(", ") } }),
  key: (item) => String(item),
  createIfMissing: false,
  missingFix:
    "install KubeRocketCI first (edp-install creates ConfigMap krci-config, before v3.12.0 edp-config, in its namespace), or set source.krci.configMap to the one it has",
};

/** The deprecated `spec.userGroups` (Capsule < 0.12, still honoured). */
const capsuleUserGroups: SharedList = {
  items: (o) => {
    const g = field(o, "spec", "userGroups");
    return Array.isArray(g) ? g : [];
  },
  patch: (items) => ({ spec: { userGroups: items } }),
  key: (item) => String(item),
  createIfMissing: true,
  missingFix: "",
};

/**
 * `spec.users` (Capsule >= 0.12): a Group entry's key is its name, as in userGroups, so that what xirsa
 * recorded as added survives a move from one form to the other; other kinds are keyed `<kind>:<name>`.
 */
const capsuleUsers: SharedList = {
  items: (o) => {
    const u = field(o, "spec", "users");
    return Array.isArray(u) ? u : [];
  },
  patch: (items) => ({ spec: { users: items } }),
  key: (item) => {
    const kind = String(field(item, "kind") ?? "");
    const name = String(field(item, "name") ?? "");
    return kind === "Group" ? name : `${kind}:${name}`;
  },
  createIfMissing: true,
  missingFix: "",
};

/** The shared list of a desired object, or undefined when xirsa owns the whole object. */
export function sharedListOf(obj: KubeObject): SharedList | undefined {
  if (obj.kind === "AppProject") return appProjectDestinations;
  if (isPlatformConfigMap(obj)) return availableClusters;
  if (obj.kind === "CapsuleConfiguration")
    return capsuleUsersFormOf(obj) === "userGroups" ? capsuleUserGroups : capsuleUsers;
  return undefined;
}

export interface MergeResult {
  items: Json[];
  added: string[];
  changed: boolean;
}

/**
 * live items L, keys A that xirsa added before, desired items D:
 * drop (A − D) from L, append (D − L), remember (A ∩ D) ∪ (D − L).
 */
export function mergeList(list: SharedList, live: Json[], added: string[], desired: Json[]): MergeResult {
  const desiredKeys = new Set(desired.map(list.key));
  const stale = new Set(added.filter((k) => !desiredKeys.has(k)));
  const kept = live.filter((i) => !stale.has(list.key(i)));
  const liveKeys = new Set(live.map(list.key));
  const missing = desired.filter((d) => !liveKeys.has(list.key(d)));
  const items = [...kept, ...missing];
  const nextAdded = [
    ...new Set([...added.filter((k) => desiredKeys.has(k)), ...missing.map(list.key)]),
  ].sort();
  const changed =
    items.length !== live.length ||
    missing.length > 0 ||
    nextAdded.join("\n") !== [...new Set(added)].sort().join("\n");
  return { items, added: nextAdded, changed };
}

/** What destroy leaves: L − A. */
export function unmergeList(list: SharedList, live: Json[], added: string[]): Json[] {
  const mine = new Set(added);
  return live.filter((i) => !mine.has(list.key(i)));
}
