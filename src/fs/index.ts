/** fs/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */

export { replaceFile, replaceFileSync, writeFileAtomic } from "./atomic.js";
export { exchangePaths } from "./exchange.js";
