/**
 * authorize(): AWS's decision for one request, with the statement-level trace that explains it.
 *
 * Evaluation logic, from AWS "Policy evaluation logic", "Cross-account policy evaluation logic",
 * "IAM JSON policy elements: Principal" and "How IAM roles differ from resource-based policies" / "IAM roles
 * terms and concepts: trust policy":
 * 1. An applying Deny in any identity or resource policy wins (explicit deny).
 * 2. Federated (web identity, SAML) and service principals have no identity policies here: the resource
 *    (trust) policy alone must allow.
 * 3. Role trust (`sts:AssumeRole*`, and any other `sts:` action against a role's trust policy such as
 *    `sts:TagSession`): the trust policy must allow in every case. If it names the caller (or `*`), that is
 *    enough within the same account; if it names only the caller's account (`arn:aws:iam::A:root` or `A`),
 *    the account delegates and an identity policy must allow too. Cross-account, an identity policy must
 *    allow as well, whatever the trust policy names.
 * 4. Other actions, same account: an allow in the identity policies or a resource-policy allow that names the
 *    caller suffices ("an Allow in either"); an account-level allow delegates to the identity policies.
 * 5. Other actions, cross-account: the identity policies AND the resource policy must allow.
 * `sts:GetCallerIdentity` needs no permission (AWS STS API reference: "No permissions are required to perform
 * this operation") and is always allowed for an IAM caller.
 */
import { type CompiledPolicy, type CompiledStatement, compilePolicy } from "./compile.js";
import type { RequestContext } from "./conditions/compile.js";
import type { PolicyKind } from "./policy.js";
import { describeCaller, type PrincipalMatch } from "./principal.js";
import type {
  AuthorizeInput,
  ContextValue,
  Decision,
  Mismatch,
  NamedPolicy,
  RequestPrincipal,
  RequestSummary,
  StatementRef,
  StatementTrace,
} from "./types.js";

/** Lower-case the keys; booleans and numbers become the strings IAM compares. */
export function normalizeContext(context: Record<string, ContextValue> | undefined): RequestContext {
  const out = new Map<string, string | readonly string[]>();
  if (!context) return out;
  for (const key of Object.keys(context)) {
    const v = context[key];
    if (v === undefined) continue;
    out.set(key.toLowerCase(), Array.isArray(v) ? v.map(String) : String(v));
  }
  return out;
}

interface Request {
  caller: RequestPrincipal;
  action: string;
  /** lower-cased */
  actionKey: string;
  resource: string;
  context: RequestContext;
}

/** A statement that applied, and how its principal matched. */
interface Applied {
  s: CompiledStatement;
  ref: StatementRef;
  applied: PrincipalMatch;
}

function refOf(policy: string, s: CompiledStatement): StatementRef {
  return s.sid !== undefined && s.sid !== ""
    ? { policy, index: s.index, sid: s.sid }
    : { policy, index: s.index };
}

function mismatchOf(s: CompiledStatement, req: Request): { mismatch?: Mismatch; principal: PrincipalMatch } {
  let principal: PrincipalMatch = "direct";
  if (s.principal) {
    principal = s.principal.test(req.caller);
    // An unsettled match (principal.ts) is read the way that refuses: a Deny applies, an Allow does not.
    const unsettledAllow = principal === "unsettled" && s.effect === "Allow";
    if (principal === "none" || unsettledAllow) {
      return {
        principal,
        mismatch: {
          on: "principal",
          expected: [...s.principal.expected],
          actual: describeCaller(req.caller),
          ...(s.principal.negated ? { negated: true } : {}),
          ...(unsettledAllow ? { unsettled: true } : {}),
        },
      };
    }
  }
  if (s.action.test(req.actionKey) === s.action.negated) {
    return {
      principal,
      mismatch: {
        on: "action",
        expected: [...s.action.expected],
        actual: req.action,
        ...(s.action.negated ? { negated: true } : {}),
      },
    };
  }
  if (s.resource && s.resource.test(req.resource, req.context) === s.resource.negated) {
    return {
      principal,
      mismatch: {
        on: "resource",
        expected: [...s.resource.expected],
        actual: req.resource,
        ...(s.resource.negated ? { negated: true } : {}),
      },
    };
  }
  for (const c of s.conditions) {
    if (!c.test(req.context)) {
      const v = req.context.get(c.key.toLowerCase());
      return {
        principal,
        mismatch: {
          on: "condition",
          failure: {
            operator: c.operator,
            key: c.key,
            expected: [...c.expected],
            actual: v === undefined ? undefined : typeof v === "string" ? [v] : [...v],
          },
        },
      };
    }
  }
  return { principal };
}

function evaluatePolicy(
  named: NamedPolicy,
  kind: PolicyKind,
  req: Request,
  trace: StatementTrace[],
  outcomes: Applied[],
): void {
  const compiled: CompiledPolicy = compilePolicy(named.document, named.name, kind);
  for (const s of compiled.statements) {
    const { mismatch, principal } = mismatchOf(s, req);
    const ref = refOf(named.name, s);
    const t: StatementTrace = { statement: ref, effect: s.effect, side: kind };
    if (principal === "unsettled" && (!mismatch || mismatch.on === "principal")) t.unsettledPrincipal = true;
    if (mismatch) {
      t.mismatch = mismatch;
    } else {
      if (kind === "resource" && (principal === "direct" || principal === "account"))
        t.principalMatch = principal;
      outcomes.push({ s, ref, applied: principal });
    }
    trace.push(t);
  }
}

/** AWS's decision for the request; throws PolicyError when a policy document is malformed. */
export function authorize(input: AuthorizeInput): Decision {
  const { request, identityPolicies, resourcePolicy, resourceAccount } = input;
  const actionKey = request.action.toLowerCase();
  const req: Request = {
    caller: request.principal,
    action: request.action,
    actionKey,
    resource: request.resource,
    context: normalizeContext(request.context),
  };
  const trace: StatementTrace[] = [];
  const summary: RequestSummary = {
    caller: describeCaller(request.principal),
    action: request.action,
    resource: request.resource,
  };
  const identity: Applied[] = [];
  const resource: Applied[] = [];
  for (const p of identityPolicies) evaluatePolicy(p, "identity", req, trace, identity);
  if (resourcePolicy) evaluatePolicy(resourcePolicy, "resource", req, trace, resource);

  const caller = request.principal;
  if (input.limit) {
    const denyBy = identity.find((o) => o.s.effect === "Deny");
    if (denyBy) return { decision: "ExplicitlyDenied", deniedBy: denyBy.ref, trace, request: summary };
    const allows = identity.filter((o) => o.s.effect === "Allow").map((o) => o.ref);
    return allows.length
      ? { decision: "Allowed", allowedBy: allows, trace, request: summary }
      : { decision: "ImplicitlyDenied", missing: ["identity"], trace, request: summary };
  }
  if (caller.kind === "aws" && actionKey === "sts:getcalleridentity") {
    return { decision: "Allowed", allowedBy: [], trace, request: summary };
  }

  const deny = identity.find((o) => o.s.effect === "Deny") ?? resource.find((o) => o.s.effect === "Deny");
  if (deny) return { decision: "ExplicitlyDenied", deniedBy: deny.ref, trace, request: summary };

  const identityAllows = identity.filter((o) => o.s.effect === "Allow").map((o) => o.ref);
  const direct = resource.filter((o) => o.s.effect === "Allow" && o.applied === "direct").map((o) => o.ref);
  const account = resource.filter((o) => o.s.effect === "Allow" && o.applied === "account").map((o) => o.ref);
  const allowed = (allowedBy: StatementRef[]): Decision => ({
    decision: "Allowed",
    allowedBy,
    trace,
    request: summary,
  });
  const denied = (missing: Array<"identity" | "resource">): Decision => ({
    decision: "ImplicitlyDenied",
    missing,
    trace,
    request: summary,
  });

  if (caller.kind !== "aws") return direct.length > 0 ? allowed(direct) : denied(["resource"]);

  const sameAccount = caller.accountId === resourceAccount;
  // Rule 3 (see the header): AssumeRole* always goes through the role's trust policy; other sts: actions do
  // when one is given (sts:TagSession, sts:SetSourceIdentity), not when they target no role.
  const roleTrust =
    actionKey.startsWith("sts:assumerole") || (actionKey.startsWith("sts:") && !!resourcePolicy);
  const hasIdentity = identityAllows.length > 0;

  if (!sameAccount) {
    const resourceAllows = [...direct, ...account];
    if (hasIdentity && resourceAllows.length > 0) return allowed([...identityAllows, ...resourceAllows]);
    const missing: Array<"identity" | "resource"> = [];
    if (!hasIdentity) missing.push("identity");
    if (resourceAllows.length === 0) missing.push("resource");
    return denied(missing);
  }
  if (roleTrust) {
    if (direct.length > 0) return allowed(direct);
    if (account.length > 0)
      return hasIdentity ? allowed([...account, ...identityAllows]) : denied(["identity"]);
    return denied(["resource"]);
  }
  if (hasIdentity || direct.length > 0) return allowed([...identityAllows, ...direct]);
  return denied(resourcePolicy ? ["identity", "resource"] : ["identity"]);
}
