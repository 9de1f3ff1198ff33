/**
 * Deterministic text for bundle files: 2-space JSON with a trailing newline, keys sorted where their order means
 * nothing, IAM documents in the seed's key order (so that a reviewer can read them side by side with it), and
 * YAML without line folding.
 */
import { stringify } from "yaml";
import type { Json, KubeObject } from "../state/index.js";

type Plain = { [key: string]: unknown };

function isPlain(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep copy with every object's keys sorted (code-unit order, locale independent). */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeysDeep) as T;
  if (!isPlain(value)) return value;
  const out: Plain = {};
  for (const k of Object.keys(value).sort()) {
    const v = value[k];
    if (v !== undefined) out[k] = sortKeysDeep(v);
  }
  return out as T;
}

/** `keys` first in that order, then the others sorted. */
export function orderKeys(obj: Plain, keys: readonly string[]): Plain {
  const out: Plain = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of Object.keys(obj).sort()) if (!(k in out) && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const POLICY_KEYS = ["Version", "Id", "Statement"];
/**
 * Version before Statement. Inside statements the order is the topology's, which is deterministic and mirrors
 * the seed (trust: Sid, Effect, Principal, Action, Condition with `:sub` before `:aud`; permissions: Action,
 * Effect, Resource), so that the files read side by side with the seed.
 */
export function orderPolicy(doc: Json): Json {
  return isPlain(doc) ? (orderKeys(doc, POLICY_KEYS) as Json) : doc;
}

const OBJECT_KEYS = ["apiVersion", "kind", "metadata", "type", "data", "stringData", "spec", "rules"];
const METADATA_KEYS = ["name", "namespace", "labels", "annotations"];
/** Maps whose order means nothing: sorted. */
const SORTED_MAPS = new Set(["data", "stringData"]);

/** Kubernetes' conventional order: apiVersion, kind, metadata (name, namespace, labels, annotations), … */
export function orderKubeObject(obj: KubeObject): Plain {
  const out = orderKeys(obj as Plain, OBJECT_KEYS);
  const md = orderKeys(obj.metadata as Plain, METADATA_KEYS);
  for (const k of ["labels", "annotations"]) if (isPlain(md[k])) md[k] = sortKeysDeep(md[k]);
  out.metadata = md;
  for (const k of SORTED_MAPS) if (isPlain(out[k])) out[k] = sortKeysDeep(out[k]);
  return out;
}

/** Multi-document YAML, one object per document, with an optional leading comment block. */
export function yamlDocuments(docs: unknown[], comment?: string): string {
  const head = comment
    ? `${comment
        .split("\n")
        .map((l) => (l ? `# ${l}` : "#"))
        .join("\n")}\n`
    : "";
  const body = docs.map((d) => yamlText(d)).join("---\n");
  return head + body;
}

export function yamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
