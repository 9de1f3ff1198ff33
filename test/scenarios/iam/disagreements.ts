/**
 * Where @cloud-copilot/iam-simulate (the oracle) and AWS's documentation part ways. Each entry is a named
 * predicate over a case; the differential test and the scenario runner skip the oracle comparison ONLY for
 * cases a predicate names, and count them. The AWS documentation that decides each one is in
 * DISAGREEMENTS.md (same names).
 */
import { parsePolicy } from "../../../src/iam/policy.js";
import type { AuthorizeInput, ContextValue, NamedPolicy } from "../../../src/iam/types.js";

export interface Disagreement {
  name: string;
  /** One line: what we do, what the oracle does. */
  summary: string;
  applies(input: AuthorizeInput): boolean;
}

function statementsOf(policies: Array<NamedPolicy | undefined>) {
  return policies.flatMap((p) => (p ? parsePolicy(p.document, p.name).statements : []));
}

function allStatements(input: AuthorizeInput) {
  return statementsOf([...input.identityPolicies, input.resourcePolicy]);
}

function contextValue(input: AuthorizeInput, key: string): ContextValue | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(input.request.context ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function accountOfProviderArn(arn: string): string | undefined {
  return arn.split(":")[4];
}

export const DISAGREEMENTS: Disagreement[] = [
  {
    name: "forAnyValueIfExistsOnAbsentKey",
    summary: "ForAnyValue:<op>IfExists on an absent key: we say true (IfExists), the oracle says false",
    applies: (input) =>
      allStatements(input).some((s) =>
        s.conditions.some(
          (c) => /^foranyvalue:.*ifexists$/i.test(c.operator) && contextValue(input, c.key) === undefined,
        ),
      ),
  },
  {
    name: "federatedCallerVsAccountPrincipal",
    summary:
      "a web-identity caller against Principal/NotPrincipal naming the provider's account: we do not match, the oracle matches at account level",
    applies: (input) => {
      const caller = input.request.principal;
      if (caller.kind !== "federated") return false;
      const account = accountOfProviderArn(caller.provider);
      return statementsOf([input.resourcePolicy]).some((s) =>
        (s.principal?.entries ?? []).some(
          (e) => e.type === "AWS" && (e.value === account || e.value === `arn:aws:iam::${account}:root`),
        ),
      );
    },
  },
  {
    name: "notResourceShortArn",
    summary:
      "NotResource listing a short ARN such as arn:aws:iam::* that does not cover the request: we apply the statement, the oracle does not",
    applies: (input) =>
      allStatements(input).some(
        (s) => s.resource?.negated && s.resource.values.some((r) => r !== "*" && r.split(":").length < 6),
      ),
  },
  {
    name: "notIpAddressBareAddressOtherFamily",
    summary:
      "NotIpAddress with a bare address (no /prefix) of the other IP family than the request: we say not-in-range (true), the oracle false",
    applies: (input) =>
      allStatements(input).some((s) =>
        s.conditions.some((c) => {
          if (!/notipaddress/i.test(c.operator)) return false;
          const v = contextValue(input, c.key);
          if (typeof v !== "string") return false;
          return c.values.some((p) => !p.includes("/") && p.includes(":") !== v.includes(":"));
        }),
      ),
  },
  {
    name: "escapeWithoutWildcards",
    summary:
      "the escapes ${*}, ${?}, ${$} under an operator without wildcards (StringEquals, …): we read them as the character, the oracle keeps the text",
    applies: (input) =>
      allStatements(input).some((s) =>
        s.conditions.some((c) => !/like/i.test(c.operator) && c.values.some((v) => /\$\{[*?$]\}/.test(v))),
      ),
  },
];

/** Names of the documented disagreements that apply to a case (empty: the oracle must agree). */
export function disagreementsFor(input: AuthorizeInput): string[] {
  return DISAGREEMENTS.filter((d) => d.applies(input)).map((d) => d.name);
}
