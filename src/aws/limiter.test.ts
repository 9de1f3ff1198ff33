import { describe, expect, it } from "vitest";
import { limiter } from "./clients.js";

describe("limiter (per-account bound on requests in flight)", () => {
  it("never runs more than max at once, runs all, and passes results and errors through", async () => {
    const gate = limiter(2);
    let active = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const task = (i: number) =>
      gate(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((r) => release.push(r));
        active--;
        if (i === 3) throw new Error("boom");
        return i;
      });
    const all = Promise.allSettled([0, 1, 2, 3, 4].map(task));
    // Let them queue, then release one at a time.
    for (let n = 0; n < 5; n++) {
      while (!release.length) await new Promise((r) => setImmediate(r));
      expect(active).toBeLessThanOrEqual(2);
      release.shift()!();
    }
    const results = await all;
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "rejected"))).toEqual([
      0,
      1,
      2,
      "rejected",
      4,
    ]);
  });
});
