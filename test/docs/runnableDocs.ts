/**
 * Runnable documentation: the shell blocks of a Markdown file whose info string is `sh run` (optionally
 * `exit=N`), each with the `text` block that directly follows it as its expected output.
 *
 * Expected output is matched line by line against what the block printed (stdout and stderr together):
 * `…` inside a line stands for any text on that line (ports, ids, paths, times), and a line that is only `…`
 * stands for any number of lines. Durations such as `(0.01 s)` are compared as `(… s)`.
 */

export interface RunnableBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  script: string;
  exitCode: number;
  expected?: string;
}

const FENCE = /^(`{3,})(.*)$/;

export function runnableBlocks(file: string, markdown: string): RunnableBlock[] {
  const lines = markdown.split("\n");
  const blocks: RunnableBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      i++;
      continue;
    }
    const info = open[2]!.trim().split(/\s+/);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== open[1]; i++) body.push(lines[i]!);
    i++; // the closing fence
    if (info[0] !== "sh" || !info.includes("run")) continue;
    const exit = info.find((w) => w.startsWith("exit="));
    const block: RunnableBlock = {
      file,
      line: start + 1,
      script: body.join("\n"),
      exitCode: exit ? Number(exit.slice("exit=".length)) : 0,
    };
    // The expected output is a `text` block after nothing but blank lines.
    let j = i;
    while (j < lines.length && lines[j]!.trim() === "") j++;
    const next = j < lines.length ? FENCE.exec(lines[j]!) : null;
    if (next && next[2]!.trim() === "text") {
      const out: string[] = [];
      for (j++; j < lines.length && lines[j] !== next[1]; j++) out.push(lines[j]!);
      block.expected = out.join("\n");
      i = j + 1;
    }
    blocks.push(block);
  }
  return blocks;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function normalize(text: string): string[] {
  return text
    .replace(/\r/g, "")
    .replace(/\(\d+(\.\d+)? s\)/g, "(… s)")
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l, i, all) => !(l === "" && i === all.length - 1));
}

/** Whether `actual` matches the documented `expected` output (see the module comment for placeholders). */
export function outputMatches(expected: string, actual: string): boolean {
  const pattern = normalize(expected)
    .map((l) => (l === "…" ? "(?:[^\\n]*\\n)*" : `${l.split("…").map(escapeRegex).join("[^\\n]*")}\\n`))
    .join("");
  return new RegExp(`^${pattern}$`).test(`${normalize(actual).join("\n")}\n`);
}
