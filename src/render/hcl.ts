/**
 * A small HCL writer whose output is already in `terraform fmt` form: two-space indents, `=` aligned within
 * runs of consecutive single-line attributes (a line that opens a bracket, a block header, a closing bracket, a
 * comment or a blank line ends a run, as in hclwrite's formatter), single-line lists of scalars.
 */

/** A raw HCL expression, e.g. `aws_iam_role.x.arn` or `var.profile`. */
export class Expr {
  constructor(readonly code: string) {}
}
export function expr(code: string): Expr {
  return new Expr(code);
}

export type HclValue = string | number | boolean | null | Expr | HclValue[] | { [key: string]: HclValue };

/** `jsonencode(<value>)`, written as a multi-line HCL object. */
export class JsonEncode {
  constructor(readonly value: HclValue) {}
}

export type BodyItem =
  | { kind: "attr"; name: string; value: HclValue | JsonEncode }
  | { kind: "block"; type: string; labels: string[]; body: BodyItem[] }
  | { kind: "blank" }
  | { kind: "comment"; text: string };

export function attr(name: string, value: HclValue | JsonEncode): BodyItem {
  return { kind: "attr", name, value };
}
export function block(type: string, labels: string[], body: BodyItem[]): BodyItem {
  return { kind: "block", type, labels, body };
}
export const blank: BodyItem = { kind: "blank" };
export function comment(text: string): BodyItem[] {
  return text.split("\n").map((t) => ({ kind: "comment", text: t }));
}

/** A line of output; `key` set means an alignable `key = value` line. */
interface Line {
  indent: number;
  text: string;
  key?: string;
}

// Bare object keys: HCL allows "-" in identifiers, but a quoted key reads unambiguously.
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(["true", "false", "null", "for", "in", "if", "endfor", "endif"]);
const MAX_INLINE_LIST = 100;

export function hclString(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  // Template sequences are literal in policies: escape them (a replacer function, as "$$" means "$" in a
  // replacement string).
  return `"${out.replaceAll("${", () => "$${").replaceAll("%{", () => "%%{")}"`;
}

function objectKey(k: string): string {
  return IDENT.test(k) && !RESERVED.has(k) ? k : hclString(k);
}

function isObject(v: HclValue): v is { [key: string]: HclValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Expr);
}

function scalar(v: HclValue): string | undefined {
  if (v === null) return "null";
  if (v instanceof Expr) return v.code;
  if (typeof v === "string") return hclString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** The value on one line, or undefined if it needs several. */
function inline(v: HclValue): string | undefined {
  const s = scalar(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) {
    const parts = v.map(scalar);
    if (parts.some((p) => p === undefined)) return undefined;
    const text = `[${parts.join(", ")}]`;
    return text.length <= MAX_INLINE_LIST || v.length < 2 ? text : undefined;
  }
  if (isObject(v) && Object.keys(v).length === 0) return "{}";
  return undefined;
}

/** Lines of a multi-line value; the first is appended after `prefix` (`key = ` or nothing), the last gets `suffix`. */
function valueLines(prefix: string, v: HclValue, indent: number, suffix: string, key?: string): Line[] {
  const one = inline(v);
  if (one !== undefined) {
    return key !== undefined && suffix === ""
      ? [{ indent, text: one, key }]
      : [{ indent, text: `${prefix}${one}${suffix}` }];
  }
  if (Array.isArray(v)) {
    const lines: Line[] = [{ indent, text: `${prefix}[` }];
    for (const item of v) lines.push(...valueLines("", item, indent + 1, ","));
    lines.push({ indent, text: `]${suffix}` });
    return lines;
  }
  if (isObject(v)) {
    const lines: Line[] = [{ indent, text: `${prefix}{` }];
    for (const [k, item] of Object.entries(v)) {
      const key = objectKey(k);
      lines.push(...valueLines(`${key} = `, item, indent + 1, "", key));
    }
    lines.push({ indent, text: `}${suffix}` });
    return lines;
  }
  throw new Error("unreachable: HCL value");
}

function bodyLines(items: BodyItem[], indent: number): Line[] {
  const lines: Line[] = [];
  for (const item of items) {
    switch (item.kind) {
      case "blank":
        lines.push({ indent: 0, text: "" });
        break;
      case "comment":
        lines.push({ indent, text: item.text ? `# ${item.text}` : "#" });
        break;
      case "attr":
        lines.push(...attrLines(item.name, item.value, indent));
        break;
      case "block": {
        const head = [item.type, ...item.labels.map(hclString)].join(" ");
        lines.push({ indent, text: `${head} {` });
        lines.push(...bodyLines(item.body, indent + 1));
        lines.push({ indent, text: "}" });
        break;
      }
    }
  }
  return lines;
}

function attrLines(name: string, value: HclValue | JsonEncode, indent: number): Line[] {
  if (value instanceof JsonEncode) {
    const one = inline(value.value);
    if (one !== undefined) return [{ indent, text: `jsonencode(${one})`, key: name }];
    return valueLines(`${name} = jsonencode(`, value.value, indent, ")");
  }
  return valueLines(`${name} = `, value, indent, "", name);
}

/** Renders top-level items (blocks, attributes, comments, blanks) as a `terraform fmt`-clean file. */
export function hclFile(items: BodyItem[]): string {
  const lines = bodyLines(items, 0);
  // Align `=` over runs of consecutive alignable lines.
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.key === undefined) {
      const l = lines[i]!;
      out.push(l.text ? `${"  ".repeat(l.indent)}${l.text}` : "");
      i++;
      continue;
    }
    let j = i;
    let width = 0;
    while (j < lines.length && lines[j]!.key !== undefined) {
      const l = lines[j]!;
      width = Math.max(width, l.indent * 2 + l.key!.length);
      j++;
    }
    for (const l of lines.slice(i, j)) {
      const lead = `${"  ".repeat(l.indent)}${l.key}`;
      out.push(`${lead.padEnd(width)} = ${l.text}`);
    }
    i = j;
  }
  return `${out.join("\n")}\n`;
}
