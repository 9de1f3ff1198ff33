/**
 * The IAM side of verify: naming a role's policies for the evaluator, and calling it without letting a
 * malformed document escape as an exception (a malformed policy breaks a hop; it is not bad input to verify).
 */
import {
  type AuthorizeInput,
  authorize,
  type Decision,
  type NamedPolicy,
  type Policy,
  PolicyError,
  parsePolicy,
} from "../iam/index.js";
import type { IamRole } from "../state/index.js";
import { finding, inlinePolicyId, trustPolicyId } from "./findings.js";
import type { Finding, HopId } from "./types.js";

export function trustPolicyOf(role: IamRole): NamedPolicy {
  return { name: `trust:${role.arn}`, document: role.trustPolicy };
}

export function identityPoliciesOf(role: IamRole): NamedPolicy[] {
  return Object.keys(role.inlinePolicies)
    .sort()
    .map((name) => ({ name: `inline:${name}`, document: role.inlinePolicies[name] }));
}

/**
 * The role's permissions boundary as a limit to evaluate, when its document is known (live State only: the
 * desired and rendered States know the boundary by ARN).
 */
export function boundaryPolicyOf(role: IamRole): NamedPolicy | undefined {
  return role.permissionsBoundary && role.permissionsBoundaryDocument
    ? { name: `boundary:${role.permissionsBoundary}`, document: role.permissionsBoundaryDocument }
    : undefined;
}

/** The document id (loadBundle `files` key) of a policy named as above. */
export function documentIdOf(role: IamRole, policyName: string): string {
  if (policyName.startsWith("inline:")) return inlinePolicyId(role.arn, policyName.slice("inline:".length));
  return trustPolicyId(role.arn);
}

export type Authorized = { decision: Decision } | { error: PolicyError };

export function tryAuthorize(input: AuthorizeInput): Authorized {
  try {
    return { decision: authorize(input) };
  } catch (e) {
    if (e instanceof PolicyError) return { error: e };
    throw e;
  }
}

export type Parsed = { policy: Policy } | { error: PolicyError };

export function tryParse(doc: unknown, name: string, kind: "identity" | "resource"): Parsed {
  try {
    return { policy: parsePolicy(doc, name, kind) };
  } catch (e) {
    if (e instanceof PolicyError) return { error: e };
    throw e;
  }
}

/** The finding for a malformed policy of a role. */
export function invalidPolicyFinding(role: IamRole, error: PolicyError, hop: HopId, chain?: string): Finding {
  const policy = error.policy ?? `trust:${role.arn}`;
  const what = policy.startsWith("inline:")
    ? `inline policy ${policy.slice("inline:".length)} of ${role.arn}`
    : policy.startsWith("boundary:")
      ? `permissions boundary ${policy.slice("boundary:".length)} of ${role.arn}`
      : `trust policy of ${role.arn}`;
  return finding(
    "XIRSA-IAM-POLICY-INVALID",
    `${what} is malformed at ${error.path}: ${error.problem}`,
    role.arn,
    {
      hop,
      jsonPath: error.path,
      document: documentIdOf(role, policy),
      ...(chain ? { chain } : {}),
    },
  );
}
