/** demo/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */
export { runDemo } from "./run.js";
