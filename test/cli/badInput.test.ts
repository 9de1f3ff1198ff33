import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, xirsa } from "../helpers.js";

/** Bad input anywhere: one line on stderr naming the fix, exit 2, nothing written. */
describe("bad input across commands", () => {
  const dir = tempDir("xirsa-bad-");
  const aFile = join(dir, "a-file");
  writeFileSync(aFile, "x");
  const bomb = join(dir, "bomb.yaml");
  writeFileSync(
    bomb,
    [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    ].join("\n"),
  );

  const cases: [string, string[], RegExp][] = [
    [
      "a YAML alias bomb",
      ["render", "--config", bomb, "--out", join(dir, "o1")],
      /unusable YAML: Excessive alias count/,
    ],
    [
      "--out below a file",
      ["render", "--config", "examples/xirsa.yaml", "--out", join(aFile, "sub")],
      /a part of the path is a file, not a directory/,
    ],
    ["a stray argument", ["verify", "--config", "examples/xirsa.yaml", "json"], /unexpected argument 'json'/],
    ["schema with an argument", ["schema", "extra"], /unexpected argument 'extra'/],
    ["demo: a missing example", ["demo", "--example", join(dir, "nope.yaml")], /--example .*: no such file/],
    ["demo: --state-dir is a file", ["demo", "--state-dir", aFile], /--state-dir .* is a file/],
    ["demo: --out is a file", ["demo", "--out", aFile], /--out .* is a file/],
    [
      "sandbox up: --state-dir is a file",
      ["sandbox", "up", "--config", "examples/xirsa.yaml", "--state-dir", aFile],
      /--state-dir .* is a file/,
    ],
    [
      "destroy: --environments without a token",
      ["destroy", "--config", "examples/xirsa.yaml", "--environments", "--yes"],
      /no web identity token: pass --token-file/,
    ],
    [
      "destroy: --token-file without --environments",
      ["destroy", "--config", "examples/xirsa.yaml", "--token-file", aFile, "--yes"],
      /--token-file is for --environments/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = xirsa(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^xirsa [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
    });
  }
});
