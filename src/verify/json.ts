/** Narrowing helpers for the free-form JSON of Kubernetes objects. */
import type { Json } from "../state/index.js";

export type JsonMap = { [key: string]: Json };

export function isObject(v: unknown): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The strings of a JSON array; anything else is an empty list. */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
