/**
 * The shape of RBAC rules (rbac/v1 PolicyRule) and the helpers bootstrappolicy writes them with, apart from
 * index.ts so the data modules of rbac/ can use them.
 */
/** A rule on API resources (RBAC PolicyRule with apiGroups and resources). */
export interface ResourceRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** A rule on non-resource URLs (`/healthz`, `/version`, `*`). */
export interface NonResourceRule {
  nonResourceURLs: string[];
  verbs: string[];
}

export type PolicyRule = ResourceRule | NonResourceRule;

/** The resource rules of a list (what an authorizer of resource requests looks at). */
export function resourceRules(rules: readonly PolicyRule[]): ResourceRule[] {
  return rules.filter((r): r is ResourceRule => "resources" in r);
}

/** bootstrappolicy's rbacv1helpers.NewRule(verbs...).Groups(...).Resources(...).Names(...). */
export const rule = (
  verbs: string[],
  apiGroups: string[],
  resources: string[],
  resourceNames?: string[],
): ResourceRule => ({
  apiGroups,
  resources,
  verbs,
  ...(resourceNames ? { resourceNames } : {}),
});

export const READ = ["get", "list", "watch"];

/** bootstrappolicy eventsRule(): controllers write Events in both APIs. */
export const EVENTS_RULE = rule(["create", "update", "patch"], ["", "events.k8s.io"], ["events"]);
