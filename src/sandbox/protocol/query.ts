/**
 * Reading query-protocol parameters (form body or query string): scalars, `X.member.N` lists and
 * `Tags.member.N.Key/Value` pairs, with AWS's ValidationError for what is missing or malformed.
 */
import { AwsApiError, validationError } from "./errors.js";

export type Params = Map<string, string>;

export function paramsFrom(pairs: [string, string][]): Params {
  return new Map(pairs);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function optional(p: Params, name: string): string | undefined {
  return p.get(name);
}

export function required(p: Params, name: string): string {
  const v = p.get(name);
  if (v === undefined) throw validationError(undefined, lowerFirst(name), "Member must not be null");
  return v;
}

export function optionalInt(p: Params, name: string, min: number, max: number): number | undefined {
  const raw = p.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new AwsApiError(
      "ValidationError",
      `Invalid value for parameter ${name}: '${raw}' is not an integer`,
    );
  }
  if (n < min)
    throw validationError(raw, lowerFirst(name), `Member must have value greater than or equal to ${min}`);
  if (n > max)
    throw validationError(raw, lowerFirst(name), `Member must have value less than or equal to ${max}`);
  return n;
}

export function optionalBool(p: Params, name: string): boolean | undefined {
  const raw = p.get(name);
  if (raw === undefined) return undefined;
  if (raw !== "true" && raw !== "false") {
    throw new AwsApiError(
      "ValidationError",
      `Invalid value for parameter ${name}: '${raw}' is not a boolean`,
    );
  }
  return raw === "true";
}

/** `Name.member.1`, `Name.member.2`, … in index order. */
export function list(p: Params, name: string): string[] | undefined {
  const prefix = `${name}.member.`;
  const found: [number, string][] = [];
  for (const [k, v] of p) {
    if (k.startsWith(prefix) && /^\d+$/.test(k.slice(prefix.length)))
      found.push([Number(k.slice(prefix.length)), v]);
  }
  if (!found.length) return p.has(name) ? [] : undefined;
  return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** `Tags.member.N.Key` / `.Value` pairs. */
export function tagList(p: Params, name = "Tags"): { Key: string; Value: string }[] {
  const prefix = `${name}.member.`;
  const byIndex = new Map<number, { Key?: string; Value?: string }>();
  for (const [k, v] of p) {
    if (!k.startsWith(prefix)) continue;
    const m = /^(\d+)\.(Key|Value)$/.exec(k.slice(prefix.length));
    if (!m) continue;
    const entry = byIndex.get(Number(m[1])) ?? {};
    entry[m[2] as "Key" | "Value"] = v;
    byIndex.set(Number(m[1]), entry);
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, t]) => {
      if (t.Key === undefined) throw validationError(undefined, "tags.member.key", "Member must not be null");
      if (t.Key.length < 1 || t.Key.length > 128) {
        throw validationError(t.Key, "tags.member.key", "Member must have length less than or equal to 128");
      }
      if ((t.Value ?? "").length > 256) {
        throw validationError(
          t.Value,
          "tags.member.value",
          "Member must have length less than or equal to 256",
        );
      }
      return { Key: t.Key, Value: t.Value ?? "" };
    });
}

/** Marker/MaxItems paging over an already sorted list. */
export function page<T>(items: T[], p: Params): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = optionalInt(p, "MaxItems", 1, 1000) ?? 100;
  const marker = p.get("Marker");
  let start = 0;
  if (marker !== undefined) {
    const n = Number(
      Buffer.from(marker, "base64url")
        .toString("utf8")
        .replace(/^offset:/, ""),
    );
    if (!Number.isInteger(n) || n < 0) throw new AwsApiError("ValidationError", "Invalid Marker");
    start = n;
  }
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return {
    items: slice,
    IsTruncated: truncated,
    Marker: truncated ? Buffer.from(`offset:${start + max}`).toString("base64url") : undefined,
  };
}
