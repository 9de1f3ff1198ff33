/**
 * The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets, as kube-apiserver
 * derives it (kubernetes/kubernetes pkg/registry/apps/deployment/storage/storage.go: scaleFromDeployment;
 * the selector is metav1.LabelSelectorAsSelector(spec.selector).String()). Writes change spec.replicas only.
 */
import { asArray, asObject, asString, isObject, type JsonObject, nameOf } from "./json.js";
import type { ResourceDef } from "./resources.js";
import { badRequest, invalid } from "./status.js";

/** A LabelSelector as its string form: matchLabels as `k=v`, expressions as `k in (a,b)`, sorted by key. */
export function selectorString(sel: unknown): string {
  const s = asObject(sel);
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries(asObject(s.matchLabels))) parts.push([k, `${k}=${String(v)}`]);
  for (const e of asArray(s.matchExpressions).filter(isObject)) {
    const key = asString(e.key) ?? "";
    const values = asArray(e.values).map(String).sort();
    const op = asString(e.operator);
    const text =
      op === "In"
        ? `${key} in (${values.join(",")})`
        : op === "NotIn"
          ? `${key} notin (${values.join(",")})`
          : op === "Exists"
            ? key
            : `!${key}`;
    parts.push([key, text]);
  }
  return parts
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, t]) => t)
    .join(",");
}

export function scaleOf(o: JsonObject): JsonObject {
  const m = asObject(o.metadata);
  const spec = asObject(o.spec);
  const status = asObject(o.status);
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name ?? null,
      namespace: m.namespace ?? null,
      uid: m.uid ?? null,
      resourceVersion: m.resourceVersion ?? null,
      creationTimestamp: m.creationTimestamp ?? null,
    },
    spec: { replicas: typeof spec.replicas === "number" ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === "number" ? status.replicas : 0,
      selector: selectorString(spec.selector),
    },
  };
}

/** The object with the replicas of a Scale written to it (400/422 as kube-apiserver for a bad Scale). */
export function withScale(r: ResourceDef, o: JsonObject, scale: JsonObject): JsonObject {
  if (scale.kind !== undefined && scale.kind !== "Scale")
    throw badRequest(`the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`);
  const replicas = asObject(scale.spec).replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
    throw invalid({ ...r, kind: "Scale", group: "autoscaling" }, nameOf(o), [
      {
        field: "spec.replicas",
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
      },
    ]);
  return { ...o, spec: { ...asObject(o.spec), replicas } };
}
