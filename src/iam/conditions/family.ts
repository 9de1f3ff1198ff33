/**
 * A condition operator family compares ONE request value with ALL policy values of a key. Positive operators
 * match when any policy value matches (OR within a key's values); their negated twins (StringNotEquals …)
 * match when none does. A request value of the wrong type (not a number for Numeric…, not an ARN for Arn…)
 * makes the comparison fail for the positive and the negated operator alike.
 */
import type { Part } from "../variables.js";

/** true/false, or null when the request value is not of the operator's type. */
export type ValueTest = (requestValue: string) => boolean | null;

export interface OperatorFamily {
  /** Canonical name of the base operator, e.g. `StringLike`. */
  name: string;
  negated: boolean;
  /** Validate the policy values and compile them; throws BadValue for a value IAM would refuse. */
  compile(values: readonly string[]): ValueTest;
  /**
   * For the operators that take policy variables (string and ARN operators, see variables.ts): compile
   * values whose variables were substituted; throws BadValue for a value that is then not of the type.
   */
  compileParts?(values: readonly (readonly Part[])[]): ValueTest;
}

/** A bad policy value at `index` of the key's values. */
export class BadValue extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/** The positive operator and its negation share one compile. */
export function pair(
  name: string,
  notName: string,
  compile: (values: readonly string[]) => ValueTest,
  compileParts?: (values: readonly (readonly Part[])[]) => ValueTest,
): OperatorFamily[] {
  const withParts = compileParts ? { compileParts } : {};
  return [
    { name, negated: false, compile, ...withParts },
    { name: notName, negated: true, compile, ...withParts },
  ];
}
