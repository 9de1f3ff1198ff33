/**
 * IAM's validation of policy documents, with IAM's MalformedPolicyDocument messages. Trust policies also have
 * their role and user principals resolved to unique ids, as IAM does: a principal that does not exist is
 * refused ("Invalid principal in policy"), and one that is deleted and re-created no longer matches.
 */
import { isAccountId } from "../../../iam/index.js";
import { AwsApiError } from "../../protocol/errors.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const malformed = (message: string) => new AwsApiError("MalformedPolicyDocument", message);

const STATEMENT_FIELDS = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);

export type PolicyKind = "identity" | "trust";

/** Resolves a role or user ARN named in a trust policy to its unique id, or undefined when it does not exist. */
export type PrincipalResolver = (arn: string) => string | undefined;

const asList = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Compact size as IAM counts it (whitespace outside strings does not count). */
export function policySize(text: string): number {
  try {
    return JSON.stringify(JSON.parse(text)).length;
  } catch {
    return text.length;
  }
}

/**
 * Validates a document; returns the unique ids of the role/user principals it names (trust policies).
 * Throws AwsApiError(MalformedPolicyDocument) with IAM's message.
 */
export function validatePolicyDocument(
  text: string,
  kind: PolicyKind,
  resolve: PrincipalResolver,
): Record<string, string> {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    // What IAM answers for text that is not JSON at all, e.g. `--policy-document policy.json` without file://.
    throw malformed("This policy contains invalid Json");
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw malformed("Syntax errors in policy.");
  for (const k of Object.keys(doc)) {
    if (!["Version", "Id", "Statement"].includes(k)) throw malformed("Syntax errors in policy.");
  }
  const version = doc.Version;
  if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17") {
    throw malformed("The policy failed legacy parsing");
  }
  if (doc.Statement === undefined) throw malformed("Missing required field Statement");
  const statements = asList(doc.Statement);
  if (statements.length === 0) throw malformed("Syntax errors in policy.");
  const principalIds: Record<string, string> = {};
  const sids = new Set<string>();
  for (const st of statements) {
    if (st === null || typeof st !== "object" || Array.isArray(st))
      throw malformed("Syntax errors in policy.");
    // IAM policies take alphanumeric Sids, unique within the policy (IAM JSON policy reference, Sid).
    if (st.Sid !== undefined) {
      if (typeof st.Sid !== "string" || !/^[0-9A-Za-z]*$/.test(st.Sid))
        throw malformed(
          "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
        );
      if (st.Sid !== "" && sids.has(st.Sid))
        throw malformed("Statement IDs (SID) in a single policy must be unique.");
      sids.add(st.Sid);
    }
    for (const k of Object.keys(st))
      if (!STATEMENT_FIELDS.has(k)) throw malformed("Syntax errors in policy.");
    if (st.Effect === undefined) throw malformed("Missing required field Effect");
    if (st.Effect !== "Allow" && st.Effect !== "Deny")
      throw malformed(`Invalid effect: ${String(st.Effect)}`);
    if (st.Action === undefined && st.NotAction === undefined)
      throw malformed("Policy statement must contain actions.");
    for (const a of [...asList(st.Action), ...asList(st.NotAction)]) {
      if (typeof a !== "string") throw malformed("Syntax errors in policy.");
      if (a !== "*" && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]*$/.test(a)) {
        throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
      }
    }
    if (st.Condition !== undefined) {
      const c = st.Condition;
      if (c === null || typeof c !== "object" || Array.isArray(c))
        throw malformed("Syntax errors in policy.");
      for (const block of Object.values(c)) {
        if (block === null || typeof block !== "object" || Array.isArray(block))
          throw malformed("Syntax errors in policy.");
      }
    }
    if (kind === "identity") {
      if (st.Principal !== undefined || st.NotPrincipal !== undefined) {
        throw malformed("Policy document should not specify a principal.");
      }
      if (st.Resource === undefined && st.NotResource === undefined) {
        throw malformed("Policy statement must contain resources.");
      }
      for (const r of [...asList(st.Resource), ...asList(st.NotResource)]) {
        if (typeof r !== "string") throw malformed("Syntax errors in policy.");
        if (r !== "*" && !r.startsWith("arn:"))
          throw malformed(`Resource ${r} must be in ARN format or "*".`);
      }
    } else {
      if (st.Resource !== undefined || st.NotResource !== undefined)
        throw malformed("Has prohibited field Resource");
      if (st.Principal === undefined && st.NotPrincipal === undefined)
        throw malformed("Missing required field Principal");
      // A role's trust policy grants only the STS actions of assuming it.
      for (const a of [...asList(st.Action), ...asList(st.NotAction)]) {
        if (!trustAction(a as string))
          throw malformed("AssumeRole policy may only specify STS AssumeRole actions.");
      }
      Object.assign(principalIds, trustPrincipals(st.Principal ?? st.NotPrincipal ?? null, resolve));
    }
  }
  return principalIds;
}

const TRUST_ACTIONS = [
  "sts:assumerole",
  "sts:assumerolewithwebidentity",
  "sts:assumerolewithsaml",
  "sts:tagsession",
  "sts:setsourceidentity",
  "sts:setcontext",
];

/** `sts:AssumeRole*`, `sts:TagSession`, …, or a wildcard that names only such actions' prefix. */
function trustAction(a: string): boolean {
  const lower = a.toLowerCase();
  if (lower === "*" || lower === "sts:*") return true;
  const re = new RegExp(
    `^${lower
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return lower.startsWith("sts:") && TRUST_ACTIONS.some((t) => re.test(t));
}

function trustPrincipals(principal: Json, resolve: PrincipalResolver): Record<string, string> {
  if (principal === "*") return {};
  if (principal === null || typeof principal !== "object" || Array.isArray(principal)) {
    throw malformed("Syntax errors in policy.");
  }
  const ids: Record<string, string> = {};
  for (const [type, value] of Object.entries(principal)) {
    const values = asList(value);
    if (!["AWS", "Federated", "Service", "CanonicalUser"].includes(type)) {
      throw malformed(`Invalid principal in policy: "${type}":${JSON.stringify(value)}`);
    }
    for (const v of values) {
      const invalid = () => malformed(`Invalid principal in policy: "${type}":"${String(v)}"`);
      if (typeof v !== "string" || v === "") throw invalid();
      if (type !== "AWS") continue;
      if (v === "*" || isAccountId(v) || /^A(ROA|IDA)[A-Z0-9]{12,}$/.test(v)) continue;
      const m = /^arn:aws:(iam|sts)::(\d{12}):(.+)$/.exec(v);
      if (!m) throw invalid();
      const [, svc, , rest] = m as unknown as [string, string, string, string];
      if (svc === "iam" && rest === "root") continue;
      if (svc === "sts" && /^assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/.test(rest)) continue;
      if (svc === "iam" && /^(role|user)\//.test(rest)) {
        const id = resolve(v);
        if (!id) throw invalid();
        ids[v] = id;
        continue;
      }
      throw invalid();
    }
  }
  return ids;
}

/**
 * The trust document as IAM evaluates and shows it now: a role/user principal whose unique id no longer
 * matches the current principal of that ARN is replaced by the stale unique id (so it matches nobody).
 */
export function effectiveTrust(
  text: string,
  principalIds: Record<string, string>,
  current: PrincipalResolver,
): string {
  const stale = Object.entries(principalIds).filter(([arn, id]) => current(arn) !== id);
  if (!stale.length) return text;
  const doc = JSON.parse(text) as { Statement: Json };
  const replace = (v: Json): Json => {
    if (typeof v !== "string") return v;
    const hit = stale.find(([arn]) => arn === v);
    return hit ? hit[1] : v;
  };
  for (const st of asList(doc.Statement) as { [k: string]: Json }[]) {
    for (const field of ["Principal", "NotPrincipal"]) {
      const p = st[field];
      if (p && typeof p === "object" && !Array.isArray(p) && p.AWS !== undefined) {
        p.AWS = Array.isArray(p.AWS) ? p.AWS.map(replace) : replace(p.AWS);
      }
    }
  }
  return JSON.stringify(doc);
}
