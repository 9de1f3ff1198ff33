/** state/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */

export { podsUsing, restartTargets } from "./controllers.js";
export {
  type AccessEntry,
  type AccessPolicyAssociation,
  type AccessScope,
  type ChainKind,
  type ChainSpec,
  type ClusterRef,
  clusterKey,
  type EksCluster,
  findCluster,
  findObject,
  type IamRole,
  type Json,
  type JsonObject,
  type KubeObject,
  type OidcProvider,
  type State,
} from "./types.js";
