/**
 * The Kubernetes rules of the EKS managed access policies, as verify reads them: the resource rules of the one
 * data module (rbac/, from the EKS User Guide's "Review access policy permissions"). They cannot be edited, so
 * they are data. Policies not listed (service-specific ones) grant nothing as far as verify is concerned.
 */
import { ACCESS_POLICIES, resourceRules } from "../../rbac/index.js";
import type { PolicyRule } from "./rules.js";

/** Rules by policy name (the part after `cluster-access-policy/`). */
export const ACCESS_POLICY_RULES: Readonly<Record<string, readonly PolicyRule[]>> = Object.fromEntries(
  Object.entries(ACCESS_POLICIES).map(([name, rules]) => [name, resourceRules(rules)]),
);

/** `arn:<partition>:eks::aws:cluster-access-policy/<Name>` → Name; undefined for other ARNs. */
export function accessPolicyName(arn: string): string | undefined {
  const m = /^arn:[a-z-]+:eks::aws:cluster-access-policy\/([A-Za-z0-9]+)$/.exec(arn);
  return m?.[1];
}

/** The documented rules of a managed access policy; undefined when xirsa does not know the policy. */
export function accessPolicyRules(arn: string): readonly PolicyRule[] | undefined {
  const name = accessPolicyName(arn);
  return name === undefined ? undefined : ACCESS_POLICY_RULES[name];
}

export function isClusterAdminPolicy(arn: string): boolean {
  return accessPolicyName(arn) === "AmazonEKSClusterAdminPolicy";
}
