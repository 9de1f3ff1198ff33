/**
 * What decided a failed hop, read defensively from the hop's `detail`. The verify part puts the IAM
 * evaluator's explanation there (src/iam/types.ts: StatementTrace, StatementRef, ConditionFailure), but detail
 * is free-form JSON: this reads the shapes it knows, at any depth, and ignores everything else.
 */

export interface DecisionMark {
  /** The policy as the evaluator named it, e.g. `trust:arn:aws:iam::…:role/X` or an inline policy name. */
  policy?: string;
  roleArn?: string;
  /** Index in the Statement array. */
  index?: number;
  sid?: string;
  /** The condition key that failed, e.g. `oidc.eks.eu-west-1.amazonaws.com/id/X:aud`. */
  conditionKey?: string;
  operator?: string;
  /** Why, in words: the failed condition with expected and actual values, or the mismatching element. */
  note?: string;
}

type Obj = Record<string, unknown>;

const MAX_DEPTH = 10;
const MAX_NODES = 5000;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function int(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function list(v: unknown): string {
  if (v === undefined) return "nothing (the key is absent)";
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;
  return JSON.stringify(v);
}

/** A StatementRef: `{policy, index, sid?}`. */
function statementRef(v: unknown): { policy?: string; index: number; sid?: string } | undefined {
  if (!isObj(v)) return undefined;
  const index = int(v.index);
  if (index === undefined) return undefined;
  const ref: { policy?: string; index: number; sid?: string } = { index };
  const policy = str(v.policy);
  if (policy) ref.policy = policy;
  const sid = str(v.sid);
  if (sid) ref.sid = sid;
  return ref;
}

/** A ConditionFailure: `{operator, key, expected, actual}`. */
function conditionFailure(v: unknown): Pick<DecisionMark, "conditionKey" | "operator" | "note"> | undefined {
  if (!isObj(v)) return undefined;
  const key = str(v.key) ?? str(v.conditionKey);
  const operator = str(v.operator);
  if (!key || !operator) return undefined;
  return {
    conditionKey: key,
    operator,
    note: `condition ${operator} on ${key}: expected ${list(v.expected)}, got ${list(v.actual)}`,
  };
}

function mismatchMark(m: unknown): Pick<DecisionMark, "conditionKey" | "operator" | "note"> | undefined {
  if (!isObj(m)) return undefined;
  if (m.on === "condition") return conditionFailure(m.failure) ?? { note: "a condition did not match" };
  const on = str(m.on);
  if (!on) return undefined;
  return { note: `${on} did not match: expected ${list(m.expected)}, got ${list(m.actual)}` };
}

function withoutUndefined(mark: DecisionMark): DecisionMark {
  const out: DecisionMark = {};
  for (const [k, v] of Object.entries(mark)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * The statements and conditions that decided a refusal, as found in a hop's detail. Statements that applied
 * with Allow are not culprits and are left out; an explicit Deny is.
 */
export function decisionMarks(detail: unknown): DecisionMark[] {
  const marks: DecisionMark[] = [];
  let nodes = 0;

  const visit = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || ++nodes > MAX_NODES) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (!isObj(v)) return;
    const consumed = new Set<string>();
    const roleArn = str(v.roleArn) ?? (str(v.role)?.startsWith("arn:") ? str(v.role) : undefined);

    // A StatementTrace: {statement: StatementRef, effect, mismatch?}.
    const ref = statementRef(v.statement);
    if (ref) {
      consumed.add("statement");
      consumed.add("mismatch");
      const why = mismatchMark(v.mismatch);
      if (why) marks.push({ ...ref, ...why, roleArn });
      else if (v.effect === "Deny") marks.push({ ...ref, roleArn, note: "an explicit Deny applied" });
    }
    // A Decision that names its deny.
    const denied = statementRef(v.deniedBy);
    if (denied) {
      consumed.add("deniedBy");
      marks.push({ ...denied, roleArn, note: "an explicit Deny applied" });
    }
    // Flat forms: {statementIndex | statement: n, policy?, sid?, conditionKey?, operator?}.
    const flatIndex = int(v.statementIndex) ?? int(v.statement);
    if (flatIndex !== undefined) {
      const cond = conditionFailure(v) ?? conditionFailure(v.condition) ?? conditionFailure(v.failure);
      marks.push({
        index: flatIndex,
        policy: str(v.policy) ?? str(v.policyName),
        sid: str(v.sid),
        roleArn,
        ...cond,
      });
      for (const k of ["condition", "failure"]) consumed.add(k);
    } else if (!ref) {
      // A lone ConditionFailure: the key is known but not the statement.
      const cond =
        conditionFailure(v.failure) ?? (v.expected !== undefined ? conditionFailure(v) : undefined);
      if (cond) {
        consumed.add("failure");
        marks.push({ policy: str(v.policy), roleArn, ...cond });
      }
    }
    for (const [k, x] of Object.entries(v)) if (!consumed.has(k)) visit(x, depth + 1);
  };
  visit(detail, 0);

  const seen = new Set<string>();
  return marks.map(withoutUndefined).filter((m) => {
    const key = JSON.stringify(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
