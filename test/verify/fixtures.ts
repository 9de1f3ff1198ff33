/**
 * Rendered example bundles to tamper with: render an example (the render module), edit a file of it the way a
 * user would (JSON or YAML), write it to a temporary directory, verify it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { renderBundle } from "../../src/render/bundle.js";
import { loadBundle } from "../../src/render/load.js";
import { fixOptions } from "../../src/verify/fixOptions.js";
import { verify } from "../../src/verify/index.js";
import type { VerifyResult } from "../../src/verify/types.js";
import { BIN, ROOT, tempDir } from "../helpers.js";

export type Files = Map<string, string>;
export type Example = "xirsa" | "multi-target";

export function exampleConfig(example: Example): Config {
  return loadConfig(join(ROOT, "examples", `${example}.yaml`));
}

export function renderConfig(config: Config): Files {
  return renderBundle(config, { only: ["aws", "kubernetes"] });
}

const cache = new Map<Example, Files>();
/** A fresh copy of an example's bundle files (path → text). */
export function renderExample(example: Example): Files {
  let files = cache.get(example);
  if (!files) {
    files = renderConfig(exampleConfig(example));
    cache.set(example, files);
  }
  return new Map(files);
}

/** The one path matching `pattern` (throws when none or several: a test must edit what it means to). */
export function pathOf(files: Files, pattern: RegExp): string {
  const hits = [...files.keys()].filter((p) => pattern.test(p));
  if (hits.length !== 1)
    throw new Error(`expected one file matching ${pattern}, found ${hits.join(", ") || "none"}`);
  return hits[0]!;
}

// biome-ignore lint/suspicious/noExplicitAny: edits reach into free-form JSON documents
type Any = any;

export function editJson(files: Files, pattern: RegExp, edit: (doc: Any) => Any): void {
  const path = pathOf(files, pattern);
  const doc = JSON.parse(files.get(path)!);
  const out = edit(doc) ?? doc;
  files.set(path, `${JSON.stringify(out, null, 2)}\n`);
}

/** Edits the YAML document of `kind`/`name` in the file; returning null removes the document. */
export function editYaml(
  files: Files,
  pattern: RegExp,
  select: { kind: string; name: string },
  edit: (doc: Any) => Any,
): void {
  const path = pathOf(files, pattern);
  const docs = parseAllDocuments(files.get(path)!).map((d) => d.toJS() as Any);
  const i = docs.findIndex((d) => d?.kind === select.kind && d?.metadata?.name === select.name);
  if (i < 0) throw new Error(`${path} has no ${select.kind} ${select.name}`);
  const out = edit(docs[i]);
  if (out === null) docs.splice(i, 1);
  else docs[i] = out ?? docs[i];
  files.set(path, docs.map((d) => stringify(d)).join("---\n"));
}

/** Adds a YAML document to a file. */
export function appendYaml(files: Files, pattern: RegExp, doc: unknown): void {
  const path = pathOf(files, pattern);
  files.set(path, `${files.get(path)!.trimEnd()}\n---\n${stringify(doc)}`);
}

export function writeFiles(files: Files, dir = tempDir("xirsa-verify-")): string {
  for (const [path, text] of files) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** verify() over the bundle as loadBundle reads it. */
export function verifyBundle(dir: string): VerifyResult {
  const b = loadBundle(dir);
  return verify(b.state, b.chains, { appProject: b.config.source.argocd.project, ...fixOptions(b.config) });
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/xirsa.js …` without blocking, so that CLI runs of a table can go concurrently. */
export function xirsaAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
