/**
 * Fixes as kubectl commands a user can paste (and the fix test runs): a JSON patch (RFC 6902) that appends to
 * a list of a live object, single-quoted for a POSIX shell. Pure.
 */
import type { KubeObject } from "../../state/index.js";
import { isObject } from "../json.js";

/** One word for a POSIX shell: single-quoted, a ' inside as '\''. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** As `shellQuote`, but a word of only safe characters stays as it is (a path, a name). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : shellQuote(s);
}

/** `kubectl patch` with a JSON patch (RFC 6902), single-quoted for a shell. */
export function jsonPatch(what: string, ops: unknown[]): string {
  return `kubectl patch ${what} --type json -p ${shellQuote(JSON.stringify(ops))}`;
}

/** Append `value` to the array at `path` of `obj` (`/spec/users`), or create the array when absent. */
export function appendOp(obj: KubeObject, path: string, value: unknown): unknown {
  let at: unknown = obj;
  for (const key of path.split("/").slice(1)) at = isObject(at) ? at[key] : undefined;
  return Array.isArray(at) ? { op: "add", path: `${path}/-`, value } : { op: "add", path, value: [value] };
}
