/**
 * Cron schedules as kube-controller-manager reads them: robfig/cron v3 `ParseStandard` (parser.go, spec.go;
 * the parser kubernetes/kubernetes pkg/controller/cronjob and pkg/apis/batch/validation use): five fields
 * minute hour day-of-month month day-of-week with `*`, `?`, lists, ranges, steps and the names jan..dec,
 * sun..sat; the descriptors @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly and
 * `@every <duration>`. Errors carry robfig's texts (kube-apiserver puts them in its 422). Times are computed
 * on the wall clock of a time zone (UTC unless given), as `spec.timeZone` asks.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
const FIELDS: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, MONTHS, DOW];

interface Field {
  values: Set<number>;
  /** `*` or `?` without a step above 1: the day fields are then ANDed (spec.go dayMatches). */
  star: boolean;
}

export type Schedule =
  | { kind: "spec"; minute: Field; hour: Field; dom: Field; month: Field; dow: Field }
  | { kind: "every"; seconds: number };

export type Parsed = { ok: true; schedule: Schedule } | { ok: false; error: string };

function mustParseInt(expr: string): number {
  // strconv.Atoi: an optional sign and decimal digits.
  if (!/^[+-]?\d+$/.test(expr))
    throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

const intOrName = (expr: string, b: Bounds) => b.names?.[expr.toLowerCase()] ?? mustParseInt(expr);

function getRange(expr: string, b: Bounds, into: Field): void {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = (rangeAndStep[0] ?? "").split("-");
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowAndHigh[0] ?? "", b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1] ?? "", b);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1] ?? "");
    if (lowAndHigh.length === 1) end = b.max; // "N/step" means "N-max/step"
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
  if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.values.add(v);
  if (star) into.star = true;
}

function getField(expr: string, b: Bounds): Field {
  const f: Field = { values: new Set(), star: false };
  for (const part of expr.split(",")) getRange(part, b, f);
  return f;
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds (undefined when it does not parse). */
function goDuration(s: string): number | undefined {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (s === "0") return 0;
  if (!m) return undefined;
  let total = 0;
  for (const [, n, u] of s.replace(/^[+-]/, "").matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(n) * (UNITS[u ?? "s"] ?? 1);
  return m[1] === "-" ? -total : total;
}

/** Go's %s of a []string: `[a b c]`. */
const goList = (xs: string[]) => `[${xs.join(" ")}]`;

export function parseSchedule(spec: string): Parsed {
  try {
    if (spec.length === 0) throw new Error("empty spec string");
    let s = spec;
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      const i = s.indexOf(" ");
      const loc = s.slice(s.indexOf("=") + 1, i < 0 ? undefined : i);
      if (!validTimeZone(loc)) throw new Error(`provided bad location ${loc}: unknown time zone ${loc}`);
      s = i < 0 ? "" : s.slice(i).trim();
    }
    if (s.startsWith("@")) {
      if (s.startsWith("@every ")) {
        const d = goDuration(s.slice("@every ".length));
        if (d === undefined) {
          const arg = s.slice("@every ".length);
          throw new Error(`failed to parse duration ${s}: time: invalid duration "${arg}"`);
        }
        // constantdelay.go Every: at least a second, rounded down to whole seconds.
        return { ok: true, schedule: { kind: "every", seconds: Math.max(1, Math.floor(d)) } };
      }
      const d = DESCRIPTORS[s];
      if (!d) throw new Error(`unrecognized descriptor: ${s}`);
      s = d;
    }
    const fields = s.split(/\s+/).filter((x) => x !== "");
    if (fields.length !== 5)
      throw new Error(`expected exactly 5 fields, found ${fields.length}: ${goList(fields)}`);
    const [minute, hour, dom, month, dow] = fields.map((f, i) => getField(f, FIELDS[i]!)) as [
      Field,
      Field,
      Field,
      Field,
      Field,
    ];
    return { ok: true, schedule: { kind: "spec", minute, hour, dom, month, dow } };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Whether an IANA zone name is known (Go's time.LoadLocation; "UTC" and "" as Go reads them). */
export function validTimeZone(tz: string): boolean {
  if (tz === "" || tz === "UTC") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** ms to add to an instant to get its wall clock in `tz`. */
function offsetMs(tz: string, at: number): number {
  if (tz === "UTC" || tz === "") return 0;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(at / 1000) * 1000;
}

function dayMatches(s: Extract<Schedule, { kind: "spec" }>, d: Date): boolean {
  const dom = s.dom.values.has(d.getUTCDate());
  const dow = s.dow.values.has(d.getUTCDay());
  return s.dom.star || s.dow.star ? dom && dow : dom || dow;
}

/** The first activation strictly after `after` (spec.go Next; undefined when none in five years). */
export function nextAfter(s: Schedule, after: Date, tz = "UTC"): Date | undefined {
  if (s.kind === "every") return new Date((Math.floor(after.getTime() / 1000) + s.seconds) * 1000);
  const off = offsetMs(tz, after.getTime());
  // On the wall clock (a Date read in UTC fields): the next whole minute.
  const w = new Date(Math.floor((after.getTime() + off) / 60_000) * 60_000 + 60_000);
  const limit = w.getUTCFullYear() + 5;
  while (w.getUTCFullYear() <= limit) {
    if (!s.month.values.has(w.getUTCMonth() + 1)) {
      w.setUTCMonth(w.getUTCMonth() + 1, 1);
      w.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, w)) {
      w.setUTCDate(w.getUTCDate() + 1);
      w.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hour.values.has(w.getUTCHours())) {
      w.setUTCHours(w.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minute.values.has(w.getUTCMinutes())) {
      w.setUTCMinutes(w.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    // Back from the wall clock to an instant, with the zone's offset at that time.
    const guess = w.getTime() - off;
    const at = w.getTime() - offsetMs(tz, guess);
    if (at > after.getTime()) return new Date(at);
    w.setUTCMinutes(w.getUTCMinutes() + 1, 0, 0);
  }
  return undefined;
}

/**
 * pkg/controller/cronjob/utils.go mostRecentScheduleTime: the latest activation in (earliest, now], and how
 * many there were (counted up to 101: more than 100 is "too many missed start times").
 */
export function mostRecent(
  s: Schedule,
  earliest: Date,
  now: Date,
  tz = "UTC",
): { time: Date | undefined; missed: number } {
  let missed = 0;
  let last: Date | undefined;
  for (let t = nextAfter(s, earliest, tz); t && t <= now; t = nextAfter(s, t, tz)) {
    missed++;
    last = t;
    if (missed > 100) break;
  }
  if (missed <= 100) return { time: last, missed };
  // Many missed: search back from now in growing windows for the latest one.
  for (let span = 3_600_000; ; span *= 2) {
    const from = new Date(Math.max(earliest.getTime(), now.getTime() - span));
    let found: Date | undefined;
    for (let t = nextAfter(s, from, tz); t && t <= now; t = nextAfter(s, t, tz)) found = t;
    if (found || from.getTime() === earliest.getTime()) return { time: found, missed };
  }
}
