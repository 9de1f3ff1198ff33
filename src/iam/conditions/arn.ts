/**
 * ARN operators (AWS "Condition operators": Amazon Resource Name (ARN) condition operators). ArnEquals and
 * ArnLike behave the same: each of the six colon-delimited segments is compared case-sensitively and may hold
 * `*`/`?` wildcards. A request value that is not an ARN never matches (nor "not-matches").
 */
import { compileArnPattern, parseArn } from "../arn.js";
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

export const arnOperators: OperatorFamily[] = [
  ...pair("ArnEquals", "ArnNotEquals", arnLike),
  ...pair("ArnLike", "ArnNotLike", arnLike),
];
