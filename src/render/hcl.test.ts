import { describe, expect, it } from "vitest";
import { attr, blank, block, expr, hclFile, hclString, JsonEncode } from "./hcl.js";

describe("hclString", () => {
  it("escapes quotes, backslashes, control characters and template sequences", () => {
    expect(hclString('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
    expect(hclString("x\ny\tz")).toBe('"x\\ny\\tz"');
    expect(hclString("\u0001")).toBe('"\\u0001"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the input is an HCL template sequence
    expect(hclString("${var.x} and %{ if }")).toBe('"$${var.x} and %%{ if }"');
  });
});

describe("hclFile", () => {
  it("aligns = over consecutive single-line attributes only", () => {
    const text = hclFile([
      block(
        "resource",
        ["t", "n"],
        [
          attr("a", "1"),
          attr("long_name", 2),
          attr("obj", { k: "v", "needs-quote": true }),
          attr("z", expr("var.z")),
          blank,
          attr("after_blank", null),
        ],
      ),
    ]);
    expect(text).toBe(
      [
        'resource "t" "n" {',
        '  a         = "1"',
        "  long_name = 2",
        "  obj = {",
        '    k             = "v"',
        '    "needs-quote" = true',
        "  }",
        "  z = var.z",
        "",
        "  after_blank = null",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes jsonencode of nested documents, lists of objects with trailing commas", () => {
    const text = hclFile([attr("policy", new JsonEncode({ Statement: [{ Action: ["a", "b"] }] }))]);
    expect(text).toBe(
      [
        "policy = jsonencode({",
        "  Statement = [",
        "    {",
        '      Action = ["a", "b"]',
        "    },",
        "  ]",
        "})",
        "",
      ].join("\n"),
    );
  });

  it("breaks long lists of scalars over lines", () => {
    const long = Array.from({ length: 5 }, (_, i) => `system:serviceaccount:argocd:component-number-${i}`);
    const text = hclFile([attr("l", long)]);
    expect(text.split("\n")).toHaveLength(long.length + 3);
    expect(text).toMatch(/^l = \[\n {2}"system:serviceaccount:argocd:component-number-0",\n/);
  });
});
