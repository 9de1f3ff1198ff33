/**
 * The runtime flows of the seed, as functions (the CLI commands and `xirsa demo` call these): probe a chain,
 * manage environments, register a target in cluster A, deploy an application through the Argo CD chain.
 */
export { checkDeployNamespace, type DeployInput, type DeployResult, deploy } from "./deploy.js";
export { type Diagnosis, diagnose } from "./diagnose.js";
export {
  createEnv,
  deleteEnv,
  deleteEnvNamespace,
  type EnvInput,
  type EnvListResult,
  type EnvResult,
  envNamespace,
  envObjects,
  listEnvs,
} from "./env.js";
export { inNamespace, parseManifests } from "./manifests.js";
export { type ProbeInput, probe } from "./probe.js";
export { probeJobManifest, probeJobObjects } from "./probeJob.js";
export { type RegisterInput, type RegisterResult, registerCluster, registrationObjects } from "./register.js";
export { type AgentOptions, resolveTokenFile } from "./session.js";
export { CHAIN_KINDS, ENDPOINT_FROM, type EndpointFrom, findTarget, flowChainSpec } from "./targets.js";
