/** The Kubernetes side of the sandbox (notes/sandbox-contract.md): one API server per emulated EKS cluster. */
export { writeKubeconfig } from "./kubeconfig.js";
export { startKubeApi } from "./server.js";
export { mintServiceAccountToken } from "./serviceAccountToken.js";
export type {
  KubeAccessPolicy,
  KubeAccessScope,
  KubeApiOptions,
  KubeClusterInfo,
  KubeUser,
  ResolvedAccessEntry,
  RunningKubeApi,
  SaSigningKey,
  StsCallerIdentityResult,
} from "./types.js";
