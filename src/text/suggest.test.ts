import { describe, expect, it } from "vitest";
import { closest, didYouMean } from "./suggest.js";

describe("did you mean", () => {
  it("suggests the closest known word for a typo or a prefix", () => {
    expect(closest("verfy", ["verify", "render", "plan"])).toBe("verify");
    expect(closest("sandbx", ["sandbox", "schema"])).toBe("sandbox");
    expect(closest("rend", ["render", "verify"])).toBe("render");
    expect(closest("jsno", ["table", "json"])).toBe("json");
    expect(didYouMean("--outptu", ["--output", "--out"])).toBe(" (did you mean '--output'?)");
  });

  it("suggests nothing for a word that is not close to any", () => {
    expect(closest("kubernetes", ["verify", "plan"])).toBeUndefined();
    expect(didYouMean("x", ["verify"])).toBe("");
  });
});
