/**
 * `npm run docs`: regenerates docs/hops-and-findings.md from the code (src/docs/). test/docs/generated.test.ts
 * fails when the committed file differs from what this writes.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateHopsAndFindings, HOPS_AND_FINDINGS } from "../src/docs/files.js";

const root = resolve(import.meta.dirname, "..");
writeFileSync(join(root, HOPS_AND_FINDINGS), generateHopsAndFindings(root));
process.stdout.write(`wrote ${HOPS_AND_FINDINGS}\n`);
