/**
 * A cluster's object store: every object in memory, persisted to D/kube/<cluster>.json with atomic writes
 * (tmp + rename, mode 0600: Secrets live here). Mutations are synchronous in memory (so they are serialised by
 * the event loop); writes are coalesced and a request answers only once a write holding its change is done.
 */
import { EventEmitter } from "node:events";
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { replaceFile } from "../../fs/index.js";
import { asObject, asString, isObject, type JsonObject, nameOf, namespaceOf } from "./json.js";
import type { Registry } from "./registry.js";
import { apiVersionOf, type ResourceDef, sameResource, storageGroup, storagePlural } from "./resources.js";

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: ResourceDef;
  object: JsonObject;
  /** The resourceVersion this change made. */
  rv: number;
}

/**
 * Changes kept for watches that resume from a resourceVersion, as kube-apiserver's watch cache keeps a window
 * of recent events (staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go); older ones are 410 Gone.
 */
export const HISTORY_CAPACITY = 1000;

interface FileShape {
  version: 1;
  resourceVersion: number;
  objects: JsonObject[];
}

const key = (r: ResourceDef, ns: string, name: string): string =>
  `${storageGroup(r)}|${storagePlural(r)}|${ns}|${name}`;

export class ObjectStore {
  readonly events = new EventEmitter();
  private readonly objects = new Map<string, { r: ResourceDef; o: JsonObject }>();
  private rv = 0;
  /** Ring of recent changes, oldest first; `historyFrom` is the oldest resourceVersion a watch may resume at. */
  private readonly history: WatchEvent[] = [];
  private historyFrom = 0;
  private pending: Promise<void> | undefined;
  private inflight: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    readonly registry: Registry,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Opens the store; a missing file starts an empty cluster seeded with `seed()`. */
  /**
   * `ensure`: what a state written before the sandbox had CRDs lacks (the bootstrap CRDs, whose kinds were
   * built in then): added when the state holds no CRD at all.
   */
  static async open(
    file: string,
    seed: () => JsonObject[],
    registry: Registry,
    ensure: () => JsonObject[] = () => [],
  ): Promise<ObjectStore> {
    const s = new ObjectStore(file, registry);
    let text: string | undefined;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (text === undefined) {
      s.loadAll(seed());
      s.historyFrom = s.rv;
      await s.flush();
      return s;
    }
    const parsed = JSON.parse(text) as FileShape;
    if (parsed.version !== 1 || !Array.isArray(parsed.objects))
      throw new Error(`${file}: not a sandbox cluster state file (version ${String(parsed.version)})`);
    s.rv = parsed.resourceVersion;
    const old = !parsed.objects.some((o) => o.kind === "CustomResourceDefinition");
    s.loadAll([...(old ? ensure() : []), ...parsed.objects]);
    s.historyFrom = s.rv;
    return s;
  }

  /** CRDs first, so that their objects have a resource to load into. */
  private loadAll(objects: JsonObject[]): void {
    const isCrd = (o: JsonObject) =>
      o.kind === "CustomResourceDefinition" && o.apiVersion === "apiextensions.k8s.io/v1";
    for (const o of objects.filter(isCrd)) {
      this.load(o);
      this.registry.install(o);
    }
    for (const o of objects) if (!isCrd(o)) this.load(o);
  }

  private load(o: JsonObject): void {
    const r = this.registry.forKind(asString(o.apiVersion) ?? "", asString(o.kind) ?? "");
    if (!r) return;
    const m = asObject(o.metadata);
    if (!m.resourceVersion) m.resourceVersion = String(++this.rv);
    o.metadata = m;
    this.objects.set(key(r, namespaceOf(o), nameOf(o)), { r, o });
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /**
   * Changes after resourceVersion `since`, oldest first, or undefined when `since` is older than the window
   * kept (the caller answers 410 Gone).
   */
  changesSince(since: number): WatchEvent[] | undefined {
    if (since < this.historyFrom) return undefined;
    let i = this.history.length;
    while (i > 0 && this.history[i - 1]!.rv > since) i--;
    return this.history.slice(i);
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestResourceVersion(): number {
    return this.historyFrom;
  }

  private record(ev: WatchEvent): void {
    this.history.push(ev);
    if (this.history.length > HISTORY_CAPACITY) this.historyFrom = this.history.shift()!.rv;
    this.events.emit("change", ev);
  }

  get(r: ResourceDef, ns: string, name: string): JsonObject | undefined {
    return this.objects.get(key(r, r.namespaced ? ns : "", name))?.o;
  }

  /** Objects of a resource; `ns` "" = all namespaces. */
  list(r: ResourceDef, ns = ""): JsonObject[] {
    const out: JsonObject[] = [];
    for (const { r: rr, o } of this.objects.values()) {
      if (!sameResource(rr, r)) continue;
      if (r.namespaced && ns !== "" && namespaceOf(o) !== ns) continue;
      out.push(o);
    }
    return out.sort((a, b) =>
      namespaceOf(a) === namespaceOf(b)
        ? nameOf(a).localeCompare(nameOf(b))
        : namespaceOf(a).localeCompare(namespaceOf(b)),
    );
  }

  /** Every namespaced object in `ns`. */
  inNamespace(ns: string): { r: ResourceDef; o: JsonObject }[] {
    return [...this.objects.values()].filter(({ r, o }) => r.namespaced && namespaceOf(o) === ns);
  }

  all(): { r: ResourceDef; o: JsonObject }[] {
    return [...this.objects.values()];
  }

  /** Stores `o` (replacing any previous version) with a new resourceVersion. */
  put(r: ResourceDef, o: JsonObject): JsonObject {
    const k = key(r, r.namespaced ? namespaceOf(o) : "", nameOf(o));
    const existed = this.objects.has(k);
    // A custom resource is stored in its CRD's storage version (conversion None: only apiVersion changes).
    if (r.crd && r.crd.storageVersion !== r.version)
      r = this.registry.find(r.group, r.crd.storageVersion, r.plural) ?? r;
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    const m = asObject(o.metadata);
    m.resourceVersion = String(++this.rv);
    o.metadata = m;
    this.objects.set(k, { r, o });
    this.record({ type: existed ? "MODIFIED" : "ADDED", resource: r, object: o, rv: this.rv });
    return o;
  }

  delete(r: ResourceDef, ns: string, name: string): JsonObject | undefined {
    const k = key(r, r.namespaced ? ns : "", name);
    const cur = this.objects.get(k);
    if (!cur) return undefined;
    this.objects.delete(k);
    // A deletion gets a resourceVersion of its own, as watchers see it; the earlier events keep theirs.
    const gone: JsonObject = {
      ...cur.o,
      metadata: { ...asObject(cur.o.metadata), resourceVersion: String(++this.rv) },
    };
    this.record({ type: "DELETED", resource: r, object: gone, rv: this.rv });
    return gone;
  }

  /** Resolves once a write that includes every change made so far is on disk. */
  flush(): Promise<void> {
    if (this.pending) return this.pending;
    const p = this.inflight
      .catch(() => {})
      .then(() => {
        // From here on a new change needs a new write: snapshot now.
        this.pending = undefined;
        const data: FileShape = {
          version: 1,
          resourceVersion: this.rv,
          objects: [...this.objects.values()].map(({ o }) => o),
        };
        this.inflight = this.writeAtomic(JSON.stringify(data));
        return this.inflight;
      });
    this.pending = p;
    return p;
  }

  private async writeAtomic(text: string): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await replaceFile(this.file, text, 0o600);
  }
}

export function isOwnedBy(o: JsonObject, uid: string): boolean {
  const refs = asObject(o.metadata).ownerReferences;
  return Array.isArray(refs) && refs.some((ref) => isObject(ref) && ref.uid === uid);
}
