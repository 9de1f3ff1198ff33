// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is IAM policy-variable syntax, not a template
/**
 * Where @cloud-copilot/iam-simulate (the oracle) and AWS's documentation part ways. Each entry names the
 * difference and rewrites it away on the ORACLE's input: the rewritten case means the same under AWS's
 * documented rules but avoids the oracle's reading (a bare IP becomes /32, a short NotResource ARN gets its
 * six segments, …). The differential test and the scenario runner compare our decision on the case with the
 * oracle's on the rewritten case, for every case; nothing is skipped. The AWS documentation that decides each
 * one is in DISAGREEMENTS.md (same names).
 */
import { parseArn } from "../../../src/iam/arn.js";
import type { AuthorizeInput, ContextValue, NamedPolicy } from "../../../src/iam/types.js";

export interface Disagreement {
  name: string;
  /** One line: what we do, what the oracle does. */
  summary: string;
  /** The oracle's input with the difference rewritten away; undefined when the case does not have it. */
  rewrite(input: AuthorizeInput): AuthorizeInput | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: free-form policy JSON
type Json = any;

function contextValue(input: AuthorizeInput, key: string): ContextValue | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(input.request.context ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Keep a list as a list and a single value as a single value. */
function mapValues(v: Json, f: (s: string) => string): Json {
  return Array.isArray(v)
    ? v.map((x) => (typeof x === "string" ? f(x) : x))
    : typeof v === "string"
      ? f(v)
      : v;
}

/**
 * Rewrite every statement of the case's policies with `edit` (which mutates a deep copy and says whether it
 * changed anything); undefined when nothing changed.
 */
function rewriteStatements(
  input: AuthorizeInput,
  edit: (statement: Json, side: "identity" | "resource") => boolean,
): AuthorizeInput | undefined {
  let changed = false;
  const one = (p: NamedPolicy, side: "identity" | "resource"): NamedPolicy => {
    const doc: Json = structuredClone(typeof p.document === "string" ? JSON.parse(p.document) : p.document);
    for (const s of asList(doc?.Statement)) if (edit(s, side)) changed = true;
    return { name: p.name, document: doc };
  };
  const out: AuthorizeInput = {
    ...input,
    identityPolicies: input.identityPolicies.map((p) => one(p, "identity")),
  };
  if (input.resourcePolicy) out.resourcePolicy = one(input.resourcePolicy, "resource");
  return changed ? out : undefined;
}

/** Operators of a Condition block as [operator, key, values] triples. */
function* conditions(s: Json): Generator<[string, string, Json]> {
  for (const [op, keys] of Object.entries(s?.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys as Record<string, Json>)) yield [op, key, values];
  }
}

function deleteCondition(s: Json, op: string, key: string): void {
  delete s.Condition[op][key];
  if (Object.keys(s.Condition[op]).length === 0) delete s.Condition[op];
  if (Object.keys(s.Condition).length === 0) delete s.Condition;
}

/** Is `${…}` in `value` a variable without a value in the request (no default, absent or multivalued)? */
function unresolved(input: AuthorizeInput, body: string): boolean {
  if (["*", "?", "$"].includes(body)) return false;
  const comma = body.indexOf(",");
  const fallback = comma >= 0 ? body.slice(comma + 1).trim() : "";
  if (fallback.length >= 2 && fallback.startsWith("'") && fallback.endsWith("'")) return false;
  return typeof contextValue(input, (comma >= 0 ? body.slice(0, comma) : body).trim()) !== "string";
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** An account id no generated or hand-written case uses: it names nobody. */
const NOBODY = "999999999999";

export const DISAGREEMENTS: Disagreement[] = [
  {
    name: "forAnyValueIfExistsOnAbsentKey",
    summary: "ForAnyValue:<op>IfExists on an absent key: we say true (IfExists), the oracle says false",
    // A condition that holds can go: the oracle then sees the statement without it.
    rewrite: (input) =>
      rewriteStatements(input, (s) => {
        let changed = false;
        for (const [op, key] of conditions(s)) {
          if (/^foranyvalue:.*ifexists$/i.test(op) && contextValue(input, key) === undefined) {
            deleteCondition(s, op, key);
            changed = true;
          }
        }
        return changed;
      }),
  },
  {
    name: "federatedCallerVsAccountPrincipal",
    summary:
      "a Deny whose NotPrincipal names a web-identity caller's account: we read the unsettled match the way that refuses (the Deny applies), the oracle matches the caller at account level (it does not)",
    // The account entry names nobody under our reading: replace it by an account that names nobody.
    rewrite: (input) => {
      const caller = input.request.principal;
      if (caller.kind !== "federated") return undefined;
      const account = parseArn(caller.provider)?.account;
      const names = (v: string) => v === account || v === `arn:aws:iam::${account}:root`;
      return rewriteStatements(input, (s, side) => {
        if (side !== "resource" || s.Effect !== "Deny" || typeof s.NotPrincipal !== "object") return false;
        const aws = s.NotPrincipal.AWS;
        if (!asList<string>(aws).some(names)) return false;
        s.NotPrincipal.AWS = mapValues(aws, (v) => (names(v) ? NOBODY : v));
        return true;
      });
    },
  },
  {
    name: "notResourceShortArn",
    summary:
      "NotResource listing a short ARN such as arn:aws:iam::* that does not cover the request: we apply the statement, the oracle does not",
    // `arn:aws:iam::*` and `arn:aws:iam::*:*` specify the same resources (a trailing * covers the segments).
    rewrite: (input) =>
      rewriteStatements(input, (s) => {
        if (s.NotResource === undefined) return false;
        const short = (r: string) => r !== "*" && r.split(":").length < 6 && r.endsWith("*");
        if (!asList<string>(s.NotResource).some(short)) return false;
        s.NotResource = mapValues(s.NotResource, (r) => {
          if (!short(r)) return r;
          const parts = r.split(":");
          while (parts.length < 6) parts.push("*");
          return parts.join(":");
        });
        return true;
      }),
  },
  {
    name: "notResourceUnresolvedVariable",
    summary:
      "NotResource with a policy variable that has no value, in an entry that could not cover the request whatever the value: we apply the statement, the oracle does not",
    // Our reading of such an entry is "what it could match for some value": the variable as `*`.
    rewrite: (input) =>
      rewriteStatements(input, (s) => {
        if (s.NotResource === undefined) return false;
        let changed = false;
        s.NotResource = mapValues(s.NotResource, (r) =>
          r.replace(VARIABLE, (whole, body: string) => {
            if (!unresolved(input, body)) return whole;
            changed = true;
            return "*";
          }),
        );
        return changed;
      }),
  },
  {
    name: "negatedArnUnresolvedVariable",
    summary:
      "ArnNotLike/ArnNotEquals with a value whose policy variable has no value: we say false, the oracle says true when an earlier ARN segment already differs",
    // A value that is unresolved for us, written so that the oracle also meets the unresolved variable first
    // (in the partition segment, where its comparison fails before any other).
    rewrite: (input) =>
      rewriteStatements(input, (s) => {
        let changed = false;
        for (const [op, key, values] of conditions(s)) {
          if (!/arnnot/i.test(op)) continue;
          const isUnresolved = (v: string) =>
            [...v.matchAll(VARIABLE)].some((m) => unresolved(input, m[1] ?? ""));
          if (!asList<string>(values).some(isUnresolved)) continue;
          s.Condition[op][key] = mapValues(values, (v) =>
            isUnresolved(v) ? "arn:${xirsa-unresolved}:*:*:*:*" : v,
          );
          changed = true;
        }
        return changed;
      }),
  },
  {
    name: "notIpAddressBareAddressOtherFamily",
    summary:
      "NotIpAddress with a bare address (no /prefix) of the other IP family than the request: we say not-in-range (true), the oracle false",
    // A bare address is its /32 (/128) range.
    rewrite: (input) =>
      rewriteStatements(input, (s) => {
        let changed = false;
        for (const [op, key, values] of conditions(s)) {
          if (!/ipaddress/i.test(op)) continue;
          const bare = (v: string) => !v.includes("/");
          if (!asList<string>(values).some(bare)) continue;
          s.Condition[op][key] = mapValues(values, (v) =>
            bare(v) ? `${v}/${v.includes(":") ? 128 : 32}` : v,
          );
          changed = true;
        }
        return changed;
      }),
  },
  {
    name: "escapeWithoutWildcards",
    summary:
      "the escapes for *, ? and $ under an operator without wildcards (StringEquals, …): we read them as the character, the oracle keeps the text",
    // Without wildcards, the escape and its character mean the same; only when no new `${` appears.
    rewrite: (input) =>
      rewriteStatements(input, (s) => {
        let changed = false;
        for (const [op, key, values] of conditions(s)) {
          if (/like/i.test(op) || !/^(for\w+:)?string/i.test(op)) continue;
          const plain = (v: string) => v.replace(/\$\{([*?$])\}/g, "$1");
          const escaped = (v: string) => /\$\{[*?$]\}/.test(v) && !plain(v).includes("${");
          if (!asList<string>(values).some(escaped)) continue;
          s.Condition[op][key] = mapValues(values, (v) => (escaped(v) ? plain(v) : v));
          changed = true;
        }
        return changed;
      }),
  },
];

/** The oracle's input for a case (every documented difference rewritten away) and the names that applied. */
export function oracleInput(input: AuthorizeInput): { input: AuthorizeInput; rewritten: string[] } {
  let current = input;
  const rewritten: string[] = [];
  for (const d of DISAGREEMENTS) {
    const next = d.rewrite(current);
    if (next) {
      current = next;
      rewritten.push(d.name);
    }
  }
  return { input: current, rewritten };
}
