/**
 * Principal matching for resource-based (trust) policies, from AWS "IAM JSON policy elements: Principal":
 * - `"*"` and `{"AWS": "*"}` match every caller;
 * - an account (`"123456789012"` or `arn:aws:iam::123456789012:root`) matches every principal of that account,
 *   but only at account level: it delegates to the account, whose identity policies must then allow too;
 * - an IAM role ARN matches the sessions of that role (`arn:aws:sts::A:assumed-role/R/S`), and a session ARN
 *   matches that exact session; other ARNs (users) match exactly;
 * - `Federated` matches the identity provider (the OIDC provider ARN for web identity), `Service` the service
 *   principal; `CanonicalUser` and unique ids (AROA…) match none of the callers we model.
 * Whether an account principal covers a web-identity (federated) caller is not settled: AWS documents the
 * account principal as covering the account's IAM identities and names web-identity callers through
 * `Federated`, while iam-simulate matches the provider's account. Such a match is `unsettled`, and the
 * evaluator reads it the way that refuses (evaluate.ts): a Deny applies, an Allow does not.
 */
import { accountOfRootArn, isAccountId, parseArn, sessionBelongsToRole } from "./arn.js";
import type { PrincipalEntry } from "./policy.js";
import type { RequestPrincipal } from "./types.js";

/**
 * `direct`: the caller is named (or `*`); `account`: only its account is named; `unsettled`: only an account
 * principal could name it and the caller is a web identity (see the header); `none`.
 */
export type PrincipalMatch = "direct" | "account" | "unsettled" | "none";

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
  if (account !== undefined) {
    return (c) => {
      if (c.kind === "aws") return c.accountId === account ? "account" : "none";
      return c.kind === "federated" && accountOfProvider(c.provider) === account ? "unsettled" : "none";
    };
  }
  return (c) => {
    if (c.kind !== "aws") return "none";
    if (c.arn === value || c.roleArn === value || sessionBelongsToRole(c.arn, value)) return "direct";
    return "none";
  };
}

/** The account of an OIDC/SAML provider ARN (`arn:aws:iam::<acct>:oidc-provider/…`). */
function accountOfProvider(provider: string): string | undefined {
  return parseArn(provider)?.account;
}

/** Compile a Principal element (or, with `negated`, a NotPrincipal element). */
export function compilePrincipal(entries: readonly PrincipalEntry[], negated: boolean): PrincipalTest {
  const tests = entries.map(compileEntry);
  const best: PrincipalTest = (c) => {
    let result: PrincipalMatch = "none";
    for (const t of tests) {
      const m = t(c);
      if (m === "direct") return m;
      if (m === "account" || (m === "unsettled" && result === "none")) result = m;
    }
    return result;
  };
  // NotPrincipal applies to every caller it does not name, account-level naming included; whether it names
  // a web identity through an account principal stays unsettled.
  return negated
    ? (c) => {
        const m = best(c);
        return m === "none" ? "direct" : m === "unsettled" ? "unsettled" : "none";
      }
    : best;
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
