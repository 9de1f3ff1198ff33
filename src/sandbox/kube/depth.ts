/**
 * Nesting limits of request bodies. kube-apiserver refuses JSON nested deeper than 10000 levels while
 * decoding it (k8s.io/apimachinery/pkg/util/json: maxDepth, "exceeded max depth of %d"), with 400 BadRequest.
 * The sandbox's own code (structuredClone, JSON.stringify, patches) recurses on the JavaScript stack, which
 * overflows at a few thousand levels, so it caps at MAX_DEPTH, below that; the text is kube-apiserver's.
 * Both checks are iterative: a body that would overflow the stack is measured without recursion.
 */
import { parse as parseYaml } from "yaml";
import { badRequest } from "./status.js";

export const MAX_DEPTH = 1000;

const tooDeep = () => badRequest(`exceeded max depth of ${MAX_DEPTH}`);

/** Refuses JSON text nested deeper than MAX_DEPTH (counted over the raw text, strings skipped). */
export function checkJsonTextDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_DEPTH) throw tooDeep();
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
}

/** Refuses a decoded value (from YAML) nested deeper than MAX_DEPTH. */
export function checkValueDepth(value: unknown): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d + 1 > MAX_DEPTH) throw tooDeep();
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
}

/**
 * Serialises an object before it is committed, as kube-apiserver encodes an object before it writes it to
 * etcd: an object that cannot be written is refused, never stored (so it cannot break later writes or reads).
 */
export function assertSerialisable(o: unknown): void {
  checkValueDepth(o);
  try {
    JSON.stringify(o);
  } catch (e) {
    throw badRequest(`the object cannot be stored: ${(e as Error).message}`);
  }
}

/**
 * Parses a YAML body (the parser's default alias limit keeps a small document from expanding into a huge
 * object); a document that nests too deeply for the parser (its collections recurse) is refused as too deep.
 */
export function parseYamlBounded(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    if (e instanceof RangeError || /Maximum call stack/.test((e as Error).message)) throw tooDeep();
    throw e;
  }
  checkValueDepth(parsed);
  return parsed;
}
