/** Bad input to import and verify --discover: one line naming the fix, exit 2, nothing written. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, xirsa } from "../helpers.js";

describe("--discover flags", () => {
  const out = join(tempDir(), "x.yaml");
  it.each([
    [
      "import without --discover",
      ["import", "--source-profile", "p", "--out", out],
      /--discover is required/,
    ],
    ["import without --out", ["import", "--discover", "--source-profile", "p"], /--out <file> is required/],
    [
      "import without --source-profile",
      ["import", "--discover", "--out", out],
      /--source-profile is required/,
    ],
    [
      "a bad --profile-for",
      ["import", "--discover", "--source-profile", "p", "--profile-for", "12=p", "--out", out],
      /--profile-for '12=p' is not ACCOUNT=PROFILE/,
    ],
    [
      "verify --discover without --live",
      ["verify", "--discover", "--source-profile", "p"],
      /--discover needs --live/,
    ],
    [
      "verify --discover with --config",
      ["verify", "--live", "--discover", "--config", "examples/xirsa.yaml", "--source-profile", "p"],
      /--discover needs --live and no --config/,
    ],
  ])("%s", (_what, args, message) => {
    const r = xirsa(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});
