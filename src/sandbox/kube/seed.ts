/**
 * The objects a new sandbox cluster starts with: system namespaces, their default ServiceAccounts, built-in
 * RBAC, and the CRDs of Argo CD, Capsule and KubeRocketCI (installed, established).
 */
import {
  AGGREGATED_CLUSTER_ROLES,
  AGGREGATION_SOURCES,
  BUILTIN_CLUSTER_ROLE_BINDINGS,
  BUILTIN_CLUSTER_ROLES,
} from "../../rbac/index.js";
import { aggregateClusterRoles } from "./aggregation.js";
import { bootstrapCrds } from "./bootstrapCrds.js";
import { crdStatus } from "./crd.js";
import { type JsonObject, nameOf } from "./json.js";
import { NODE_NAMES, nodeObject } from "./nodes.js";

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

export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";

/**
 * The root CA publisher's ConfigMap (kubernetes/kubernetes pkg/controller/certificates/rootcacertpublisher:
 * kube-root-ca.crt with ca.crt and its description annotation), in every namespace.
 */
export function rootCaConfigMap(
  namespace: string,
  caPem: string,
  uid: string,
  timestamp: string,
): JsonObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: ROOT_CA_CONFIGMAP,
      namespace,
      uid,
      creationTimestamp: timestamp,
      annotations: {
        "kubernetes.io/description":
          "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.",
      },
    },
    data: { "ca.crt": caPem },
  };
}

/** default/kubernetes: the API server's own Service, first address of EKS's service range 172.20.0.0/16. */
export function kubernetesService(uid: string, timestamp: string): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      uid,
      creationTimestamp: timestamp,
      labels: { component: "apiserver", provider: "kubernetes" },
    },
    spec: {
      type: "ClusterIP",
      clusterIP: "172.20.0.1",
      clusterIPs: ["172.20.0.1"],
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }],
      sessionAffinity: "None",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      internalTrafficPolicy: "Cluster",
    },
    status: { loadBalancer: {} },
  };
}

/** The emulated Nodes, registered at bootstrap (and added to a state written before the sandbox had them). */
export function seedNodes(uid: () => string, timestamp: string, region?: string): JsonObject[] {
  return NODE_NAMES.map((n) => nodeObject(n, uid(), timestamp, region));
}

/** The bootstrap CRDs as stored: established, with their status. */
export function seedCrds(uid: () => string, timestamp: string): JsonObject[] {
  return bootstrapCrds().map((c) => {
    c.metadata = { ...(c.metadata as JsonObject), uid: uid(), creationTimestamp: timestamp, generation: 1 };
    c.status = crdStatus(c, timestamp);
    return c;
  });
}

export function seedObjects(uid: () => string, timestamp: string, caPem?: string): JsonObject[] {
  const out: JsonObject[] = [...seedCrds(uid, timestamp)];
  for (const ns of SYSTEM_NAMESPACES) {
    out.push(namespaceObject(ns, uid(), timestamp));
    out.push(defaultServiceAccount(ns, uid(), timestamp));
    if (caPem) out.push(rootCaConfigMap(ns, caPem, uid(), timestamp));
  }
  out.push(kubernetesService(uid(), timestamp));
  // plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: labels, the autoupdate annotation, the
  // aggregationRules of admin/edit/view (their rules as the aggregation controller fills them).
  const bootstrap = { "kubernetes.io/bootstrapping": "rbac-defaults" };
  const annotations = { "rbac.authorization.kubernetes.io/autoupdate": "true" };
  const roles: JsonObject[] = [];
  for (const [name, rules] of Object.entries(BUILTIN_CLUSTER_ROLES)) {
    const agg = AGGREGATED_CLUSTER_ROLES[name as keyof typeof AGGREGATED_CLUSTER_ROLES];
    const source = AGGREGATION_SOURCES[name];
    roles.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: {
        name,
        uid: uid(),
        creationTimestamp: timestamp,
        labels: { ...bootstrap, ...(agg?.labels ?? {}), ...(source ? { [source.label]: "true" } : {}) },
        annotations,
      },
      ...(agg
        ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [agg.selects]: "true" } }] } }
        : {}),
      rules: rules.map((r) => ({ ...r })) as unknown as JsonObject[],
    });
  }
  const aggregated = new Map(aggregateClusterRoles(roles).map((r) => [nameOf(r), r]));
  out.push(...roles.map((r) => aggregated.get(nameOf(r)) ?? r));
  for (const [name, b] of Object.entries(BUILTIN_CLUSTER_ROLE_BINDINGS)) {
    const subject = (kind: string, n: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name: n });
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name, uid: uid(), creationTimestamp: timestamp, labels: bootstrap, annotations },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: b.role },
      subjects: [
        ...b.groups.map((g) => subject("Group", g)),
        ...(b.users ?? []).map((u) => subject("User", u)),
        ...(b.serviceAccounts ?? []).map((sa) => {
          const [namespace, n] = sa.split("/") as [string, string];
          return { kind: "ServiceAccount", name: n, namespace };
        }),
      ],
    });
  }
  return out;
}
