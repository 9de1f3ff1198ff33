/**
 * explainDecision(): one sentence for people, e.g. `trust policy of arn:aws:iam::1:role/R statement 0 requires
 * StringEquals oidc.eks.…:sub in [system:serviceaccount:krci:edp-cd-pipeline-operator], got
 * system:serviceaccount:krci:other`.
 */
import type { Decision, Mismatch, StatementRef, StatementTrace } from "./types.js";

/** `trust:<arn>` → `trust policy of <arn>`, `inline:<n>` → `inline policy <n>`, … */
export function describePolicy(name: string): string {
  if (/\s/.test(name)) return name;
  const colon = name.indexOf(":");
  const prefix = colon > 0 ? name.slice(0, colon) : "";
  const rest = name.slice(colon + 1);
  switch (prefix) {
    case "trust":
      return `trust policy of ${rest}`;
    case "inline":
      return `inline policy ${rest}`;
    case "managed":
    case "attached":
      return `managed policy ${rest}`;
    case "identity":
      return `identity policy ${rest}`;
    case "resource":
      return `resource policy of ${rest}`;
    default:
      return `policy ${name}`;
  }
}

export function describeStatement(ref: StatementRef): string {
  const sid = ref.sid ? ` (Sid ${ref.sid})` : "";
  return `${describePolicy(ref.policy)} statement ${ref.index}${sid}`;
}

function list(values: readonly string[]): string {
  return `[${values.join(", ")}]`;
}

/** What a mismatch means, completing "<policy> statement N …". */
export function describeMismatch(m: Mismatch): string {
  switch (m.on) {
    case "condition": {
      const f = m.failure;
      const got =
        f.actual === undefined
          ? "no value (the key is absent from the request)"
          : f.actual.length === 1
            ? f.actual[0]
            : list(f.actual);
      return `requires ${f.operator} ${f.key} in ${list(f.expected)}, got ${got}`;
    }
    case "principal":
      if (m.unsettled) {
        return `names ${m.actual} only through its account (${list(m.expected)}), which AWS may not apply to a web identity; read as not naming it`;
      }
      return m.negated
        ? `excludes principals ${list(m.expected)} (NotPrincipal), which cover ${m.actual}`
        : `names principals ${list(m.expected)}, not ${m.actual}`;
    case "action":
      return m.negated
        ? `excludes actions ${list(m.expected)} (NotAction), which cover ${m.actual}`
        : `covers actions ${list(m.expected)}, not ${m.actual}`;
    case "resource":
      return m.negated
        ? `excludes resources ${list(m.expected)} (NotResource), which cover ${m.actual}`
        : `covers resources ${list(m.expected)}, not ${m.actual}`;
  }
}

const STAGE: Record<Mismatch["on"], number> = { principal: 0, action: 1, resource: 2, condition: 3 };

/** The Allow statement of a side that came closest to applying (the one that failed latest). */
export function closestAllow(
  trace: readonly StatementTrace[],
  side: "identity" | "resource",
): StatementTrace | undefined {
  let best: StatementTrace | undefined;
  for (const t of trace) {
    if (t.effect !== "Allow" || !t.mismatch || (t.side ?? "identity") !== side) continue;
    if (!best || STAGE[t.mismatch.on] > STAGE[best.mismatch!.on]) best = t;
  }
  return best;
}

function missingReason(
  d: Extract<Decision, { decision: "ImplicitlyDenied" }>,
  side: "identity" | "resource",
): string {
  const near = closestAllow(d.trace, side);
  if (near?.mismatch) return `${describeStatement(near.statement)} ${describeMismatch(near.mismatch)}`;
  const what = d.request ? ` ${d.request.action} on ${d.request.resource}` : " the request";
  const policies = d.trace.filter((t) => (t.side ?? "identity") === side);
  if (side === "identity") {
    const of = d.request ? ` of ${d.request.caller}` : "";
    const accountOnly = d.trace.some((t) => t.side === "resource" && t.principalMatch === "account");
    const why = accountOnly
      ? " (the resource policy trusts the caller's account as a whole, which delegates to identity policies)"
      : "";
    return `no identity policy${of} allows${what}${why}`;
  }
  return policies.length === 0
    ? `no resource (trust) policy allows${what}`
    : `${describePolicy(policies[0]!.statement.policy)} has no statement that allows${what}`;
}

/** One human sentence saying why the decision is what it is. */
export function explainDecision(d: Decision): string {
  switch (d.decision) {
    case "Allowed":
      return d.allowedBy.length === 0
        ? "allowed: the action needs no permission"
        : `allowed by ${d.allowedBy.map(describeStatement).join(" and ")}`;
    case "ExplicitlyDenied": {
      const t = d.trace.find(
        (x) => x.statement.policy === d.deniedBy.policy && x.statement.index === d.deniedBy.index,
      );
      const unsettled = t?.unsettledPrincipal
        ? " (it names the web-identity caller only through its account, which AWS may not apply to a web identity; read as applying)"
        : "";
      return `explicitly denied by ${describeStatement(d.deniedBy)}${unsettled}`;
    }
    case "ImplicitlyDenied":
      return d.missing.map((side) => missingReason(d, side)).join("; and ");
  }
}
