/**
 * STS (query protocol, API version 2011-06-15): GetCallerIdentity, AssumeRole (caller's identity policies and
 * the role's trust policy; both when cross-account; role chaining capped at one hour) and
 * AssumeRoleWithWebIdentity (the JWT checked as STS does, in STS's order and with its messages).
 */
import { decodeJwt, decodeProtectedHeader } from "jose";
import { issuerHostPath } from "../../../names/index.js";
import { accessDeniedMessage, checkAccess, trustAllowsWebIdentity } from "../../authz.js";
import { accessKeyId, secretAccessKey, sessionToken } from "../../ids.js";
import { verifyServiceAccountToken } from "../../jwt.js";
import type { AwsState, Caller, RoleRec, SessionRec, Tag } from "../../model.js";
import { AwsApiError, validationError } from "../../protocol/errors.js";
import { list, optional, optionalInt, type Params, required, tagList } from "../../protocol/query.js";
import type { XmlValue } from "../../protocol/xml.js";
import type { ServiceContext } from "../context.js";
import { principalIdOf } from "../iam/handlers.js";
import { effectiveTrust, policySize, validatePolicyDocument } from "../iam/policyDocument.js";
import { checkTags, type TagRefusals } from "../tags.js";

export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

type Handler = (ctx: ServiceContext, p: Params) => Promise<XmlValue>;

/** Expired sessions are kept this long so that replaying them says ExpiredToken, not InvalidClientTokenId. */
const KEEP_EXPIRED_MS = 12 * 3600_000;

const GetCallerIdentity: Handler = async (ctx) => {
  const c = ctx.caller!;
  return { UserId: c.userId, Account: c.accountId, Arn: c.arn };
};

function roleArnParam(p: Params): string {
  const arn = required(p, "RoleArn");
  if (arn.length < 20 || arn.length > 2048)
    throw validationError(arn, "roleArn", "Member must have length greater than or equal to 20");
  if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(arn)) {
    throw new AwsApiError("ValidationError", `${arn} is invalid`);
  }
  return arn;
}

function sessionNameParam(p: Params): string {
  const v = required(p, "RoleSessionName");
  if (v.length < 2 || v.length > 64) {
    throw validationError(
      v,
      "roleSessionName",
      `Member must have length ${v.length < 2 ? "greater than or equal to 2" : "less than or equal to 64"}`,
    );
  }
  if (!/^[\w+=,.@-]*$/.test(v))
    throw validationError(
      v,
      "roleSessionName",
      "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  return v;
}

function sessionPolicyParam(p: Params): string | undefined {
  const text = optional(p, "Policy");
  if (text === undefined) return undefined;
  validatePolicyDocument(text, "identity", () => undefined);
  if (policySize(text) > 2048) {
    throw new AwsApiError(
      "PackedPolicyTooLarge",
      "Packed policy consumes 100% of allotted space, please use smaller policy.",
    );
  }
  return text;
}

// STS's refusals of the shared tag rules (`../tags.ts`): one text for a bad key or value.
const badSessionTag = (t: Tag) =>
  new AwsApiError("ValidationError", `Tag ${t.Key} has characters STS does not accept in a session tag`);

const STS_TAG_REFUSALS: TagRefusals = {
  count: () => validationError("[…]", "tags", "Member must have length less than or equal to 50"),
  key: (t) => badSessionTag(t),
  value: (t) => badSessionTag(t),
  reserved: (t) =>
    new AwsApiError(
      "ValidationError",
      `Tag keys starting with 'aws:' are reserved for internal use: ${t.Key}`,
    ),
  duplicate: () =>
    new AwsApiError(
      "InvalidParameterValue",
      "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    ),
};

/**
 * Session tags of AssumeRole (`Tags`, `TransitiveTagKeys`), as "Pass session tags in AWS STS" (IAM User Guide)
 * limits them: at most 50, keys 1–128 and values 0–256 of IAM's tag characters, no `aws:` prefix, keys unique
 * regardless of case, and every transitive key one of the tags.
 */
function sessionTagsParam(p: Params): { tags: Tag[]; transitive: string[] } {
  const tags = tagList(p);
  const transitive = list(p, "TransitiveTagKeys") ?? [];
  const seen = checkTags(tags, STS_TAG_REFUSALS);
  for (const k of transitive) {
    if (!seen.has(k.toLowerCase()))
      throw new AwsApiError(
        "InvalidParameterValue",
        `The transitive tag key ${k} is not among the session tags.`,
      );
  }
  return { tags, transitive };
}

/** The role as STS sees it now (propagation knob: a new role is invisible, a changed trust still old). */
function visibleRole(s: AwsState, arn: string, now: Date): { role: RoleRec; trust: string } | undefined {
  const role = s.roles.find((r) => r.arn === arn);
  if (!role || now.getTime() < Date.parse(role.effectiveAt)) return undefined;
  const t =
    role.previousTrust && now.getTime() < Date.parse(role.previousTrust.until)
      ? role.previousTrust
      : role.trust;
  return { role, trust: effectiveTrust(t.document, t.principalIds, (a) => principalIdOf(s, a)) };
}

function issue(
  ctx: ServiceContext,
  role: RoleRec,
  sessionName: string,
  seconds: number,
  extra: {
    chained: boolean;
    sessionPolicy?: string;
    sourceIdentity?: string;
    sessionTags?: Tag[];
    transitiveTagKeys?: string[];
  },
): Promise<SessionRec> {
  const now = ctx.ports.now();
  return ctx.store.mutate((s) => {
    const session: SessionRec = {
      accessKeyId: accessKeyId("ASIA", ctx.ports.random),
      secretAccessKey: secretAccessKey(ctx.ports.random),
      sessionToken: sessionToken(ctx.ports.random),
      expiration: new Date(Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000).toISOString(),
      accountId: role.accountId,
      roleArn: role.arn,
      roleName: role.name,
      roleId: role.roleId,
      sessionName,
      arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
      chained: extra.chained,
      sessionPolicy: extra.sessionPolicy,
      sourceIdentity: extra.sourceIdentity,
      ...(extra.sessionTags?.length ? { sessionTags: extra.sessionTags } : {}),
      ...(extra.transitiveTagKeys?.length ? { transitiveTagKeys: extra.transitiveTagKeys } : {}),
    };
    s.sessions = s.sessions.filter((x) => Date.parse(x.expiration) + KEEP_EXPIRED_MS > now.getTime());
    s.sessions.push(session);
    return session;
  });
}

function credentialsShape(session: SessionRec): XmlValue {
  return {
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    SessionToken: session.sessionToken,
    Expiration: new Date(session.expiration),
  };
}

function checkDuration(requested: number | undefined, role: RoleRec, chained: boolean): number {
  if (chained && requested !== undefined && requested > 3600) {
    throw new AwsApiError(
      "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  if (requested !== undefined && requested > role.maxSessionDuration) {
    throw new AwsApiError(
      "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }
  return requested ?? 3600;
}

const AssumeRole: Handler = async (ctx, p) => {
  const caller = ctx.caller as Caller;
  const arn = roleArnParam(p);
  const sessionName = sessionNameParam(p);
  const duration = optionalInt(p, "DurationSeconds", 900, 43200);
  const externalId = optional(p, "ExternalId");
  const sourceIdentity = optional(p, "SourceIdentity");
  const sessionPolicy = sessionPolicyParam(p);
  const now = ctx.ports.now();
  const denied = () =>
    new AwsApiError("AccessDenied", accessDeniedMessage(caller.arn, "sts:AssumeRole", arn), 403);
  const seen = ctx.store.read((s) => visibleRole(s, arn, now));
  if (!seen) throw denied();
  const context: Record<string, string> = { "sts:RoleSessionName": sessionName };
  if (externalId !== undefined) context["sts:ExternalId"] = externalId;
  if (sourceIdentity !== undefined) context["sts:SourceIdentity"] = sourceIdentity;
  const { tags, transitive } = sessionTagsParam(p);
  // Tags a calling session marked transitive go on with the chain (IAM User Guide, "Chaining roles with session
  // tags": a transitive tag cannot be overridden further down; the code and text of that refusal are ours).
  const inherited =
    caller.kind === "session"
      ? (caller.sessionTags ?? []).filter((t) => caller.transitiveTagKeys?.includes(t.Key))
      : [];
  const clash = inherited.find((t) => tags.some((n) => n.Key.toLowerCase() === t.Key.toLowerCase()));
  if (clash)
    throw new AwsApiError(
      "InvalidParameterValue",
      `The session tag ${clash.Key} is a transitive tag of the calling session and cannot be overridden.`,
    );
  if (sourceIdentity !== undefined) {
    // botocore sts sourceIdentityType: 2–64 of [\w+=,.@-]; the aws: prefix is reserved (STS API reference).
    if (!/^[\w+=,.@-]{2,64}$/.test(sourceIdentity))
      throw validationError(
        sourceIdentity,
        "sourceIdentity",
        "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      );
    if (/^aws:/i.test(sourceIdentity))
      throw new AwsApiError("ValidationError", "Source identity cannot begin with the reserved prefix aws:");
    if (
      caller.kind === "session" &&
      caller.sourceIdentity !== undefined &&
      sourceIdentity !== caller.sourceIdentity
    )
      throw new AwsApiError(
        "ValidationError",
        "Source identity cannot be changed once it is set for a session.",
      );
  }
  const ask = (action: string, extra: Record<string, string | string[]> = {}) =>
    ctx.store.read((s) =>
      checkAccess(s, {
        caller,
        action,
        resource: arn,
        resourceAccount: seen.role.accountId,
        resourcePolicy: { name: `trust:${arn}`, document: JSON.parse(seen.trust) },
        context: { ...context, ...extra },
        now,
      }),
    ).allowed;
  if (!ask("sts:AssumeRole")) throw denied();
  // Passing tags or a source identity is a permission of its own, asked of the caller's policies and the role's
  // trust policy alike ("Permissions required to add session tags"; "Permissions required to set source
  // identity", IAM User Guide): `sts:TagSession` and `sts:SetSourceIdentity`.
  if (tags.length) {
    const requestTags = Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value]));
    if (!ask("sts:TagSession", { ...requestTags, "aws:TagKeys": tags.map((t) => t.Key) }))
      throw new AwsApiError("AccessDenied", accessDeniedMessage(caller.arn, "sts:TagSession", arn), 403);
  }
  if (sourceIdentity !== undefined && !ask("sts:SetSourceIdentity"))
    throw new AwsApiError("AccessDenied", accessDeniedMessage(caller.arn, "sts:SetSourceIdentity", arn), 403);
  const chained = caller.kind === "session";
  const seconds = checkDuration(duration, seen.role, chained);
  const session = await issue(ctx, seen.role, sessionName, seconds, {
    chained,
    sessionPolicy,
    sourceIdentity: sourceIdentity ?? (caller.kind === "session" ? caller.sourceIdentity : undefined),
    sessionTags: [...inherited, ...tags],
    transitiveTagKeys: [...inherited.map((t) => t.Key), ...transitive],
  });
  return {
    Credentials: credentialsShape(session),
    AssumedRoleUser: { AssumedRoleId: `${session.roleId}:${sessionName}`, Arn: session.arn },
    PackedPolicySize: sessionPolicy ? Math.ceil((policySize(sessionPolicy) / 2048) * 100) : undefined,
    SourceIdentity: sourceIdentity,
  };
};

/**
 * The caller's own temporary credentials (botocore sts GetSessionToken: DurationSeconds 900–129600, default
 * 43200). Session credentials cannot call it; the credentials it returns cannot call IAM without MFA
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html). MFA is not served.
 */
const GetSessionToken: Handler = async (ctx, p) => {
  const caller = ctx.caller as Caller;
  if (caller.kind !== "user" || caller.viaSessionToken)
    throw new AwsApiError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
  const seconds = optionalInt(p, "DurationSeconds", 900, 129600) ?? 43200;
  if (optional(p, "SerialNumber") !== undefined || optional(p, "TokenCode") !== undefined)
    throw new AwsApiError(
      "AccessDenied",
      "MultiFactorAuthentication failed, unable to validate MFA code.",
      403,
    );
  const now = ctx.ports.now();
  const session = await ctx.store.mutate((s) => {
    const rec: SessionRec = {
      accessKeyId: accessKeyId("ASIA", ctx.ports.random),
      secretAccessKey: secretAccessKey(ctx.ports.random),
      sessionToken: sessionToken(ctx.ports.random),
      expiration: new Date(Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000).toISOString(),
      accountId: caller.accountId,
      roleArn: caller.arn,
      roleName: caller.name,
      roleId: caller.userId,
      sessionName: caller.name,
      arn: caller.arn,
      chained: false,
      user: { name: caller.name, userId: caller.userId },
    };
    s.sessions = s.sessions.filter((x) => Date.parse(x.expiration) + KEEP_EXPIRED_MS > now.getTime());
    s.sessions.push(rec);
    return rec;
  });
  return { Credentials: credentialsShape(session) };
};

const invalidToken = (message: string) => new AwsApiError("InvalidIdentityToken", message);

const AssumeRoleWithWebIdentity: Handler = async (ctx, p) => {
  const arn = roleArnParam(p);
  const sessionName = sessionNameParam(p);
  const token = required(p, "WebIdentityToken");
  if (token.length < 4 || token.length > 20000)
    throw validationError("***", "webIdentityToken", "Member must have length less than or equal to 20000");
  const duration = optionalInt(p, "DurationSeconds", 900, 43200);
  const sessionPolicy = sessionPolicyParam(p);
  const now = ctx.ports.now();
  const roleAccount = arn.split(":")[4]!;

  // 1. A JWT at all.
  let claims: ReturnType<typeof decodeJwt>;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw invalidToken(
      "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    );
  }
  const iss = typeof claims.iss === "string" ? claims.iss : "";
  // 2. An IAM OIDC provider for the issuer in the role's account.
  const provider = ctx.store.read((s) =>
    s.oidcProviders.find((x) => x.accountId === roleAccount && issuerHostPath(x.url) === issuerHostPath(iss)),
  );
  if (!iss || !provider) throw invalidToken(`No OpenIDConnect provider found in your account for ${iss}`);
  // 3. The audience among the provider's client ids.
  const audiences =
    typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  const audience = audiences.find((a) => provider.clientIds.includes(a));
  if (!audience) throw invalidToken("Incorrect token audience");
  // 4. The issuer's signing key (the sandbox serves the JWKS of its clusters' issuers).
  const cluster = ctx.store.read((s) => s.clusters.find((c) => c.issuer === iss));
  if (!cluster) {
    throw invalidToken(
      "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    );
  }
  if (header.alg !== "RS256" || (header.kid !== undefined && header.kid !== cluster.saKey.publicJwk.kid)) {
    throw invalidToken(
      "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.",
    );
  }
  // 5. Signature, then time.
  const verdict = await verifyServiceAccountToken(token, {
    issuer: iss,
    publicJwk: cluster.saKey.publicJwk,
    audiences: [audience],
    now,
  });
  if (!verdict.ok) {
    if (verdict.reason === "expired") {
      throw new AwsApiError(
        "ExpiredTokenException",
        `Token expired: current date/time ${Math.floor(now.getTime() / 1000)} must be before the expiration date/time${String(claims.exp)}`,
      );
    }
    if (verdict.reason === "not-yet-valid")
      throw invalidToken("Token used before issued or before its not-before time.");
    throw invalidToken(
      "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.",
    );
  }
  // 6. The role's trust policy, with the token's claims as condition keys.
  const notAuthorized = () =>
    new AwsApiError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
  const seen = ctx.store.read((s) => visibleRole(s, arn, now));
  if (!seen) throw notAuthorized();
  const host = issuerHostPath(iss);
  const context: Record<string, string | string[]> = {
    [`${host}:sub`]: verdict.claims.sub,
    [`${host}:aud`]: audience,
    "sts:RoleSessionName": sessionName,
    "aws:FederatedProvider": provider.arn,
  };
  const amr = verdict.claims.amr;
  if (typeof amr === "string" || Array.isArray(amr)) context[`${host}:amr`] = amr as string | string[];
  const allowed = trustAllowsWebIdentity({
    providerArn: provider.arn,
    roleArn: arn,
    roleAccount: seen.role.accountId,
    trust: JSON.parse(seen.trust),
    context,
  });
  if (!allowed) throw notAuthorized();
  const seconds = checkDuration(duration, seen.role, false);
  const session = await issue(ctx, seen.role, sessionName, seconds, { chained: false, sessionPolicy });
  return {
    Credentials: credentialsShape(session),
    SubjectFromWebIdentityToken: verdict.claims.sub,
    AssumedRoleUser: { AssumedRoleId: `${session.roleId}:${sessionName}`, Arn: session.arn },
    PackedPolicySize: sessionPolicy ? Math.ceil((policySize(sessionPolicy) / 2048) * 100) : undefined,
    Provider: iss,
    Audience: audience,
  };
};

export const STS_HANDLERS: Record<string, Handler> = {
  GetCallerIdentity,
  AssumeRole,
  AssumeRoleWithWebIdentity,
  GetSessionToken,
};

/** Operations STS serves without a signature. */
export const STS_UNSIGNED = new Set(["AssumeRoleWithWebIdentity"]);
