/** xirsa's IAM policy evaluator: parse, compile, authorize, explain. Pure: no I/O, no clock. */

export {
  type Arn,
  accountOfRootArn,
  compileArnPattern,
  isAccountId,
  isArn,
  parseArn,
  parseRoleArn,
  parseRoleSessionArn,
  type RoleSession,
  roleArnOfSession,
  sessionBelongsToRole,
} from "./arn.js";
export { type CompiledPolicy, type CompiledStatement, compilePolicy } from "./compile.js";
export { OPERATOR_NAMES, parseOperator } from "./conditions/compile.js";
export { PolicyError } from "./errors.js";
export { authorize, normalizeContext } from "./evaluate.js";
export {
  closestAllow,
  describeMismatch,
  describePolicy,
  describeStatement,
  explainDecision,
} from "./explain.js";
export type {
  ConditionEntry,
  ListElement,
  Policy,
  PolicyKind,
  PrincipalElement,
  PrincipalEntry,
  PrincipalType,
  Statement,
} from "./policy.js";
export { parsePolicy } from "./policy.js";
export { compilePrincipal, type PrincipalMatch } from "./principal.js";
export type * from "./types.js";
export { compileWildcard, hasWildcard, type Matcher, wildcardMatch } from "./wildcard.js";
