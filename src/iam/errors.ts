import { InputError } from "../errors.js";

/**
 * A policy document that IAM would refuse (or that xirsa cannot evaluate faithfully). The message starts with
 * the JSON path of the fault, e.g. `Statement[1].Condition.StringEquals: expected an object of keys to values`.
 */
export class PolicyError extends InputError {
  constructor(
    /** JSON path inside the document, e.g. `Statement[1].Condition.StringEquals`; `(document)` for the root. */
    readonly path: string,
    /** What is wrong there. */
    readonly problem: string,
    /** The caller's name for the policy, when known. */
    readonly policy?: string,
  ) {
    super(
      "IAM_POLICY_INVALID",
      `${path}: ${problem}${policy ? ` (policy ${policy})` : ""}`,
      "fix the policy document (AWS: IAM JSON policy element reference)",
    );
  }
}
