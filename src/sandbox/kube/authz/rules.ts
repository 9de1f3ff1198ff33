/** RBAC PolicyRules and request attributes, matched as the Kubernetes RBAC authorizer does. */

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** What a request asks for (k8s.io/apiserver authorizer.Attributes). */
export type RequestAttributes =
  | {
      resourceRequest: true;
      verb: string;
      apiGroup: string;
      resource: string;
      subresource: string;
      /** "" for cluster-scoped requests and lists across namespaces. For namespaces themselves: their name. */
      namespace: string;
      name: string;
    }
  | { resourceRequest: false; verb: string; path: string };

const has = (list: string[] | undefined, v: string): boolean =>
  !!list && (list.includes("*") || list.includes(v));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const rs = rule.resources ?? [];
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rs) {
    if (r === "*" || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

function pathMatches(patterns: string[] | undefined, path: string): boolean {
  for (const p of patterns ?? []) {
    if (p === "*" || p === path) return true;
    if (p.endsWith("*") && path.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return pathMatches(rule.nonResourceURLs, a.path);
  if (!has(rule.apiGroups, a.apiGroup)) return false;
  if (!resourceMatches(rule, a.resource, a.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name);
}

export function rulesAllow(rules: readonly PolicyRule[], a: RequestAttributes): boolean {
  return rules.some((r) => ruleAllows(r, a));
}
