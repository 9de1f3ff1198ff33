/**
 * Static checks of the chain's policy documents: the mistakes users make when copying the seed (REFERENCE §7
 * and issue 3 §3). They run on parsed policies (iam/parsePolicy) and return hits with the JSON path, so that a
 * finding can point at the exact spot.
 */
import { hasWildcard, type Policy, type Statement, wildcardMatch } from "../../iam/index.js";
import { STS_AUDIENCE } from "../../names/index.js";
import type { FindingCode } from "../catalogue.js";

export interface LintHit {
  code: FindingCode;
  message: string;
  jsonPath: string;
}

/** `oidc.eu-west-1.eks.amazonaws.com/…`: region and `eks` swapped. */
const ISSUER_TYPO = /^oidc\.[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+\.eks\./;
const PROVIDER_MARK = ":oidc-provider/";

/** `ForAnyValue:StringLikeIfExists` → `StringLike`. */
export function baseOperator(operator: string): string {
  const bare = operator.replace(/^For(Any|All)Values?:/, "");
  return bare.endsWith("IfExists") ? bare.slice(0, -"IfExists".length) : bare;
}

function allowsAction(s: Statement, action: string): boolean {
  const matches = s.action.values.some((a) => wildcardMatch(a, action, { ignoreCase: true }));
  return matches !== s.action.negated;
}

/** The issuer host/path a condition key is for: `oidc.eks.r.amazonaws.com/id/X:sub` → [prefix, `sub`]. */
function splitKey(key: string): [string, string] | undefined {
  const colon = key.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const prefix = key.slice(0, colon);
  // Global keys (aws:…, sts:…) have no slash or dot in their prefix.
  if (!prefix.includes(".") && !prefix.includes("/")) return undefined;
  return [prefix, key.slice(colon + 1).toLowerCase()];
}

function federatedProviders(s: Statement): string[] {
  if (!s.principal || s.principal.negated) return [];
  return s.principal.entries
    .filter((e) => e.type === "Federated" && e.value.includes(PROVIDER_MARK))
    .map((e) => e.value);
}

function providerPath(providerArn: string): string {
  return providerArn.slice(providerArn.indexOf(PROVIDER_MARK) + PROVIDER_MARK.length);
}

/** Statements of a trust policy that grant web identity through an OIDC provider. */
export function webIdentityStatements(policy: Policy): Statement[] {
  return policy.statements.filter(
    (s) =>
      s.effect === "Allow" &&
      federatedProviders(s).length > 0 &&
      allowsAction(s, "sts:AssumeRoleWithWebIdentity"),
  );
}

export interface WebIdentityExpectation {
  /** The source cluster's issuer without scheme, e.g. `oidc.eks.eu-west-1.amazonaws.com/id/ABC`. */
  hostPath: string;
  /** The IAM OIDC provider ARN for that issuer in the source account. */
  providerArn: string;
}

/**
 * Mistakes in a web-identity trust policy. Every message depends only on the policy and the expected issuer,
 * so that the same mistake seen from several chains is reported once.
 */
export function lintWebIdentityTrust(policy: Policy, expect: WebIdentityExpectation): LintHit[] {
  const hits: LintHit[] = [];
  for (const s of webIdentityStatements(policy)) {
    const principalPath = `${s.path}.Principal.Federated`;
    const providers = federatedProviders(s);
    const paths = providers.map(providerPath);
    for (const [i, path] of paths.entries()) {
      if (ISSUER_TYPO.test(path)) {
        hits.push({
          code: "XIRSA-TRUST-ISSUER-TYPO",
          message: `Principal.Federated ${providers[i]} writes the issuer as oidc.<region>.eks…; it is oidc.eks.<region>.amazonaws.com`,
          jsonPath: principalPath,
        });
      } else if (providers[i] !== expect.providerArn && paths.length === 1) {
        hits.push({
          code: "XIRSA-TRUST-WRONG-PROVIDER",
          message: `Principal.Federated is ${providers[i]}, not the source cluster's provider ${expect.providerArn}`,
          jsonPath: principalPath,
        });
      }
    }
    let hasAud = false;
    let hasSub = false;
    for (const c of s.conditions) {
      const split = splitKey(c.key);
      if (!split) continue;
      const [prefix, claim] = split;
      if (claim !== "sub" && claim !== "aud") continue;
      const op = baseOperator(c.operator);
      const negative = op.includes("Not");
      if (claim === "aud" && !negative) hasAud = true;
      if (claim === "sub" && !negative) hasSub = true;
      // Any wildcard admits service accounts beyond the configured ones (system:serviceaccount:* is every
      // pod of the cluster): the configured subjects are exact names.
      const wild = c.values.find(hasWildcard);
      if (claim === "sub" && !negative && op === "StringLike" && wild !== undefined) {
        hits.push({
          code: "XIRSA-TRUST-SUB-WILDCARD",
          message: `statement ${statementName(s)}: ${c.operator} ${c.key} value ${wild} admits service accounts other than the configured ones`,
          jsonPath: c.path,
        });
      }
      if (/^https?:\/\//i.test(prefix)) {
        hits.push({
          code: "XIRSA-TRUST-HTTPS-KEY",
          message: `condition key ${c.key} has the https:// scheme; the key is ${prefix.replace(/^https?:\/\//i, "")}:${claim}`,
          jsonPath: c.path,
        });
      } else if (ISSUER_TYPO.test(prefix)) {
        hits.push({
          code: "XIRSA-TRUST-ISSUER-TYPO",
          message: `condition key ${c.key} writes the issuer as oidc.<region>.eks…; it is oidc.eks.<region>.amazonaws.com`,
          jsonPath: c.path,
        });
      } else if (!paths.some((p) => p.toLowerCase() === prefix.toLowerCase())) {
        hits.push({
          code: "XIRSA-TRUST-ISSUER-MISMATCH",
          message: `condition key ${c.key} is for issuer ${prefix}, but the Principal is ${joinOr(providers)}`,
          jsonPath: c.path,
        });
      }
      if ((op === "StringEquals" || op === "StringEqualsIgnoreCase") && c.values.some(hasWildcard)) {
        hits.push({
          code: "XIRSA-TRUST-WILDCARD-EQUALS",
          message: `${c.operator} ${c.key} has the wildcard value ${c.values.find(hasWildcard)}, which ${c.operator} compares literally`,
          jsonPath: c.path,
        });
      }
      if (op === "StringLike" && !c.values.some(hasWildcard)) {
        hits.push({
          code: "XIRSA-TRUST-LIKE-NO-WILDCARD",
          message: `${c.operator} ${c.key} has no wildcard in its values (it acts as StringEquals)`,
          jsonPath: c.path,
        });
      }
      if (claim === "aud" && !negative && !audienceAccepted(op, c.values)) {
        hits.push({
          code: "XIRSA-TRUST-AUD-VALUE",
          message: `${c.operator} ${c.key} expects ${c.values.join(", ")}; the projected token's audience is ${STS_AUDIENCE}`,
          jsonPath: c.path,
        });
      }
    }
    if (!hasAud) {
      hits.push({
        code: "XIRSA-TRUST-NO-AUD",
        message: `statement ${statementName(s)} allows web identity without an :aud condition`,
        jsonPath: s.conditions.length ? `${s.path}.Condition` : s.path,
      });
    }
    if (!hasSub) {
      hits.push({
        code: "XIRSA-TRUST-NO-SUB",
        message: `statement ${statementName(s)} allows web identity without a :sub condition: every service account of the cluster may assume the role`,
        jsonPath: s.conditions.length ? `${s.path}.Condition` : s.path,
      });
    }
  }
  return hits;
}

function audienceAccepted(op: string, values: readonly string[]): boolean {
  switch (op) {
    case "StringEquals":
      return values.includes(STS_AUDIENCE);
    case "StringEqualsIgnoreCase":
      return values.some((v) => v.toLowerCase() === STS_AUDIENCE);
    case "StringLike":
      return values.some((v) => wildcardMatch(v, STS_AUDIENCE));
    default:
      return true;
  }
}

/** Whether a statement's `:sub` conditions (for the issuer) accept the subject; undefined when it has none. */
export function subjectAccepted(s: Statement, hostPath: string, subject: string): boolean | undefined {
  let seen = false;
  for (const c of s.conditions) {
    const split = splitKey(c.key);
    if (split?.[1] !== "sub" || split[0].toLowerCase() !== hostPath.toLowerCase()) continue;
    const op = baseOperator(c.operator);
    if (op.includes("Not")) continue;
    seen = true;
    const ok =
      op === "StringLike"
        ? c.values.some((v) => wildcardMatch(v, subject))
        : op === "StringEqualsIgnoreCase"
          ? c.values.some((v) => v.toLowerCase() === subject.toLowerCase())
          : c.values.includes(subject);
    if (!ok) return false;
  }
  return seen ? true : undefined;
}

/** The `:sub` conditions (for the issuer) of a statement, as written: where they are and what they accept. */
export function subjectConditions(
  s: Statement,
  hostPath: string,
): Array<{ operator: string; key: string; values: readonly string[]; jsonPath: string }> {
  return s.conditions
    .filter((c) => {
      const split = splitKey(c.key);
      return (
        split?.[1] === "sub" &&
        split[0].toLowerCase() === hostPath.toLowerCase() &&
        !baseOperator(c.operator).includes("Not")
      );
    })
    .map((c) => ({ operator: c.operator, key: c.key, values: c.values, jsonPath: c.path }));
}

function joinOr(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;
}

/** Mistakes in a cross-account trust policy (the target role's). */
export function lintRoleTrust(policy: Policy): LintHit[] {
  const hits: LintHit[] = [];
  for (const s of policy.statements) {
    if (s.effect !== "Allow" || !s.principal || s.principal.negated) continue;
    const path = `${s.path}.Principal`;
    for (const e of s.principal.entries) {
      if (e.type !== "AWS" && e.type !== "*") continue;
      const v = e.value;
      const iam = /^arn:[a-z-]+:iam::(\d{12}):(.*)$/.exec(v);
      if (iam && iam[2] !== "root" && !/^(role|user|group|federated-user)\//.test(iam[2]!)) {
        hits.push({
          code: "XIRSA-TRUST-PRINCIPAL-NO-ROLE",
          message: `Principal ${v} is not a role ARN (missing role/): write arn:aws:iam::${iam[1]}:role/${iam[2]}`,
          jsonPath: `${path}.AWS`,
        });
      }
      const broad = v === "*" || /^\d{12}$/.test(v) || /^arn:[a-z-]+:iam::\d{12}:root$/.test(v);
      if (broad && !narrowsPrincipal(s)) {
        hits.push({
          code: "XIRSA-TRUST-BROAD-PRINCIPAL",
          message:
            v === "*"
              ? `statement ${statementName(s)} trusts every principal (${e.type === "*" ? "*" : "AWS: *"}) without a condition naming the principal`
              : `statement ${statementName(s)} trusts the whole account ${v} without a condition naming the principal (aws:PrincipalArn)`,
          jsonPath: path,
        });
      }
    }
  }
  return hits;
}

/** `1 (Sid "x")`: how every output names a statement, by index and by Sid when it has one. */
export function statementName(s: Statement): string {
  return s.sid ? `${s.index} (Sid "${s.sid}")` : String(s.index);
}

// Keys that pin the calling principal itself, not only its account or organisation (IAM global condition keys).
const PRINCIPAL_KEYS = new Set(["aws:principalarn", "aws:userid", "aws:username"]);

/** A non-negated condition on the principal's ARN or id, with no wildcard that lets the whole account in. */
function narrowsPrincipal(s: Statement): boolean {
  return s.conditions.some((c) => {
    const op = baseOperator(c.operator);
    if (op.includes("Not") || op === "Null") return false;
    if (!PRINCIPAL_KEYS.has(c.key.toLowerCase()) && !c.key.toLowerCase().startsWith("aws:principaltag/"))
      return false;
    return c.values.length > 0 && !c.values.some((v) => v === "*" || /:root$|:\*$/.test(v));
  });
}

/**
 * Statements of any trust policy (source or target role) that let anyone in: Principal * or AWS *, an account
 * root without a condition naming the principal, a Federated principal of *. Web-identity statements are
 * checked for their aud and sub by lintWebIdentityTrust.
 */
export function lintTrustExposure(policy: Policy): LintHit[] {
  return [
    ...lintRoleTrust(policy).filter((h) => h.code === "XIRSA-TRUST-BROAD-PRINCIPAL"),
    ...lintFederatedAny(policy),
  ];
}

/** Web-identity statements of a target role's trust policy: their aud, sub and wildcards. */
export function lintTargetWebIdentity(policy: Policy): LintHit[] {
  const exposure = new Set(["XIRSA-TRUST-NO-AUD", "XIRSA-TRUST-NO-SUB", "XIRSA-TRUST-SUB-WILDCARD"]);
  return lintWebIdentityTrust(policy, { hostPath: "", providerArn: "" }).filter((h) => exposure.has(h.code));
}

/** Principal.Federated with a wildcard. */
export function lintFederatedAny(policy: Policy): LintHit[] {
  const hits: LintHit[] = [];
  for (const s of policy.statements) {
    if (s.effect !== "Allow" || !s.principal || s.principal.negated) continue;
    for (const e of s.principal.entries) {
      if (e.type === "Federated" && hasWildcard(e.value)) {
        hits.push({
          code: "XIRSA-TRUST-BROAD-PRINCIPAL",
          message: `statement ${statementName(s)} trusts every identity provider (Federated: ${e.value})`,
          jsonPath: `${s.path}.Principal.Federated`,
        });
      }
    }
  }
  return hits;
}

/** `sts:AssumeRole` on `Resource: *` in a source role's identity policy. */
export function lintAssumeAny(policy: Policy): LintHit[] {
  const hits: LintHit[] = [];
  for (const s of policy.statements) {
    if (s.effect !== "Allow" || !allowsAction(s, "sts:AssumeRole")) continue;
    if (s.resource && !s.resource.negated && s.resource.values.includes("*")) {
      hits.push({
        code: "XIRSA-IAM-ASSUME-ANY",
        message: `statement ${s.index} allows sts:AssumeRole on Resource *`,
        jsonPath: `${s.path}.Resource`,
      });
    }
  }
  return hits;
}
