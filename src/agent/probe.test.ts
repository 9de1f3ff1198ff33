import { describe, expect, it } from "vitest";
import { HOPS } from "../verify/index.js";
import { PROBE_HOPS } from "./probe.js";

describe("probe", () => {
  it("probes the hops verify proves, in the same order", () => {
    expect(PROBE_HOPS.map(([id]) => id)).toEqual(HOPS.map(([id]) => id));
  });
});
