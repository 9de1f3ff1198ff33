import { describe, expect, it } from "vitest";
import { shortenIds, wrap } from "./shorten.js";

describe("shortenIds", () => {
  it("names roles instead of ARNs and cuts EKS ids to 8 hex digits", () => {
    expect(
      shortenIds(
        "arn:aws:sts::111111111111:assumed-role/Op/xirsa-verify may assume arn:aws:iam::222222222222:role/team/Agent.",
      ),
    ).toBe("Op may assume Agent.");
    expect(
      shortenIds(
        "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F",
      ),
    ).toBe("oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1E3F0A…");
    // Policy ARNs and short hex stay.
    expect(shortenIds("arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy fnv:0a1b2c3d")).toBe(
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy fnv:0a1b2c3d",
    );
  });
});

describe("wrap", () => {
  it("fits every line in the width, hanging under the first line's text", () => {
    const text = "one two three four five six seven eight nine ten eleven twelve";
    const lines = wrap(text, 20, "  - ", "    ");
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(20);
    expect(lines[0]).toBe("  - one two three");
    expect(lines.slice(1).every((l) => l.startsWith("    ") && l[4] !== " ")).toBe(true);
    expect(lines.map((l) => l.trim().replace(/^- /, "")).join(" ")).toBe(text);
  });

  it("cuts a word longer than a line after a slash", () => {
    const lines = wrap("at very/long/path/to/a/file/in/a/bundle.json:12", 24, "", "");
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(24);
    expect(lines).toEqual(["at very/long/path/to/a/", "file/in/a/bundle.json:12"]);
    expect(wrap("x".repeat(30), 12, "", "")).toEqual(["x".repeat(12), "x".repeat(12), "x".repeat(6)]);
  });

  it("never leaves a short word alone before a path that fits a line of its own", () => {
    // The path (22 columns) fits a line but not after "at ": it is cut at a slash on the at-line.
    const lines = wrap("at ../tmp/x/bundle.json:1", 24, "", "");
    expect(lines).toEqual(["at ../tmp/x/", "bundle.json:1"]);
    // Longer words after longer text move whole: an ARN in a fix stays one piece to copy.
    expect(wrap("fix: --principal-arn arn:aws:iam::1:role/R", 30, "", "")).toEqual([
      "fix: --principal-arn",
      "arn:aws:iam::1:role/R",
    ]);
  });
});
