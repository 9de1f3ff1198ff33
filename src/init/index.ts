/** init/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */
export { discoverCluster, type EksPort } from "./discover.js";
export { FIELDS, type FieldKey, type InitValues } from "./fields.js";
export { type InitDeps, runInit } from "./run.js";
export { writeNewFile } from "./write.js";
