/** kube/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */
export { KubeClient, KubeStatusError } from "./client.js";
export { eksSession, kubeconfigSession } from "./connect.js";
export { groupOf, type KindInfo, resourceName, unservedKind } from "./resources.js";
export { accessReview, whoAmI } from "./reviews.js";
