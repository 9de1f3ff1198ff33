/**
 * Hop 2, `web-identity`: the pod's projected token (issuer = the source cluster's, aud = sts.amazonaws.com,
 * sub = system:serviceaccount:<ns>:<sa>) can be exchanged for the source role: an IAM OIDC provider exists
 * for the issuer with client id sts.amazonaws.com, and the role's trust policy allows
 * sts:AssumeRoleWithWebIdentity for each service account of the chain.
 */
import { type Decision, describeStatement, explainDecision, parseArn } from "../../iam/index.js";
import { issuerHostPath, oidcProviderArn, STS_AUDIENCE, serviceAccountSubject } from "../../names/index.js";
import type { ChainSpec, IamRole, OidcProvider } from "../../state/index.js";
import { failed, type HopOutcome, passed, profileFlag, type VerifyContext } from "../context.js";
import { type HopEvidence, type IamDecisionEvidence, iamDecisionEvidence } from "../evidence.js";
import { clusterResourceId, finding, remediationAt, trustPolicyId } from "../findings.js";
import {
  lintTrustExposure,
  lintWebIdentityTrust,
  subjectAccepted,
  subjectConditions,
  webIdentityStatements,
} from "../lint/trust.js";
import { invalidPolicyFinding, trustPolicyOf, tryAuthorize, tryParse } from "../policies.js";
import type { Finding } from "../types.js";

const HOP = "web-identity";

type WebIdentityEvidence = Extract<HopEvidence, { kind: "web-identity" }>;

function normaliseUrl(url: string): string {
  return issuerHostPath(url.trim());
}

function findProvider(ctx: VerifyContext, accountId: string, hostPath: string): OidcProvider | undefined {
  return ctx.state.oidcProviders.find((p) => p.accountId === accountId && normaliseUrl(p.url) === hostPath);
}

/** Trust-policy lint for a role and issuer, computed once and shared by every chain of the role. */
function trustLint(
  ctx: VerifyContext,
  role: IamRole,
  hostPath: string,
  providerArn: string,
  subjects: readonly string[],
): Finding[] | Error {
  return ctx.memoise(`webid-lint\u0000${role.arn}\u0000${providerArn}\u0000${subjects.join(",")}`, () => {
    const parsed = tryParse(role.trustPolicy, `trust:${role.arn}`, "resource");
    if ("error" in parsed) return parsed.error;
    const hits = [
      ...lintWebIdentityTrust(parsed.policy, { hostPath, providerArn }),
      ...lintTrustExposure(parsed.policy),
    ];
    return hits.map((h) =>
      finding(h.code, `trust policy of ${role.arn}: ${h.message}`, role.arn, {
        hop: HOP,
        jsonPath: h.jsonPath,
        // The issuer and the chain's service accounts are known here: no placeholder in the fix.
        remediation: remediationAt(h.code, `trust policy of ${role.arn}`, h.jsonPath)
          .replaceAll("<issuer>", hostPath)
          .replaceAll("system:serviceaccount:<namespace>:<service account>", subjects.join(", ")),
        document: trustPolicyId(role.arn),
      }),
    );
  });
}

export function webIdentityHop(chain: ChainSpec, ctx: VerifyContext): HopOutcome {
  const source = ctx.cluster(chain.source);
  const issuer = source?.cluster.oidcIssuer;
  if (!issuer) {
    const f = finding(
      "XIRSA-SOURCE-ISSUER-UNKNOWN",
      `the OIDC issuer of source cluster ${chain.source.name} is unknown`,
      clusterResourceId(chain.source),
      { chain: chain.id },
    );
    const detail: WebIdentityEvidence = {
      kind: "web-identity",
      issuer: null,
      provider: null,
      roleArn: chain.sourceRoleArn,
      absent: source ? "source-issuer" : "source-cluster",
    };
    // Without the source cluster the service-account hop fails first: this one follows from it.
    return failed(HOP, f.message, f.remediation, detail, [f], source ? undefined : "service-account");
  }
  const hostPath = normaliseUrl(issuer);
  const partition = parseArn(chain.sourceRoleArn)?.partition ?? "aws";
  const provider = findProvider(ctx, chain.source.accountId, hostPath);
  const providerArn =
    provider?.arn ?? oidcProviderArn(partition, chain.source.accountId, `https://${hostPath}`);
  const detail: WebIdentityEvidence = {
    kind: "web-identity",
    issuer: `https://${hostPath}`,
    provider: provider ? { arn: provider.arn, clientIds: provider.clientIds } : null,
    roleArn: chain.sourceRoleArn,
  };

  const problems: Finding[] = [];
  if (!provider) {
    problems.push(
      finding(
        "XIRSA-OIDC-PROVIDER-MISSING",
        `account ${chain.source.accountId} has no IAM OIDC provider for https://${hostPath} (STS: No OpenIDConnect provider found)`,
        providerArn,
        {
          chain: chain.id,
          // IAM CreateOpenIDConnectProvider: ThumbprintList is optional (IAM then uses the issuer's CA).
          remediation: `aws iam create-open-id-connect-provider --url https://${hostPath} --client-id-list ${STS_AUDIENCE}${profileFlag(ctx, chain.source.accountId)}`,
        },
      ),
    );
  } else if (!provider.clientIds.includes(STS_AUDIENCE)) {
    problems.push(
      finding(
        "XIRSA-OIDC-CLIENT-ID",
        `IAM OIDC provider ${provider.arn} has client ids [${provider.clientIds.join(", ")}], not ${STS_AUDIENCE} (STS: Incorrect token audience)`,
        provider.arn,
        {
          chain: chain.id,
          remediation: `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${provider.arn} --client-id ${STS_AUDIENCE}${profileFlag(ctx, chain.source.accountId)}`,
        },
      ),
    );
  }

  const role = ctx.role(chain.sourceRoleArn);
  if (!role) {
    problems.push(
      finding(
        "XIRSA-ROLE-MISSING",
        `source role ${chain.sourceRoleArn} does not exist`,
        chain.sourceRoleArn,
        {
          chain: chain.id,
          hop: HOP,
        },
      ),
    );
    detail.roleExists = false;
    return done(problems, [], detail);
  }

  const lint = trustLint(
    ctx,
    role,
    hostPath,
    providerArn,
    chain.serviceAccounts.map((sa) => serviceAccountSubject(sa.namespace, sa.name)),
  );
  if (lint instanceof Error) {
    const parsed = tryParse(role.trustPolicy, `trust:${role.arn}`, "resource");
    if ("error" in parsed) problems.unshift(invalidPolicyFinding(role, parsed.error, HOP, chain.id));
    return done(problems, [], detail);
  }

  const decisions: Record<string, IamDecisionEvidence> = {};
  const roleOf = () => role.arn;
  const denied: { subject: string; because: string }[] = [];
  let allowedBy = "";
  for (const sa of chain.serviceAccounts) {
    const subject = serviceAccountSubject(sa.namespace, sa.name);
    const result = tryAuthorize({
      request: {
        principal: { kind: "federated", provider: providerArn },
        action: "sts:AssumeRoleWithWebIdentity",
        resource: role.arn,
        context: { [`${hostPath}:sub`]: subject, [`${hostPath}:aud`]: STS_AUDIENCE },
      },
      identityPolicies: [],
      resourcePolicy: trustPolicyOf(role),
      resourceAccount: role.accountId,
    });
    if ("error" in result) {
      problems.unshift(invalidPolicyFinding(role, result.error, HOP, chain.id));
      return done(problems, lint, detail);
    }
    const why = explainDecision(result.decision);
    const unsettled = unsettledDeny(role, result.decision, chain.id);
    if (unsettled && !problems.some((p) => p.code === unsettled.code)) problems.push(unsettled);
    // Refusals keep the evaluator's trace (the report highlights the deciding statement and condition).
    decisions[subject] = iamDecisionEvidence(result.decision, roleOf, why);
    if (result.decision.decision === "Allowed") allowedBy = why;
    else denied.push({ subject, because: why });
  }
  detail.decisions = decisions;

  let refusal: string | undefined;
  if (denied.length) {
    const first = denied[0]!;
    const who = denied.length === 1 ? first.subject : `${first.subject} (and ${denied.length - 1} more)`;
    refusal = `${who} is refused: ${first.because}`;
    // The mistakes that explain the refusal, bound to this chain; or what the evaluator says.
    const errors = lint.filter((f) => f.severity === "error").map((f) => ({ ...f, chain: chain.id }));
    const explained = errors.length > 0 || problems.some((p) => p.code === "XIRSA-TRUST-DENY-UNSETTLED");
    // A subject no statement accepts is a mistake of its own even beside lint errors (sub and aud both
    // wrong): it comes first, as the evaluator's refusal names the sub condition first.
    const bySubject = classify(role, hostPath, chain, first.subject);
    const subjectToo = bySubject.code === "XIRSA-TRUST-SUB-MISMATCH" && !errors.some(aboutSub);
    const explaining = explained ? (subjectToo ? [bySubject, ...errors] : errors) : [bySubject];
    // A loop, not push(...spread): the list can be attacker-sized.
    for (const f of explaining) problems.push(f);
  }
  return done(problems, lint, detail, { allowedBy, count: chain.serviceAccounts.length, refusal });
}

/**
 * A Deny that applied only because an account principal was read as naming the web-identity caller (an
 * unsettled match, src/iam/principal.ts): the chain must not count as proven, and the finding names the
 * statement.
 */
function unsettledDeny(role: IamRole, decision: Decision, chain: string): Finding | undefined {
  if (decision.decision !== "ExplicitlyDenied") return undefined;
  const { deniedBy } = decision;
  const t = decision.trace.find(
    (x) => x.statement.policy === deniedBy.policy && x.statement.index === deniedBy.index,
  );
  if (!t?.unsettledPrincipal) return undefined;
  const parsed = tryParse(role.trustPolicy, `trust:${role.arn}`, "resource");
  const statement = "policy" in parsed ? parsed.policy.statements[deniedBy.index] : undefined;
  const jsonPath = statement?.path ?? `Statement[${deniedBy.index}]`;
  const element = statement?.principal?.negated ? "NotPrincipal" : "Principal";
  return finding(
    "XIRSA-TRUST-DENY-UNSETTLED",
    `trust policy of ${role.arn}: ${describeStatement(deniedBy)} denies through ${element} naming account ${role.accountId}; whether that covers a web-identity caller is not settled by AWS, so it is read as denying and the chain is not proven`,
    role.arn,
    {
      chain,
      hop: HOP,
      jsonPath: `${jsonPath}.${element}`,
      document: trustPolicyId(role.arn),
      remediation: remediationAt(
        "XIRSA-TRUST-DENY-UNSETTLED",
        `trust policy of ${role.arn}`,
        `${jsonPath}.${element}`,
      ),
    },
  );
}

/** A finding about the `sub` condition (its code, or the condition it points at). */
function aboutSub(f: Finding): boolean {
  return f.code.includes("-SUB-") || f.code.endsWith("-SUB") || (f.location?.jsonPath ?? "").includes(":sub");
}

/** `system:serviceaccount:<ns>:<sa>` → `<ns>/<sa>`; other values as they are. */
function serviceAccountOf(subject: string): string {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject);
  return m ? `${m[1]}/${m[2]}` : subject;
}

/**
 * A refusal no lint rule explains: the subject is not listed (for a trust that lists only other service
 * accounts: the wrong service account), or nothing matches at all. The fix names the key and subjects.
 */
function classify(role: IamRole, hostPath: string, chain: ChainSpec, subject: string): Finding {
  const parsed = tryParse(role.trustPolicy, `trust:${role.arn}`, "resource");
  const statements = "policy" in parsed ? webIdentityStatements(parsed.policy) : [];
  const subjects = statements.map((s) => subjectAccepted(s, hostPath, subject));
  const wanted = chain.serviceAccounts.map((sa) => serviceAccountSubject(sa.namespace, sa.name));
  const key = `${hostPath}:sub`;
  if (subjects.length && subjects.every((ok) => ok === false)) {
    const conditions = statements.flatMap((s) => subjectConditions(s, hostPath));
    const accepted = [...new Set(conditions.flatMap((c) => c.values))];
    const at = conditions[0]?.jsonPath;
    const exact =
      accepted.length > 0 && accepted.every((v) => /^system:serviceaccount:[^:*?]+:[^:*?]+$/.test(v));
    const needs = wanted.map(serviceAccountOf).join(", ");
    const message = exact
      ? `wrong service account: trust policy of ${role.arn} accepts the token of ${accepted.map(serviceAccountOf).join(", ")}; the ${chain.kind} chain needs ${needs}`
      : `trust policy of ${role.arn} does not accept sub ${subject}`;
    return finding("XIRSA-TRUST-SUB-MISMATCH", message, role.arn, {
      chain: chain.id,
      document: trustPolicyId(role.arn),
      ...(at ? { jsonPath: at } : {}),
      remediation: `set ${key} to ${JSON.stringify(wanted)} in trust policy of ${role.arn}${at ? ` (at ${at})` : ""}`,
    });
  }
  return finding("XIRSA-WEBID-DENIED", `trust policy of ${role.arn} refuses ${subject}`, role.arn, {
    chain: chain.id,
    document: trustPolicyId(role.arn),
    remediation: `allow sts:AssumeRoleWithWebIdentity in trust policy of ${role.arn} for Federated ${oidcProviderArn(parseArn(role.arn)?.partition ?? "aws", role.accountId, `https://${hostPath}`)} with StringEquals ${key} = ${JSON.stringify(wanted)} and ${hostPath}:aud = ${STS_AUDIENCE}`,
  });
}

function done(
  problems: Finding[],
  lint: Finding[],
  detail: WebIdentityEvidence,
  how: { allowedBy?: string; count?: number; refusal?: string | undefined } = {},
): HopOutcome {
  if (problems.length === 0) {
    const who = how.count === 1 ? "the service account" : `all ${how.count} service accounts`;
    return passed(
      HOP,
      `${detail.roleArn} accepts the web identity of ${who} from ${detail.issuer}: ${how.allowedBy}`,
      detail,
      lint,
    );
  }
  // STS checks the provider before the trust policy: report in that order.
  const first = problems[0]!;
  const lead = first.code.startsWith("XIRSA-OIDC") || !how.refusal ? first.message : how.refusal;
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : "";
  // A refusal with several mistakes in the trust policy: the fix names each, or fixing one only uncovers the next.
  const fixes = how.refusal ? [...new Set(problems.map((p) => p.remediation))] : [first.remediation];
  return failed(HOP, `${lead}${more}`, fixes.join("; also: "), detail, [...problems, ...lint]);
}
