/**
 * Kubernetes RBAC rules as data, and the two questions verify asks of them: does a rule allow this request,
 * and does a set of rules hold every permission of another set (the RBAC escalation check).
 */
import type { KubeObject } from "../../state/index.js";
import { strings } from "../json.js";

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** One resource request, as the authorizer sees it (namespace "" for cluster-scoped requests). */
export interface ResourceRequest {
  verb: string;
  group: string;
  resource: string;
  name?: string;
}

function has(list: readonly string[], value: string): boolean {
  return list.includes("*") || list.includes(value);
}

export function ruleAllows(rule: PolicyRule, req: ResourceRequest): boolean {
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.group) || !has(rule.resources, req.resource)) {
    return false;
  }
  const names = rule.resourceNames;
  if (!names || names.length === 0) return true;
  return req.name !== undefined && names.includes(req.name);
}

export function rulesAllow(rules: readonly PolicyRule[], req: ResourceRequest): boolean {
  return rules.some((r) => ruleAllows(r, req));
}

/**
 * True when `held` grants every (verb, group, resource, name) of `needed`, as Kubernetes' escalation check
 * (rbac/validation.Covers) decides: a `*` in `needed` is only covered by a `*` in `held`.
 */
export function rulesCover(held: readonly PolicyRule[], needed: readonly PolicyRule[]): boolean {
  for (const n of needed) {
    const names = n.resourceNames?.length ? n.resourceNames : [undefined];
    for (const verb of n.verbs)
      for (const group of n.apiGroups)
        for (const resource of n.resources)
          for (const name of names) {
            const req: ResourceRequest =
              name === undefined ? { verb, group, resource } : { verb, group, resource, name };
            if (!held.some((h) => coversOne(h, req))) return false;
          }
  }
  return true;
}

function coversOne(h: PolicyRule, req: ResourceRequest): boolean {
  if (!has(h.verbs, req.verb) || !has(h.apiGroups, req.group) || !has(h.resources, req.resource))
    return false;
  const names = h.resourceNames;
  if (!names || names.length === 0) return true;
  return req.name !== undefined && names.includes(req.name);
}

/** The rules of a Role/ClusterRole object; malformed rules are skipped (they grant nothing). */
export function rulesOf(obj: KubeObject): PolicyRule[] {
  const rules = obj.rules;
  if (!Array.isArray(rules)) return [];
  const out: PolicyRule[] = [];
  for (const r of rules) {
    if (!r || typeof r !== "object" || Array.isArray(r)) continue;
    const rule: PolicyRule = {
      apiGroups: strings(r.apiGroups),
      resources: strings(r.resources),
      verbs: strings(r.verbs),
    };
    const names = strings(r.resourceNames);
    if (names.length) rule.resourceNames = names;
    out.push(rule);
  }
  return out;
}

/** `apps/deployments` or `namespaces` (core group), with `/name` when the request names one. */
export function describeRequest(req: ResourceRequest): string {
  const gr = req.group ? `${req.group}/${req.resource}` : req.resource;
  return `${req.verb} ${gr}${req.name ? `/${req.name}` : ""}`;
}
