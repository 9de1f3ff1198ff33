import { describe, expect, it } from "vitest";
import { res as resourceByPlural } from "./context.js";
import { humanDuration, toTable, wantsTable } from "./table.js";

describe("server-side printing", () => {
  it("formats ages as kubectl does", () => {
    expect(
      [
        5e3,
        119e3,
        125e3,
        600e3,
        3600e3 * 2.5,
        3600e3 * 4.5,
        3600e3 * 30,
        86400e3 * 3 + 3600e3,
        86400e3 * 400,
      ].map(humanDuration),
    ).toEqual(["5s", "119s", "2m5s", "10m", "150m", "4h30m", "30h", "3d1h", "400d"]);
  });
  it("answers Table only when asked first", () => {
    expect(wantsTable("application/json;as=Table;v=v1;g=meta.k8s.io,application/json")).toBe(true);
    expect(wantsTable("application/json")).toBe(false);
  });
  it("prints pod and deployment columns with partial object metadata", () => {
    const now = new Date("2026-01-01T00:01:00Z");
    const pod = {
      metadata: { name: "p", namespace: "n", creationTimestamp: "2026-01-01T00:00:00Z" },
      spec: { containers: [{ name: "a" }, { name: "b" }] },
      status: { phase: "Running", containerStatuses: [{ ready: true }, { ready: false }] },
    };
    const t = toTable(resourceByPlural("pods"), [pod], "7", now) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { metadata: unknown } }[];
    };
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(["Name", "Ready", "Status", "Restarts", "Age"]);
    expect(t.rows[0]!.cells).toEqual(["p", "1/2", "Running", "0", "60s"]);
    expect(t.rows[0]!.object.metadata).toEqual(pod.metadata);
    const dep = {
      metadata: { name: "d" },
      spec: { replicas: 3 },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    const d = toTable(resourceByPlural("deployments", "apps"), [dep], "7", now) as {
      rows: { cells: unknown[] }[];
    };
    expect(d.rows[0]!.cells).toEqual(["d", "2/3", 3, 2, "<unknown>"]);
  });
});
