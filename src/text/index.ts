/** text/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */

export { type Paint, painter, type Style } from "./paint.js";
export { shortenIds, wrap } from "./shorten.js";
export { didYouMean } from "./suggest.js";
