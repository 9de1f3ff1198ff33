/** verify: chain proofs over any State, the findings catalogue, and the report formats. */

export { type Acceptance, applyAcceptances, exitCodeFor } from "./accept.js";
export {
  CATALOGUE,
  type CatalogueEntry,
  catalogueEntry,
  type FindingCode,
  isFindingCode,
} from "./catalogue.js";
export { VerifyContext, type VerifyOptions } from "./context.js";
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
export { fixOptions } from "./fixOptions.js";
export { registrationHop } from "./hops/registration.js";
export { serviceAccountHop } from "./hops/serviceAccount.js";
export { ACCESS_POLICY_RULES, accessPolicyRules } from "./k8s/accessPolicies.js";
export { namespaceCovers } from "./k8s/authorizer.js";
export { managerOf, managerText, sourceOfTruth } from "./k8s/gitops.js";
export { shellWord } from "./k8s/kubectlFix.js";
export { describeRequest, type PolicyRule, rulesAllow } from "./k8s/rules.js";
export { formatJson, toJson } from "./output/json.js";
export { bundleLocator, configLocator } from "./output/locateFindings.js";
export { formatSarif, type Locate } from "./output/sarif.js";
export { formatTable } from "./output/table.js";
export { type RequiredPermission, requiredPermissions, sampleNamespace } from "./permissions.js";
export * from "./types.js";
export { HOPS, verify } from "./verify.js";
