/**
 * LIST and WATCH as kube-apiserver serves them:
 * - paging: `limit` and `continue` (token as staging/src/k8s.io/apiserver/pkg/storage/continue.go encodes it:
 *   base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}), `remainingItemCount`;
 * - `resourceVersion` and `resourceVersionMatch` (NotOlderThan, Exact) as documented in
 *   https://kubernetes.io/docs/reference/using-api/api-concepts/#semantics-for-get-and-list;
 * - watches resuming from a resourceVersion replay the changes after it from a window of recent events, and a
 *   version older than the window is an ERROR event with 410 Expired "too old resource version" (cacher's
 *   watch_cache.go); `allowWatchBookmarks` gets BOOKMARK events every minute and 2 s before the watch's
 *   timeout (cacher.go: cacheWatcher.nextBookmarkTime).
 * The sandbox keeps no old versions of objects: a page after the first shows the objects as they are now (a
 * real server shows them at the first page's resourceVersion).
 */
import type { ServerResponse } from "node:http";
import { type JsonObject, meta, nameOf, namespaceOf } from "./json.js";
import { apiVersionOf, type ResourceDef, sameResource, servedAs } from "./resources.js";
import { matchObject, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { badRequest, KubeStatusError } from "./status.js";
import type { ObjectStore, WatchEvent } from "./store.js";

const BOOKMARK_EVERY_MS = 60_000;

function expired(message: string): KubeStatusError {
  return new KubeStatusError(410, "Expired", message);
}

function parseRv(raw: string | null, what: string): number | undefined {
  if (raw === null || raw === "") return undefined;
  if (!/^\d+$/.test(raw))
    throw badRequest(`${what}: Invalid value: "${raw}": must be a non-negative integer`);
  return Number(raw);
}

const keyOf = (o: JsonObject) => `${namespaceOf(o)}/${nameOf(o)}`;

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: `${start}\u0000` })).toString(
    "base64url",
  );
}

function decodeContinue(token: string): { rv: number; start: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown } | undefined;
  if (p?.v !== "meta.k8s.io/v1" || typeof p.rv !== "number" || typeof p.start !== "string")
    throw badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  return { rv: p.rv, start: p.start };
}

/** The list of a resource, one page of it when `limit` is set. */
export function listObjects(
  store: ObjectStore,
  r: ResourceDef,
  namespace: string,
  q: URLSearchParams,
): JsonObject {
  const labels = parseLabelSelector(q.get("labelSelector"));
  const fields = parseFieldSelector(q.get("fieldSelector"), r.kind);
  const current = Number(store.resourceVersion);
  const rv = parseRv(q.get("resourceVersion"), "resourceVersion");
  const match = q.get("resourceVersionMatch") ?? "";
  const token = q.get("continue") ?? "";
  if (match !== "" && !["NotOlderThan", "Exact"].includes(match))
    throw badRequest(
      `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
    );
  if (match !== "" && rv === undefined)
    throw badRequest(
      "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
    );
  if (token && rv !== undefined && rv !== 0)
    throw badRequest(
      "resourceVersion: Forbidden: specifying resource version is not allowed when using continue",
    );
  // Nothing older than now is kept: an exact older version has been compacted, as etcd would say.
  if (match === "Exact" && rv !== undefined && rv < current)
    throw expired(`The resourceVersion for the provided list is too old.`);
  if (rv !== undefined && rv > current)
    throw new KubeStatusError(504, "Timeout", `Too large resource version: ${rv}, current: ${current}`, {
      causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
      retryAfterSeconds: 1,
    });
  let start = "";
  if (token) start = decodeContinue(token).start;
  const all = store.list(r, namespace).filter((o) => matchObject(labels, fields, o));
  const from = start ? all.filter((o) => keyOf(o) >= start) : all;
  const limit = Number(q.get("limit") ?? "0");
  const page = limit > 0 ? from.slice(0, limit) : from;
  const listMeta: JsonObject = { resourceVersion: String(current) };
  if (limit > 0 && from.length > page.length) {
    listMeta.continue = encodeContinue(current, keyOf(page[page.length - 1]!));
    listMeta.remainingItemCount = from.length - page.length;
  }
  return {
    kind: r.crd?.listKind ?? `${r.kind}List`,
    apiVersion: apiVersionOf(r),
    metadata: listMeta,
    items: page.map((o) => servedAs(r, structuredClone(o))),
  };
}

/** Streams a watch on `res` until the client goes, or the timeout. */
export function serveWatch(
  store: ObjectStore,
  r: ResourceDef,
  namespace: string,
  q: URLSearchParams,
  res: ServerResponse,
): void {
  const labels = parseLabelSelector(q.get("labelSelector"));
  const fields = parseFieldSelector(q.get("fieldSelector"), r.kind);
  const since = parseRv(q.get("resourceVersion"), "resourceVersion");
  const bookmarks = ["1", "t", "T", "true", "TRUE", "True"].includes(q.get("allowWatchBookmarks") ?? "");
  const timeout = Math.min(Number(q.get("timeoutSeconds") ?? "1800") || 1800, 3600);
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  // Clients wait for the headers before they read events (and cannot stop a watch before that).
  res.flushHeaders();
  const matches = (o: JsonObject) =>
    (!r.namespaced || namespace === "" || namespaceOf(o) === namespace) && matchObject(labels, fields, o);
  const write = (type: string, o: JsonObject) =>
    res.write(`${JSON.stringify({ type, object: servedAs(r, o, true) })}\n`);
  if (since === undefined || since === 0) {
    // "Start at most recent" / "any": the current objects as ADDED, then what changes.
    for (const o of store.list(r, namespace)) if (matches(o)) write("ADDED", o);
  } else {
    const replay = store.changesSince(since);
    if (!replay) {
      write(
        "ERROR",
        expired(`too old resource version: ${since} (${store.oldestResourceVersion})`).toStatus(),
      );
      res.end();
      return;
    }
    for (const ev of replay)
      if (sameResource(ev.resource, r) && matches(ev.object)) write(ev.type, ev.object);
  }
  const onChange = (ev: WatchEvent) => {
    if (!sameResource(ev.resource, r) || !matches(ev.object)) return;
    write(ev.type, ev.object);
  };
  const bookmark = () => {
    const o: JsonObject = { kind: r.kind, apiVersion: apiVersionOf(r), metadata: {} };
    meta(o).resourceVersion = store.resourceVersion;
    write("BOOKMARK", o);
  };
  store.events.on("change", onChange);
  const timers: NodeJS.Timeout[] = [];
  const stop = () => {
    for (const t of timers) clearTimeout(t);
    clearInterval(ticker);
    store.events.off("change", onChange);
    if (!res.writableEnded) res.end();
  };
  const ticker = setInterval(() => bookmarks && bookmark(), BOOKMARK_EVERY_MS);
  ticker.unref();
  if (bookmarks) timers.push(setTimeout(bookmark, Math.max(0, timeout * 1000 - 2000)));
  timers.push(setTimeout(stop, timeout * 1000));
  for (const t of timers) t.unref();
  res.on("close", stop);
}
