/** live/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */

export { type Change, changeJson } from "./changes.js";
export { confirmer } from "./confirm.js";
export { type Connections, openConnections } from "./connections.js";
export { keptText } from "./destroy.js";
export { environmentsText } from "./environments.js";
export { environmentNamespaces } from "./envNamespaces.js";
export { execute } from "./execute.js";
export {
  appliedSummary,
  managedChanges,
  planJson,
  planTable,
  terraformOwnedJson,
  terraformOwnedText,
} from "./format.js";
export { checkTargets, limitChains } from "./limit.js";
export { sharedListOf } from "./merges.js";
export { containedIn, decodePolicyDocument, jsonEqual } from "./normalize.js";
export { addedKeys, type TerraformOwned, terraformOwned } from "./ownership.js";
export { plan } from "./plan.js";
export { withPlatformConfigMap } from "./platform.js";
export { applyLive, destroyLive, failAfterStepFromEnv, loadLive, planLive } from "./service.js";
export { checkTargetNames } from "./targetNames.js";
export { VERIFIER_ACCESS_POLICY, verifierPolicies } from "./verifierPolicy.js";
