/**
 * ARN operators (AWS "Condition operators": Amazon Resource Name (ARN) condition operators). ArnEquals and
 * ArnLike behave the same: each of the six colon-delimited segments is compared case-sensitively and may hold
 * `*`/`?` wildcards. A request value that is not an ARN never matches (nor "not-matches").
 */
import { compileArnPattern, compileArnPatternParts, isArnPatternParts, parseArn } from "../arn.js";
import type { Part } from "../variables.js";
import { BadValue, type OperatorFamily, pair, type ValueTest } from "./family.js";

function arnLike(values: readonly string[]): ValueTest {
  const matchers = values.map((p, i) => {
    if (p.split(":").length < 6 || !p.startsWith("arn:")) {
      throw new BadValue(
        i,
        `expected an ARN (arn:partition:service:region:account:resource), got ${JSON.stringify(p)}`,
      );
    }
    return compileArnPattern(p);
  });
  return (v) => (parseArn(v) === undefined ? null : matchers.some((m) => m(v)));
}

/** The same, for values with substituted policy variables (variables.ts). */
function arnLikeParts(values: readonly (readonly Part[])[]): ValueTest {
  const matchers = values.map((p, i) => {
    if (!isArnPatternParts(p)) throw new BadValue(i, "not an ARN once its policy variables are substituted");
    return compileArnPatternParts(p);
  });
  return (v) => (parseArn(v) === undefined ? null : matchers.some((m) => m(v)));
}

export const arnOperators: OperatorFamily[] = [
  ...pair("ArnEquals", "ArnNotEquals", arnLike, arnLikeParts),
  ...pair("ArnLike", "ArnNotLike", arnLike, arnLikeParts),
];
