/** Every relative link in README.md and docs/*.md points to a file that exists (and to a heading that does). */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { anchors, checkLinks, linkTargets, markdownFiles, slug } from "./markdownLinks.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

describe("links in README.md and docs/", () => {
  const files = markdownFiles(ROOT, ["docs"]);

  it("covers the README and the docs", () => {
    expect(files.map((f) => f.slice(ROOT.length + 1))).toEqual(
      expect.arrayContaining(["README.md", "docs/walkthrough.md", "docs/hops-and-findings.md"]),
    );
  });

  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))("%s: every relative link resolves", (_, file) => {
    const broken = checkLinks(file, ROOT);
    expect(broken.map((b) => `${b.file}:${b.line}: ${b.target}: ${b.why}`)).toEqual([]);
  });
});

describe("the link checker", () => {
  const dir = join(tmpdir(), `xirsa-links-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports missing files and headings, and ignores code, schemes and present targets", () => {
    mkdirSync(join(dir, "docs"), { recursive: true });
    writeFileSync(join(dir, "docs", "b.md"), "# Title\n\n## The `verify` command\n\n## Title\n");
    writeFileSync(
      join(dir, "README.md"),
      [
        "[ok](docs/b.md) [ok anchor](docs/b.md#the-verify-command) [dup](docs/b.md#title-1)",
        "[gone](docs/missing.md) [bad anchor](docs/b.md#nope) [web](https://example.invalid/x)",
        "`[in code](nowhere.md)`",
        "```",
        "[in a block](nowhere.md)",
        "```",
        "[ref]: ./docs/gone-too.md",
        "![img](docs/pic.png)",
      ].join("\n"),
    );
    const broken = checkLinks(join(dir, "README.md"), dir);
    expect(broken.map((b) => [b.line, b.target])).toEqual([
      [2, "docs/missing.md"],
      [2, "docs/b.md#nope"],
      [7, "./docs/gone-too.md"],
      [8, "docs/pic.png"],
    ]);
  });

  it("slugs headings as GitHub does", () => {
    expect(slug("1. service-account")).toBe("1-service-account");
    expect(slug("XIRSA-SA-MISSING")).toBe("xirsa-sa-missing");
    expect(slug("Run `xirsa verify` in CI (SARIF)")).toBe("run-xirsa-verify-in-ci-sarif");
    expect([...anchors("# A\n## A\n```\n# not a heading\n```\n")]).toEqual(["a", "a-1"]);
    expect(linkTargets('see [x](a.md "t") and [y](<b c.md>)').map((l) => l.target)).toEqual([
      "a.md",
      "b c.md",
    ]);
  });
});
