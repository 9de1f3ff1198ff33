/**
 * npm's `install` script: builds the one native call xirsa has (exchange.c, an atomic swap of two paths that
 * `render --out` uses) with the node-gyp that npm ships. It never fails the install: without a compiler,
 * Python or Node's headers it prints one line and exits 0, and `render --out` swaps bundles with two renames
 * instead (docs/security.md says what each way guarantees).
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ADDON = join(here, "build", "Release", "xirsa_exchange.node");
const FALLBACK = "render --out falls back to two renames";

/** npm's own node-gyp: the one npm names for its scripts, else the copy beside npm or beside node. */
function nodeGyp() {
  const { npm_config_node_gyp: named, npm_execpath: npm } = process.env;
  return [
    named,
    npm && join(dirname(npm), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  ].find((p) => p && existsSync(p));
}

/** Node's own headers when npm names none, so that node-gyp never tries to download them. */
function nodedir() {
  if (process.env.npm_config_nodedir) return undefined;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : undefined;
}

/** The line of node-gyp's output that says why it failed. */
function why(output) {
  const lines = output.split("\n");
  const pick = (re) => lines.find((l) => re.test(l));
  if (pick(/gyp ERR! find Python/)) return "node-gyp found no Python";
  const line =
    pick(/: (fatal )?error: /) ??
    pick(/gyp ERR! (stack Error|configure error)/) ??
    pick(/gyp ERR! /) ??
    "node-gyp failed";
  return line
    .replace(/^gyp ERR! (stack )?/, "")
    .trim()
    .slice(0, 200);
}

/** Why the built addon cannot be used, or undefined when it loads and has exchange(). */
function loads() {
  try {
    const addon = createRequire(import.meta.url)(ADDON);
    return typeof addon.exchange === "function" ? undefined : "the built addon has no exchange()";
  } catch (e) {
    return `the built addon does not load: ${e.message.split("\n")[0]}`;
  }
}

/** Built already, from these sources (npm runs this script twice in a checkout: for the root and for the
 * `xirsa: file:` link to it). Node-API's ABI is stable, so a build that loads is one this Node can use. */
function current() {
  if (!existsSync(ADDON)) return false;
  const built = statSync(ADDON).mtimeMs;
  const sources = ["exchange.c", "binding.gyp"].map((f) => statSync(join(here, f)).mtimeMs);
  return sources.every((t) => t <= built) && loads() === undefined;
}

function build() {
  if (process.platform !== "linux" && process.platform !== "darwin") {
    return `no atomic exchange on ${process.platform}`;
  }
  if (current()) return undefined;
  const cc = process.env.CC ?? "cc";
  if (spawnSync(cc, ["--version"], { stdio: "ignore" }).status !== 0) return `no C compiler (${cc})`;
  const gyp = nodeGyp();
  if (!gyp) return "npm's node-gyp not found";
  const dir = nodedir();
  const r = spawnSync(
    process.execPath,
    [gyp, "rebuild", `--directory=${here}`, ...(dir ? [`--nodedir=${dir}`] : [])],
    { encoding: "utf8", timeout: 300_000, env: { ...process.env, npm_config_loglevel: "error" } },
  );
  if (r.status !== 0) return r.error ? r.error.message : why(`${r.stdout}\n${r.stderr}`);
  return loads();
}

let failed;
try {
  failed = build();
} catch (e) {
  failed = e instanceof Error ? e.message : String(e);
}
console.log(
  failed
    ? `xirsa: native exchange not built (${failed}); ${FALLBACK}`
    : "xirsa: native exchange built; render --out swaps bundles atomically",
);
process.exitCode = 0;
