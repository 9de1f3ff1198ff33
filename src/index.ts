/**
 * The public API of xirsa as a library: the same parts the CLI is made of. Changing this surface is a
 * decision (test/api/exports.test.ts locks it).
 */

export type {
  CredentialSource,
  Credentials,
} from "./aws/index.js";
export {
  assumeRole,
  assumeRoleWithWebIdentity,
  defaultCredentials,
  type EksToken,
  eksToken,
  execCredential,
  TOKEN_PREFIX,
  webIdentityChain,
} from "./aws/index.js";
export type { Config, ConfigInput, SourceConfig, TargetConfig } from "./config/index.js";
export { configJsonSchema, loadConfig, parseConfig, parseConfigText } from "./config/index.js";
export { AwsError, ConfigError, InputError, KubeError, OperationError, XirsaError } from "./errors.js";
export type { AuthorizeInput, Decision, EvalRequest } from "./iam/index.js";
export { authorize, explainDecision, PolicyError, parsePolicy } from "./iam/index.js";
export { applyLive, destroyLive, loadLive, planLive } from "./live/index.js";
export { loadBundle, renderBundle, writeBundle } from "./render/index.js";
export { renderHtmlReport, writeHtmlReport } from "./report/index.js";
export type {
  AccessEntry,
  ChainKind,
  ChainSpec,
  ClusterRef,
  EksCluster,
  IamRole,
  KubeObject,
  OidcProvider,
  State,
} from "./state/index.js";
export { desiredState } from "./topology/index.js";
export type {
  ChainResult,
  DecidingStatement,
  FailedCondition,
  Finding,
  HopEvidence,
  HopResult,
  IamDecisionEvidence,
  VerifyResult,
} from "./verify/index.js";
export { CATALOGUE, requiredPermissions, verify } from "./verify/index.js";
