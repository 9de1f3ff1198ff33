import { readFileSync, statSync } from "node:fs";
import { type Document, isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { didYouMean } from "../text/index.js";
import { FIELD_DESCRIPTIONS } from "./descriptions.js";
import { type Config, configSchema } from "./schema.js";

/** What a failed read means, in words rather than errno codes. */
const READ_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "it is a directory, not a file",
  EACCES: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
};

/** `targets[1].accountId` style path of a zod issue. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(top level)";
}

/** The fields the schema allows at `path` (for "did you mean"), read from the JSON Schema. */
function knownFields(path: readonly PropertyKey[]): string[] {
  type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[] };
  let node: Node | undefined = configJsonSchema() as Node;
  for (const p of path) {
    const n: Node | undefined = node?.anyOf?.find((a) => a.properties || a.items) ?? node;
    node = typeof p === "number" ? n?.items : n?.properties?.[String(p)];
  }
  const n = node?.anyOf?.find((a) => a.properties) ?? node;
  return Object.keys(n?.properties ?? {});
}

function issueLine(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length ? `${formatPath(issue.path)}: ` : "";
    const known = knownFields(issue.path);
    const keys = issue.keys.map((k) => `'${k}'${didYouMean(k, known)}`).join(", ");
    return `${where}unknown field${issue.keys.length > 1 ? "s" : ""} ${keys}; remove ${issue.keys.length > 1 ? "them" : "it"} or check the spelling (xirsa schema lists every field)`;
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

/**
 * Validates a parsed document; throws ConfigError listing every problem on one line, unknown fields first (a
 * misspelt field is often why another one is "missing").
 */
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
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"),
  );
  const lines = issues.map(issueLine);
  const text =
    lines.length === 1
      ? lines[0]!
      : `${lines.length} problems: ${lines.map((l, i) => `(${i + 1}) ${l}`).join("; ")}`;
  throw new ConfigError("config.invalid", `${source}: ${text}`);
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
export function duplicateKey(doc: Document): { key: string; offset: number } | undefined {
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
      `cannot read config ${file}: ${READ_ERRORS[code ?? ""] ?? (e as Error).message}`,
      "pass an existing xirsa.yaml with --config (xirsa init writes one)",
    );
  }
  return parseConfigText(text, file);
}

/** The JSON Schema of xirsa.yaml, for editor completion. */
export function configJsonSchema(): unknown {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
  describeFields(schema as SchemaNode, "");
  return schema;
}

type SchemaNode = {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  description?: string;
};

/** Puts FIELD_DESCRIPTIONS into the JSON Schema, by path (`targets[]` for the items of a list). */
function describeFields(node: SchemaNode, path: string): void {
  for (const alt of node.anyOf ?? []) describeFields(alt, path);
  if (node.items) describeFields(node.items, `${path}[]`);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const p = path ? `${path}.${key}` : key;
    const d = FIELD_DESCRIPTIONS[p];
    if (d && !child.description) child.description = d;
    describeFields(child, p);
  }
}
