/**
 * Outputs never overwrite inputs (issue 11 item 11): verify --output html, render --only … --out, sandbox
 * token/kubeconfig --out refuse an existing file unless --force, and always refuse the file they read.
 */
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir, xirsa } from "../helpers.js";
import { type E2ESandbox, sandboxConfigText, startE2ESandbox } from "../live/sandbox.js";

describe("--out never replaces an input, nor an existing file without --force", () => {
  const dir = tempDir("xirsa-outputs-");
  const config = join(dir, "xirsa.yaml");
  const original = readFileSync(join(ROOT, "examples/xirsa.yaml"), "utf8");
  writeFileSync(config, original);

  it("verify --output html --out <its config>: refused even with --force; a hard link too", () => {
    const alias = join(dir, "alias.yaml");
    linkSync(config, alias);
    for (const out of [config, alias]) {
      const r = xirsa(["verify", "--config", config, "--output", "html", "--out", out, "--force"]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/this command reads; refusing to overwrite it/);
    }
    expect(readFileSync(config, "utf8")).toBe(original);
  });

  it("verify --from: a file of the bundle is refused", () => {
    const bundle = join(dir, "bundle");
    expect(xirsa(["render", "--config", config, "--out", bundle]).code).toBe(0);
    const manifest = join(bundle, "MANIFEST.json");
    const before = readFileSync(manifest, "utf8");
    const r = xirsa(["verify", "--from", bundle, "--output", "html", "--out", manifest, "--force"]);
    expect(r.code).toBe(2);
    expect(readFileSync(manifest, "utf8")).toBe(before);
  });

  it("an existing report: refused without --force, replaced with it", () => {
    const report = join(dir, "report.html");
    writeFileSync(report, "mine");
    const r = xirsa(["verify", "--config", config, "--output", "html", "--out", report]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists; pass --force to overwrite it/);
    expect(readFileSync(report, "utf8")).toBe("mine");
    const forced = xirsa(["verify", "--config", config, "--output", "html", "--out", report, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(report, "utf8")).toMatch(/^<!DOCTYPE html>/i);
  });

  it("render --only verifier-policy --out: its config refused, an existing file needs --force", () => {
    const r = xirsa(["render", "--config", config, "--only", "verifier-policy", "--out", config, "--force"]);
    expect(r.code).toBe(2);
    expect(readFileSync(config, "utf8")).toBe(original);
    const out = join(dir, "policy.json");
    writeFileSync(out, "mine");
    expect(xirsa(["render", "--config", config, "--only", "verifier-policy", "--out", out]).code).toBe(2);
    expect(readFileSync(out, "utf8")).toBe("mine");
    expect(
      xirsa(["render", "--config", config, "--only", "verifier-policy", "--out", out, "--force"]).code,
    ).toBe(0);
  });
});

describe("sandbox token/kubeconfig --out: never a file of the sandbox, an existing file only with --force", () => {
  let sb: E2ESandbox;
  beforeAll(() => {
    sb = startE2ESandbox(sandboxConfigText(), []);
  }, 120_000);
  afterAll(() => sb?.stop());
  const token = (out: string, ...extra: string[]) =>
    sb.xirsa([
      "sandbox",
      "token",
      "--state-dir",
      sb.dir,
      "--cluster",
      "krci-main",
      "--namespace",
      "argocd",
      "--service-account",
      "argocd-server",
      "--out",
      out,
      ...extra,
    ]);
  const kubeconfig = (out: string, ...extra: string[]) =>
    sb.xirsa([
      "sandbox",
      "kubeconfig",
      "--state-dir",
      sb.dir,
      "--cluster",
      "krci-main",
      "--out",
      out,
      ...extra,
    ]);

  it("token --out: an existing file is refused, then replaced with --force (mode 0600, a bare JWT)", () => {
    const file = join(sb.dir, "..", `${basename(sb.dir)}-token`);
    writeFileSync(file, "mine");
    const r = token(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists; pass --force to overwrite it/);
    expect(readFileSync(file, "utf8")).toBe("mine");
    const forced = token(file, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    rmSync(file);
  });

  it("token and kubeconfig --out a file of the sandbox (its env.sh, its CA): refused even with --force", () => {
    for (const name of ["env.sh", "ca.pem"]) {
      const file = join(sb.dir, name);
      const before = readFileSync(file, "utf8");
      for (const r of [token(file, "--force"), kubeconfig(file, "--force")]) {
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
      }
      expect(readFileSync(file, "utf8")).toBe(before);
    }
  });

  it("kubeconfig --out: an existing file is refused, then replaced with --force", () => {
    const file = join(sb.dir, "..", `${basename(sb.dir)}-kubeconfig`);
    writeFileSync(file, "mine");
    const r = kubeconfig(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
    expect(readFileSync(file, "utf8")).toBe("mine");
    const forced = kubeconfig(file, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toMatch(/^apiVersion: v1/m);
    rmSync(file);
  });
});
