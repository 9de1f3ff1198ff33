/**
 * The folders of src/ form layers that only point down: no import cycle between folders (issue 12 §1). The
 * graph is read with the TypeScript compiler's own import scanner (static, type-only, re-exports and dynamic
 * `import()`), from every non-test file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

/** The folder a file belongs to: its first directory under src/, or the file itself for src/*.ts. */
function folderOf(file: string): string {
  return relative(SRC, file).split("/")[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Folder → folder → the imports (`from => to`, relative to src/) that make the edge. */
type FolderGraph = Map<string, Map<string, string[]>>;

function folderGraph(files: readonly string[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of files) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    const scan = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName } of scan.importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = resolve(dirname(file), fileName.replace(/\.js$/, ".ts"));
      const to = folderOf(target);
      if (to === from) continue;
      const edges = graph.get(from)!;
      edges.set(to, [...(edges.get(to) ?? []), `${relative(SRC, file)} => ${relative(SRC, target)}`]);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan): each is a set of folders in a cycle. */
function folderCycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Every import between the folders of a cycle, for the failure message. */
function explain(graph: FolderGraph, cycle: readonly string[]): string {
  const lines = [`folders in a cycle: ${cycle.join(", ")}`];
  for (const a of cycle)
    for (const [b, imports] of graph.get(a) ?? [])
      if (cycle.includes(b)) lines.push(`  ${a} -> ${b}: ${imports.join("; ")}`);
  return lines.join("\n");
}

const graph = folderGraph(sourceFiles(SRC));

describe("folders of src/", () => {
  it("import each other without a cycle", () => {
    expect(folderCycles(graph).map((c) => explain(graph, c))).toEqual([]);
  });

  it("the cycle check finds a cycle of two and of three folders", () => {
    const g = (edges: [string, string][]) => {
      const m = new Map<string, Map<string, true>>();
      for (const [a, b] of edges) {
        if (!m.has(a)) m.set(a, new Map());
        if (!m.has(b)) m.set(b, new Map());
        m.get(a)!.set(b, true);
      }
      return m;
    };
    expect(
      folderCycles(
        g([
          ["aws", "live"],
          ["live", "aws"],
          ["cli", "live"],
        ]),
      ),
    ).toEqual([["aws", "live"]]);
    expect(
      folderCycles(
        g([
          ["a", "b"],
          ["b", "c"],
          ["c", "a"],
          ["c", "d"],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
    expect(
      folderCycles(
        g([
          ["a", "b"],
          ["b", "c"],
          ["a", "c"],
        ]),
      ),
    ).toEqual([]);
  });

  it("the graph is read from the real imports (a known edge is seen)", () => {
    expect(graph.get("aws")?.get("transport")).toContain("aws/clients.ts => transport/backoff.ts");
    expect(graph.get("cli")?.has("names")).toBe(true); // a dynamic import() in cli/commands/token.ts
  });

  it("the sandbox imports only the IAM evaluator, shared pure data (names/, rbac/) and itself", () => {
    // A xirsa.yaml becomes the sandbox's spec on the tool's side (topology/sandboxSpec.ts).
    const allowed = ["iam", "names", "rbac", "state", "errors.ts", "fs"];
    const outside = [...(graph.get("sandbox")?.entries() ?? [])].filter(([to]) => !allowed.includes(to));
    expect(outside.map(([to, imports]) => `${to}: ${imports.join("; ")}`)).toEqual([]);
  });
});
