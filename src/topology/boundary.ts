/**
 * The permissions boundary of a role xirsa creates. IAM attaches only a managed policy of AWS (`iam::aws:`) or
 * of the role's own account as a boundary ("Permissions boundaries for IAM entities", IAM User Guide; CreateRole
 * answers NoSuchEntity "Scope ARN: … does not exist or is not attachable" otherwise), so a stack whose roles
 * live in several accounts names its customer-managed boundary once with `{account}` in place of the account.
 */
export const ACCOUNT_PLACEHOLDER = "{account}";

/** The boundary ARN for a role in `accountId`, or undefined when the config sets none. */
export function boundaryArnFor(boundary: string | undefined, accountId: string): string | undefined {
  return boundary?.replaceAll(ACCOUNT_PLACEHOLDER, accountId);
}
