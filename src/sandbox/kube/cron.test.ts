import { describe, expect, it } from "vitest";
import { mostRecent, nextAfter, parseSchedule, type Schedule } from "./cron.js";

const sched = (s: string): Schedule => {
  const p = parseSchedule(s);
  if (!p.ok) throw new Error(p.error);
  return p.schedule;
};
const next = (s: string, from: string, tz?: string) => nextAfter(sched(s), new Date(from), tz)?.toISOString();

describe("cron schedules (robfig/cron ParseStandard)", () => {
  it("steps, ranges, lists and names", () => {
    expect(next("*/15 * * * *", "2026-01-01T10:07:30Z")).toBe("2026-01-01T10:15:00.000Z");
    expect(next("0 9-17/4 * * mon-fri", "2026-01-03T12:00:00Z")).toBe("2026-01-05T09:00:00.000Z");
    expect(next("30 1 1,15 jan,JUL *", "2026-01-15T01:30:00Z")).toBe("2026-07-01T01:30:00.000Z");
    expect(next("5/20 * * * *", "2026-01-01T00:26:00Z")).toBe("2026-01-01T00:45:00.000Z");
  });

  it("day of month OR day of week unless one is a star", () => {
    // The 13th or a Friday.
    expect(next("0 0 13 * 5", "2026-02-01T00:00:00Z")).toBe("2026-02-06T00:00:00.000Z");
    expect(next("0 0 * * 5", "2026-02-01T00:00:00Z")).toBe("2026-02-06T00:00:00.000Z");
    expect(next("0 0 13 * *", "2026-02-01T00:00:00Z")).toBe("2026-02-13T00:00:00.000Z");
  });

  it("descriptors and @every", () => {
    expect(next("@hourly", "2026-01-01T10:07:00Z")).toBe("2026-01-01T11:00:00.000Z");
    expect(next("@weekly", "2026-01-01T10:07:00Z")).toBe("2026-01-04T00:00:00.000Z");
    expect(next("@every 90s", "2026-01-01T10:00:00Z")).toBe("2026-01-01T10:01:30.000Z");
  });

  it("a time zone's wall clock", () => {
    expect(next("0 3 * * *", "2026-01-01T00:00:00Z", "Europe/Berlin")).toBe("2026-01-01T02:00:00.000Z");
    expect(next("0 3 * * *", "2026-07-01T00:00:00Z", "Europe/Berlin")).toBe("2026-07-01T01:00:00.000Z");
  });

  it("robfig's errors", () => {
    const err = (s: string) => {
      const p = parseSchedule(s);
      return p.ok ? "" : p.error;
    };
    expect(err("* * *")).toBe("expected exactly 5 fields, found 3: [* * *]");
    expect(err("60 * * * *")).toBe("end of range (60) above maximum (59): 60");
    expect(err("* * * * 7")).toBe("end of range (7) above maximum (6): 7");
    expect(err("x * * * *")).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    expect(err("5-2 * * * *")).toBe("beginning of range (5) beyond end of range (2): 5-2");
    expect(err("*/0 * * * *")).toBe("step of range should be a positive number: */0");
    expect(err("@fortnightly")).toBe("unrecognized descriptor: @fortnightly");
    expect(err("")).toBe("empty spec string");
  });

  it("the most recent missed time, and how many were missed", () => {
    const s = sched("*/5 * * * *");
    const r = mostRecent(s, new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:17:00Z"));
    expect(r).toEqual({ time: new Date("2026-01-01T00:15:00Z"), missed: 3 });
    const many = mostRecent(s, new Date("2026-01-01T00:00:00Z"), new Date("2026-01-03T00:02:00Z"));
    expect(many.time).toEqual(new Date("2026-01-03T00:00:00Z"));
    expect(many.missed).toBeGreaterThan(100);
    expect(mostRecent(s, new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:04:00Z")).time).toBe(
      undefined,
    );
  });
});
