/**
 * Shell and JSON injection, as a class: every config field that reaches a script is given a hostile value (the
 * config is built past validation, so that the quoting itself is what is tested), the scripts run against the
 * stand-ins for aws and kubectl (test/render/fake-bin), which record their exact argv, and each argv must be the
 * one a harmless value gives with the value swapped in: nothing executed, no word split or added, no JSON key
 * added. The schema's refusal of the same values is tested field by field below.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { renderBundle } from "../../src/render/bundle.js";
import { writeBundle } from "../../src/render/write.js";

const root = join(import.meta.dirname, "../..");
const fakeBin = join(import.meta.dirname, "fake-bin");
const tmp = mkdtempSync(join(tmpdir(), "xirsa-injection-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MARK = "QQ9";
// Quotes, command substitution, backticks, a command separator, a comment, a line break, a tab, parameter
// expansion, a glob, a backslash and a JSON breaker (what an endpoint ending in `","namespace":"*` did). No '/':
// values become file names of the bundle.
const HOSTILE = `"'$(touch pwn1)\`touch pwn2\`;touch pwn3 #\n\t\${HOME}*\\","namespace":"*`;

/** A valid config with every optional field that reaches a script set. */
function baseConfig(): Config {
  const multi = loadConfig(join(root, "examples/multi-target.yaml"));
  return parseConfig({
    ...JSON.parse(JSON.stringify(multi)),
    path: "/xirsa/",
    permissionsBoundary: "arn:aws:iam::{account}:policy/boundary",
    tags: { team: "platform", "cost-center": "cc" },
    source: {
      ...multi.source,
      profile: "acct-a",
      kubeContext: "ctx-a",
      krci: { ...multi.source.krci, oidcGroups: ["admins", "developers"] },
    },
    targets: multi.targets.map((t, i) => ({ ...t, profile: `acct-${i}`, kubeContext: `ctx-${i}` })),
  });
}

// Fields the topology validates itself (role names) or that choose behaviour (an enum): not free text.
const NOT_TEXT = new Set(["name", "roleNameTemplate", "access"]);

/** Every free-text field (and tag key) of the config with `mark` placed in it where the shape allows. */
function marked(value: unknown, mark: string, key = ""): unknown {
  if (typeof value === "string") {
    if (NOT_TEXT.has(key)) return value;
    if (key === "path") return `${value.slice(0, -1)}${mark}/`;
    if (value.endsWith("*")) return `${value.slice(0, -1)}${mark}*`;
    return `${value}${mark}`;
  }
  if (Array.isArray(value)) return value.map((v) => marked(v, mark, key));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[key === "tags" ? `${k}${mark}` : k] = marked(v, mark, key === "tags" ? "tag" : k);
    }
    return out;
  }
  return value;
}

/** Strings in `v` (and in JSON arguments, parsed) with `from` replaced by `to`. */
function swap(v: unknown, from: string, to: string): unknown {
  if (typeof v === "string") {
    if (/^[[{]/.test(v)) {
      try {
        return { json: swap(JSON.parse(v), from, to) };
      } catch {
        // not JSON: compared as text
      }
    }
    return v.replaceAll(from, to);
  }
  if (Array.isArray(v)) return v.map((x) => swap(x, from, to));
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll(from, to), swap(x, from, to)]));
  }
  return v;
}

interface Run {
  argv: unknown[];
  failures: string[];
  cwd: string;
}

/** Renders `config` into `dir` and runs every script in order against the stand-ins. */
async function runAll(config: Config, dir: string): Promise<Run> {
  const files = renderBundle(config);
  await writeBundle(dir, files);
  const state = `${dir}.state`;
  const cwd = `${dir}.cwd`;
  mkdirSync(state);
  mkdirSync(cwd);
  // The pod the restarts find for each service account (the selector carries the name, checked in argv).
  writeFileSync(join(state, "pods-any"), "StatefulSet|argocd-application-controller\n");
  const failures: string[] = [];
  for (const script of [...files.keys()].filter((p) => p.startsWith("scripts/")).sort()) {
    const account = /^scripts\/\d\d-aws-(.*)\.sh$/s.exec(script)?.[1] ?? "";
    const r = spawnSync("bash", [join(dir, script)], {
      cwd,
      encoding: "utf8",
      env: {
        PATH: `${fakeBin}:${process.env.PATH}`,
        HOME: tmp,
        FAKE_STATE: state,
        FAKE_ARGV: join(state, "argv"),
        FAKE_ACCOUNT: account,
      },
    });
    if (r.status !== 0 || r.stderr) failures.push(`${script}: exit ${r.status}: ${r.stderr}`);
  }
  const argv = readFileSync(join(state, "argv"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as string[]);
  return { argv: swap(argv, dir, "<bundle>") as unknown[], failures, cwd };
}

describe("hostile values in every field reach aws and kubectl as exactly one argument", () => {
  const base = baseConfig();

  it("the argv of every call is the intended one, and nothing runs", async () => {
    const benign = await runAll(marked(base, MARK) as Config, join(tmp, "benign"));
    const hostile = await runAll(marked(base, HOSTILE) as Config, join(tmp, "hostile"));
    expect(benign.failures).toEqual([]);
    expect(hostile.failures).toEqual([]);
    // The comparison is not vacuous: the marked values are in the calls (accounts, contexts, endpoints, tags).
    const text = JSON.stringify(benign.argv);
    for (const v of [
      "ctx-aQQ9",
      "ctx-1QQ9",
      "acct-aQQ9",
      "111111111111QQ9",
      "teamQQ9",
      "eks.amazonaws.comQQ9",
    ]) {
      expect(text).toContain(v);
    }
    expect(benign.argv.length).toBeGreaterThan(20);
    expect(hostile.argv).toEqual(swap(benign.argv, MARK, HOSTILE));
    expect(readdirSync(hostile.cwd)).toEqual([]);
    expect(existsSync(join(tmp, "pwn1"))).toBe(false);
  });
});

describe("the schema refuses what would not be one word or one value", () => {
  const base = JSON.parse(JSON.stringify(baseConfig())) as Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: edits of a JSON copy, past the types on purpose
  type Edit = (c: any) => void;
  const cases: [string, Edit, RegExp][] = [
    [
      "source.kubeContext",
      (c) => {
        c.source.kubeContext = "ctx$(id)";
      },
      /^config: source\.kubeContext: /,
    ],
    [
      "targets[0].kubeContext",
      (c) => {
        c.targets[0].kubeContext = "a b";
      },
      /targets\[0\]\.kubeContext/,
    ],
    [
      "endpoint JSON breaker",
      (c) => {
        c.targets[0].endpoint = 'https://h.example.com","namespace":"*';
      },
      /targets\[0\]\.endpoint: expected the cluster API endpoint/,
    ],
    [
      "endpoint userinfo",
      (c) => {
        c.targets[0].endpoint = "https://u:p@h.example.com";
      },
      /endpoint/,
    ],
    [
      "endpoint path",
      (c) => {
        c.targets[0].endpoint = "https://h.example.com/x";
      },
      /endpoint/,
    ],
    [
      "endpoint query",
      (c) => {
        c.targets[0].endpoint = "https://h.example.com?x=1";
      },
      /endpoint/,
    ],
    [
      "endpoint fragment",
      (c) => {
        c.targets[0].endpoint = "https://h.example.com#x";
      },
      /endpoint/,
    ],
    [
      "endpoint port",
      (c) => {
        c.targets[0].endpoint = "https://h.example.com:70000";
      },
      /endpoint/,
    ],
    [
      "profile",
      (c) => {
        c.source.profile = "p`id`";
      },
      /source\.profile/,
    ],
    [
      "tag key",
      (c) => {
        c.tags = { "a'b": "x" };
      },
      /^config: tags\.a'b: tag keys may hold/,
    ],
    [
      "tag value",
      (c) => {
        c.tags = { a: "$(id)" };
      },
      /^config: tags\.a: tag values may hold/,
    ],
    [
      "oidc group",
      (c) => {
        c.source.krci.oidcGroups = ["a\nb"];
      },
      /source\.krci\.oidcGroups\[0\]/,
    ],
    [
      "capsule group",
      (c) => {
        c.targets[1].capsule.group = "g;id";
      },
      /targets\[1\]\.capsule\.group/,
    ],
    [
      "permissions boundary",
      (c) => {
        c.permissionsBoundary = "arn:aws:iam::111111111111:policy/x$(id)";
      },
      /permissionsBoundary/,
    ],
    [
      "namespace pattern",
      (c) => {
        c.targets[0].namespaces = "a b*";
      },
      /targets\[0\]\.namespaces/,
    ],
    [
      "service account",
      (c) => {
        c.source.argocd.serviceAccounts = ["x'y"];
      },
      /serviceAccounts\[0\]/,
    ],
    [
      "issuer",
      (c) => {
        c.source.oidcIssuer = "https://oidc.example.com/id/X$(id)";
      },
      /oidcIssuer/,
    ],
    [
      "cluster",
      (c) => {
        c.targets[0].cluster = "c$(id)";
      },
      /targets\[0\]\.cluster/,
    ],
    [
      "region",
      (c) => {
        c.targets[0].region = "eu-west-1;id";
      },
      /targets\[0\]\.region/,
    ],
  ];
  for (const [name, edit, message] of cases) {
    it(name, () => {
      const c = JSON.parse(JSON.stringify(base));
      edit(c);
      expect(() => parseConfig(c)).toThrow(message);
    });
  }

  it("accepts the usual context names and endpoints", () => {
    const c = JSON.parse(JSON.stringify(base));
    c.source.kubeContext = "arn:aws:eks:eu-central-1:111111111111:cluster/krci-main";
    c.targets[0].kubeContext = "admin@prod.example.com";
    c.targets[0].endpoint = "https://127.0.0.1:6443";
    c.targets[1].endpoint = "https://[::1]:6443";
    expect(() => parseConfig(c)).not.toThrow();
  });
});
