/**
 * Field sets and the merge of server-side apply, pure: a port of the parts of sigs.k8s.io/structured-merge-diff
 * kube-apiserver uses.
 * - paths: elements `f:<field>`, `k:<json of the key fields, sorted>` (an associative list item), `v:<json>` (a
 *   set item), `i:<index>`; a path prints as `.spec.containers[name="app"].image` (fieldpath/element.go
 *   PathElement.String, value.ToString quoting strings);
 * - the FieldsV1 format of managedFields: a tree of those elements with `.` marking a node that is a member and
 *   has children (fieldpath/serialize.go);
 * - `fieldSet`: the leaves, atomic values, list items and map entries of a value (typed/tofieldset.go);
 * - `compare`: added, modified and removed leaves between two values (typed/compare.go);
 * - `merge`: an applied configuration over the live object: structs and maps by key, associative lists by their
 *   key fields keeping the order of both sides, sets by value, atomic values replaced (typed/merge.go);
 * - `removeItems`: removes the members of a set from a value (typed/remove.go).
 */
import type { Shape } from "./fieldShape.js";
import { clone, isObject, type Json, type JsonObject, jsonEqual } from "./json.js";

/** A path: its elements, each `f:`, `k:`, `v:` or `i:` prefixed. */
export type Path = readonly string[];

const SEP = "\u0000";

/** A set of paths (members), keyed on the joined elements. */
export class FieldSet {
  private readonly members = new Set<string>();

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(p: Path): void {
    this.members.add(p.join(SEP));
  }
  has(p: Path): boolean {
    return this.members.has(p.join(SEP));
  }
  get size(): number {
    return this.members.size;
  }
  /** The members, in no particular order. */
  unsorted(): Path[] {
    return [...this.members].map((m) => m.split(SEP));
  }
  paths(): Path[] {
    return [...this.members].map((m) => m.split(SEP)).sort(comparePaths);
  }
  union(o: FieldSet): FieldSet {
    const s = this.copy();
    for (const m of o.members) s.members.add(m);
    return s;
  }
  intersection(o: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) s.members.add(m);
    return s;
  }
  difference(o: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) s.members.add(m);
    return s;
  }
  filter(keep: (p: Path) => boolean): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (keep(m.split(SEP))) s.members.add(m);
    return s;
  }
  /** Whether a member lies below `p` (p is a strict prefix of it). */
  hasBelow(p: Path): boolean {
    const prefix = p.join(SEP) + SEP;
    for (const m of this.members) if (m.startsWith(prefix)) return true;
    return false;
  }
  private copy(): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) s.members.add(m);
    return s;
  }
}

/** PathElement.Less: field names, then keys, then values, then indexes; within a kind by text. */
const ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };
function compareElements(a: string, b: string): number {
  const d = (ORDER[a[0]!] ?? 9) - (ORDER[b[0]!] ?? 9);
  if (d !== 0) return d;
  return a < b ? -1 : a > b ? 1 : 0;
}
function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = compareElements(a[i]!, b[i]!);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** value.ToString: strings quoted as Go's %q, numbers and booleans as they print. */
function goValue(v: Json): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** `.spec.template.spec.containers[name="app"].image` (fieldpath.Path.String). */
export function pathString(p: Path): string {
  return p
    .map((e) => {
      const body = e.slice(2);
      switch (e[0]) {
        case "f":
          return `.${body}`;
        case "k": {
          const key = JSON.parse(body) as JsonObject;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${goValue(v as Json)}`)
            .join(",")}]`;
        }
        case "v":
          return `[=${goValue(JSON.parse(body) as Json)}]`;
        default:
          return `[${body}]`;
      }
    })
    .join("");
}

/** The path element of a list item, or undefined when the list is atomic (or the item has no key). */
export function itemElement(s: Shape, item: Json): string | undefined {
  if (s.set) return `v:${JSON.stringify(item)}`;
  if (!s.keys || !isObject(item)) return undefined;
  const key: JsonObject = {};
  for (const k of [...s.keys(item)].sort()) {
    const v = item[k] ?? s.keyDefaults?.[k];
    if (v !== undefined) key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

const isGranularList = (s: Shape, v: Json | undefined): v is Json[] =>
  Array.isArray(v) && !s.atomic && (s.set === true || s.keys !== undefined);
const isGranularObject = (s: Shape, v: Json | undefined): v is JsonObject =>
  isObject(v) && !s.atomic && Object.keys(v).length > 0;

/** The field set of a value (its leaves, atomic values, list items and map entries). */
export function fieldSet(v: Json, s: Shape, at: Path = []): FieldSet {
  const out = new FieldSet();
  walkSet(v, s, [...at], out);
  return out;
}

/** `path` is a stack: each level pushes its element and pops it on the way back. */
function walkSet(v: Json, s: Shape, path: string[], out: FieldSet): void {
  if (isGranularObject(s, v)) {
    for (const k in v) {
      const c = v[k]!;
      path.push(`f:${k}`);
      walkSet(c, s.child(k), path, out);
      if (s.mapEntries || c === null || (isObject(c) && Object.keys(c).length === 0)) out.insert(path);
      path.pop();
    }
    return;
  }
  if (isGranularList(s, v)) {
    const is = s.item();
    for (const item of v) {
      const e = itemElement(s, item);
      if (e === undefined) continue;
      path.push(e);
      out.insert(path);
      walkSet(item, is, path, out);
      path.pop();
    }
    return;
  }
  if (path.length) out.insert(path);
}

/** What a value added (or removed) whole counts as: its field set and its nested structs and items. */
function walkWhole(v: Json, s: Shape, path: string[], out: FieldSet): void {
  if (isGranularObject(s, v)) {
    if (path.length && !ALWAYS_PRESENT.has(path[path.length - 1]!)) out.insert(path);
    for (const k in v) {
      path.push(`f:${k}`);
      walkWhole(v[k]!, s.child(k), path, out);
      path.pop();
    }
    return;
  }
  if (isGranularList(s, v)) {
    const is = s.item();
    for (const item of v) {
      const e = itemElement(s, item);
      if (e === undefined) continue;
      path.push(e);
      out.insert(path);
      if (!s.set) walkWhole(item, is, path, out);
      path.pop();
    }
    return;
  }
  if (path.length) out.insert(path);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Leaves added, modified and removed from `lhs` to `rhs`. An added list item or nested struct is also a member
 * (so an updater owns the item itself, `.` in FieldsV1, as kube-apiserver records it for items and maps that
 * did not exist before; the always-present structs metadata/spec/template/status are not).
 */
export function compare(lhs: Json | undefined, rhs: Json | undefined, s: Shape): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, s, [], c);
  return c;
}

const ALWAYS_PRESENT = new Set(["f:metadata", "f:spec", "f:template", "f:status"]);

function leaf(lhs: Json | undefined, rhs: Json | undefined, path: string[], c: Comparison): void {
  if (!path.length) return;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!jsonEqual(lhs, rhs)) c.modified.insert(path);
}

function walkCompare(
  lhs: Json | undefined,
  rhs: Json | undefined,
  s: Shape,
  path: string[],
  c: Comparison,
): void {
  // An unchanged subtree adds, modifies and removes nothing; a new or dropped one adds or removes it all.
  if (lhs === undefined || rhs === undefined) {
    const v = lhs ?? rhs;
    if (v !== undefined) walkWhole(v, s, path, lhs === undefined ? c.added : c.removed);
    return;
  }
  if (jsonEqual(lhs, rhs)) return;
  const objectish = (v: Json | undefined) => v === undefined || (isObject(v) && !s.atomic);
  if ((isGranularObject(s, lhs) || isGranularObject(s, rhs)) && objectish(lhs) && objectish(rhs)) {
    const l = (lhs ?? {}) as JsonObject;
    const r = (rhs ?? {}) as JsonObject;
    if (lhs === undefined && path.length && !ALWAYS_PRESENT.has(path[path.length - 1]!)) c.added.insert(path);
    const visit = (k: string) => {
      path.push(`f:${k}`);
      walkCompare(l[k], r[k], s.child(k), path, c);
      path.pop();
    };
    for (const k in l) visit(k);
    for (const k in r) if (!Object.hasOwn(l, k)) visit(k);
    return;
  }
  const listish = (v: Json | undefined) => v === undefined || (Array.isArray(v) && isGranularList(s, v));
  if ((isGranularList(s, lhs) || isGranularList(s, rhs)) && listish(lhs) && listish(rhs)) {
    const index = (list: Json[] | undefined) => {
      const m = new Map<string, Json>();
      for (const item of list ?? []) {
        const e = itemElement(s, item);
        if (e !== undefined && !m.has(e)) m.set(e, item);
      }
      return m;
    };
    const l = index(lhs as Json[] | undefined);
    const r = index(rhs as Json[] | undefined);
    const is = s.item();
    const visit = (e: string) => {
      path.push(e);
      const li = l.get(e);
      const ri = r.get(e);
      if (li === undefined) c.added.insert(path);
      else if (ri === undefined) c.removed.insert(path);
      if (!s.set) walkCompare(li, ri, is, path, c);
      path.pop();
    };
    for (const e of l.keys()) visit(e);
    for (const e of r.keys()) if (!l.has(e)) visit(e);
    return;
  }
  leaf(lhs, rhs, path, c);
}

/** An applied configuration merged over the live value (neither is changed). */
export function merge(live: Json | undefined, config: Json, s: Shape): Json {
  return mergeOwned(live === undefined ? undefined : clone(live), config, s);
}

/** merge, where `live` is a copy of the caller's to reuse. */
function mergeOwned(live: Json | undefined, config: Json, s: Shape): Json {
  if (isObject(config) && !s.atomic && (live === undefined || isObject(live))) {
    const out: JsonObject = live ?? {};
    for (const k in config) {
      // A null applied is owned and leaves the field unset (the typed object drops it on decoding).
      if (config[k] === null) delete out[k];
      else out[k] = mergeOwned(out[k], config[k]!, s.child(k));
    }
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live) && isGranularList(s, config))
    return mergeList(live, config, s);
  return clone(config);
}

/**
 * typed/merge.go's list merge: live items and configured items interleaved, the shared ones in the order of
 * the configuration, items only live kept where they were, new ones after the shared item before them.
 */
function mergeList(live: Json[], config: Json[], s: Shape): Json[] {
  const el = (x: Json) => itemElement(s, x) ?? JSON.stringify(x);
  const byConfig = new Map(config.map((x) => [el(x), x] as const));
  const liveKeys = new Set(live.map(el));
  const out: Json[] = [];
  const done = new Set<string>();
  const emitConfig = (upTo: string | undefined) => {
    for (const x of config) {
      const e = el(x);
      if (done.has(e)) continue;
      // Config items are emitted in order until the shared item the live list has reached.
      if (upTo === undefined || liveKeys.has(e) === false || e === upTo) {
        done.add(e);
        const l = live.find((y) => el(y) === e);
        out.push(s.set ? clone(x) : mergeOwned(l, x, s.item()));
        if (e === upTo) return;
      } else return;
    }
  };
  for (const l of live) {
    const e = el(l);
    if (done.has(e)) continue;
    if (!byConfig.has(e)) {
      out.push(l);
      done.add(e);
    } else emitConfig(e);
  }
  emitConfig(undefined);
  return out;
}

/** The value without the members of `set` (whole subtrees), as typed.RemoveItems. */
export function removeItems(v: Json, set: FieldSet, s: Shape, path: string[] = []): Json {
  if (isObject(v) && !s.atomic) {
    const out: JsonObject = {};
    for (const [k, c] of Object.entries(v)) {
      const p = [...path, `f:${k}`];
      if (set.has(p)) continue;
      out[k] = set.hasBelow(p) ? removeItems(c, set, s.child(k), p) : c;
    }
    return out;
  }
  if (Array.isArray(v) && isGranularList(s, v)) {
    const out: Json[] = [];
    for (const item of v) {
      const e = itemElement(s, item);
      const p = e === undefined ? undefined : [...path, e];
      if (p && set.has(p)) continue;
      out.push(p && set.hasBelow(p) ? removeItems(item, set, s.item(), p) : item);
    }
    return out;
  }
  return v;
}

/** A field set as FieldsV1 (fieldpath/serialize.go). */
export function toFieldsV1(set: FieldSet): JsonObject {
  type Node = { member: boolean; children: Map<string, Node> };
  const root: Node = { member: false, children: new Map() };
  for (const p of set.unsorted()) {
    let n = root;
    for (const e of p) {
      let c = n.children.get(e);
      if (!c) {
        c = { member: false, children: new Map() };
        n.children.set(e, c);
      }
      n = c;
    }
    n.member = true;
  }
  const emit = (n: Node): JsonObject => {
    const out: JsonObject = {};
    if (n.member && n.children.size) out["."] = {};
    for (const k of [...n.children.keys()].sort(compareElements)) out[k] = emit(n.children.get(k)!);
    return out;
  };
  return emit(root);
}

/** FieldsV1 back to a field set. */
export function fromFieldsV1(v: Json | undefined): FieldSet {
  const out = new FieldSet();
  const walk = (n: Json, path: string[]) => {
    if (!isObject(n)) return;
    const keys = Object.keys(n);
    if (path.length && (keys.length === 0 || keys.includes("."))) out.insert(path);
    for (const k of keys) if (k !== ".") walk(n[k]!, [...path, k]);
  };
  if (v !== undefined) walk(v, []);
  return out;
}
