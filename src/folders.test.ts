/**
 * The folders of src/ form layers that only point down: no import cycle between folders (issue 12 §1). The
 * graph is read with the TypeScript compiler's own import scanner (static, type-only, re-exports and dynamic
 * `import()`), from every non-test file. Each folder's index.ts is its public face: imports across folders go
 * through it, and no module imports its own folder's index (that would make a module cycle).
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

/** One relative import of a file, resolved. `lazy`: an `import()` (or `import("…").T`), not a static import. */
interface Import {
  file: string;
  target: string;
  lazy: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.filter(({ fileName }) => fileName.startsWith("."))
    .map(({ fileName, pos }) => ({
      file,
      target: resolve(dirname(file), fileName.replace(/\.js$/, ".ts")),
      // pos is where the specifier's literal starts; a lazy import has `import(` before it.
      lazy: /import\s*\(\s*["'`]?$/.test(text.slice(Math.max(0, pos - 40), pos)),
    }));
}

const indexOf = (folder: string): string => join(SRC, folder, "index.ts");
const isDirFolder = (folder: string): boolean => !folder.endsWith(".ts");
const show = ({ file, target }: Import): string => `${relative(SRC, file)} => ${relative(SRC, target)}`;

/**
 * Imports that bypass a folder's index: a static import of another folder must name its index.ts; a lazy
 * `import()` may name one module (so that a command loads only what it uses) but only one the index re-exports.
 */
function deepImports(imports: readonly Import[]): string[] {
  const publicModules = new Map<string, Set<string>>();
  const publicOf = (folder: string): Set<string> => {
    let set = publicModules.get(folder);
    if (!set) {
      const index = indexOf(folder);
      set = new Set([index, ...importsOf(index).map((i) => i.target)]);
      publicModules.set(folder, set);
    }
    return set;
  };
  return imports
    .filter(({ file, target, lazy }) => {
      const to = folderOf(target);
      if (to === folderOf(file) || !isDirFolder(to)) return false;
      return lazy ? !publicOf(to).has(target) : target !== indexOf(to);
    })
    .map(show);
}

/** Modules that import their own folder's index.ts (the index re-exports them: a cycle through the barrel). */
function ownIndexImports(imports: readonly Import[]): string[] {
  return imports
    .filter(({ file, target }) => {
      const folder = folderOf(file);
      return isDirFolder(folder) && file !== indexOf(folder) && target === indexOf(folder);
    })
    .map(show);
}

const files = sourceFiles(SRC);
const graph = folderGraph(files);
const imports = files.flatMap(importsOf);

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
    expect(graph.get("aws")?.get("transport")).toContain("aws/clients.ts => transport/index.ts");
    expect(graph.get("cli")?.has("names")).toBe(true); // a dynamic import() in cli/commands/token.ts
  });

  it("import each other only through the target folder's index.ts (a lazy import() only a public module)", () => {
    expect(deepImports(imports)).toEqual([]);
  });

  it("never import their own folder's index.ts", () => {
    expect(ownIndexImports(imports)).toEqual([]);
  });

  it("the index checks see a deep import, a lazy import of a private module and an own-index import", () => {
    const at = (file: string, target: string, lazy = false): Import => ({
      file: join(SRC, file),
      target: join(SRC, target),
      lazy,
    });
    expect(
      deepImports([
        at("cli/commands/render.ts", "kube/client.ts"),
        at("cli/commands/render.ts", "kube/index.ts"),
        at("cli/commands/render.ts", "errors.ts"),
        at("cli/commands/token.ts", "aws/eksToken.ts", true),
        at("cli/commands/token.ts", "aws/arn.nonexistent.ts", true),
        at("kube/connect.ts", "kube/client.ts"),
      ]),
    ).toEqual([
      "cli/commands/render.ts => kube/client.ts",
      "cli/commands/token.ts => aws/arn.nonexistent.ts",
    ]);
    expect(
      ownIndexImports([at("rbac/system.ts", "rbac/index.ts"), at("rbac/index.ts", "rbac/system.ts")]),
    ).toEqual(["rbac/system.ts => rbac/index.ts"]);
    // The scanner tells a lazy import() from a static one.
    expect(importsOf(join(SRC, "cli/commands/token.ts")).some((i) => i.lazy)).toBe(true);
    expect(importsOf(join(SRC, "cli/commands/token.ts")).some((i) => !i.lazy)).toBe(true);
  });

  it("do nothing when loaded, as package.json's sideEffects says (so the token bundle drops unused barrel parts)", () => {
    // Top-level statements that act (a call, a loop, an import for its effect); initializers are not looked into.
    const declares = (st: ts.Statement): boolean =>
      ts.isImportDeclaration(st)
        ? st.importClause !== undefined
        : ts.isExportDeclaration(st) ||
          ts.isExportAssignment(st) ||
          ts.isFunctionDeclaration(st) ||
          ts.isClassDeclaration(st) ||
          ts.isInterfaceDeclaration(st) ||
          ts.isTypeAliasDeclaration(st) ||
          ts.isEnumDeclaration(st) ||
          ts.isModuleDeclaration(st) ||
          ts.isVariableStatement(st) ||
          ts.isEmptyStatement(st);
    const acting = files.flatMap((file) => {
      const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      return sf.statements
        .filter((st) => !declares(st))
        .map((st) => `${relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(st.getStart()).line + 1}`);
    });
    expect(acting).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(SRC, "../package.json"), "utf8"));
    expect(pkg.sideEffects).toEqual(["./bin/*.js", "./native/*.js"]);
  });

  it("the sandbox imports only the IAM evaluator, shared pure data (names/, rbac/) and itself", () => {
    // A xirsa.yaml becomes the sandbox's spec on the tool's side (topology/sandboxSpec.ts).
    const allowed = ["iam", "names", "rbac", "state", "errors.ts", "fs"];
    const outside = [...(graph.get("sandbox")?.entries() ?? [])].filter(([to]) => !allowed.includes(to));
    expect(outside.map(([to, imports]) => `${to}: ${imports.join("; ")}`)).toEqual([]);
  });
});
