import { describe, expect, it } from "vitest";
import { CONTRAST_PAIRS, contrastRatio, PALETTE } from "./palette.js";
import { reportCss } from "./styles.js";

describe("report palette", () => {
  it("computes WCAG contrast ratios", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    // WCAG's own example: #767676 on white is just above 4.5:1.
    expect(contrastRatio("#767676", "#ffffff")).toBeGreaterThan(4.5);
    expect(contrastRatio("#777777", "#ffffff")).toBeLessThan(4.5);
  });

  it.each(CONTRAST_PAIRS.map(([fg, bg, where]) => ({ fg, bg, where })))(
    "$where ($fg on $bg) reaches 4.5:1",
    ({ fg, bg }) => {
      expect(contrastRatio(PALETTE[fg], PALETTE[bg])).toBeGreaterThanOrEqual(4.5);
    },
  );

  it("the stylesheet uses the palette for every node state", () => {
    const css = reportCss();
    for (const c of ["okText", "okFill", "brokenText", "brokenFill", "unknownText", "unknownFill"] as const) {
      expect(css).toContain(PALETTE[c]);
    }
    // No colour outside the palette: every #rrggbb in the CSS is a palette value.
    const used = css.match(/#[0-9a-f]{6}\b/gi) ?? [];
    const known = new Set(Object.values(PALETTE).map((v) => v.toLowerCase()));
    expect(used.filter((c) => !known.has(c.toLowerCase()))).toEqual([]);
  });
});
