/**
 * `xirsa verify` through the built CLI (node bin/xirsa.js, after npm run build): exit codes, the JSON contract,
 * SARIF 2.1.0 structure and locations, the table with and without colour, bad input as one line with exit 2.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/command.js";
import verifyCommand from "../../src/cli/commands/verify.js";
import { CATALOGUE } from "../../src/verify/index.js";
import { formatTable } from "../../src/verify/output/table.js";
import { HOP_IDS } from "../../src/verify/types.js";
import { ROOT, tempDir } from "../helpers.js";
import { editJson, removeDir, renderExample, writeFiles, xirsaAsync } from "./fixtures.js";

const work = tempDir("xirsa-verify-cli-");
const bundles: Record<string, string> = {};

beforeAll(async () => {
  for (const example of ["xirsa", "multi-target"]) {
    const out = join(work, example);
    const r = await xirsaAsync(["render", "--config", `examples/${example}.yaml`, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    bundles[example] = out;
  }
});
afterAll(() => removeDir(work));

describe("xirsa verify: good inputs exit 0", () => {
  for (const example of ["xirsa", "multi-target"]) {
    it.concurrent(`--config examples/${example}.yaml and --from its rendered bundle`, async () => {
      const a = await xirsaAsync(["verify", "--config", `examples/${example}.yaml`]);
      expect(a.stderr).toBe("");
      expect(a.code).toBe(0);
      expect(a.stdout).toMatch(/chains proven; 0 errors/);
      const b = await xirsaAsync(["verify", "--from", bundles[example]!, "--output", "json"]);
      expect(b.code, b.stderr).toBe(0);
      const json = JSON.parse(b.stdout);
      expect(json.ok).toBe(true);
      expect(json.chains.length).toBe(example === "xirsa" ? 2 : 4);
    });
  }
});

describe("xirsa verify --output json", () => {
  it("is exactly the contract (extra fields only where allowed)", async () => {
    const r = await xirsaAsync(["verify", "--config", "examples/multi-target.yaml", "--output", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(["ok", "chains", "findings"]);
    expect(typeof json.ok).toBe("boolean");
    for (const c of json.chains) {
      expect(Object.keys(c)).toEqual(["id", "kind", "target", "ok", "hops"]);
      expect(["cd-pipeline-operator", "argocd"]).toContain(c.kind);
      expect(c.id).toBe(`${c.target}/${c.kind}`);
      // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
      expect(c.hops.map((h: any) => h.id)).toEqual([...HOP_IDS]);
      for (const h of c.hops) {
        expect(Object.keys(h).slice(0, 4)).toEqual(["id", "ok", "reason", "detail"]);
        expect(typeof h.ok).toBe("boolean");
        expect(typeof h.reason).toBe("string");
        expect(typeof h.detail).toBe("object");
        for (const extra of Object.keys(h).slice(4)) expect(["fix", "codes", "blockedBy"]).toContain(extra);
        expect(typeof h.detail.kind).toBe("string");
      }
    }
    expect(json.findings.length).toBeGreaterThan(0);
    for (const f of json.findings) {
      expect(Object.keys(f).slice(0, 5)).toEqual(["code", "severity", "message", "resource", "remediation"]);
      for (const extra of Object.keys(f).slice(5)) expect(["chain", "hop", "location"]).toContain(extra);
      expect(["error", "warning", "info"]).toContain(f.severity);
    }
  });

  it("a broken chain: ok false, the failed hop with reason and fix, exit 1", async () => {
    const files = renderExample("xirsa");
    editJson(files, /AWSIRSA_dev_CDPipelineAgent\/trust-policy\.json$/, (d) => {
      d.Statement[0].Principal.AWS = "arn:aws:iam::111111111111:role/AWSIRSA_dev_ArgoCDMaster";
    });
    const dir = writeFiles(files, join(work, "broken"));
    const r = await xirsaAsync(["verify", "--from", dir, "--output", "json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(false);
    const op = json.chains.find((c: { id: string }) => c.id === "prod/cd-pipeline-operator");
    expect(op.ok).toBe(false);
    const hop = op.hops.find((h: { id: string }) => h.id === "assume-role");
    expect(hop.ok).toBe(false);
    expect(hop.reason).toMatch(/target role's trust policy refuses/);
    expect(hop.fix).toMatch(
      /trust Principal.AWS = arn:aws:iam::111111111111:role\/AWSIRSA_dev_CDPipelineOperator/,
    );
    expect(hop.detail.decision.decision).toBe("ImplicitlyDenied");
    expect(json.chains.find((c: { id: string }) => c.id === "prod/argocd").ok).toBe(true);
  });
});

describe("xirsa verify --output sarif", () => {
  // biome-ignore lint/suspicious/noExplicitAny: parsed SARIF
  function expectSarif(sarif: any): void {
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe("xirsa");
    // biome-ignore lint/suspicious/noExplicitAny: parsed SARIF
    const ids = driver.rules.map((r: any) => r.id);
    expect(ids).toEqual(CATALOGUE.map((e) => e.code));
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text).toBeTruthy();
      expect(rule.fullDescription.text).toBeTruthy();
      expect(["error", "warning", "note"]).toContain(rule.defaultConfiguration.level);
    }
    for (const res of sarif.runs[0].results) {
      expect(ids).toContain(res.ruleId);
      expect(driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(["error", "warning", "note"]).toContain(res.level);
      expect(res.message.text).toBeTruthy();
      expect(res.locations).toHaveLength(1);
      const phys = res.locations[0].physicalLocation;
      expect(existsSync(join(ROOT, phys.artifactLocation.uri)), phys.artifactLocation.uri).toBe(true);
      expect(phys.region.startLine).toBeGreaterThanOrEqual(1);
      expect(res.locations[0].logicalLocations[0].fullyQualifiedName).toBeTruthy();
    }
  }

  it("--from: results located in the edited bundle file, at the edited line", async () => {
    const files = renderExample("xirsa");
    editJson(files, /AWSIRSA_dev_CDPipelineOperator\/trust-policy\.json$/, (d) => {
      const c = d.Statement[0].Condition.StringEquals;
      for (const k of Object.keys(c)) if (k.endsWith(":aud")) c[k] = "sts.amazon.com";
    });
    const dir = writeFiles(files, join(work, "sarif"));
    const r = await xirsaAsync(["verify", "--from", dir, "--output", "sarif"]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expectSarif(sarif);
    // biome-ignore lint/suspicious/noExplicitAny: parsed SARIF
    const aud = sarif.runs[0].results.find((x: any) => x.ruleId === "XIRSA-TRUST-AUD-VALUE");
    expect(aud.level).toBe("error");
    const loc = aud.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toMatch(/roles\/AWSIRSA_dev_CDPipelineOperator\/trust-policy\.json$/);
    const lines = readFileSync(join(ROOT, loc.artifactLocation.uri), "utf8").split("\n");
    expect(lines[loc.region.startLine - 1]).toContain(":aud");
    // A Kubernetes finding points at its manifest.
    // biome-ignore lint/suspicious/noExplicitAny: parsed SARIF
    const warn = sarif.runs[0].results.find((x: any) => x.ruleId === "XIRSA-EKS-CLUSTER-ADMIN");
    expect(warn.locations[0].physicalLocation.artifactLocation.uri).toMatch(/access-entries\.json$/);
  });

  it("--config: results located in the config file", async () => {
    const r = await xirsaAsync(["verify", "--config", "examples/multi-target.yaml", "--output", "sarif"]);
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout);
    expectSarif(sarif);
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    for (const res of sarif.runs[0].results) {
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe("examples/multi-target.yaml");
    }
  });
});

class Sink extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function fakeIo(tty: boolean, env: NodeJS.ProcessEnv): Io & { stdout: Sink } {
  return { stdout: new Sink(tty), stderr: new Sink(false), stdin: process.stdin, env, cwd: ROOT };
}

describe("xirsa verify --output table", () => {
  it("colours on a terminal, not with NO_COLOR, not when piped", async () => {
    const tty = fakeIo(true, {});
    expect(await verifyCommand.run(["--config", "examples/xirsa.yaml"], tty)).toBe(0);
    expect(tty.stdout.text).toContain("\u001b[32m✓\u001b[0m");

    const noColor = fakeIo(true, { NO_COLOR: "1" });
    await verifyCommand.run(["--config", "examples/xirsa.yaml"], noColor);
    expect(noColor.stdout.text).not.toContain("\u001b[");
    expect(noColor.stdout.text).toContain("✓ service-account");

    const piped = await xirsaAsync(["verify", "--config", "examples/xirsa.yaml"], { NO_COLOR: "1" });
    expect(piped.stdout).not.toContain("\u001b[");
  });

  it("one hop per entry with ✓/✗/–, the reason, the fix and (--from) the bundle file and line", async () => {
    const files = renderExample("xirsa");
    editJson(files, /workloads-prod\/access-entries\.json$/, (d) => d.slice(1));
    const dir = writeFiles(files, join(work, "table"));
    const r = await xirsaAsync(["verify", "--from", dir], { NO_COLOR: "1" });
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    // Within 120 columns (code points: ✓ and … are one column each).
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(120);
    const hop = lines.flatMap((l, i) => (/^ {2}[✓✗] cluster-access /.test(l) ? [i] : []));
    expect(hop).toHaveLength(2);
    // The broken one: the reason names the role, not its ARN; the fix (a command to copy) keeps the ARN.
    const broken = lines.slice(
      hop[0]!,
      lines.findIndex((l, i) => i > hop[0]! && /^ {2}\S/.test(l)),
    );
    expect(broken[0]).toMatch(
      /^ {2}✗ cluster-access +cluster workloads-prod has no access entry for AWSIRSA_dev_/,
    );
    expect(broken[0]).not.toContain("arn:aws:iam::");
    expect(broken.join(" ")).toMatch(
      / fix: aws eks create-access-entry .*--principal-arn +arn:aws:iam::222222222222:role\//,
    );
    // The location is the last entry under the hop (a long path is cut over lines at its slashes).
    const at = broken.findIndex((l) => /^ {28}at /.test(l));
    expect(at).toBeGreaterThan(0);
    expect(
      broken
        .slice(at)
        .map((l) => l.trim())
        .join(""),
    ).toMatch(/^at .*table\/aws\/222222222222\/eks\/workloads-prod\/access-entries\.json:\d+$/);
    expect(lines[hop[1]!]).toMatch(/^ {2}✓ cluster-access /);
    // The permissions hop after the missing entry is neutral and names the root cause.
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}– kubernetes-permissions +not checked because cluster-access failed$/),
    );
    expect(lines.filter((l) => /^ {2}[✓✗–] /.test(l))).toHaveLength(12);
    expect(r.stdout).toMatch(/1 of 2 chains proven/);
  });

  it("-v adds each hop's evidence; without it there is none", async () => {
    const plain = await xirsaAsync(["verify", "--config", "examples/xirsa.yaml"], { NO_COLOR: "1" });
    const verbose = await xirsaAsync(["verify", "--config", "examples/xirsa.yaml", "-v"], { NO_COLOR: "1" });
    expect(verbose.code, verbose.stderr).toBe(0);
    const evidence = /^ {28}principalArn: arn:aws:iam::222222222222:role\/AWSIRSA_dev_CDPipelineAgent$/m;
    expect(verbose.stdout).toMatch(evidence);
    expect(verbose.stdout).toMatch(
      /^ {28}decision\.allowedBy\[0\]\.policy: inline:xirsa-assume-agent-roles$/m,
    );
    expect(plain.stdout).not.toMatch(evidence);
    for (const l of verbose.stdout.split("\n")) expect([...l].length, l).toBeLessThanOrEqual(120);
    const long = await xirsaAsync(["verify", "--config", "examples/xirsa.yaml", "--verbose"], {
      NO_COLOR: "1",
    });
    expect(long.stdout).toBe(verbose.stdout);
  });

  it("formatTable paints only when asked", () => {
    const result = {
      ok: false,
      chains: [
        {
          id: "t/argocd",
          kind: "argocd" as const,
          target: "t",
          ok: false,
          hops: [
            {
              id: "registration" as const,
              ok: false,
              reason: "r",
              fix: "f",
              detail: { kind: "registration" as const, endpoint: null, roleArn: "x", objects: [] },
            },
          ],
        },
      ],
      findings: [],
    };
    expect(formatTable(result)).toBe(
      "✗ t/argocd (argocd → t)\n  ✗ registration  r\n                  fix: f\n\n0 of 1 chain proven; 0 errors, 0 warnings, 0 info\n",
    );
    expect(formatTable(result, { color: true })).toContain("\u001b[31m✗\u001b[0m");
  });
});

describe("xirsa verify: bad input is one line and exit 2", () => {
  const noIssuer = join(work, "no-issuer.yaml");
  const badBundle = join(work, "bad-bundle");
  beforeAll(() => {
    writeFileSync(
      noIssuer,
      readFileSync(join(ROOT, "examples/xirsa.yaml"), "utf8").replace(/^ {2}oidcIssuer: .*$/m, ""),
    );
    const files = renderExample("xirsa");
    const trust = [...files.keys()].find((p) => p.endsWith("CDPipelineOperator/trust-policy.json"))!;
    files.set(trust, "{ not json");
    writeFiles(files, badBundle);
  });

  const cases: [string, string[], RegExp][] = [
    ["no source", [], /exactly one of --config .* or --from/],
    ["both sources", ["--config", "examples/xirsa.yaml", "--from", "x"], /exactly one of/],
    [
      "unknown output",
      ["--config", "examples/xirsa.yaml", "--output", "xml"],
      /--output must be one of table, json, sarif, html/,
    ],
    [
      "html without --out",
      ["--config", "examples/xirsa.yaml", "--output", "html"],
      /--output html needs --out/,
    ],
    ["unknown flag", ["--config", "examples/xirsa.yaml", "--frobnicate"], /--frobnicate/],
    ["--live with a bundle", ["--from", "examples", "--live"], /--live needs --config/],
    ["missing config", ["--config", "nope.yaml"], /cannot read config .*nope\.yaml: no such file/],
    ["config without the issuer", ["--config", noIssuer], /missing source\.oidcIssuer/],
    ["no such bundle", ["--from", "does-not-exist"], /no such directory/],
    ["invalid JSON in the bundle", ["--from", badBundle], /trust-policy\.json: invalid JSON/],
  ];
  for (const [name, args, message] of cases) {
    it.concurrent(name, async () => {
      const r = await xirsaAsync(["verify", ...args.map((a) => (a === noIssuer || a === badBundle ? a : a))]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^xirsa verify: [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
    });
  }
});

describe("xirsa verify --output html", () => {
  it("writes the report", async () => {
    const out = join(work, "report.html");
    const r = await xirsaAsync([
      "verify",
      "--config",
      "examples/multi-target.yaml",
      "--output",
      "html",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toMatch(/<html/i);
    expect(html).toContain("prod/argocd");
    // The title names the stack, the time and xirsa's version (from package.json).
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    expect(html).toMatch(
      new RegExp(
        `<title>✓ xirsa verify report: stack platform — \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(xirsa ${version.replace(/\./g, "\\.")}\\)</title>`,
      ),
    );
    // Offline there is no caller to name.
    expect(html).not.toContain("<dt>Caller</dt>");
  });
});
