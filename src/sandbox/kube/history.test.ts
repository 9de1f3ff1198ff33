import { describe, expect, it } from "vitest";
import { planHistory, REVISION_HASH_LABEL, revisionNumber } from "./history.js";
import type { JsonObject } from "./json.js";

const ds = (image: string, limit?: number): JsonObject => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent", namespace: "default", uid: "u1" },
  spec: {
    ...(limit === undefined ? {} : { revisionHistoryLimit: limit }),
    template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image }] } },
  },
});

describe("ControllerRevision history", () => {
  it("a revision per template; a template seen again is renumbered; old ones past the limit go", () => {
    const r1 = planHistory(ds("a:1"), []).put!;
    expect(revisionNumber(r1)).toBe(1);
    expect((r1.metadata as JsonObject).name).toBe(
      `agent-${(r1.metadata as { labels: Record<string, string> }).labels[REVISION_HASH_LABEL]}`,
    );
    expect(planHistory(ds("a:1"), [r1])).toEqual({ remove: [] });
    const r2 = planHistory(ds("a:2"), [r1]).put!;
    expect(revisionNumber(r2)).toBe(2);
    const back = planHistory(ds("a:1"), [r1, r2]).put!;
    expect(revisionNumber(back)).toBe(3);
    expect((back.metadata as JsonObject).name).toBe((r1.metadata as JsonObject).name);
    expect(planHistory(ds("a:3", 1), [r1, r2]).remove).toEqual([(r1.metadata as JsonObject).name]);
  });
});
