/**
 * Label and field selectors as kube-apiserver parses them (k8s.io/apimachinery/pkg/labels and /fields).
 * Parsing throws a BadRequest Status; matching is pure.
 */
import { asObject, asString, type JsonObject, labelsOf } from "./json.js";
import { badRequest } from "./status.js";

export type LabelRequirement =
  | { op: "exists" | "!"; key: string }
  | { op: "=" | "!="; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] };

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== "");
}

function checkKey(key: string, raw: string): void {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${raw}"`);
}

function checkValue(value: string, raw: string): void {
  if (!VALUE.test(value) || value.length > 63)
    throw badRequest(`unable to parse requirement: invalid label value: "${value}" in "${raw}"`);
}

export function parseLabelSelector(s: string | null | undefined): LabelRequirement[] {
  if (!s) return [];
  return splitTerms(s).map((term): LabelRequirement => {
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (setMatch) {
      const key = setMatch[1]!;
      checkKey(key, term);
      const values = setMatch[3]!
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      for (const v of values) checkValue(v, term);
      return { op: setMatch[2] as "in" | "notin", key, values };
    }
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (eq) {
      const key = eq[1]!;
      const value = eq[3]!.trim();
      checkKey(key, term);
      checkValue(value, term);
      return { op: eq[2] === "!=" ? "!=" : "=", key, value };
    }
    if (term.startsWith("!")) {
      const key = term.slice(1).trim();
      checkKey(key, term);
      return { op: "!", key };
    }
    checkKey(term, term);
    return { op: "exists", key: term };
  });
}

export function matchLabels(reqs: LabelRequirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case "exists":
        return has;
      case "!":
        return !has;
      case "=":
        return has && v === r.value;
      case "!=":
        return !has || v !== r.value;
      case "in":
        return has && r.values.includes(v!);
      case "notin":
        return !has || !r.values.includes(v!);
    }
    return false;
  });
}

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** Field labels each kind supports besides metadata.name and metadata.namespace. */
const EXTRA_FIELDS: Record<string, string[]> = {
  Pod: ["spec.nodeName", "spec.serviceAccountName", "status.phase", "spec.restartPolicy", "status.podIP"],
  Secret: ["type"],
  Namespace: ["status.phase"],
  // kubernetes/kubernetes pkg/apis/core/v1/conversion.go: AddFieldLabelConversionsForEvent.
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
};

/** Field labels that name a field at another path. */
const FIELD_PATHS: Record<string, string> = { source: "source.component" };

export function parseFieldSelector(s: string | null | undefined, kind: string): FieldRequirement[] {
  if (!s) return [];
  return splitTerms(s).map((term) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    const allowed = ["metadata.name", "metadata.namespace", ...(EXTRA_FIELDS[kind] ?? [])];
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, op: m[2] === "!=" ? "!=" : "=", value: m[3]!.trim() };
  });
}

function fieldValue(o: JsonObject, path: string): string {
  let cur: unknown = o;
  for (const p of (FIELD_PATHS[path] ?? path).split(".")) cur = asObject(cur)[p];
  return asString(cur) ?? "";
}

export function matchFields(reqs: FieldRequirement[], o: JsonObject): boolean {
  return reqs.every((r) => (fieldValue(o, r.field) === r.value) === (r.op === "="));
}

export function matchObject(labels: LabelRequirement[], fields: FieldRequirement[], o: JsonObject): boolean {
  return matchLabels(labels, labelsOf(o)) && matchFields(fields, o);
}

/** A structured LabelSelector (matchLabels + matchExpressions), as in Deployment.spec.selector. */
export function matchLabelSelectorObject(selector: JsonObject, labels: Record<string, string>): boolean {
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(asObject(selector.matchLabels)))
    if (typeof v === "string") reqs.push({ op: "=", key: k, value: v });
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const ex = asObject(e);
    const key = asString(ex.key) ?? "";
    const values = (Array.isArray(ex.values) ? ex.values : []).filter(
      (x): x is string => typeof x === "string",
    );
    switch (ex.operator) {
      case "In":
        reqs.push({ op: "in", key, values });
        break;
      case "NotIn":
        reqs.push({ op: "notin", key, values });
        break;
      case "Exists":
        reqs.push({ op: "exists", key });
        break;
      case "DoesNotExist":
        reqs.push({ op: "!", key });
        break;
    }
  }
  return matchLabels(reqs, labels);
}
