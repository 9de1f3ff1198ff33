import { readFileSync, statSync } from "node:fs";
import { type Document, isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { type Config, configSchema } from "./schema.js";

/** `targets[1].accountId` style path of a zod issue. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(top level)";
}

function issueLine(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length ? `${formatPath(issue.path)}: ` : "";
    return `${where}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}; remove ${issue.keys.length > 1 ? "them" : "it"} or check the spelling (xirsa schema lists every field)`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `${formatPath(issue.path)}: missing; ${issue.message}`;
  }
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
    // zod's default text; say it in the user's terms (YAML lists/mappings).
    return `${formatPath(issue.path)}: expected ${yamlKind(issue.expected)}, got ${yamlKind(kindOf(issue.input))}`;
  }
  return `${formatPath(issue.path)}: ${issue.message}`;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function yamlKind(t: string): string {
  const names: Record<string, string> = {
    array: "a list",
    object: "a mapping",
    string: "a string",
    number: "a number",
    boolean: "true or false",
    null: "nothing (null)",
  };
  return names[t] ?? t;
}

// Keys that reach Object.prototype when copied into a plain object (zod's record, spreads): refused anywhere.
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The path of the first own key of `doc` (at any depth) that is a prototype key. */
function prototypeKey(doc: unknown): (string | number)[] | undefined {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: doc, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) stack.push({ v: x, path: [...path, i] });
    } else if (v && typeof v === "object") {
      for (const k of Object.keys(v)) {
        if (PROTOTYPE_KEYS.has(k)) return [...path, k];
        stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
      }
    }
  }
  return undefined;
}

/** Validates a parsed document; throws ConfigError naming the first bad field (and how many more there are). */
export function parseConfig(doc: unknown, source = "config"): Config {
  const bad = prototypeKey(doc);
  if (bad) {
    throw new ConfigError(
      "config.invalid",
      `${source}: ${formatPath(bad)}: choose another tag key or field name (${String(bad[bad.length - 1])} is refused everywhere)`,
    );
  }
  // reportInput: so that "missing" is said only when the field is absent, not when it has the wrong type.
  const result = configSchema.safeParse(doc, { reportInput: true });
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const more = rest.length ? ` (+${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
  throw new ConfigError("config.invalid", `${source}: ${issueLine(first!)}${more}`);
}

/** A config is a few KB; anything near this is a mistake or an attack (parsing cost grows with it). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function tooLarge(source: string, bytes: number): ConfigError {
  return new ConfigError(
    "config.size",
    `${source}: ${bytes} bytes; a config is at most ${MAX_CONFIG_BYTES} bytes (1 MiB)`,
    "pass the xirsa.yaml itself (xirsa init writes one)",
  );
}

/** The first duplicate key of any mapping, in one pass with a Set per mapping (yaml's uniqueKeys is quadratic). */
export function duplicateKey(
  doc: Document,
): { key: string; offset: number } | undefined {
  let found: { key: string; offset: number } | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = pair.key;
        const name = isScalar(k) ? String(k.value) : JSON.stringify(k);
        if (seen.has(name)) {
          found = { key: name, offset: (isScalar(k) ? k.range?.[0] : undefined) ?? 0 };
          return visit.BREAK;
        }
        seen.add(name);
      }
      return undefined;
    },
  });
  return found;
}

/** Parses YAML text strictly: syntax errors and duplicate keys are refused with their line. */
export function parseConfigText(text: string, source = "config"): Config {
  if (text.length > MAX_CONFIG_BYTES) throw tooLarge(source, Buffer.byteLength(text));
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter });
  const dup = doc.errors.length ? undefined : duplicateKey(doc);
  if (dup) {
    const line = lineCounter.linePos(dup.offset);
    throw new ConfigError(
      "config.yaml",
      `${source}: invalid YAML at line ${line.line}, column ${line.col}: Map keys must be unique (${dup.key} is repeated)`,
      "fix the YAML syntax (indentation, quotes, colons)",
    );
  }
  const err = doc.errors[0];
  if (err) {
    const line = lineCounter.linePos(err.pos[0]);
    const where = line ? `line ${line.line}, column ${line.col}` : "unknown position";
    const msg = err.message.split("\n")[0];
    throw new ConfigError(
      "config.yaml",
      `${source}: invalid YAML at ${where}: ${msg}`,
      "fix the YAML syntax (indentation, quotes, colons)",
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // e.g. alias bombs ("Excessive alias count"): refused as bad input, not a crash.
    throw new ConfigError(
      "config.yaml",
      `${source}: unusable YAML: ${(e as Error).message}`,
      "remove the YAML aliases",
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      "config.shape",
      `${source}: expected a mapping with name, source and targets`,
      "see examples/xirsa.yaml",
    );
  }
  return parseConfig(value, source);
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) throw tooLarge(file, size);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      "config.read",
      `cannot read config ${file}: ${code === "ENOENT" ? "no such file" : code}`,
      "pass an existing xirsa.yaml with --config (xirsa init writes one)",
    );
  }
  return parseConfigText(text, file);
}

/** The JSON Schema of xirsa.yaml, for editor completion. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
}
