/**
 * The field names of the built-in kinds, where kubectl users mistype them: the top level of every kind,
 * ObjectMeta, and the specs of the workloads down to their containers (k8s.io/api v1.31 types: core/v1
 * ObjectMeta, PodSpec, Container, ServiceSpec; apps/v1 and batch/v1 specs). kube-apiserver's decoder drops a
 * field its Go types lack and reports it under fieldValidation=Strict|Warn (apimachinery's strict decoding,
 * sigs.k8s.io/json: paths like `spec.template.spec.containers[0].imagePullPolicyy`). Subtrees not listed here
 * are not checked (`true`).
 */
import { isObject, type Json, type JsonObject } from "./json.js";

/** Known keys of an object; `true` = not checked; `items` of a list of objects. */
type Fields = { readonly [key: string]: Fields | true } | { readonly items: Fields };

const open = true as const;
const keys = (names: string, sub: Record<string, Fields> = {}): Fields =>
  Object.fromEntries([
    ...names
      .split(/\s+/)
      .filter(Boolean)
      .map((k) => [k, open] as const),
    ...Object.entries(sub),
  ]);
const list = (f: Fields): Fields => ({ items: f });

const OBJECT_META = keys(
  "annotations creationTimestamp deletionGracePeriodSeconds deletionTimestamp finalizers generateName generation labels managedFields name namespace ownerReferences resourceVersion selfLink uid",
);

const CONTAINER = keys(
  "args command env envFrom image imagePullPolicy lifecycle livenessProbe name ports readinessProbe resizePolicy resources restartPolicy securityContext startupProbe stdin stdinOnce terminationMessagePath terminationMessagePolicy tty volumeDevices volumeMounts workingDir",
);

const POD_SPEC = keys(
  "activeDeadlineSeconds affinity automountServiceAccountToken dnsConfig dnsPolicy enableServiceLinks ephemeralContainers hostAliases hostIPC hostNetwork hostPID hostUsers hostname imagePullSecrets nodeName nodeSelector os overhead preemptionPolicy priority priorityClassName readinessGates resourceClaims resources restartPolicy runtimeClassName schedulerName schedulingGates securityContext serviceAccount serviceAccountName setHostnameAsFQDN shareProcessNamespace subdomain terminationGracePeriodSeconds tolerations topologySpreadConstraints volumes",
  { containers: list(CONTAINER), initContainers: list(CONTAINER) },
);

const TEMPLATE = keys("", { metadata: OBJECT_META, spec: POD_SPEC });

const JOB_SPEC = keys(
  "activeDeadlineSeconds backoffLimit backoffLimitPerIndex completionMode completions managedBy manualSelector maxFailedIndexes parallelism podFailurePolicy podReplacementPolicy selector successPolicy suspend ttlSecondsAfterFinished",
  { template: TEMPLATE },
);

const SPECS: Record<string, Fields> = {
  Pod: POD_SPEC,
  Deployment: keys(
    "minReadySeconds paused progressDeadlineSeconds replicas revisionHistoryLimit selector strategy",
    {
      template: TEMPLATE,
    },
  ),
  StatefulSet: keys(
    "minReadySeconds ordinals persistentVolumeClaimRetentionPolicy podManagementPolicy replicas revisionHistoryLimit selector serviceName updateStrategy volumeClaimTemplates",
    { template: TEMPLATE },
  ),
  DaemonSet: keys("minReadySeconds revisionHistoryLimit selector updateStrategy", { template: TEMPLATE }),
  ReplicaSet: keys("minReadySeconds replicas selector", { template: TEMPLATE }),
  Job: JOB_SPEC,
  CronJob: keys(
    "concurrencyPolicy failedJobsHistoryLimit schedule startingDeadlineSeconds successfulJobsHistoryLimit suspend timeZone",
    { jobTemplate: keys("", { metadata: OBJECT_META, spec: JOB_SPEC }) },
  ),
  Service: keys(
    "allocateLoadBalancerNodePorts clusterIP clusterIPs externalIPs externalName externalTrafficPolicy healthCheckNodePort internalTrafficPolicy ipFamilies ipFamilyPolicy loadBalancerClass loadBalancerIP loadBalancerSourceRanges ports publishNotReadyAddresses selector sessionAffinity sessionAffinityConfig trafficDistribution type",
  ),
};

/** Top-level fields besides apiVersion, kind and metadata; kinds not listed are not checked. */
const TOP: Record<string, string> = {
  ConfigMap: "data binaryData immutable",
  Secret: "data stringData type immutable",
  ServiceAccount: "secrets imagePullSecrets automountServiceAccountToken",
  Role: "rules",
  ClusterRole: "rules aggregationRule",
  RoleBinding: "roleRef subjects",
  ClusterRoleBinding: "roleRef subjects",
  Namespace: "spec status",
  Pod: "spec status",
  Service: "spec status",
  Deployment: "spec status",
  StatefulSet: "spec status",
  DaemonSet: "spec status",
  ReplicaSet: "spec status",
  Job: "spec status",
  CronJob: "spec status",
  NetworkPolicy: "spec",
  Ingress: "spec status",
  PodDisruptionBudget: "spec status",
  HorizontalPodAutoscaler: "spec status",
  PersistentVolumeClaim: "spec status",
  ResourceQuota: "spec status",
  LimitRange: "spec",
  Lease: "spec",
  PriorityClass: "value globalDefault description preemptionPolicy",
  CustomResourceDefinition: "spec status",
};

function rootFields(kind: string): Fields | undefined {
  const top = TOP[kind];
  if (top === undefined) return undefined;
  return keys(`apiVersion kind ${top}`, {
    metadata: OBJECT_META,
    ...(SPECS[kind] ? { spec: SPECS[kind] } : {}),
  });
}

/**
 * Removes the fields of a built-in object its type does not have (in the modelled parts); returns their paths.
 */
export function dropUnknownBuiltinFields(kind: string, o: JsonObject): string[] {
  const f = rootFields(kind);
  if (!f) return [];
  const out: string[] = [];
  walk(f, o, "", out);
  return out;
}

function walk(f: Fields, v: Json, path: string, out: string[]): void {
  if ("items" in f && typeof f.items === "object") {
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(f.items, x, `${path}[${i}]`, out);
    return;
  }
  if (!isObject(v)) return;
  const known = f as { readonly [key: string]: Fields | true };
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    const sub = known[k];
    if (sub === undefined) {
      out.push(p);
      delete v[k];
    } else if (sub !== true) walk(sub, v[k]!, p, out);
  }
}
