import { describe, expect, it } from "vitest";
import type { Change } from "./changes.js";
import type { ExecContext } from "./execute.js";
import { groups, runSteps } from "./run.js";

const change = (step: string): Change => ({
  action: "update",
  kind: "K",
  id: step,
  diff: "",
  step: step as Change["step"],
  ops: [],
});
const ctx = {} as ExecContext; // no operations run: the changes carry none

function sink(isTTY: boolean) {
  const out = { text: "", isTTY, write: (s: string) => (out.text += s) };
  return out;
}

describe("runSteps", () => {
  it("prints one line per step with its duration, and no spinner without a terminal", async () => {
    let t = 0;
    const out = sink(false);
    const reports = await runSteps([change("a"), change("a")], ctx, {
      steps: ["a", "b"],
      titles: { a: "first", b: "second" },
      progress: out,
      clock: () => (t += 250),
    });
    expect(out.text).toBe("✓ [1/2] a: first — 2 changes (0.25 s)\n✓ [2/2] b: second — no changes (0.25 s)\n");
    expect(reports.map((r) => [r.step, r.changes, r.ms])).toEqual([
      ["a", 2, 250],
      ["b", 0, 250],
    ]);
  });

  it("animates on a terminal and stops after the injected step", async () => {
    const out = sink(true);
    await expect(
      runSteps([change("a")], ctx, {
        steps: ["a", "b"],
        titles: {},
        progress: out,
        clock: () => 0,
        failAfterStep: 1,
      }),
    ).rejects.toThrow("injected failure after step 1 (a)");
    expect(out.text).toBe("⠋ [1/2] a: a — 1 change\r✓ [1/2] a: a — 1 change (0.00 s)\n");
  });
});

describe("groups", () => {
  it("keeps an access entry with its policy associations, and everything else apart", () => {
    const mk = (kind: string, id: string, cluster = "b"): Change => ({
      ...change("access-entries"),
      kind,
      id,
      cluster,
    });
    const list = [
      mk("AccessEntry", "arn:r1"),
      mk("AccessPolicyAssociation", "arn:r1 AmazonEKSClusterAdminPolicy"),
      mk("AccessEntry", "arn:r2"),
      mk("AccessPolicyAssociation", "arn:r2 AmazonEKSAdminPolicy"),
      mk("AccessEntry", "arn:r1", "c"),
    ];
    expect(groups(list).map((g) => g.map((c) => `${c.cluster} ${c.kind}`))).toEqual([
      ["b AccessEntry", "b AccessPolicyAssociation"],
      ["b AccessEntry", "b AccessPolicyAssociation"],
      ["c AccessEntry"],
    ]);
  });
});
