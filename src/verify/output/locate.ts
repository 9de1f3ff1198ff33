/**
 * Where in a file a finding points: the line of a JSON path (`Statement[0].Condition.StringEquals["k:sub"]`,
 * `data.server`) inside a JSON or YAML document, or of a distinctive string. Pure: it is given the text.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";

/** `a.b[0]["x:y"]` → ["a", "b", 0, "x:y"]; `(document)` → []. */
export function parseJsonPath(path: string): (string | number)[] {
  if (path === "(document)" || path === "") return [];
  const out: (string | number)[] = [];
  const re = /([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}

/** Descends as far as the path goes: the deepest node reached (the key node for map entries), and whether the whole path resolved. */
function descend(
  root: Node | null | undefined,
  path: (string | number)[],
): { node?: Node; complete: boolean } {
  let node: Node | null | undefined = root;
  let best: Node | undefined = root ?? undefined;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return { ...(best ? { node: best } : {}), complete: false };
      best = (pair.key as Node) ?? best;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step] as Node | undefined;
      if (!item) return { ...(best ? { node: best } : {}), complete: false };
      best = item;
      node = item;
    } else return { ...(best ? { node: best } : {}), complete: false };
  }
  return { ...(best ? { node: best } : {}), complete: true };
}

export interface DocumentSelector {
  kind?: string;
  name?: string;
}

/**
 * 1-based line of a JSON path in `text` (JSON or YAML; of several YAML documents `select` picks the one whose
 * kind and metadata.name match). With several paths (alternatives, e.g. `data.config` and
 * `stringData.config`), the first that resolves wins, else the deepest point of the first. Undefined when the
 * text cannot be parsed.
 */
export function lineOfPath(
  text: string,
  paths: string | readonly string[] | undefined,
  select: DocumentSelector = {},
): number | undefined {
  const counter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter: counter });
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs) || docs.length === 0) return undefined;
  const doc =
    docs.find((d) => {
      if (!select.kind && !select.name) return true;
      const js = d.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      return (
        (!select.kind || js?.kind === select.kind) && (!select.name || js?.metadata?.name === select.name)
      );
    }) ?? docs[0]!;
  const list = paths === undefined ? [""] : typeof paths === "string" ? [paths] : paths;
  const tries = list.map((p) => descend(doc.contents as Node | null, parseJsonPath(p)));
  const pick = tries.find((t) => t.complete) ?? tries[0];
  const offset = pick?.node?.range?.[0];
  if (offset === undefined) return undefined;
  return counter.linePos(offset).line;
}

/** 1-based line of the first occurrence of `needle`; undefined when absent. */
export function lineOfText(text: string, needle: string): number | undefined {
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
