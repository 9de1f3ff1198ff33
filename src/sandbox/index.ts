/** sandbox/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */

export { mintSandboxToken, sandboxCluster } from "./access.js";
export type { ClusterSpec, SandboxSpec } from "./bootstrap.js";
export { withClientEnv } from "./clientEnv.js";
export { profileName, readClientEnv } from "./clientFiles.js";
export { writeKubeconfig } from "./kube/index.js";
export {
  readEndpoints,
  releasePid,
  resolveSettings,
  runningPid,
  saveSettings,
  startDetached,
  startInProcess,
  status,
  stop,
  summary,
  wipe,
} from "./lifecycle.js";
export { files, type RunningSandbox } from "./server.js";
export type { Knobs } from "./services/context.js";
