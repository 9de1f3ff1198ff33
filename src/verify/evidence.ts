/**
 * A hop's evidence as data: a tagged union on `kind`, one variant per kind of check a hop (of verify or of
 * probe) makes. The table, JSON (`detail`), SARIF, HTML and probe outputs all read this one shape; nothing
 * re-parses it. The fields each variant had before it was typed keep their names and meaning (the verify JSON
 * contract, DESIGN.md), new ones are added beside them.
 */
import {
  type ConditionFailure,
  closestAllow,
  type Decision,
  explainDecision,
  type Mismatch,
  type RequestSummary,
  type StatementRef,
  type StatementTrace,
} from "../iam/index.js";
import type { AccessEntry } from "../state/index.js";
import type { CapsuleView } from "./k8s/authorizer.js";
import type { PolicyRule } from "./k8s/rules.js";
import type { RequiredPermission } from "./permissions.js";
import type { HopId } from "./types.js";

/** A statement that decided a refusal: the Deny that applied, or per side the Allow that came closest. */
export interface DecidingStatement extends StatementRef {
  /** The role whose document holds the statement (trust: the role assumed; inline/boundary: the caller's). */
  roleArn: string;
  effect: "Allow" | "Deny";
  /** Why the Allow did not apply; absent for an applying Deny. */
  mismatch?: Mismatch;
}

/** A condition of a deciding statement that did not hold, with the statement it belongs to. */
export interface FailedCondition extends ConditionFailure {
  policy: string;
  index: number;
  roleArn: string;
}

/** An IAM evaluator decision, with what decided it (empty lists when it was allowed). */
export interface IamDecisionEvidence {
  decision: Decision["decision"];
  explanation: string;
  allowedBy?: StatementRef[];
  deniedBy?: StatementRef;
  missing?: Array<"identity" | "resource">;
  /** Refusals only: the evaluator's trace of every statement. */
  trace?: StatementTrace[];
  request?: RequestSummary;
  decidedBy: DecidingStatement[];
  failedConditions: FailedCondition[];
}

/**
 * The evidence of a decision. `roleOf` names the role of each policy the evaluator was given (its `name`, e.g.
 * `trust:<arn>`, `inline:<n>`, `boundary:<arn>`). Allowed decisions keep only what allowed them: they are
 * the common case and verify stays cheap over hundreds of targets.
 */
export function iamDecisionEvidence(
  d: Decision,
  roleOf: (policy: string) => string,
  explanation: string = explainDecision(d),
): IamDecisionEvidence {
  if (d.decision === "Allowed") {
    return { decision: d.decision, explanation, allowedBy: d.allowedBy, decidedBy: [], failedConditions: [] };
  }
  const deciding: StatementTrace[] = [];
  if (d.decision === "ExplicitlyDenied") {
    const t = d.trace.find(
      (x) => x.statement.policy === d.deniedBy.policy && x.statement.index === d.deniedBy.index,
    );
    deciding.push(t ?? { statement: d.deniedBy, effect: "Deny" });
  } else {
    for (const side of d.missing) {
      const near = closestAllow(d.trace, side);
      if (near) deciding.push(near);
    }
  }
  const decidedBy = deciding.map((t): DecidingStatement => {
    const s: DecidingStatement = { ...t.statement, roleArn: roleOf(t.statement.policy), effect: t.effect };
    if (t.mismatch) s.mismatch = t.mismatch;
    return s;
  });
  const failedConditions = decidedBy.flatMap((s): FailedCondition[] =>
    s.mismatch?.on === "condition"
      ? [{ ...s.mismatch.failure, policy: s.policy, index: s.index, roleArn: s.roleArn }]
      : [],
  );
  return {
    decision: d.decision,
    explanation,
    ...(d.decision === "ExplicitlyDenied" ? { deniedBy: d.deniedBy } : { missing: d.missing }),
    trace: d.trace,
    ...(d.request ? { request: d.request } : {}),
    decidedBy,
    failedConditions,
  };
}

/** Where a hop could not look: the cluster (or its issuer) is not in the State. */
export type Absent = "source-cluster" | "target-cluster" | "source-issuer";

export interface ServiceAccountCheck {
  serviceAccount: string;
  exists: boolean;
  /** The eks.amazonaws.com/role-arn annotation (null when absent); only when the ServiceAccount exists. */
  roleArn?: string | null;
}

/** A registration object the hop read (or looked for) in cluster A, and the finding codes it raised. */
export interface RegistrationObjectCheck {
  kind: "Secret" | "ConfigMap" | "AppProject";
  namespace: string;
  name: string;
  exists: boolean;
  codes: string[];
}

/** One permission a flow needs, as verify judged it over the State. */
export interface PermissionEvidence {
  id: string;
  allowed: boolean;
  /** What grants it, when allowed. */
  via?: string;
  /**
   * A miss: the RBAC rule that would grant it (kubernetes/api rbac/v1 types.go PolicyRule: apiGroups with ""
   * for the core group, resources, verbs, resourceNames), and where (cluster scope or the pattern's namespaces).
   */
  rule?: PolicyRule & { scope: RequiredPermission["scope"] };
  /** A miss of bind only because access policies cannot pass the RBAC escalation check. */
  escalation?: boolean;
}

/** One permission a flow needs, as the live cluster answered a SelfSubjectAccessReview. */
export interface AccessReviewEvidence {
  id: string;
  allowed: boolean;
  namespace?: string;
  via?: string;
}

/** What probe's failed call said: the diagnosis code and the error's text. */
export interface CallFailure {
  cause?: string;
  error?: string;
}

export type HopEvidence =
  /** service-account: each ServiceAccount of the chain and its role annotation. */
  | {
      kind: "service-accounts";
      roleArn: string;
      serviceAccounts: ServiceAccountCheck[];
      absent?: Absent;
    }
  /** web-identity: the OIDC provider of the issuer and the trust policy's decision per token subject. */
  | {
      kind: "web-identity";
      issuer: string | null;
      provider: { arn: string; clientIds: string[] } | null;
      roleArn: string;
      roleExists?: boolean;
      /** Subject (system:serviceaccount:<ns>:<sa>) → decision. */
      decisions?: Record<string, IamDecisionEvidence>;
      absent?: Absent;
    }
  /** assume-role: both sides' decision for sts:AssumeRole, and the source role's permissions boundary. */
  | {
      kind: "assume-role";
      sourceRoleArn: string;
      targetRoleArn: string;
      /** The roles that do not exist. */
      missingRoles?: string[];
      session?: string;
      explanation?: string;
      decision?: IamDecisionEvidence;
      boundary?: { arn: string } & IamDecisionEvidence;
      refusedBy?: Array<"identity" | "resource" | "boundary">;
    }
  /** cluster-access: the access-entry lookup for the target role. */
  | {
      kind: "access-entry";
      cluster: string;
      principalArn: string;
      found: boolean;
      entry?: AccessEntry;
      /** When not found: the principals that have entries, and those with the same role name (not matched). */
      entries?: string[];
      nearMisses?: string[];
      /** The entry is bound to another principal id (the role was re-created). */
      stalePrincipalId?: string;
      absent?: Absent;
    }
  /** kubernetes-permissions: each needed permission against access policies, RBAC and Capsule tenancy. */
  | {
      kind: "kubernetes-permissions";
      pattern: string;
      needed: string[];
      subject?: { username: string; groups: string[] };
      grants?: string[];
      permissions?: PermissionEvidence[];
      capsule?: CapsuleView;
      /** The role is not mapped into the cluster: nothing could be checked. */
      unmapped?: boolean;
    }
  /** registration: the cluster Secret, AppProject or ConfigMap the source cluster registers the target with. */
  | {
      kind: "registration";
      endpoint: string | null;
      roleArn: string;
      objects: RegistrationObjectCheck[];
      /** The CD pipeline operator's own verdict on its cluster Secret. */
      operator?: { connected: boolean; error?: string; note: string };
      absent?: Absent;
    }
  /** probe web-identity: AssumeRoleWithWebIdentity with the flow's token. */
  | ({
      kind: "token-exchange";
      roleArn: string;
      tokenFile: string;
      subject: string | null;
      audience: string | string[] | null;
      issuer: string | null;
    } & CallFailure)
  /** probe assume-role: the chained AssumeRole. */
  | ({ kind: "assume-role-call"; roleArn: string; from: string; sessionSeconds: number } & CallFailure)
  /** probe cluster-access: the cluster authenticated the EKS token (who it says the caller is). */
  | ({
      kind: "cluster-authentication";
      cluster: string;
      endpoint?: string;
      endpointFrom?: string;
      roleArn?: string;
      username?: string;
      groups?: string[];
    } & CallFailure)
  /** probe kubernetes-permissions: SelfSubjectAccessReviews, and Capsule's assignment of a dry-run namespace. */
  | ({
      kind: "access-reviews";
      pattern: string;
      namespace: string;
      needed: string[];
      permissions?: AccessReviewEvidence[];
      capsule?: { tenant: string; dryRun: string; assigned: boolean };
    } & CallFailure)
  /** probe: a hop it cannot check from here (not a failure). */
  | { kind: "not-probed"; probed: false; why: string }
  /** probe: a hop it could not try because an earlier one failed (its credentials are missing). */
  | { kind: "blocked"; probed: false; by: HopId };

export type EvidenceKind = HopEvidence["kind"];

/** The IAM decisions among a hop's evidence, with what each is about. */
export function iamDecisionsOf(e: HopEvidence): { about: string; decision: IamDecisionEvidence }[] {
  switch (e.kind) {
    case "web-identity":
      return Object.entries(e.decisions ?? {}).map(([subject, decision]) => ({
        about: `AssumeRoleWithWebIdentity for ${subject}`,
        decision,
      }));
    case "assume-role":
      return [
        ...(e.decision ? [{ about: "sts:AssumeRole", decision: e.decision }] : []),
        ...(e.boundary ? [{ about: `permissions boundary ${e.boundary.arn}`, decision: e.boundary }] : []),
      ];
    case "service-accounts":
    case "access-entry":
    case "kubernetes-permissions":
    case "registration":
    case "token-exchange":
    case "assume-role-call":
    case "cluster-authentication":
    case "access-reviews":
    case "not-probed":
    case "blocked":
      return [];
  }
}

function listed(xs: readonly string[]): string {
  return xs.length ? xs.join(", ") : "none";
}

function failure(e: CallFailure): string[] {
  return e.cause || e.error ? [`failed: ${e.cause ?? "error"}${e.error ? ` (${e.error})` : ""}`] : [];
}

const ABSENT: Record<Absent, string> = {
  "source-cluster": "the source cluster is not in the State",
  "target-cluster": "the target cluster is not in the State",
  "source-issuer": "the OIDC issuer of the source cluster is unknown",
};

function decisionLines(about: string, d: IamDecisionEvidence): string[] {
  return [
    `${about}: ${d.decision} — ${d.explanation}`,
    ...d.failedConditions.map(
      (c) =>
        `  condition ${c.operator} ${c.key} of ${c.policy} statement ${c.index}: expected [${c.expected.join(", ")}], got ${c.actual === undefined ? "nothing (the key is absent)" : `[${c.actual.join(", ")}]`}`,
    ),
  ];
}

/** The evidence in words, one line per check (the HTML report's evidence list). */
export function describeEvidence(e: HopEvidence): string[] {
  const absent = "absent" in e && e.absent ? [ABSENT[e.absent]] : [];
  switch (e.kind) {
    case "service-accounts":
      return [
        ...absent,
        ...e.serviceAccounts.map((s) =>
          !s.exists
            ? `ServiceAccount ${s.serviceAccount}: does not exist`
            : `ServiceAccount ${s.serviceAccount}: role annotation ${s.roleArn ?? "absent"}${s.roleArn === e.roleArn ? " (the source role)" : ""}`,
        ),
      ];
    case "web-identity":
      return [
        ...absent,
        `issuer ${e.issuer ?? "unknown"}; IAM OIDC provider ${e.provider ? `${e.provider.arn} (client ids ${listed(e.provider.clientIds)})` : "missing"}`,
        ...(e.roleExists === false ? [`role ${e.roleArn} does not exist`] : []),
        ...iamDecisionsOf(e).flatMap((x) => decisionLines(x.about, x.decision)),
      ];
    case "assume-role":
      return [
        ...(e.missingRoles?.length ? [`missing roles: ${e.missingRoles.join(", ")}`] : []),
        ...(e.session ? [`caller ${e.session}`] : []),
        ...iamDecisionsOf(e).flatMap((x) => decisionLines(x.about, x.decision)),
        ...(e.refusedBy?.length ? [`refused by: ${e.refusedBy.join(", ")}`] : []),
      ];
    case "access-entry":
      return [
        ...absent,
        e.found
          ? `access entry for ${e.principalArn} on ${e.cluster}: ${e.entry?.type ?? "found"}; groups ${listed(e.entry?.kubernetesGroups ?? [])}; policies ${listed((e.entry?.accessPolicies ?? []).map((p) => `${p.policyArn} (${p.accessScope.type === "cluster" ? "cluster" : p.accessScope.namespaces.join(", ")})`))}`
          : `no access entry for ${e.principalArn} on ${e.cluster}; entries: ${listed(e.entries ?? [])}`,
        ...(e.nearMisses?.length ? [`same role name, not matched by EKS: ${e.nearMisses.join(", ")}`] : []),
        ...(e.stalePrincipalId ? [`bound to principal id ${e.stalePrincipalId} (stale)`] : []),
      ];
    case "kubernetes-permissions":
      return [
        ...(e.unmapped ? ["the role is not mapped into the cluster: no permission could be checked"] : []),
        ...(e.subject ? [`as ${e.subject.username} (groups ${listed(e.subject.groups)})`] : []),
        ...(e.grants ? [`grants: ${listed(e.grants)}`] : []),
        ...(e.capsule?.installed
          ? [
              `Capsule: userGroups ${listed(e.capsule.userGroups)}; ${e.capsule.user ? "a Capsule user" : "not a Capsule user"}; tenants ${listed(e.capsule.tenants.map((t) => t.name))}`,
            ]
          : []),
        ...(e.permissions ?? []).map((p) =>
          p.allowed
            ? `${p.id}: granted by ${p.via ?? "?"}`
            : `${p.id}: missing${p.rule ? ` — needs rule {apiGroups: [${JSON.stringify(p.rule.apiGroups[0] ?? "")}], resources: [${p.rule.resources.join(", ")}], verbs: [${p.rule.verbs.join(", ")}]${p.rule.resourceNames ? `, resourceNames: [${p.rule.resourceNames.join(", ")}]` : ""}} (${p.rule.scope === "cluster" ? "cluster scope" : `in ${e.pattern}`})` : ""}${p.escalation ? "; bind needs RBAC, access policies cannot pass the escalation check" : ""}`,
        ),
      ];
    case "registration":
      return [
        ...absent,
        `target endpoint ${e.endpoint ?? "unknown"}; roleARN ${e.roleArn}`,
        ...e.objects.map(
          (o) =>
            `${o.kind} ${o.namespace}/${o.name}: ${o.exists ? (o.codes.length ? o.codes.join(", ") : "ok") : "does not exist"}`,
        ),
        ...(e.operator
          ? [
              `operator: ${e.operator.connected ? "connected" : "not connected"}${e.operator.error ? ` (${e.operator.error})` : ""}`,
            ]
          : []),
      ];
    case "token-exchange":
      return [`token of ${e.subject ?? "?"} (issuer ${e.issuer ?? "?"}) for ${e.roleArn}`, ...failure(e)];
    case "assume-role-call":
      return [`${e.from} → ${e.roleArn} (${e.sessionSeconds} s session)`, ...failure(e)];
    case "cluster-authentication":
      return [
        `cluster ${e.cluster}${e.endpoint ? ` at ${e.endpoint}` : ""}${e.username ? ` says the caller is ${e.username} (groups ${listed(e.groups ?? [])})` : ""}`,
        ...failure(e),
      ];
    case "access-reviews":
      return [
        ...(e.permissions ?? []).map(
          (p) => `${p.id}${p.namespace ? ` in ${p.namespace}` : ""}: ${p.allowed ? "allowed" : "denied"}`,
        ),
        ...(e.capsule ? [`Capsule tenant ${e.capsule.tenant}: ${e.capsule.dryRun}`] : []),
        ...failure(e),
      ];
    case "not-probed":
      return [`not probed: ${e.why}`];
    case "blocked":
      return [`not probed: it needs the ${e.by} hop, which failed`];
  }
}

/** The evidence kind of each hop: as verify proves it over a State, and as probe performs it. */
export const HOP_EVIDENCE: Record<HopId, { verify: EvidenceKind; probe: EvidenceKind }> = {
  "service-account": { verify: "service-accounts", probe: "service-accounts" },
  "web-identity": { verify: "web-identity", probe: "token-exchange" },
  "assume-role": { verify: "assume-role", probe: "assume-role-call" },
  "cluster-access": { verify: "access-entry", probe: "cluster-authentication" },
  "kubernetes-permissions": { verify: "kubernetes-permissions", probe: "access-reviews" },
  registration: { verify: "registration", probe: "registration" },
};
