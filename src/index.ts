/**
 * The public API of xirsa as a library: the same parts the CLI is made of. Changing this surface is a
 * decision (test/api/exports.test.ts locks it).
 */

export type {
  CredentialSource,
  Credentials,
} from "./aws/credentials.js";
export { defaultCredentials } from "./aws/credentials.js";
export { type EksToken, eksToken, TOKEN_PREFIX } from "./aws/eksToken.js";
export { execCredential } from "./aws/execCredential.js";
export { assumeRole, assumeRoleWithWebIdentity, webIdentityChain } from "./aws/sts.js";
export { configJsonSchema, loadConfig, parseConfig, parseConfigText } from "./config/load.js";
export type { Config, ConfigInput, SourceConfig, TargetConfig } from "./config/schema.js";
export { AwsError, ConfigError, InputError, KubeError, OperationError, XirsaError } from "./errors.js";
export { authorize, explainDecision, PolicyError, parsePolicy } from "./iam/index.js";
export type { AuthorizeInput, Decision, EvalRequest } from "./iam/types.js";
export { applyLive, destroyLive, loadLive, planLive } from "./live/service.js";
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
} from "./state/types.js";
export { desiredState } from "./topology/desired.js";
export { CATALOGUE } from "./verify/catalogue.js";
export type {
  DecidingStatement,
  FailedCondition,
  HopEvidence,
  IamDecisionEvidence,
} from "./verify/evidence.js";
export { requiredPermissions, verify } from "./verify/index.js";
export type { ChainResult, Finding, HopResult, VerifyResult } from "./verify/types.js";
