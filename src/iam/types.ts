/**
 * The IAM evaluator's contract. `src/iam` implements it; `verify/` and the sandbox's STS/IAM call it.
 * Pure: no I/O, no clock (time-based condition keys come in the request context).
 */

/** A context value as IAM sees it: single or multi-valued. Booleans and numbers are compared as AWS does. */
export type ContextValue = string | string[] | boolean | number;

export interface EvalRequest {
  /**
   * The calling principal. For an IAM role session give the session ARN
   * (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`) and `roleArn`; for web identity give the
   * federated provider ARN in `federated`.
   */
  principal: RequestPrincipal;
  /** e.g. `sts:AssumeRole` */
  action: string;
  /** e.g. the target role ARN */
  resource: string;
  /** Condition keys, matched case-insensitively, e.g. `oidc.eks.eu-west-1.amazonaws.com/id/X:sub`. */
  context?: Record<string, ContextValue>;
}

export type RequestPrincipal =
  | {
      kind: "aws";
      /** Account the principal belongs to. */
      accountId: string;
      /** The caller's ARN (session ARN for role sessions, user ARN, or `arn:aws:iam::<acct>:root`). */
      arn: string;
      /** For role sessions, the role ARN (`arn:aws:iam::<acct>:role/<path><name>`). */
      roleArn?: string;
    }
  | { kind: "federated"; provider: string }
  | { kind: "service"; service: string };

/** Where a decision came from, so that people can be told why. */
export interface StatementRef {
  /** Which policy: a name given by the caller, e.g. `trust:arn:aws:iam::…:role/X` or `inline:assume-agent`. */
  policy: string;
  /** Index in the Statement array. */
  index: number;
  sid?: string;
}

export interface ConditionFailure {
  /** e.g. `StringEquals` or `ForAnyValue:StringLike` or `StringEqualsIfExists` */
  operator: string;
  key: string;
  expected: string[];
  /** undefined when the key is absent from the request context */
  actual: string[] | undefined;
}

/**
 * Why a statement did not apply to the request. `negated` is set when the element was NotPrincipal /
 * NotAction / NotResource: `expected` then lists what the statement excludes, and the request was one of them.
 */
export type Mismatch =
  | {
      on: "principal";
      expected: string[];
      actual: string;
      negated?: boolean;
      /** An Allow left out because it names a web-identity caller only through an account (principal.ts). */
      unsettled?: boolean;
    }
  | { on: "action"; expected: string[]; actual: string; negated?: boolean }
  | { on: "resource"; expected: string[]; actual: string; negated?: boolean }
  | { on: "condition"; failure: ConditionFailure };

export interface StatementTrace {
  statement: StatementRef;
  effect: "Allow" | "Deny";
  /** undefined when the statement applied */
  mismatch?: Mismatch;
  /** Which kind of policy the statement belongs to. */
  side?: "identity" | "resource";
  /**
   * For an applying resource-policy statement: `account` when it named only the caller's account (the
   * account's identity policies must then allow too), `direct` when it named the caller (or `*`).
   */
  principalMatch?: "direct" | "account";
  /**
   * The statement names the web-identity caller only through an account principal, a match AWS may not
   * share (principal.ts): a Deny then applied, an Allow did not. Whoever relies on the decision must say so.
   */
  unsettledPrincipal?: boolean;
}

/** What was asked, as explanations show it. */
export interface RequestSummary {
  /** The caller's ARN, federated provider or service principal. */
  caller: string;
  action: string;
  resource: string;
}

export type Decision =
  | { decision: "Allowed"; allowedBy: StatementRef[]; trace: StatementTrace[]; request?: RequestSummary }
  | {
      decision: "ExplicitlyDenied";
      deniedBy: StatementRef;
      trace: StatementTrace[];
      request?: RequestSummary;
    }
  | {
      decision: "ImplicitlyDenied";
      /** Which side lacked an allow (both for cross-account when neither allowed). */
      missing: Array<"identity" | "resource">;
      trace: StatementTrace[];
      request?: RequestSummary;
    };

/** A named policy document to evaluate. */
export interface NamedPolicy {
  name: string;
  /** The document: a JSON string, the parsed JSON, or a `CompiledPolicy` from `compilePolicy`. */
  document: unknown;
}

export interface AuthorizeInput {
  request: EvalRequest;
  /** Identity-based policies of the principal (inline + attached). Empty for federated principals. */
  identityPolicies: NamedPolicy[];
  /** The resource-based policy (for sts:AssumeRole* the target role's trust policy). */
  resourcePolicy?: NamedPolicy;
  /** Account that owns the resource; decides same- vs cross-account logic. */
  resourceAccount: string;
  /**
   * The identity policies are a limit (a permissions boundary or a session policy), not a grant: an applying
   * Allow and no applying Deny is Allowed, with no trust or cross-account logic (AWS "Permissions boundaries
   * for IAM entities": the effective permissions are the intersection; an explicit deny in either wins).
   */
  limit?: boolean;
}
