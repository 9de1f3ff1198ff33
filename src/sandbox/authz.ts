/**
 * The one place where the sandbox asks the project's IAM evaluator (src/iam) for a decision, and turns a
 * refusal into AWS's AccessDenied text. Identity policies of a caller: the admin user holds
 * AdministratorAccess; a role session holds its role's inline and attached policies (of the role it assumed:
 * a role deleted and re-created under the same name gives the old sessions nothing), and is further limited
 * by its session policy and its role's permissions boundary: the effective permissions are the intersection
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). Not modelled: a
 * resource-based policy that names the role session itself, which AWS lets through a boundary.
 */

import type { ContextValue, Decision, NamedPolicy } from "../iam/index.js";
import { authorize, parsePolicy } from "../iam/index.js";
import type { AwsState, Caller, PolicyRec } from "./model.js";
import { findManaged } from "./services/iam/managed.js";

export function findPolicy(state: AwsState, arn: string): PolicyRec | undefined {
  return findManaged(arn) ?? state.policies.find((p) => p.arn === arn);
}

export function defaultDocument(p: PolicyRec): string {
  return p.versions.find((v) => v.versionId === p.defaultVersionId)?.document ?? "{}";
}

/** The permissions boundary document of a role session's role, if it has one. */
export function boundaryPolicy(state: AwsState, caller: Caller): NamedPolicy | undefined {
  if (caller.kind !== "session") return undefined;
  const role = state.roles.find((r) => r.arn === caller.roleArn && r.roleId === caller.roleId);
  const p = role?.permissionsBoundary ? findPolicy(state, role.permissionsBoundary) : undefined;
  return p ? { name: `boundary:${p.arn}`, document: JSON.parse(defaultDocument(p)) } : undefined;
}

/** The identity-based policies in force for a caller right now. */
export function identityPolicies(state: AwsState, caller: Caller): NamedPolicy[] {
  if (caller.kind === "user") {
    const admin = findManaged("arn:aws:iam::aws:policy/AdministratorAccess")!;
    return [{ name: `attached:${admin.arn}`, document: JSON.parse(defaultDocument(admin)) }];
  }
  const role = state.roles.find((r) => r.arn === caller.roleArn && r.roleId === caller.roleId);
  if (!role) return [];
  const inline = Object.entries(role.inline).map(([name, doc]) => ({
    name: `inline:${name}`,
    document: JSON.parse(doc),
  }));
  const attached = role.attached.flatMap((arn) => {
    const p = findPolicy(state, arn);
    return p ? [{ name: `attached:${arn}`, document: JSON.parse(defaultDocument(p)) }] : [];
  });
  return [...inline, ...attached];
}

export type DenyReason =
  | "explicit-identity"
  | "explicit-resource"
  | "no-identity"
  | "no-resource"
  | "no-session"
  | "explicit-boundary"
  | "no-boundary";

export type AccessVerdict =
  | { allowed: true; decision: Decision }
  | { allowed: false; because: DenyReason; decision: Decision };

export interface AccessQuestion {
  caller: Caller;
  action: string;
  resource: string;
  resourceAccount: string;
  resourcePolicy?: NamedPolicy;
  context?: Record<string, ContextValue>;
  now: Date;
}

/**
 * aws:PrincipalTag/<key> of a role session: the role's IAM tags, overridden by its session tags ("Pass session
 * tags in AWS STS", IAM User Guide: a session tag replaces the role tag of the same key).
 */
function principalTags(state: AwsState, c: Caller): Record<string, string> {
  if (c.kind !== "session") return {};
  const out: Record<string, string> = {};
  const role = state.roles.find((r) => r.arn === c.roleArn);
  for (const t of [...(role?.tags ?? []), ...(c.sessionTags ?? [])])
    out[`aws:PrincipalTag/${t.Key}`] = t.Value;
  return out;
}

function standardContext(state: AwsState, q: AccessQuestion): Record<string, ContextValue> {
  const c = q.caller;
  return {
    ...principalTags(state, c),
    ...(c.kind === "session" && c.sourceIdentity ? { "aws:SourceIdentity": c.sourceIdentity } : {}),
    "aws:PrincipalArn": c.kind === "session" ? c.roleArn : c.arn,
    "aws:PrincipalAccount": c.accountId,
    "aws:PrincipalType": c.kind === "session" ? "AssumedRole" : "User",
    "aws:userid": c.userId,
    "aws:CurrentTime": q.now.toISOString(),
    "aws:EpochTime": String(Math.floor(q.now.getTime() / 1000)),
    "aws:SecureTransport": false,
    ...(c.kind === "user" ? { "aws:username": c.name } : {}),
    ...q.context,
  };
}

/** Asks the evaluator; cross-account when the resource's account differs from the caller's. */
export function checkAccess(state: AwsState, q: AccessQuestion): AccessVerdict {
  const principal =
    q.caller.kind === "session"
      ? { kind: "aws" as const, accountId: q.caller.accountId, arn: q.caller.arn, roleArn: q.caller.roleArn }
      : { kind: "aws" as const, accountId: q.caller.accountId, arn: q.caller.arn };
  const request = { principal, action: q.action, resource: q.resource, context: standardContext(state, q) };
  const decision = authorize({
    request,
    identityPolicies: identityPolicies(state, q.caller),
    resourcePolicy: q.resourcePolicy,
    resourceAccount: q.resourceAccount,
  });
  if (decision.decision === "ExplicitlyDenied") {
    const byResource = q.resourcePolicy !== undefined && decision.deniedBy.policy === q.resourcePolicy.name;
    return { allowed: false, because: byResource ? "explicit-resource" : "explicit-identity", decision };
  }
  if (decision.decision === "ImplicitlyDenied") {
    return {
      allowed: false,
      because: decision.missing.includes("identity") ? "no-identity" : "no-resource",
      decision,
    };
  }
  if (q.caller.kind === "session" && q.caller.sessionPolicy) {
    const session = authorize({
      request,
      identityPolicies: [{ name: "session", document: JSON.parse(q.caller.sessionPolicy) }],
      resourceAccount: q.caller.accountId,
      limit: true,
    });
    if (session.decision !== "Allowed") return { allowed: false, because: "no-session", decision: session };
  }
  const boundary = boundaryPolicy(state, q.caller);
  if (boundary) {
    // A limit, not a grant: without `limit` an sts:AssumeRole would need a trust policy here and be refused.
    const bounded = authorize({
      request,
      identityPolicies: [boundary],
      resourceAccount: q.caller.accountId,
      limit: true,
    });
    if (bounded.decision === "ExplicitlyDenied")
      return { allowed: false, because: "explicit-boundary", decision: bounded };
    if (bounded.decision !== "Allowed") return { allowed: false, because: "no-boundary", decision: bounded };
  }
  return { allowed: true, decision };
}

/** AWS's AccessDenied text, e.g. `User: arn:… is not authorized to perform: iam:GetRole on resource: arn:… because no identity-based policy allows the iam:GetRole action`. */
export function accessDeniedMessage(
  callerArn: string,
  action: string,
  resource: string,
  because?: DenyReason,
): string {
  const head = `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`;
  switch (because) {
    case "explicit-identity":
      return `${head} with an explicit deny in an identity-based policy`;
    case "explicit-resource":
      return `${head} with an explicit deny in a resource-based policy`;
    case "no-identity":
      return `${head} because no identity-based policy allows the ${action} action`;
    case "no-resource":
      return `${head} because no resource-based policy allows the ${action} action`;
    case "no-session":
      return `${head} because no session policy allows the ${action} action`;
    case "explicit-boundary":
      return `${head} with an explicit deny in a permissions boundary`;
    case "no-boundary":
      return `${head} because no permissions boundary allows the ${action} action`;
    default:
      return head;
  }
}

/** True when the evaluator can parse the document (a safety net after IAM's own validation). */
export function evaluable(document: unknown, kind: "identity" | "resource"): boolean {
  try {
    parsePolicy(document, undefined, kind);
    return true;
  } catch {
    return false;
  }
}

/** A federated (web identity) principal asks a role's trust policy; identity policies play no part. */
export function trustAllowsWebIdentity(q: {
  providerArn: string;
  roleArn: string;
  roleAccount: string;
  trust: unknown;
  context: Record<string, ContextValue>;
}): boolean {
  const decision = authorize({
    request: {
      principal: { kind: "federated", provider: q.providerArn },
      action: "sts:AssumeRoleWithWebIdentity",
      resource: q.roleArn,
      context: q.context,
    },
    identityPolicies: [],
    resourcePolicy: { name: `trust:${q.roleArn}`, document: q.trust },
    resourceAccount: q.roleAccount,
  });
  return decision.decision === "Allowed";
}
