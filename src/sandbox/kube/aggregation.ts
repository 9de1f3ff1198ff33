/**
 * The clusterrole-aggregation controller as a pure function (kubernetes/kubernetes
 * pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go): a ClusterRole with an
 * aggregationRule gets the rules of every ClusterRole its selectors match, those roles taken by name, each rule
 * once; aggregated roles that feed others (edit into admin) are settled first, by iterating to a fixed point.
 */
import {
  asArray,
  asObject,
  clone,
  isObject,
  type Json,
  type JsonObject,
  jsonEqual,
  labelsOf,
  nameOf,
} from "./json.js";
import { matchLabelSelectorObject } from "./selectors.js";

const selectorsOf = (o: JsonObject): JsonObject[] =>
  asArray(asObject(o.aggregationRule).clusterRoleSelectors).filter(isObject);

/** The ClusterRoles whose rules change, with their new rules. */
export function aggregateClusterRoles(roles: JsonObject[]): JsonObject[] {
  const byName = new Map(roles.map((r) => [nameOf(r), clone(r)]));
  const sorted = () => [...byName.values()].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  const changed = new Set<string>();
  for (let round = 0; round < 5; round++) {
    let moved = false;
    for (const role of sorted()) {
      const selectors = selectorsOf(role);
      if (selectors.length === 0) continue;
      const rules: Json[] = [];
      for (const sel of selectors)
        for (const src of sorted()) {
          if (nameOf(src) === nameOf(role) || !matchLabelSelectorObject(sel, labelsOf(src))) continue;
          for (const r of asArray(src.rules)) if (!rules.some((x) => jsonEqual(x, r))) rules.push(clone(r));
        }
      if (jsonEqual(rules, asArray(role.rules))) continue;
      role.rules = rules;
      changed.add(nameOf(role));
      moved = true;
    }
    if (!moved) break;
  }
  return [...changed].map((n) => byName.get(n)!);
}
