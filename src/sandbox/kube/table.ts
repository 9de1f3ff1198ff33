/**
 * Server-side printing (meta.k8s.io/v1 Table) for `kubectl get`, with the columns kube-apiserver prints for the
 * built-in kinds and NAME/AGE for the rest. Pure; the clock is passed in.
 */
import { asArray, asObject, asString, isObject, type Json, type JsonObject, nameOf } from "./json.js";
import type { PrinterColumn, ResourceDef } from "./resources.js";

/** Whether an Accept header asks for a Table (kubectl get does; -o json/yaml does not). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.split(",")[0]!.replace(/\s/g, "").includes("as=Table");
}

/** apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority?: number;
  cell(o: JsonObject): Json;
}

/**
 * The values a CRD printer column's JSONPath finds: `.a.b`, `.a[0].b`, `.a[*].b` and `.a[?(@.k=="v")].b`,
 * the forms CRDs use (kubernetes/kubernetes staging/src/k8s.io/client-go/util/jsonpath).
 */
export function jsonPathValues(o: Json, path: string): Json[] {
  const tokens = path.replace(/^\{|\}$/g, "").match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  let cur: Json[] = [o];
  for (const t of tokens) {
    const next: Json[] = [];
    for (const v of cur) {
      if (t.startsWith(".")) {
        if (isObject(v) && v[t.slice(1)] !== undefined) next.push(v[t.slice(1)]!);
        continue;
      }
      const inner = t.slice(1, -1);
      if (!Array.isArray(v)) continue;
      if (inner === "*") next.push(...v);
      else if (/^-?\d+$/.test(inner)) {
        const i = Number(inner);
        const x = v[i < 0 ? v.length + i : i];
        if (x !== undefined) next.push(x);
      } else {
        const m = /^\?\(@\.([\w.-]+)\s*==\s*["']([^"']*)["']\)$/.exec(inner);
        if (m)
          next.push(...v.filter((x) => isObject(x) && String(jsonPathValues(x, `.${m[1]}`)[0]) === m[2]));
      }
    }
    cur = next;
  }
  return cur;
}

/** A CRD column's cell (customresource tableconvertor: one value as it is, several joined, none null). */
function crdCell(c: PrinterColumn, o: JsonObject): Json {
  const vs = jsonPathValues(o, c.jsonPath);
  if (vs.length === 0) return null;
  if (vs.length === 1) {
    const v = vs[0]!;
    if (c.type === "integer" || c.type === "number") return typeof v === "number" ? v : null;
    if (c.type === "boolean") return typeof v === "boolean" ? v : null;
    return typeof v === "string" ? v : JSON.stringify(v);
  }
  return vs.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(",");
}

const count = (v: unknown): number => (isObject(v) ? Object.keys(v).length : 0);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);

function columns(r: ResourceDef, now: Date): Column[] {
  const name: Column = {
    name: "Name",
    type: "string",
    format: "name",
    description: "Name of the object",
    cell: nameOf,
  };
  const age: Column = {
    name: "Age",
    type: "string",
    description: "CreationTimestamp",
    cell: (o) => {
      const ts = asString(asObject(o.metadata).creationTimestamp);
      return ts ? humanDuration(now.getTime() - Date.parse(ts)) : "<unknown>";
    },
  };
  const col = (n: string, type: string, cell: (o: JsonObject) => Json): Column => ({
    name: n,
    type,
    description: n,
    cell,
  });
  if (r.crd)
    return [
      name,
      ...r.crd.columns.map((c) => ({
        name: c.name,
        type: c.type,
        ...(c.format ? { format: c.format } : {}),
        description: c.description ?? "",
        priority: c.priority ?? 0,
        cell: (o: JsonObject) => crdCell(c, o),
      })),
    ];
  switch (r.kind) {
    case "Pod":
      return [
        name,
        col("Ready", "string", (o) => {
          const st = asArray(asObject(o.status).containerStatuses).filter(isObject);
          const total = asArray(asObject(o.spec).containers).length;
          return `${st.filter((s) => s.ready === true).length}/${total}`;
        }),
        col("Status", "string", (o) => asString(asObject(o.status).phase) ?? "Pending"),
        col("Restarts", "string", () => "0"),
        age,
      ];
    case "Deployment":
      return [
        name,
        col(
          "Ready",
          "string",
          (o) => `${num(asObject(o.status).readyReplicas)}/${num(asObject(o.spec).replicas)}`,
        ),
        col("Up-to-date", "integer", (o) => num(asObject(o.status).updatedReplicas)),
        col("Available", "integer", (o) => num(asObject(o.status).availableReplicas)),
        age,
      ];
    // pkg/printers/internalversion/printers.go: eventColumnDefinitions, jobColumnDefinitions,
    // daemonSetColumnDefinitions, nodeColumnDefinitions (the columns kubectl shows without -o wide).
    case "Event": {
      const since = (v: unknown) => {
        const t = Date.parse(asString(v) ?? "");
        return Number.isFinite(t) ? humanDuration(now.getTime() - t) : "<unknown>";
      };
      return [
        // The same columns for events.k8s.io/v1 (kube-apiserver prints both from the internal type).
        col("Last Seen", "string", (o) => since(o.lastTimestamp ?? o.deprecatedLastTimestamp ?? o.eventTime)),
        col("Type", "string", (o) => asString(o.type) ?? ""),
        col("Reason", "string", (o) => asString(o.reason) ?? ""),
        col("Object", "string", (o) => {
          const ref = asObject(o.involvedObject ?? o.regarding);
          return `${(asString(ref.kind) ?? "").toLowerCase()}/${asString(ref.name) ?? ""}`;
        }),
        col("Message", "string", (o) => asString(o.message ?? o.note) ?? ""),
      ];
    }
    case "Job":
      return [
        name,
        col("Status", "string", (o) =>
          asArray(asObject(o.status).conditions).some((c) => isObject(c) && c.type === "Complete")
            ? "Complete"
            : "Running",
        ),
        col(
          "Completions",
          "string",
          (o) => `${num(asObject(o.status).succeeded)}/${num(asObject(o.spec).completions)}`,
        ),
        age,
      ];
    case "DaemonSet": {
      const st = (k: string) => (o: JsonObject) => num(asObject(o.status)[k]);
      return [
        name,
        col("Desired", "integer", st("desiredNumberScheduled")),
        col("Current", "integer", st("currentNumberScheduled")),
        col("Ready", "integer", st("numberReady")),
        col("Up-to-date", "integer", st("updatedNumberScheduled")),
        col("Available", "integer", st("numberAvailable")),
        age,
      ];
    }
    case "Node":
      return [
        name,
        col("Status", "string", (o) =>
          asArray(asObject(o.status).conditions).some(
            (c) => isObject(c) && c.type === "Ready" && c.status === "True",
          )
            ? "Ready"
            : "NotReady",
        ),
        col("Roles", "string", () => "<none>"),
        age,
        col("Version", "string", (o) => asString(asObject(asObject(o.status).nodeInfo).kubeletVersion) ?? ""),
      ];
    case "Namespace":
      return [name, col("Status", "string", (o) => asString(asObject(o.status).phase) ?? "Active"), age];
    case "ConfigMap":
      return [name, col("Data", "integer", (o) => count(o.data) + count(o.binaryData)), age];
    case "Secret":
      return [
        name,
        col("Type", "string", (o) => asString(o.type) ?? "Opaque"),
        col("Data", "integer", (o) => count(o.data)),
        age,
      ];
    case "ServiceAccount":
      return [name, col("Secrets", "integer", (o) => asArray(o.secrets).length), age];
    case "Service":
      return [
        name,
        col("Type", "string", (o) => asString(asObject(o.spec).type) ?? "ClusterIP"),
        col("Cluster-IP", "string", (o) => asString(asObject(o.spec).clusterIP) ?? "<none>"),
        col("External-IP", "string", () => "<none>"),
        col(
          "Port(s)",
          "string",
          (o) =>
            asArray(asObject(o.spec).ports)
              .filter(isObject)
              .map((p) => `${String(p.port)}/${asString(p.protocol) ?? "TCP"}`)
              .join(",") || "<none>",
        ),
        age,
      ];
    case "RoleBinding":
    case "ClusterRoleBinding":
      return [
        name,
        col(
          "Role",
          "string",
          (o) => `${asString(asObject(o.roleRef).kind)}/${asString(asObject(o.roleRef).name)}`,
        ),
        age,
      ];
    default:
      return [name, age];
  }
}

export function toTable(
  r: ResourceDef,
  objects: JsonObject[],
  resourceVersion: string,
  now: Date,
): JsonObject {
  const cols = columns(r, now);
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? "",
      description: c.description,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: asObject(o.metadata) },
    })),
  };
}
