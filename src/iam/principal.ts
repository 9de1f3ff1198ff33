/**
 * Principal matching for resource-based (trust) policies, from AWS "IAM JSON policy elements: Principal":
 * - `"*"` and `{"AWS": "*"}` match every caller;
 * - an account (`"123456789012"` or `arn:aws:iam::123456789012:root`) matches every principal of that account,
 *   but only at account level: it delegates to the account, whose identity policies must then allow too;
 * - an IAM role ARN matches the sessions of that role (`arn:aws:sts::A:assumed-role/R/S`), and a session ARN
 *   matches that exact session; other ARNs (users) match exactly;
 * - `Federated` matches the identity provider (the OIDC provider ARN for web identity), `Service` the service
 *   principal; `CanonicalUser` and unique ids (AROA…) match none of the callers we model.
 */
import { accountOfRootArn, isAccountId, sessionBelongsToRole } from "./arn.js";
import type { PrincipalEntry } from "./policy.js";
import type { RequestPrincipal } from "./types.js";

/** `direct`: the caller is named (or `*`); `account`: only its account is named; `none`. */
export type PrincipalMatch = "direct" | "account" | "none";

export type PrincipalTest = (caller: RequestPrincipal) => PrincipalMatch;

type EntryTest = (caller: RequestPrincipal) => PrincipalMatch;

function compileEntry(entry: PrincipalEntry): EntryTest {
  const { type, value } = entry;
  if (type === "*" || (type === "AWS" && value === "*")) return () => "direct";
  if (type === "Federated") {
    return (c) => (c.kind === "federated" && c.provider === value ? "direct" : "none");
  }
  if (type === "Service") return (c) => (c.kind === "service" && c.service === value ? "direct" : "none");
  if (type === "CanonicalUser") return () => "none";
  const account = isAccountId(value) ? value : accountOfRootArn(value);
  if (account !== undefined) return (c) => (c.kind === "aws" && c.accountId === account ? "account" : "none");
  return (c) => {
    if (c.kind !== "aws") return "none";
    if (c.arn === value || c.roleArn === value || sessionBelongsToRole(c.arn, value)) return "direct";
    return "none";
  };
}

/** Compile a Principal element (or, with `negated`, a NotPrincipal element). */
export function compilePrincipal(entries: readonly PrincipalEntry[], negated: boolean): PrincipalTest {
  const tests = entries.map(compileEntry);
  const best: PrincipalTest = (c) => {
    let result: PrincipalMatch = "none";
    for (const t of tests) {
      const m = t(c);
      if (m === "direct") return m;
      if (m === "account") result = m;
    }
    return result;
  };
  // NotPrincipal applies to every caller it does not name, account-level naming included.
  return negated ? (c) => (best(c) === "none" ? "direct" : "none") : best;
}

/** How a caller is shown in explanations: its ARN, provider or service. */
export function describeCaller(caller: RequestPrincipal): string {
  switch (caller.kind) {
    case "aws":
      return caller.arn;
    case "federated":
      return caller.provider;
    case "service":
      return caller.service;
  }
}

/** How a principal entry is shown in explanations. */
export function describeEntry(entry: PrincipalEntry): string {
  return entry.type === "*" || entry.type === "AWS" ? entry.value : `${entry.type}:${entry.value}`;
}
