/** `xirsa render` end to end through the built binary, and the writer's never-half-written guarantee. */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { OperationError } from "../../src/errors.js";
import { renderBundle } from "../../src/render/bundle.js";
import { writeBundle } from "../../src/render/write.js";
import { ensureBuilt, root, xirsa } from "../config/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "xirsa-cli-"));
beforeAll(ensureBuilt);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const example = join(root, "examples/xirsa.yaml");
const multi = join(root, "examples/multi-target.yaml");

function tree(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tree(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)],
  );
}

describe("xirsa render", () => {
  it("writes the bundle renderBundle describes, with a MANIFEST of sha256s, scripts executable", () => {
    const out = join(tmp, "full");
    const r = xirsa(["render", "--config", example, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `wrote 29 files to ${out} (aws, terraform, kubernetes, helm, scripts and MANIFEST.json)\n`,
    );
    const expected = renderBundle(loadConfig(example));
    expect(tree(out).sort()).toEqual([...expected.keys()].sort());
    for (const [p, text] of expected) expect(readFileSync(join(out, p), "utf8"), p).toBe(text);
    const manifest = JSON.parse(readFileSync(join(out, "MANIFEST.json"), "utf8"));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(
      tree(out)
        .filter((p) => p !== "MANIFEST.json")
        .sort(),
    );
    for (const f of manifest.files as { path: string; sha256: string }[]) {
      expect(
        createHash("sha256")
          .update(readFileSync(join(out, f.path)))
          .digest("hex"),
        f.path,
      ).toBe(f.sha256);
    }
    expect(statSync(join(out, "scripts/01-aws-111111111111.sh")).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, "MANIFEST.json")).mode & 0o777).toBe(0o644);
    expect(readdirSync(tmp).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("--only writes those parts and MANIFEST.json; --output json lists them", () => {
    const out = join(tmp, "only");
    const r = xirsa([
      "render",
      "--config",
      example,
      "--out",
      out,
      "--only",
      "kubernetes,helm",
      "--output",
      "json",
    ]);
    expect(r.status).toBe(0);
    const files = tree(out).sort();
    expect(
      files.every((p) => p === "MANIFEST.json" || p.startsWith("kubernetes/") || p.startsWith("helm/")),
    ).toBe(true);
    expect(files.some((p) => p.startsWith("helm/"))).toBe(true);
    expect(JSON.parse(r.stdout)).toEqual({ out, files });
    expect(JSON.parse(readFileSync(join(out, "MANIFEST.json"), "utf8")).parts).toEqual([
      "kubernetes",
      "helm",
    ]);
  });

  it("--only scripts without aws/kubernetes warns that the scripts read those files", () => {
    const r = xirsa(["render", "--config", example, "--out", join(tmp, "only-scripts"), "--only", "scripts"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      "xirsa render: warning: scripts/ read the policy documents and manifests from aws/ and kubernetes/: render those too\n",
    );
  });

  it("a target without caData renders, with a one-line warning", () => {
    const cfg = join(tmp, "no-ca.yaml");
    writeFileSync(cfg, readFileSync(example, "utf8").replace(/ {4}caData: .*\n/, ""));
    const out = join(tmp, "no-ca");
    const r = xirsa(["render", "--config", cfg, "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      "xirsa render: warning: targets[0] (prod) has no caData: its cluster Secrets cannot verify TLS until it is set (certificateAuthority.data of aws eks describe-cluster)\n",
    );
    expect(readFileSync(join(out, "kubernetes/krci-main/cluster-secrets.yaml"), "utf8")).toContain(
      '"tlsClientConfig":{"insecure":false}',
    );
  });

  it("replaces a previous bundle as a whole (no stale files)", () => {
    const out = join(tmp, "replace");
    expect(xirsa(["render", "--config", multi, "--out", out]).status).toBe(0);
    expect(existsSync(join(out, "aws/333333333333"))).toBe(true);
    expect(xirsa(["render", "--config", example, "--out", out]).status).toBe(0);
    expect(existsSync(join(out, "aws/333333333333"))).toBe(false);
    expect(tree(out).sort()).toEqual([...renderBundle(loadConfig(example)).keys()].sort());
    expect(readdirSync(tmp).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("a bad config leaves the previous bundle untouched", () => {
    const out = join(tmp, "keep");
    expect(xirsa(["render", "--config", example, "--out", out]).status).toBe(0);
    const before = readFileSync(join(out, "MANIFEST.json"), "utf8");
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "name: [\n");
    expect(xirsa(["render", "--config", bad, "--out", out]).status).toBe(2);
    expect(readFileSync(join(out, "MANIFEST.json"), "utf8")).toBe(before);
  });

  it("refuses to replace a directory that is not a bundle (exit 1) and leaves it as it was", () => {
    const out = join(tmp, "foreign");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "mine");
    const r = xirsa(["render", "--config", example, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /exists and is not a xirsa bundle \(no MANIFEST\.json\); refusing to replace it; choose a new directory/,
    );
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });

  it("--help describes the layout and the flags", () => {
    const r = xirsa(["render", "--help"]);
    expect(r.status).toBe(0);
    for (const s of [
      "--config",
      "--out",
      "--only",
      "trust-policy.json",
      "access-entries.json",
      "MANIFEST.json",
    ]) {
      expect(r.stdout).toContain(s);
    }
  });
});

describe("writeBundle never leaves a half-written bundle", () => {
  it("a failure part-way removes the temporary directory and creates nothing", async () => {
    const parent = mkdtempSync(join(tmp, "half-"));
    // "a" as a file and "a/b" as a file cannot both exist: the second write fails after the first succeeded.
    const files = new Map([
      ["MANIFEST.json", "{}\n"],
      ["a", "x\n"],
      ["a/b", "y\n"],
    ]);
    await expect(writeBundle(join(parent, "out"), files)).rejects.toBeInstanceOf(OperationError);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("the same failure over an existing bundle keeps it", async () => {
    const parent = mkdtempSync(join(tmp, "half-keep-"));
    const out = join(parent, "out");
    const good = renderBundle(loadConfig(example));
    await writeBundle(out, good);
    await expect(
      writeBundle(
        out,
        new Map([
          ["a", "x"],
          ["a/b", "y"],
        ]),
      ),
    ).rejects.toBeInstanceOf(OperationError);
    expect(readdirSync(parent)).toEqual(["out"]);
    expect(tree(out).sort()).toEqual([...good.keys()].sort());
  });
});
