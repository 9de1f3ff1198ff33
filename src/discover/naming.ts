/**
 * Role names back to `name` + `roleNameTemplate` (names/index.ts `roleName` in reverse). Pure.
 */
import { ROLE_KINDS, type RoleKind } from "../names/index.js";

export interface Naming {
  name: string;
  roleNameTemplate: string;
}

const DEFAULT_TEMPLATE = "AWSIRSA_{name}_{role}";
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/**
 * A template that yields exactly these names, or undefined. Each name must contain its kind once with the same
 * text around it; the seed's `AWSIRSA_<name>_<kind>` gives the default template and the name, anything else a
 * literal template (then `fallbackName` is the stack name).
 */
export function inferNaming(names: Record<RoleKind, string>, fallbackName: string): Naming | undefined {
  let around: [string, string] | undefined;
  for (const kind of ROLE_KINDS) {
    const n = names[kind];
    const at = n.lastIndexOf(kind);
    if (at < 0 || n.indexOf(kind) !== at) return undefined;
    const here: [string, string] = [n.slice(0, at), n.slice(at + kind.length)];
    if (around && (around[0] !== here[0] || around[1] !== here[1])) return undefined;
    around = here;
  }
  const [prefix, suffix] = around!;
  const seed = /^AWSIRSA_(.+)_$/.exec(prefix);
  if (seed && suffix === "" && STACK_NAME.test(seed[1]!)) {
    return { name: seed[1]!, roleNameTemplate: DEFAULT_TEMPLATE };
  }
  // Literal braces would be read as placeholders.
  if (/[{}]/.test(prefix + suffix)) return undefined;
  return { name: fallbackName, roleNameTemplate: `${prefix}{role}${suffix}` };
}

/** A stack name from any text (e.g. the source cluster name): 1-40 of A-Za-z0-9_-. */
export function stackNameFrom(text: string): string {
  const s = text
    .replace(/[^A-Za-z0-9_-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 40);
  return s || "imported";
}
