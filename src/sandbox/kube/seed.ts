/** The objects a new sandbox cluster starts with: system namespaces, their default ServiceAccounts, built-in RBAC. */
import { BUILTIN_CLUSTER_ROLE_BINDINGS, BUILTIN_CLUSTER_ROLES } from "./authz/builtinRoles.js";
import type { JsonObject } from "./json.js";

export const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

export function namespaceObject(name: string, uid: string, timestamp: string): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      uid,
      creationTimestamp: timestamp,
      labels: { "kubernetes.io/metadata.name": name },
    },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

export function defaultServiceAccount(namespace: string, uid: string, timestamp: string): JsonObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "default", namespace, uid, creationTimestamp: timestamp },
  };
}

export function seedObjects(uid: () => string, timestamp: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const ns of SYSTEM_NAMESPACES) {
    out.push(namespaceObject(ns, uid(), timestamp));
    out.push(defaultServiceAccount(ns, uid(), timestamp));
  }
  const bootstrap = { "kubernetes.io/bootstrapping": "rbac-defaults" };
  for (const [name, rules] of Object.entries(BUILTIN_CLUSTER_ROLES)) {
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name, uid: uid(), creationTimestamp: timestamp, labels: bootstrap },
      rules: rules.map((r) => ({ ...r })) as unknown as JsonObject[],
    });
  }
  for (const [name, b] of Object.entries(BUILTIN_CLUSTER_ROLE_BINDINGS)) {
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name, uid: uid(), creationTimestamp: timestamp, labels: bootstrap },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: b.role },
      subjects: b.groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
    });
  }
  return out;
}
