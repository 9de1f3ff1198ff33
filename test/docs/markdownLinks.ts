/**
 * Relative links of Markdown files, checked the way GitHub renders them: inline links and images, reference
 * definitions, `#anchors` against GitHub's heading slugs. Links inside code (fenced blocks, `spans`) and links
 * with a scheme (https:, mailto:) are not checked.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  why: string;
}

/** The Markdown with fenced code blocks blanked (line numbers kept). */
export function withoutFences(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split("\n")
    .map((line) => {
      const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length) fence = undefined;
        return "";
      }
      if (m) {
        fence = m[1]!;
        return "";
      }
      return line;
    })
    .join("\n");
}

/** The Markdown with code blocks and code spans blanked (line numbers kept). */
export function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/(`+)[^`\n][\s\S]*?\1/g, (s) => s.replace(/[^\n]/g, " "));
}

/** GitHub's anchor for a heading text. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*_~]/g, "")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** Every anchor a Markdown file offers: its headings' slugs (duplicates numbered as GitHub does). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutFences(markdown).split("\n")) {
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Link targets with their line numbers (inline links, images, reference definitions). */
export function linkTargets(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((text, i) => {
      for (const m of text.matchAll(
        /!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*(?:<([^>]*)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g,
      ))
        out.push({ line: i + 1, target: (m[1] ?? m[2])! });
      const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(text);
      if (def) out.push({ line: i + 1, target: def[1]! });
    });
  return out;
}

export function checkLinks(file: string, root: string): BrokenLink[] {
  const markdown = readFileSync(file, "utf8");
  const broken: BrokenLink[] = [];
  const rel = relative(root, file);
  for (const { line, target } of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [pathPart, fragment] = target.split("#", 2) as [string, string | undefined];
    const path = decodeURIComponent(pathPart.split("?")[0]!);
    const dest = path ? resolve(dirname(file), path) : file;
    if (path && !existsSync(dest)) {
      broken.push({ file: rel, line, target, why: `${relative(root, dest)} does not exist` });
      continue;
    }
    if (fragment && dest.endsWith(".md") && statSync(dest).isFile()) {
      const have = anchors(readFileSync(dest, "utf8"));
      if (!have.has(fragment.toLowerCase()))
        broken.push({ file: rel, line, target, why: `no heading #${fragment} in ${relative(root, dest)}` });
    }
  }
  return broken;
}

/** README.md and the Markdown files directly in `dirs`, under `root`. */
export function markdownFiles(root: string, dirs: string[]): string[] {
  const files = [join(root, "README.md")];
  for (const d of dirs) {
    const dir = join(root, d);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith(".md")) files.push(join(dir, f));
  }
  return files;
}
