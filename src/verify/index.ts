/** verify: chain proofs over any State, the findings catalogue, and the report formats. */

export {
  CATALOGUE,
  type CatalogueEntry,
  catalogueEntry,
  type FindingCode,
  isFindingCode,
} from "./catalogue.js";
export type { VerifyOptions } from "./context.js";
export {
  type DecidingStatement,
  describeEvidence,
  type EvidenceKind,
  type FailedCondition,
  HOP_EVIDENCE,
  type HopEvidence,
  type IamDecisionEvidence,
  iamDecisionsOf,
} from "./evidence.js";
export { ACCESS_POLICY_RULES, accessPolicyRules } from "./k8s/accessPolicies.js";
export type { PolicyRule } from "./k8s/rules.js";
export { type RequiredPermission, requiredPermissions, sampleNamespace } from "./permissions.js";
export * from "./types.js";
export { HOPS, verify } from "./verify.js";
