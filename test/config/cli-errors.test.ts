/**
 * Bad input through the CLI: every fault is one line on stderr naming the field path (and the fix), exit 2,
 * and nothing is written (not the --out directory, not a temporary directory beside it).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, root, xirsa } from "./run-cli.js";

const base = readFileSync(join(root, "examples/xirsa.yaml"), "utf8");
const tmp = mkdtempSync(join(tmpdir(), "xirsa-cfg-"));
beforeAll(ensureBuilt);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function replaced(from: string | RegExp, to: string): string {
  const out = base.replace(from, to);
  if (out === base) throw new Error(`fixture: ${from} not found in examples/xirsa.yaml`);
  return out;
}

const extraTarget = (name: string, cluster: string) =>
  `${base}  - name: ${name}\n    accountId: "333333333333"\n    region: eu-west-1\n    cluster: ${cluster}\n    endpoint: https://other.example.com\n`;

const CASES: { what: string; yaml: string; line: RegExp }[] = [
  {
    what: "malformed YAML",
    yaml: "name: [dev\nsource: {}\n",
    line: /invalid YAML at line \d+, column \d+: .*; fix the YAML syntax/,
  },
  {
    what: "a duplicate key",
    yaml: `${base}name: again\n`,
    line: /invalid YAML at line \d+, column \d+: Map keys must be unique/,
  },
  { what: "not a mapping", yaml: "- a\n- b\n", line: /expected a mapping with name, source and targets/ },
  {
    what: "an account id as a number (wrong type)",
    yaml: replaced('accountId: "222222222222"', "accountId: 222222222222"),
    line: /targets\[0\]\.accountId: expected a 12-digit AWS account id in quotes/,
  },
  {
    what: "targets as a string (wrong type)",
    yaml: `${base.slice(0, base.indexOf("targets:"))}targets: prod\n`,
    line: /targets: expected a list, got a string/,
  },
  {
    what: "a missing field",
    yaml: replaced(/ {2}cluster: krci-main\n/, ""),
    line: /source\.cluster: missing; expected an EKS cluster name/,
  },
  {
    what: "an unknown top-level field",
    yaml: `${base}colour: blue\n`,
    line: /unknown field 'colour'; remove it or check the spelling/,
  },
  {
    what: "an unknown nested field",
    yaml: replaced("    access: cluster-admin", "    access: cluster-admin\n    acess: namespaced"),
    line: /targets\[0\]: unknown field 'acess'/,
  },
  {
    what: "an 11-digit account id",
    yaml: replaced('accountId: "111111111111"', 'accountId: "11111111111"'),
    line: /source\.accountId: expected a 12-digit AWS account id/,
  },
  {
    what: "an account id with letters",
    yaml: replaced('accountId: "222222222222"', 'accountId: "22222222222x"'),
    line: /targets\[0\]\.accountId: expected a 12-digit AWS account id/,
  },
  {
    what: "a region name",
    yaml: replaced("region: eu-west-1", "region: Ireland"),
    line: /targets\[0\]\.region: expected an AWS region/,
  },
  {
    what: "a region without number",
    yaml: replaced("region: eu-central-1", "region: eu-central"),
    line: /source\.region: expected an AWS region/,
  },
  {
    what: "an http issuer",
    yaml: replaced("oidcIssuer: https://", "oidcIssuer: http://"),
    line: /source\.oidcIssuer: the issuer URL must start with https:\/\//,
  },
  {
    what: "an issuer with a trailing slash",
    yaml: replaced("5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F\n", "5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F/\n"),
    line: /source\.oidcIssuer: remove the trailing slash/,
  },
  {
    what: "an issuer without /id/",
    yaml: replaced("amazonaws.com/id/5C1E", "amazonaws.com/5C1E"),
    line: /source\.oidcIssuer: expected https:\/\/oidc\.eks\.<region>\.amazonaws\.com\/id\/<ID>/,
  },
  {
    what: "an issuer of another region",
    yaml: replaced("oidc.eks.eu-central-1", "oidc.eks.eu-west-1"),
    line: /source\.oidcIssuer: the issuer is in region eu-west-1 but source\.region is eu-central-1/,
  },
  {
    what: "a duplicate target name",
    yaml: extraTarget("prod", "other"),
    line: /targets\[1\]\.name: duplicate target name 'prod'/,
  },
  {
    what: "the same cluster twice",
    yaml: `${base}  - name: again\n    accountId: "222222222222"\n    region: eu-west-1\n    cluster: workloads-prod\n    endpoint: https://x.example.com\n`,
    line: /targets\[1\]\.cluster: cluster workloads-prod in 222222222222 eu-west-1 is listed twice/,
  },
  {
    what: "a target name with capitals",
    yaml: replaced("  - name: prod", "  - name: Prod"),
    line: /targets\[0\]\.name: expected a Kubernetes name/,
  },
  {
    what: "a namespace with an underscore",
    yaml: replaced("  cluster: krci-main\n", "  cluster: krci-main\n  krci:\n    namespace: krci_ns\n"),
    line: /source\.krci\.namespace: expected a Kubernetes name/,
  },
  {
    what: "a 64-character target name",
    yaml: replaced("  - name: prod", `  - name: ${"a".repeat(64)}`),
    line: /targets\[0\]\.name: must be at most 63 characters/,
  },
  {
    what: "a 64-character namespace pattern",
    yaml: replaced("namespaces: krci-*", `namespaces: ${"k".repeat(63)}*`),
    line: /targets\[0\]\.namespaces: a namespace pattern is at most 63 characters/,
  },
  {
    what: "an access mode that does not exist",
    yaml: replaced("access: cluster-admin", "access: admin"),
    line: /targets\[0\]\.access: expected 'cluster-admin' or 'namespaced'/,
  },
  {
    what: "an endpoint with a path",
    yaml: replaced(".eks.amazonaws.com\n", ".eks.amazonaws.com/\n"),
    line: /targets\[0\]\.endpoint: expected the cluster API endpoint as https:\/\/<host>/,
  },
  {
    what: "no issuer and no endpoint (needed offline)",
    yaml: base.replace(/ {2}oidcIssuer: .*\n/, "").replace(/ {4}endpoint: .*\n/, ""),
    line: /missing source\.oidcIssuer, targets\[0\]\.endpoint \(needed offline\); copy them from `aws eks describe-cluster`/,
  },
];

describe("xirsa render with a bad xirsa.yaml: one line, exit 2, nothing written", () => {
  CASES.forEach((c, i) => {
    it(c.what, () => {
      const work = join(tmp, `case-${i}`);
      mkdirSync(work);
      writeFileSync(join(work, "xirsa.yaml"), c.yaml);
      const r = xirsa(["render", "--config", "xirsa.yaml", "--out", "bundle"], work);
      expect(r.stdout).toBe("");
      expect(r.stderr.endsWith("\n")).toBe(true);
      expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^xirsa render: /);
      expect(r.stderr).toMatch(c.line);
      expect(r.status).toBe(2);
      expect(readdirSync(work)).toEqual(["xirsa.yaml"]);
    });
  });
});

describe("bad flags and files", () => {
  const cases: { what: string; args: string[]; line: RegExp }[] = [
    {
      what: "a config that does not exist",
      args: ["--config", "nope.yaml", "--out", "b"],
      line: /cannot read config .*nope\.yaml: no such file/,
    },
    { what: "no --config", args: ["--out", "b"], line: /render: --config is required/ },
    { what: "no --out", args: ["--config", "examples/xirsa.yaml"], line: /render: --out is required/ },
    {
      what: "an unknown part in --only",
      args: ["--config", "examples/xirsa.yaml", "--out", "b", "--only", "aws,tf"],
      line: /render: --only has unknown part 'tf'; list some of aws,terraform,kubernetes,helm,scripts/,
    },
    {
      what: "an unknown flag",
      args: ["--config", "examples/xirsa.yaml", "--out", "b", "--forse"],
      line: /render: Unknown option '--forse'/,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const work = mkdtempSync(join(tmp, "flags-"));
      const args = c.args.map((a) => (a.startsWith("examples/") ? join(root, a) : a));
      const r = xirsa(["render", ...args], work);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(c.line);
      expect(r.status).toBe(2);
      expect(readdirSync(work)).toEqual([]);
    });
  }
});
