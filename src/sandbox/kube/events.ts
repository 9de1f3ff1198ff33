/**
 * Events the sandbox's controllers write for what they do, as client-go's event recorder writes them
 * (kubernetes/kubernetes staging/src/k8s.io/client-go/tools/record/event.go: makeEvent — name
 * `<object>.<hex unix nanos>`, the object's namespace (`default` for cluster-scoped ones), involvedObject from
 * tools/reference.GetReference, count 1, first/lastTimestamp, source and reportingComponent).
 * Reasons and messages as the controllers write them (each call site cites its source).
 */
import { randomUUID } from "node:crypto";
import { type ApiContext, EVENTS, NAMESPACES } from "./context.js";
import { asObject, asString, type JsonObject, nameOf, namespaceOf } from "./json.js";
import { timestamp } from "./routing.js";

export interface EventSource {
  component: string;
  host?: string;
}

export type EventType = "Normal" | "Warning";

/** core/v1 ObjectReference of an object (tools/reference.GetReference). */
export function referenceOf(o: JsonObject, namespaced: boolean): JsonObject {
  const m = asObject(o.metadata);
  return {
    kind: asString(o.kind) ?? "",
    ...(namespaced ? { namespace: namespaceOf(o) } : {}),
    name: nameOf(o),
    uid: asString(m.uid) ?? "",
    apiVersion: asString(o.apiVersion) ?? "v1",
    resourceVersion: asString(m.resourceVersion) ?? "",
  };
}

/** A v1 Event (pure); `nanos` is the recorder's timestamp in nanoseconds, which names it. */
export function eventObject(
  involved: JsonObject,
  namespaced: boolean,
  type: EventType,
  reason: string,
  message: string,
  source: EventSource,
  now: Date,
  nanos: bigint,
): JsonObject {
  const ts = timestamp(now);
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${nameOf(involved)}.${nanos.toString(16)}`,
      namespace: namespaced ? namespaceOf(involved) : "default",
    },
    involvedObject: referenceOf(involved, namespaced),
    reason,
    message,
    source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? "",
  };
}

/** kube-apiserver's default --event-ttl: events older than this are dropped. */
const EVENT_TTL_MS = 60 * 60 * 1000;
/** How many events are written between two sweeps of expired ones. */
const SWEEP_EVERY = 200;
const written = new WeakMap<ApiContext, { last: bigint; count: number }>();

/** Writes an Event about `involved` (stored as it is now), with a name unique within this cluster. */
export function recordEvent(
  ctx: ApiContext,
  involved: JsonObject,
  namespaced: boolean,
  type: EventType,
  reason: string,
  message: string,
  source: EventSource,
): void {
  // The API server refuses new content in a namespace that is gone or terminating.
  const ns = namespaced ? ctx.store.get(NAMESPACES, "", namespaceOf(involved)) : undefined;
  if (namespaced && (!ns || asObject(ns.metadata).deletionTimestamp !== undefined)) return;
  const now = ctx.now();
  const state = written.get(ctx) ?? { last: 0n, count: 0 };
  let nanos = BigInt(now.getTime()) * 1_000_000n;
  if (nanos <= state.last) nanos = state.last + 1n;
  state.last = nanos;
  state.count++;
  written.set(ctx, state);
  const ev = eventObject(involved, namespaced, type, reason, message, source, now, nanos);
  const m = asObject(ev.metadata);
  m.uid = randomUUID();
  m.creationTimestamp = timestamp(now);
  ctx.store.put(EVENTS, ev);
  if (state.count % SWEEP_EVERY === 0) sweepExpired(ctx, now);
}

function sweepExpired(ctx: ApiContext, now: Date): void {
  for (const e of ctx.store.list(EVENTS)) {
    const last = Date.parse(asString(e.lastTimestamp) ?? "");
    if (Number.isFinite(last) && now.getTime() - last > EVENT_TTL_MS)
      ctx.store.delete(EVENTS, namespaceOf(e), nameOf(e));
  }
}
