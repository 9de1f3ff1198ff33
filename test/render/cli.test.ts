/** `xirsa render` end to end through the built binary, and the writer's never-half-written guarantee. */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
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

  it("refuses to replace a directory that is not a bundle (exit 2) and leaves it as it was", () => {
    const out = join(tmp, "foreign");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "mine");
    const r = xirsa(["render", "--config", example, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /exists and is not a xirsa bundle \(no MANIFEST\.json\); refusing to replace it; choose a new directory/,
    );
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });

  it("a MANIFEST.json alone does not make a bundle: not xirsa's, or with files it does not list", () => {
    const fake = join(tmp, "fake-manifest");
    mkdirSync(join(fake, ".git"), { recursive: true });
    writeFileSync(join(fake, "MANIFEST.json"), '{"name":"something else"}');
    writeFileSync(join(fake, ".git/HEAD"), "ref: refs/heads/main\n");
    const r1 = xirsa(["render", "--config", example, "--out", fake]);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/MANIFEST\.json is not a xirsa bundle manifest \(xirsa\.bundle\/v1\)/);
    expect(readFileSync(join(fake, ".git/HEAD"), "utf8")).toBe("ref: refs/heads/main\n");

    for (const extra of ["notes.md", ".git/HEAD", "aws/111111111111/README"]) {
      const out = join(tmp, `extra-${extra.replaceAll("/", "_")}`);
      expect(xirsa(["render", "--config", example, "--out", out]).status).toBe(0);
      mkdirSync(join(out, extra, ".."), { recursive: true });
      writeFileSync(join(out, extra), "mine");
      const r = xirsa(["render", "--config", example, "--out", out]);
      expect(r.status, extra).toBe(2);
      const shown = extra.startsWith(".git") ? ".git/" : extra;
      expect(r.stderr).toContain(
        `holds ${shown}, which is not part of the bundle; refusing to replace the directory`,
      );
      expect(readFileSync(join(out, extra), "utf8")).toBe("mine");
    }
  });

  it("refuses an --out that holds the --config it reads (exit 2), whatever else is there", () => {
    for (const kind of ["new", "bundle"]) {
      const out = join(tmp, `holds-config-${kind}`);
      if (kind === "bundle") expect(xirsa(["render", "--config", example, "--out", out]).status).toBe(0);
      mkdirSync(out, { recursive: true });
      const cfg = join(out, "xirsa.yaml");
      writeFileSync(cfg, readFileSync(example, "utf8"));
      const r = xirsa(["render", "--config", cfg, "--out", out]);
      expect(r.status, kind).toBe(2);
      expect(r.stderr).toMatch(/--out .* contains .*xirsa\.yaml, which this command reads/);
      expect(readFileSync(cfg, "utf8")).toBe(readFileSync(example, "utf8"));
    }
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
  it("after a kill between the two renames, the next run puts the old bundle back and cleans up", async () => {
    const parent = mkdtempSync(join(tmp, "crash-"));
    const out = join(parent, "out");
    const good = renderBundle(loadConfig(example));
    await writeBundle(out, good);
    // What a kill leaves: the old bundle aside, a new one half-written, nothing at --out.
    mkdirSync(join(parent, ".out.old-abc123"));
    renameSync(out, join(parent, ".out.old-abc123/bundle"));
    mkdirSync(join(parent, ".out.tmp-def456/bundle/aws"), { recursive: true });
    // The next run fails while writing: the old bundle must be back at --out, and no leftover remain.
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
    // And a run that succeeds after a kill before the first rename: the new bundle, no leftovers.
    mkdirSync(join(parent, ".out.tmp-ghi789/bundle"), { recursive: true });
    await writeBundle(out, renderBundle(loadConfig(multi)));
    expect(readdirSync(parent)).toEqual(["out"]);
    expect(existsSync(join(out, "aws/333333333333"))).toBe(true);
  });

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
