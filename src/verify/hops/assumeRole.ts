/**
 * Hop 3, `assume-role`: a session of the source role may call sts:AssumeRole on the target role. Cross-account
 * both sides must allow: the source role's identity policies AND the target role's trust policy; the hop says
 * which side refuses. A permissions boundary on the source role limits its identity policies: the effective
 * permissions are the intersection and an explicit deny in either wins (AWS IAM User Guide, "Permissions
 * boundaries for IAM entities", https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html,
 * evaluation logic). Its document is known in the live State only; elsewhere it is known by ARN and warned about.
 */
import { explainDecision, parseArn, parseRoleArn } from "../../iam/index.js";
import type { ChainSpec, IamRole } from "../../state/index.js";
import { failed, type HopOutcome, passed, type VerifyContext } from "../context.js";
import { type HopEvidence, iamDecisionEvidence } from "../evidence.js";
import { finding, inlinePolicyId, remediationAt, trustPolicyId } from "../findings.js";
import { lintAssumeAny, lintFederatedAny, lintRoleTrust, lintTargetWebIdentity } from "../lint/trust.js";
import {
  boundaryPolicyOf,
  identityPoliciesOf,
  invalidPolicyFinding,
  trustPolicyOf,
  tryAuthorize,
  tryParse,
} from "../policies.js";
import type { Finding } from "../types.js";

const HOP = "assume-role";

type AssumeRoleEvidence = Extract<HopEvidence, { kind: "assume-role" }>;
/** Role chaining caps the chained session at one hour (AWS STS AssumeRole, DurationSeconds). */
const CHAINED_SESSION_LIMIT = 3600;

function sourceLint(ctx: VerifyContext, role: IamRole): Finding[] {
  return ctx.memoise(`assume-lint-source\u0000${role.arn}`, () => {
    const out: Finding[] = [];
    for (const name of Object.keys(role.inlinePolicies).sort()) {
      const parsed = tryParse(role.inlinePolicies[name], `inline:${name}`, "identity");
      if ("error" in parsed) continue;
      for (const h of lintAssumeAny(parsed.policy)) {
        out.push(
          finding(h.code, `inline policy ${name} of ${role.arn}: ${h.message}`, role.arn, {
            jsonPath: h.jsonPath,
            remediation: remediationAt(h.code, `inline policy ${name} of ${role.arn}`, h.jsonPath),
            document: inlinePolicyId(role.arn, name),
          }),
        );
      }
    }
    const boundaryUnknown = !!role.permissionsBoundary && !role.permissionsBoundaryDocument;
    if (role.attachedPolicyArns.length || boundaryUnknown) {
      const parts = [
        ...(role.attachedPolicyArns.length
          ? [`attached policies ${role.attachedPolicyArns.join(", ")}`]
          : []),
        ...(boundaryUnknown
          ? [`permissions boundary ${role.permissionsBoundary} (known by ARN only; verify --live reads it)`]
          : []),
      ];
      out.push(
        finding(
          "XIRSA-IAM-ATTACHED-UNKNOWN",
          `${role.arn} has ${parts.join(" and ")} whose documents are not in the State`,
          role.arn,
          { hop: HOP },
        ),
      );
    }
    return out;
  });
}

function targetLint(ctx: VerifyContext, role: IamRole): Finding[] {
  return ctx.memoise(`assume-lint-target\u0000${role.arn}`, () => {
    const out: Finding[] = [];
    const parsed = tryParse(role.trustPolicy, `trust:${role.arn}`, "resource");
    if ("policy" in parsed) {
      const hits = [
        ...lintRoleTrust(parsed.policy),
        ...lintFederatedAny(parsed.policy),
        ...lintTargetWebIdentity(parsed.policy),
      ];
      for (const h of hits) {
        out.push(
          finding(h.code, `trust policy of ${role.arn}: ${h.message}`, role.arn, {
            jsonPath: h.jsonPath,
            remediation: remediationAt(h.code, `trust policy of ${role.arn}`, h.jsonPath),
            document: trustPolicyId(role.arn),
          }),
        );
      }
    }
    if ((role.maxSessionDuration ?? 0) > CHAINED_SESSION_LIMIT) {
      out.push(
        finding(
          "XIRSA-STS-CHAIN-DURATION",
          `${role.arn} allows ${role.maxSessionDuration} s sessions, but sessions assumed by role chaining last at most ${CHAINED_SESSION_LIMIT} s`,
          role.arn,
        ),
      );
    }
    return out;
  });
}

export function assumeRoleHop(chain: ChainSpec, ctx: VerifyContext): HopOutcome {
  const source = ctx.role(chain.sourceRoleArn);
  const target = ctx.role(chain.targetRoleArn);
  const detail: AssumeRoleEvidence = {
    kind: "assume-role",
    sourceRoleArn: chain.sourceRoleArn,
    targetRoleArn: chain.targetRoleArn,
  };
  const missing: Finding[] = [];
  if (!source) {
    missing.push(
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
  }
  if (!target) {
    missing.push(
      finding(
        "XIRSA-ROLE-MISSING",
        `target role ${chain.targetRoleArn} does not exist`,
        chain.targetRoleArn,
        {
          chain: chain.id,
          hop: HOP,
          remediation: `create ${chain.targetRoleArn} trusting ${chain.sourceRoleArn} for sts:AssumeRole`,
        },
      ),
    );
  }
  if (!source || !target) {
    detail.missingRoles = missing.map((f) => f.resource);
    // A missing source role alone is the web-identity hop's failure (it reports it first, when it gets as far
    // as the role: the source cluster's issuer is known); a missing target role is this hop's own.
    const reported = !!ctx.cluster(chain.source)?.cluster.oidcIssuer;
    return failed(
      HOP,
      missing.map((f) => f.message).join("; "),
      missing[0]!.remediation,
      detail,
      missing,
      target && reported ? "web-identity" : undefined,
    );
  }

  const lint = [...sourceLint(ctx, source), ...targetLint(ctx, target)];
  const partition = parseArn(source.arn)?.partition ?? "aws";
  const roleName = parseRoleArn(source.arn)?.name ?? source.name;
  const session = `arn:${partition}:sts::${source.accountId}:assumed-role/${roleName}/${ctx.sessionName}`;
  detail.session = session;
  const result = tryAuthorize({
    request: {
      principal: { kind: "aws", accountId: source.accountId, arn: session, roleArn: source.arn },
      action: "sts:AssumeRole",
      resource: target.arn,
      context: {
        "aws:PrincipalArn": source.arn,
        "aws:PrincipalAccount": source.accountId,
        "aws:PrincipalType": "AssumedRole",
      },
    },
    identityPolicies: identityPoliciesOf(source),
    resourcePolicy: trustPolicyOf(target),
    resourceAccount: target.accountId,
  });
  if ("error" in result) {
    const owner = result.error.policy?.startsWith("trust:") ? target : source;
    const f = invalidPolicyFinding(owner, result.error, HOP, chain.id);
    return failed(HOP, f.message, f.remediation, detail, [f, ...lint]);
  }
  const d = result.decision;
  const because = explainDecision(d);
  // Trust statements are the target's, identity (inline) ones the source's.
  const roleOf = (policy: string) => (policy.startsWith("trust:") ? target.arn : source.arn);
  detail.explanation = because;
  detail.decision = iamDecisionEvidence(d, roleOf, because);

  const boundary = boundaryPolicyOf(source);
  let boundaryRefusal: Finding | undefined;
  if (boundary) {
    const bounded = tryAuthorize({
      request: {
        principal: { kind: "aws", accountId: source.accountId, arn: session, roleArn: source.arn },
        action: "sts:AssumeRole",
        resource: target.arn,
        context: {
          "aws:PrincipalArn": source.arn,
          "aws:PrincipalAccount": source.accountId,
          "aws:PrincipalType": "AssumedRole",
        },
      },
      identityPolicies: [boundary],
      resourceAccount: source.accountId,
      limit: true,
    });
    if ("error" in bounded) {
      const f = invalidPolicyFinding(source, bounded.error, HOP, chain.id);
      return failed(HOP, f.message, f.remediation, detail, [f, ...lint]);
    }
    const b = bounded.decision;
    detail.boundary = { arn: boundary.name.slice("boundary:".length), ...iamDecisionEvidence(b, roleOf) };
    if (b.decision !== "Allowed") {
      const how = b.decision === "ExplicitlyDenied" ? "explicitly denies" : "does not allow";
      boundaryRefusal = finding(
        "XIRSA-ASSUME-BOUNDARY-DENIED",
        `the permissions boundary ${source.permissionsBoundary} of ${source.arn} ${how} sts:AssumeRole on ${target.arn}: ${explainDecision(b)}`,
        source.arn,
        {
          chain: chain.id,
          remediation: `allow sts:AssumeRole on ${target.arn} in the permissions boundary ${source.permissionsBoundary} (and deny it nowhere there), or set a boundary on ${source.arn} that does`,
        },
      );
    }
  }
  if (d.decision === "Allowed") {
    if (!boundaryRefusal) {
      const within = boundary ? `; within permissions boundary ${source.permissionsBoundary}` : "";
      return passed(HOP, `${session} may assume ${target.arn}: ${because}${within}`, detail, lint);
    }
    return failed(
      HOP,
      `the source role's permissions boundary refuses ${session} → sts:AssumeRole ${target.arn}: ${boundaryRefusal.message}`,
      boundaryRefusal.remediation,
      { ...detail, refusedBy: ["boundary"] },
      [boundaryRefusal, ...lint],
    );
  }

  const sides: Array<"identity" | "resource"> =
    d.decision === "ExplicitlyDenied"
      ? [d.deniedBy.policy.startsWith("trust:") ? "resource" : "identity"]
      : d.missing;
  const problems: Finding[] = [];
  if (sides.includes("identity")) {
    const unknown = lint.find((f) => f.code === "XIRSA-IAM-ATTACHED-UNKNOWN");
    problems.push(
      finding(
        "XIRSA-ASSUME-IDENTITY-DENIED",
        `the source role's identity policies refuse sts:AssumeRole on ${target.arn}${unknown ? " (attached policies or boundary not checked)" : ""}`,
        source.arn,
        {
          chain: chain.id,
          remediation: `allow sts:AssumeRole on ${target.arn} in the permissions policy of ${source.arn}`,
          ...(Object.keys(source.inlinePolicies).length
            ? { document: inlinePolicyId(source.arn, Object.keys(source.inlinePolicies).sort()[0]!) }
            : {}),
        },
      ),
    );
  }
  if (sides.includes("resource")) {
    const cause = lint.find((f) => f.code === "XIRSA-TRUST-PRINCIPAL-NO-ROLE" && f.resource === target.arn);
    problems.push(
      cause
        ? { ...cause, chain: chain.id }
        : finding(
            "XIRSA-ASSUME-TRUST-DENIED",
            `the trust policy of ${target.arn} refuses ${source.arn}`,
            target.arn,
            {
              chain: chain.id,
              remediation: `trust Principal.AWS = ${source.arn} for sts:AssumeRole in ${target.arn}`,
              document: trustPolicyId(target.arn),
            },
          ),
    );
  }
  const side =
    sides.length === 2
      ? "both sides refuse"
      : sides[0] === "identity"
        ? "the source role's identity policies refuse"
        : "the target role's trust policy refuses";
  if (boundaryRefusal) problems.push(boundaryRefusal);
  return failed(
    HOP,
    `${side} ${session} → sts:AssumeRole ${target.arn}: ${because}${boundaryRefusal ? "; and its permissions boundary refuses too" : ""}`,
    problems.map((p) => p.remediation).join("; and "),
    { ...detail, refusedBy: boundaryRefusal ? [...sides, "boundary"] : sides },
    [...problems, ...lint],
  );
}
