/**
 * The schema table of the built-in kinds, one source for three things:
 * - decoding as kube-apiserver does: its JSON decoder (sigs.k8s.io/json, a fork of encoding/json) refuses a
 *   value of the wrong JSON type for a Go field with `json: cannot unmarshal string into Go struct field
 *   DeploymentSpec.spec.replicas of type int32` (UnmarshalTypeError: the innermost struct's Go name, the path
 *   of JSON field names from the root without list indices, the Go type), which the apiserver's handlers wrap
 *   as `Deployment in version "v1" cannot be handled as a Deployment: …`
 *   (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go transformDecodeError);
 *   null is the zero value and always decodes;
 * - unknown fields: the decoder drops a field its Go types lack and reports it under fieldValidation=Strict|Warn
 *   (apimachinery's strict decoding: paths like `spec.template.spec.containers[0].imagePullPolicyy`);
 * - `/openapi/v2` and `/openapi/v3` (discovery.ts): the same nodes as OpenAPI schemas, with the `required`
 *   lists of k8s.io/api's OpenAPI (`+required` / non-omitempty fields), for kubectl explain and kubectl's
 *   client-side validation.
 * Types are k8s.io/api v1.31 (core/v1, apps/v1, batch/v1, rbac/v1, networking/v1). Subtrees not modelled are
 * `open`: any value, not checked, preserved (x-kubernetes-preserve-unknown-fields). Compiled once at load.
 */
import { isObject, type Json, type JsonObject } from "./json.js";

/** intstr: a JSON string or an int32 (IntOrString.UnmarshalJSON); quantity: resource.Quantity's text form. */
type Scalar = "string" | "int32" | "int64" | "bool" | "intstr" | "quantity";
/** How server-side apply and strategic merge patch treat a list (kube-openapi's list-type extensions). */
export interface ListMeta {
  readonly type: "atomic" | "map" | "set";
  /** `x-kubernetes-list-map-keys` of a map list. */
  readonly keys?: readonly string[];
  /** `x-kubernetes-patch-merge-key` / the strategic merge patch's merge key. */
  readonly mergeKey?: string;
  /** `x-kubernetes-patch-strategy` ("merge", "merge,retainKeys"). */
  readonly strategy?: string;
}
export type Node =
  | {
      readonly t: "scalar";
      readonly go: Scalar;
      readonly doc?: string;
      /** The Go type of a named string type (v1.PullPolicy), as decoding errors name it. */
      readonly goType?: string;
      /** The values of a `+enum` string type (published in /openapi/v3 as kube does). */
      readonly enum?: readonly string[];
      /** The default kube-openapi publishes (a list-map key an item may omit: protocol TCP). */
      readonly def?: Json;
    }
  | {
      readonly t: "struct";
      readonly go: string;
      readonly fields: Readonly<Record<string, Node>>;
      readonly required?: readonly string[];
      /** `+structType=atomic` (LabelSelector, OwnerReference...). */
      readonly atomic?: boolean;
    }
  | { readonly t: "list"; readonly item: Node; readonly list: ListMeta }
  | { readonly t: "map"; readonly value: Node; readonly go: string; readonly atomic?: boolean }
  | { readonly t: "open" };

const S: Node = { t: "scalar", go: "string" };
const I32: Node = { t: "scalar", go: "int32" };
const I64: Node = { t: "scalar", go: "int64" };
const B: Node = { t: "scalar", go: "bool" };
const INTSTR: Node = { t: "scalar", go: "intstr" };
const QUANTITY: Node = { t: "scalar", go: "quantity" };
const MAP: Node = { t: "map", value: S, go: "map[string]string" };
/** A Service selector: `+mapType=atomic`. */
const ATOMIC_MAP: Node = { ...MAP, atomic: true } as Node;
/** ResourceList: map[ResourceName]resource.Quantity. */
const RESOURCE_LIST: Node = { t: "map", value: QUANTITY, go: "v1.ResourceList" };
const OPEN: Node = { t: "open" };
const ATOMIC: ListMeta = { type: "atomic" };
/** An untagged list (atomic for server-side apply, replaced by strategic merge patch). */
const list = (item: Node, meta: ListMeta = ATOMIC): Node => ({ t: "list", item, list: meta });
/** `+listType=map +listMapKey=… +patchMergeKey=… +patchStrategy=merge`. */
const keyed = (item: Node, keys: string[], strategy = "merge"): Node =>
  list(item, { type: "map", keys, mergeKey: keys[0]!, strategy });
const STRINGS = list(S);
/** A `+enum` string type: its Go name (for decoding errors) and values. */
const enumOf = (goType: string, ...values: string[]): Node => ({
  t: "scalar",
  go: "string",
  goType,
  enum: values,
});
const struct = (go: string, fields: Record<string, Node>, required?: string[], atomic?: boolean): Node => ({
  t: "struct",
  go,
  fields,
  ...(required ? { required } : {}),
  ...(atomic ? { atomic } : {}),
});
/** Fields of one type written as a space-separated list. */
const many = (names: string, n: Node): Record<string, Node> =>
  Object.fromEntries(
    names
      .split(/\s+/)
      .filter(Boolean)
      .map((k) => [k, n]),
  );

// Types below: kubernetes/api core/v1/types.go, apps/v1/types.go and apimachinery pkg/apis/meta/v1/types.go
// (field names, Go types, +listType/+listMapKey/+patchMergeKey/+structType tags, +enum values).

const LABEL_SELECTOR = struct(
  "v1.LabelSelector",
  {
    matchLabels: MAP,
    matchExpressions: list(
      struct("v1.LabelSelectorRequirement", { ...many("key operator", S), values: STRINGS }, [
        "key",
        "operator",
      ]),
    ),
  },
  undefined,
  true,
);

const OWNER_REFERENCE = struct(
  "v1.OwnerReference",
  { ...many("apiVersion kind name uid", S), ...many("controller blockOwnerDeletion", B) },
  ["apiVersion", "kind", "name", "uid"],
  true,
);

export const OBJECT_META = struct("v1.ObjectMeta", {
  ...many("name generateName namespace selfLink uid resourceVersion", S),
  ...many("generation deletionGracePeriodSeconds", I64),
  ...many("creationTimestamp deletionTimestamp managedFields", OPEN),
  ownerReferences: keyed(OWNER_REFERENCE, ["uid"]),
  ...many("labels annotations", MAP),
  finalizers: list(S, { type: "set", strategy: "merge" }),
});

const REF = struct("v1.LocalObjectReference", { name: S });
const PROTOCOL = { ...enumOf("v1.Protocol", "SCTP", "TCP", "UDP"), def: "TCP" } as Node;

const HTTP_GET = struct(
  "v1.HTTPGetAction",
  {
    ...many("path host", S),
    port: INTSTR,
    scheme: enumOf("v1.URIScheme", "HTTP", "HTTPS"),
    httpHeaders: list(struct("v1.HTTPHeader", many("name value", S), ["name", "value"])),
  },
  ["port"],
);
const TCP_SOCKET = struct("v1.TCPSocketAction", { port: INTSTR, host: S }, ["port"]);
const EXEC = struct("v1.ExecAction", { command: STRINGS });
const GRPC = struct("v1.GRPCAction", { port: I32, service: S }, ["port"]);
const PROBE = struct("v1.Probe", {
  exec: EXEC,
  httpGet: HTTP_GET,
  tcpSocket: TCP_SOCKET,
  grpc: GRPC,
  ...many("initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold", I32),
  terminationGracePeriodSeconds: I64,
});
const LIFECYCLE_HANDLER = struct("v1.LifecycleHandler", {
  exec: EXEC,
  httpGet: HTTP_GET,
  tcpSocket: TCP_SOCKET,
  sleep: struct("v1.SleepAction", { seconds: I64 }, ["seconds"]),
});

const SE_LINUX = struct("v1.SELinuxOptions", many("user role type level", S));
const WINDOWS = struct("v1.WindowsSecurityContextOptions", {
  ...many("gmsaCredentialSpecName gmsaCredentialSpec runAsUserName", S),
  hostProcess: B,
});
const SECCOMP = struct(
  "v1.SeccompProfile",
  { type: enumOf("v1.SeccompProfileType", "Localhost", "RuntimeDefault", "Unconfined"), localhostProfile: S },
  ["type"],
);
const APP_ARMOR = struct(
  "v1.AppArmorProfile",
  {
    type: enumOf("v1.AppArmorProfileType", "Localhost", "RuntimeDefault", "Unconfined"),
    localhostProfile: S,
  },
  ["type"],
);
const SECURITY_CONTEXT = struct("v1.SecurityContext", {
  capabilities: struct("v1.Capabilities", many("add drop", STRINGS)),
  ...many("privileged runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation", B),
  seLinuxOptions: SE_LINUX,
  windowsOptions: WINDOWS,
  ...many("runAsUser runAsGroup", I64),
  procMount: enumOf("v1.ProcMountType", "Default", "Unmasked"),
  seccompProfile: SECCOMP,
  appArmorProfile: APP_ARMOR,
});
const POD_SECURITY_CONTEXT = struct("v1.PodSecurityContext", {
  seLinuxOptions: SE_LINUX,
  windowsOptions: WINDOWS,
  ...many("runAsUser runAsGroup fsGroup", I64),
  runAsNonRoot: B,
  supplementalGroups: list(I64),
  supplementalGroupsPolicy: enumOf("v1.SupplementalGroupsPolicy", "Merge", "Strict"),
  sysctls: list(struct("v1.Sysctl", many("name value", S), ["name", "value"])),
  fsGroupChangePolicy: enumOf("v1.PodFSGroupChangePolicy", "Always", "OnRootMismatch"),
  seccompProfile: SECCOMP,
  appArmorProfile: APP_ARMOR,
  seLinuxChangePolicy: S,
});

const RESOURCES = struct("v1.ResourceRequirements", {
  ...many("limits requests", RESOURCE_LIST),
  claims: keyed(struct("v1.ResourceClaim", many("name request", S), ["name"]), ["name"]),
});

const FIELD_REF = struct("v1.ObjectFieldSelector", many("apiVersion fieldPath", S), ["fieldPath"]);
const RESOURCE_FIELD_REF = struct(
  "v1.ResourceFieldSelector",
  { ...many("containerName resource", S), divisor: QUANTITY },
  ["resource"],
);
const KEY_SELECTOR = (go: string) => struct(go, { ...many("name key", S), optional: B }, ["key"]);
const ENV_VAR = struct(
  "v1.EnvVar",
  {
    ...many("name value", S),
    valueFrom: struct("v1.EnvVarSource", {
      fieldRef: FIELD_REF,
      resourceFieldRef: RESOURCE_FIELD_REF,
      configMapKeyRef: KEY_SELECTOR("v1.ConfigMapKeySelector"),
      secretKeyRef: KEY_SELECTOR("v1.SecretKeySelector"),
    }),
  },
  ["name"],
);
const ENV_FROM = struct("v1.EnvFromSource", {
  prefix: S,
  configMapRef: struct("v1.ConfigMapEnvSource", { name: S, optional: B }),
  secretRef: struct("v1.SecretEnvSource", { name: S, optional: B }),
});

const CONTAINER = struct(
  "v1.Container",
  {
    ...many("name image workingDir terminationMessagePath", S),
    terminationMessagePolicy: enumOf("v1.TerminationMessagePolicy", "FallbackToLogsOnError", "File"),
    imagePullPolicy: enumOf("v1.PullPolicy", "Always", "IfNotPresent", "Never"),
    restartPolicy: S,
    ...many("command args", STRINGS),
    ports: list(
      struct(
        "v1.ContainerPort",
        { ...many("name hostIP", S), protocol: PROTOCOL, ...many("hostPort containerPort", I32) },
        ["containerPort"],
      ),
      { type: "map", keys: ["containerPort", "protocol"], mergeKey: "containerPort", strategy: "merge" },
    ),
    env: keyed(ENV_VAR, ["name"]),
    envFrom: list(ENV_FROM),
    volumeMounts: keyed(
      struct(
        "v1.VolumeMount",
        {
          ...many("name mountPath subPath subPathExpr", S),
          mountPropagation: enumOf("v1.MountPropagationMode", "Bidirectional", "HostToContainer", "None"),
          recursiveReadOnly: S,
          readOnly: B,
        },
        ["name", "mountPath"],
      ),
      ["mountPath"],
    ),
    volumeDevices: keyed(struct("v1.VolumeDevice", many("name devicePath", S), ["name", "devicePath"]), [
      "devicePath",
    ]),
    resources: RESOURCES,
    resizePolicy: list(
      struct("v1.ContainerResizePolicy", many("resourceName restartPolicy", S), [
        "resourceName",
        "restartPolicy",
      ]),
    ),
    ...many("livenessProbe readinessProbe startupProbe", PROBE),
    lifecycle: struct("v1.Lifecycle", { postStart: LIFECYCLE_HANDLER, preStop: LIFECYCLE_HANDLER }),
    securityContext: SECURITY_CONTEXT,
    ...many("stdin stdinOnce tty", B),
  },
  ["name"],
);

const KEY_TO_PATH = struct("v1.KeyToPath", { ...many("key path", S), mode: I32 }, ["key", "path"]);
const DOWNWARD_FILE = struct(
  "v1.DownwardAPIVolumeFile",
  { path: S, fieldRef: FIELD_REF, resourceFieldRef: RESOURCE_FIELD_REF, mode: I32 },
  ["path"],
);
const PVC_SPEC = struct("v1.PersistentVolumeClaimSpec", {
  accessModes: STRINGS,
  selector: LABEL_SELECTOR,
  resources: struct("v1.VolumeResourceRequirements", many("limits requests", RESOURCE_LIST)),
  ...many("volumeName storageClassName volumeMode volumeAttributesClassName", S),
  ...many("dataSource dataSourceRef", OPEN),
});
/** VolumeSource (inlined in Volume); the cloud-provider sources are open. */
const VOLUME = struct(
  "v1.Volume",
  {
    name: S,
    hostPath: struct(
      "v1.HostPathVolumeSource",
      {
        path: S,
        type: enumOf(
          "v1.HostPathType",
          "",
          "BlockDevice",
          "CharDevice",
          "Directory",
          "DirectoryOrCreate",
          "File",
          "FileOrCreate",
          "Socket",
        ),
      },
      ["path"],
    ),
    emptyDir: struct("v1.EmptyDirVolumeSource", { medium: S, sizeLimit: QUANTITY }),
    secret: struct("v1.SecretVolumeSource", {
      secretName: S,
      items: list(KEY_TO_PATH),
      defaultMode: I32,
      optional: B,
    }),
    configMap: struct("v1.ConfigMapVolumeSource", {
      name: S,
      items: list(KEY_TO_PATH),
      defaultMode: I32,
      optional: B,
    }),
    persistentVolumeClaim: struct("v1.PersistentVolumeClaimVolumeSource", { claimName: S, readOnly: B }, [
      "claimName",
    ]),
    downwardAPI: struct("v1.DownwardAPIVolumeSource", { items: list(DOWNWARD_FILE), defaultMode: I32 }),
    projected: struct("v1.ProjectedVolumeSource", {
      sources: list(
        struct("v1.VolumeProjection", {
          secret: struct("v1.SecretProjection", { name: S, items: list(KEY_TO_PATH), optional: B }),
          configMap: struct("v1.ConfigMapProjection", { name: S, items: list(KEY_TO_PATH), optional: B }),
          downwardAPI: struct("v1.DownwardAPIProjection", { items: list(DOWNWARD_FILE) }),
          serviceAccountToken: struct(
            "v1.ServiceAccountTokenProjection",
            { ...many("audience path", S), expirationSeconds: I64 },
            ["path"],
          ),
          clusterTrustBundle: OPEN,
        }),
      ),
      defaultMode: I32,
    }),
    nfs: struct("v1.NFSVolumeSource", { ...many("server path", S), readOnly: B }, ["server", "path"]),
    csi: struct(
      "v1.CSIVolumeSource",
      { ...many("driver fsType", S), readOnly: B, volumeAttributes: MAP, nodePublishSecretRef: REF },
      ["driver"],
    ),
    ephemeral: struct("v1.EphemeralVolumeSource", {
      volumeClaimTemplate: struct(
        "v1.PersistentVolumeClaimTemplate",
        { metadata: OBJECT_META, spec: PVC_SPEC },
        ["spec"],
      ),
    }),
    image: struct("v1.ImageVolumeSource", {
      reference: S,
      pullPolicy: enumOf("v1.PullPolicy", "Always", "IfNotPresent", "Never"),
    }),
    ...many(
      "gcePersistentDisk awsElasticBlockStore gitRepo iscsi glusterfs rbd flexVolume cinder cephfs flocker fc azureFile vsphereVolume quobyte azureDisk photonPersistentDisk portworxVolume scaleIO storageos",
      OPEN,
    ),
  },
  ["name"],
);

const NODE_SELECTOR_REQUIREMENT = struct(
  "v1.NodeSelectorRequirement",
  {
    key: S,
    operator: enumOf("v1.NodeSelectorOperator", "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"),
    values: STRINGS,
  },
  ["key", "operator"],
);
const NODE_SELECTOR_TERM = struct(
  "v1.NodeSelectorTerm",
  many("matchExpressions matchFields", list(NODE_SELECTOR_REQUIREMENT)),
  undefined,
  true,
);
const POD_AFFINITY_TERM = struct(
  "v1.PodAffinityTerm",
  {
    ...many("labelSelector namespaceSelector", LABEL_SELECTOR),
    ...many("namespaces matchLabelKeys mismatchLabelKeys", STRINGS),
    topologyKey: S,
  },
  ["topologyKey"],
);
const POD_AFFINITY = (go: string) =>
  struct(go, {
    requiredDuringSchedulingIgnoredDuringExecution: list(POD_AFFINITY_TERM),
    preferredDuringSchedulingIgnoredDuringExecution: list(
      struct("v1.WeightedPodAffinityTerm", { weight: I32, podAffinityTerm: POD_AFFINITY_TERM }, [
        "weight",
        "podAffinityTerm",
      ]),
    ),
  });
const AFFINITY = struct("v1.Affinity", {
  nodeAffinity: struct("v1.NodeAffinity", {
    requiredDuringSchedulingIgnoredDuringExecution: struct(
      "v1.NodeSelector",
      { nodeSelectorTerms: list(NODE_SELECTOR_TERM) },
      ["nodeSelectorTerms"],
      true,
    ),
    preferredDuringSchedulingIgnoredDuringExecution: list(
      struct("v1.PreferredSchedulingTerm", { weight: I32, preference: NODE_SELECTOR_TERM }, [
        "weight",
        "preference",
      ]),
    ),
  }),
  podAffinity: POD_AFFINITY("v1.PodAffinity"),
  podAntiAffinity: POD_AFFINITY("v1.PodAntiAffinity"),
});

const TOLERATION = struct("v1.Toleration", {
  ...many("key value", S),
  operator: enumOf("v1.TolerationOperator", "Equal", "Exists"),
  effect: enumOf("v1.TaintEffect", "NoExecute", "NoSchedule", "PreferNoSchedule"),
  tolerationSeconds: I64,
});

const TOPOLOGY_SPREAD = struct(
  "v1.TopologySpreadConstraint",
  {
    maxSkew: I32,
    topologyKey: S,
    whenUnsatisfiable: enumOf("v1.UnsatisfiableConstraintAction", "DoNotSchedule", "ScheduleAnyway"),
    labelSelector: LABEL_SELECTOR,
    minDomains: I32,
    ...many("nodeAffinityPolicy nodeTaintsPolicy", enumOf("v1.NodeInclusionPolicy", "Honor", "Ignore")),
    matchLabelKeys: STRINGS,
  },
  ["maxSkew", "topologyKey", "whenUnsatisfiable"],
);

/** pkg/apis/core/validation's allowed values where they differ in order from the +enum list. */
export const RESTART_POLICIES = ["Always", "OnFailure", "Never"] as const;
export const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"] as const;

const POD_SPEC = struct(
  "v1.PodSpec",
  {
    ...many("containers initContainers", keyed(CONTAINER, ["name"])),
    ephemeralContainers: keyed(OPEN, ["name"]),
    restartPolicy: enumOf("v1.RestartPolicy", ...RESTART_POLICIES),
    dnsPolicy: enumOf("v1.DNSPolicy", ...DNS_POLICIES),
    ...many(
      "serviceAccountName serviceAccount nodeName hostname subdomain schedulerName priorityClassName runtimeClassName",
      S,
    ),
    preemptionPolicy: enumOf("v1.PreemptionPolicy", "Never", "PreemptLowerPriority"),
    ...many("terminationGracePeriodSeconds activeDeadlineSeconds", I64),
    priority: I32,
    ...many(
      "automountServiceAccountToken hostNetwork hostPID hostIPC shareProcessNamespace enableServiceLinks setHostnameAsFQDN hostUsers",
      B,
    ),
    nodeSelector: MAP,
    volumes: keyed(VOLUME, ["name"], "merge,retainKeys"),
    securityContext: POD_SECURITY_CONTEXT,
    imagePullSecrets: keyed(REF, ["name"]),
    affinity: AFFINITY,
    tolerations: list(TOLERATION),
    hostAliases: keyed(struct("v1.HostAlias", { ip: S, hostnames: STRINGS }, ["ip"]), ["ip"]),
    dnsConfig: struct("v1.PodDNSConfig", {
      ...many("nameservers searches", STRINGS),
      options: list(struct("v1.PodDNSConfigOption", many("name value", S))),
    }),
    readinessGates: list(struct("v1.PodReadinessGate", { conditionType: S }, ["conditionType"])),
    overhead: RESOURCE_LIST,
    topologySpreadConstraints: list(TOPOLOGY_SPREAD, {
      type: "map",
      keys: ["topologyKey", "whenUnsatisfiable"],
      mergeKey: "topologyKey",
      strategy: "merge",
    }),
    os: struct("v1.PodOS", { name: S }, ["name"]),
    schedulingGates: keyed(struct("v1.PodSchedulingGate", { name: S }, ["name"]), ["name"]),
    resourceClaims: keyed(OPEN, ["name"], "merge,retainKeys"),
    resources: RESOURCES,
  },
  ["containers"],
);

const TEMPLATE = struct("v1.PodTemplateSpec", { metadata: OBJECT_META, spec: POD_SPEC });

const JOB_SPEC = struct(
  "v1.JobSpec",
  {
    ...many(
      "parallelism completions backoffLimit backoffLimitPerIndex maxFailedIndexes ttlSecondsAfterFinished",
      I32,
    ),
    activeDeadlineSeconds: I64,
    completionMode: enumOf("v1.CompletionMode", "Indexed", "NonIndexed"),
    podReplacementPolicy: enumOf("v1.PodReplacementPolicy", "Failed", "TerminatingOrFailed"),
    managedBy: S,
    ...many("suspend manualSelector", B),
    selector: LABEL_SELECTOR,
    ...many("podFailurePolicy successPolicy", OPEN),
    template: TEMPLATE,
  },
  ["template"],
);

const REPLICAS: Node = {
  t: "scalar",
  go: "int32",
  doc: "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.",
};

export const DEPLOYMENT_STRATEGIES = ["Recreate", "RollingUpdate"] as const;
const ROLLING = (go: string, fields: string) => struct(go, many(fields, INTSTR));
const UPDATE_STRATEGY = (go: string, types: readonly string[], rolling: Node) =>
  struct(go, { type: enumOf(`${go}Type`, ...types), rollingUpdate: rolling });

const SPECS: Record<string, Node> = {
  Pod: POD_SPEC,
  Deployment: struct(
    "v1.DeploymentSpec",
    {
      replicas: REPLICAS,
      ...many("minReadySeconds revisionHistoryLimit progressDeadlineSeconds", I32),
      paused: B,
      selector: LABEL_SELECTOR,
      strategy: UPDATE_STRATEGY(
        "v1.DeploymentStrategy",
        DEPLOYMENT_STRATEGIES,
        ROLLING("v1.RollingUpdateDeployment", "maxUnavailable maxSurge"),
      ),
      template: TEMPLATE,
    },
    ["selector", "template"],
  ),
  StatefulSet: struct(
    "v1.StatefulSetSpec",
    {
      replicas: REPLICAS,
      ...many("minReadySeconds revisionHistoryLimit", I32),
      serviceName: S,
      podManagementPolicy: enumOf("v1.PodManagementPolicyType", "OrderedReady", "Parallel"),
      selector: LABEL_SELECTOR,
      updateStrategy: UPDATE_STRATEGY(
        "v1.StatefulSetUpdateStrategy",
        ["OnDelete", "RollingUpdate"],
        struct("v1.RollingUpdateStatefulSetStrategy", { partition: I32, maxUnavailable: INTSTR }),
      ),
      volumeClaimTemplates: list(
        struct("v1.PersistentVolumeClaim", {
          ...many("apiVersion kind", S),
          metadata: OBJECT_META,
          spec: PVC_SPEC,
          status: OPEN,
        }),
      ),
      persistentVolumeClaimRetentionPolicy: struct(
        "v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
        many(
          "whenDeleted whenScaled",
          enumOf("v1.PersistentVolumeClaimRetentionPolicyType", "Delete", "Retain"),
        ),
      ),
      ordinals: struct("v1.StatefulSetOrdinals", { start: I32 }),
      template: TEMPLATE,
    },
    ["selector", "template"],
  ),
  DaemonSet: struct(
    "v1.DaemonSetSpec",
    {
      ...many("minReadySeconds revisionHistoryLimit", I32),
      selector: LABEL_SELECTOR,
      updateStrategy: UPDATE_STRATEGY(
        "v1.DaemonSetUpdateStrategy",
        ["OnDelete", "RollingUpdate"],
        ROLLING("v1.RollingUpdateDaemonSet", "maxUnavailable maxSurge"),
      ),
      template: TEMPLATE,
    },
    ["selector", "template"],
  ),
  ReplicaSet: struct(
    "v1.ReplicaSetSpec",
    { replicas: REPLICAS, minReadySeconds: I32, selector: LABEL_SELECTOR, template: TEMPLATE },
    ["selector"],
  ),
  Job: JOB_SPEC,
  CronJob: struct(
    "v1.CronJobSpec",
    {
      ...many("schedule timeZone", S),
      concurrencyPolicy: enumOf("v1.ConcurrencyPolicy", "Allow", "Forbid", "Replace"),
      startingDeadlineSeconds: I64,
      suspend: B,
      ...many("successfulJobsHistoryLimit failedJobsHistoryLimit", I32),
      jobTemplate: struct("v1.JobTemplateSpec", { metadata: OBJECT_META, spec: JOB_SPEC }),
    },
    ["schedule", "jobTemplate"],
  ),
  Service: struct("v1.ServiceSpec", {
    ports: list(
      struct(
        "v1.ServicePort",
        {
          ...many("name appProtocol", S),
          protocol: PROTOCOL,
          ...many("port nodePort", I32),
          targetPort: INTSTR,
        },
        ["port"],
      ),
      { type: "map", keys: ["port", "protocol"], mergeKey: "port", strategy: "merge" },
    ),
    selector: ATOMIC_MAP,
    type: enumOf("v1.ServiceType", "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"),
    sessionAffinity: enumOf("v1.ServiceAffinity", "ClientIP", "None"),
    externalTrafficPolicy: enumOf("v1.ServiceExternalTrafficPolicy", "Cluster", "Local"),
    internalTrafficPolicy: enumOf("v1.ServiceInternalTrafficPolicy", "Cluster", "Local"),
    ipFamilyPolicy: enumOf("v1.IPFamilyPolicy", "PreferDualStack", "RequireDualStack", "SingleStack"),
    ...many("clusterIP externalName loadBalancerIP loadBalancerClass trafficDistribution", S),
    ...many("clusterIPs externalIPs loadBalancerSourceRanges ipFamilies", STRINGS),
    healthCheckNodePort: I32,
    ...many("publishNotReadyAddresses allocateLoadBalancerNodePorts", B),
    sessionAffinityConfig: struct("v1.SessionAffinityConfig", {
      clientIP: struct("v1.ClientIPConfig", { timeoutSeconds: I32 }),
    }),
  }),
  NetworkPolicy: struct("v1.NetworkPolicySpec", {
    podSelector: LABEL_SELECTOR,
    ...many("ingress egress", OPEN),
    policyTypes: STRINGS,
  }),
  Ingress: struct("v1.IngressSpec", { ingressClassName: S, ...many("defaultBackend tls rules", OPEN) }),
};

const POLICY_RULE = struct(
  "v1.PolicyRule",
  { ...many("verbs apiGroups resources resourceNames nonResourceURLs", STRINGS) },
  ["verbs"],
);
const ROLE_REF = struct("v1.RoleRef", many("apiGroup kind name", S), ["apiGroup", "kind", "name"], true);
const SUBJECT = struct("v1.Subject", many("kind apiGroup name namespace", S), ["kind", "name"]);
/** Top-level fields besides apiVersion, kind and metadata; kinds not listed are not checked. */
const TOP: Record<string, Record<string, Node>> = {
  ConfigMap: { data: MAP, binaryData: OPEN, immutable: B },
  // Secret.data ([]byte values) is decoded by admission.ts checkSecretData.
  Secret: { data: OPEN, stringData: MAP, type: S, immutable: B },
  ServiceAccount: {
    secrets: keyed(
      struct(
        "v1.ObjectReference",
        many("kind namespace name uid apiVersion resourceVersion fieldPath", S),
        undefined,
        true,
      ),
      ["name"],
    ),
    imagePullSecrets: list(REF),
    automountServiceAccountToken: B,
  },
  Role: { rules: list(POLICY_RULE) },
  ClusterRole: { rules: list(POLICY_RULE), aggregationRule: OPEN },
  RoleBinding: { roleRef: ROLE_REF, subjects: list(SUBJECT) },
  ClusterRoleBinding: { roleRef: ROLE_REF, subjects: list(SUBJECT) },
  Namespace: many("spec status", OPEN),
  Pod: { status: OPEN },
  Service: { status: OPEN },
  Deployment: { status: OPEN },
  StatefulSet: { status: OPEN },
  DaemonSet: { status: OPEN },
  ReplicaSet: { status: OPEN },
  Job: { status: OPEN },
  CronJob: { status: OPEN },
  NetworkPolicy: {},
  Ingress: { status: OPEN },
  PodDisruptionBudget: many("spec status", OPEN),
  HorizontalPodAutoscaler: many("spec status", OPEN),
  PersistentVolumeClaim: many("spec status", OPEN),
  ResourceQuota: many("spec status", OPEN),
  LimitRange: many("spec", OPEN),
  Lease: many("spec", OPEN),
  PriorityClass: { value: I32, globalDefault: B, description: S, preemptionPolicy: S },
  CustomResourceDefinition: many("spec status", OPEN),
};

/** The roots `required` by k8s.io/api's OpenAPI (RoleBinding.roleRef). */
const ROOT_REQUIRED: Record<string, string[]> = { RoleBinding: ["roleRef"], ClusterRoleBinding: ["roleRef"] };

function makeRoot(kind: string): Node | undefined {
  const top = TOP[kind];
  if (top === undefined) return undefined;
  const spec = SPECS[kind];
  return struct(
    kind,
    { apiVersion: S, kind: S, metadata: OBJECT_META, ...top, ...(spec ? { spec } : {}) },
    ROOT_REQUIRED[kind],
  );
}

const ROOTS = new Map<string, Node>(
  Object.keys(TOP).flatMap((k) => {
    const n = makeRoot(k);
    return n ? [[k, n] as const] : [];
  }),
);

const goName = (n: Node): string => {
  switch (n.t) {
    case "scalar":
      // IntOrString.UnmarshalJSON decodes a non-string into its int32 (the error names int32).
      return n.go === "intstr" ? "int32" : n.go === "quantity" ? "resource.Quantity" : (n.goType ?? n.go);
    case "struct":
      return n.go;
    case "list":
      return `[]${goName(n.item)}`;
    case "map":
      return n.go;
    case "open":
      return "interface {}";
  }
};

/** encoding/json's UnmarshalTypeError.Value for a JSON value. */
function jsonKind(v: Json, into: Node): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number")
    // A number that does not fit an integer field is named with its literal.
    return into.t === "scalar" && into.go !== "string" && into.go !== "bool" ? `number ${v}` : "number";
  return "object";
}

const isInt32 = (v: Json): boolean =>
  typeof v === "number" && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

function fits(n: Node, v: Json): boolean {
  if (v === null) return true;
  switch (n.t) {
    case "open":
      return true;
    case "struct":
    case "map":
      return isObject(v);
    case "list":
      return Array.isArray(v);
    case "scalar":
      switch (n.go) {
        case "string":
          return typeof v === "string";
        case "bool":
          return typeof v === "boolean";
        case "int32":
          return isInt32(v);
        case "int64":
          return typeof v === "number" && Number.isInteger(v);
        case "intstr":
          return typeof v === "string" || isInt32(v);
        case "quantity":
          // Quantity.UnmarshalJSON parses any JSON text; walk reports what does not parse.
          return true;
      }
  }
}

/**
 * resource.ParseQuantity's errors for the text of a JSON value (Quantity.UnmarshalJSON strips the quotes of a
 * string and parses the rest, so `true` or `{}` fail as a badly formed quantity), undefined when it parses.
 * kubernetes/apimachinery pkg/api/resource/quantity.go (splitREString, ErrFormatWrong, ErrSuffix) and
 * suffix.go (the binary, decimal and exponent suffixes).
 */
const QUANTITY_SHAPE = /^[+-]?[0-9]*(\.[0-9]*)?([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIX = /^(|[numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]+)$/;
export function quantityError(v: Json): string | undefined {
  const text = (typeof v === "string" ? v : JSON.stringify(v)).trim();
  const m = QUANTITY_SHAPE.exec(text);
  if (text === "" || !m)
    return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  return QUANTITY_SUFFIX.test(m[2] ?? "") ? undefined : "unable to parse quantity's suffix";
}

interface Walk {
  dropped: string[];
  typeError?: string;
}

/**
 * Decodes a built-in object as kube-apiserver's decoder would: drops (in place) the fields its type lacks and
 * returns their paths; a value of the wrong JSON type gives `typeError` (the first one, in document order, as
 * encoding/json reports).
 */
export function decodeBuiltin(kind: string, o: JsonObject): Walk {
  const root = ROOTS.get(kind);
  const w: Walk = { dropped: [] };
  if (root) walk(root, o, "", "", kind, w);
  return w;
}

/** Removes the fields of a built-in object its type does not have; returns their paths. */
export function dropUnknownBuiltinFields(kind: string, o: JsonObject): string[] {
  return decodeBuiltin(kind, o).dropped;
}

/** path: with list indices (strict decoding); goPath: without (UnmarshalTypeError.Field); owner: the struct. */
function walk(n: Node, v: Json, path: string, goPath: string, owner: string, w: Walk): void {
  if (v === null || n.t === "open") return;
  if (n.t === "scalar") {
    if (n.go === "quantity") w.typeError ??= quantityError(v);
    return;
  }
  if (n.t === "map") {
    // The field's path names the map, not the key (encoding/json's error context).
    if (isObject(v))
      for (const x of Object.values(v)) {
        if (x === null) continue;
        if (!fits(n.value, x)) typeError(n.value, x, goPath, owner, w);
        else walk(n.value, x, path, goPath, owner, w);
      }
    return;
  }
  if (n.t === "list") {
    if (!Array.isArray(v)) return;
    for (const [i, x] of v.entries()) {
      if (!fits(n.item, x)) typeError(n.item, x, goPath, owner, w);
      else walk(n.item, x, `${path}[${i}]`, goPath, owner, w);
    }
    return;
  }
  if (!isObject(v)) return;
  const owning = n.go.replace(/^v1\./, "");
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    const gp = goPath ? `${goPath}.${k}` : k;
    const sub = n.fields[k];
    if (sub === undefined) {
      w.dropped.push(p);
      delete v[k];
      continue;
    }
    const x = v[k]!;
    if (!fits(sub, x)) typeError(sub, x, gp, owning, w);
    else walk(sub, x, p, gp, owning, w);
  }
}

function typeError(n: Node, v: Json, goPath: string, owner: string, w: Walk): void {
  w.typeError ??= `json: cannot unmarshal ${jsonKind(v, n)} into Go struct field ${owner}.${goPath} of type ${goName(n)}`;
}

/** Paths of a built-in object where pod specs are: their containers' names and images are required. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

const SCALAR_SCHEMA: Record<Scalar, JsonObject> = {
  string: { type: "string" },
  int32: { type: "integer", format: "int32" },
  int64: { type: "integer", format: "int64" },
  bool: { type: "boolean" },
  // io.k8s.apimachinery.pkg.util.intstr.IntOrString and io.k8s.apimachinery.pkg.api.resource.Quantity.
  intstr: { type: "string", format: "int-or-string" },
  quantity: { type: "string" },
};

/** kube-openapi's list extensions, in /openapi/v2 and /openapi/v3 alike. */
function listExtensions(l: ListMeta): JsonObject {
  return {
    "x-kubernetes-list-type": l.type,
    ...(l.keys ? { "x-kubernetes-list-map-keys": [...l.keys] } : {}),
    ...(l.mergeKey ? { "x-kubernetes-patch-merge-key": l.mergeKey } : {}),
    ...(l.strategy ? { "x-kubernetes-patch-strategy": l.strategy } : {}),
  };
}

/** A node as an OpenAPI schema (v3 when `v3`, else Swagger 2.0, which has no x-kubernetes-preserve-unknown-fields). */
function toSchema(n: Node, v3: boolean): JsonObject {
  switch (n.t) {
    case "scalar": {
      return {
        ...SCALAR_SCHEMA[n.go],
        ...(n.doc ? { description: n.doc } : {}),
        // kube publishes the values of +enum types in /openapi/v3 only.
        ...(n.enum && v3 ? { enum: [...n.enum] } : {}),
        ...(n.def !== undefined ? { default: n.def } : {}),
      };
    }
    case "map":
      return {
        type: "object",
        additionalProperties:
          n.value.t === "scalar" && n.value.go === "string"
            ? { type: "string", default: "" }
            : toSchema(n.value, v3),
        ...(n.atomic ? { "x-kubernetes-map-type": "atomic" } : {}),
      };
    case "open":
      return v3 ? { "x-kubernetes-preserve-unknown-fields": true } : {};
    case "list":
      return { type: "array", items: toSchema(n.item, v3), ...listExtensions(n.list) };
    case "struct":
      return {
        type: "object",
        description: n.go,
        properties: Object.fromEntries(Object.entries(n.fields).map(([k, f]) => [k, toSchema(f, v3)])),
        ...(n.required ? { required: [...n.required] } : {}),
        ...(n.atomic ? { "x-kubernetes-map-type": "atomic" } : {}),
      };
  }
}

const schemaCache = { v2: new Map<string, JsonObject>(), v3: new Map<string, JsonObject>() };

/** A kind outside the table: only its ObjectMeta is typed. */
const METADATA_ONLY = struct("", { metadata: OBJECT_META });

/** The schema node of a built-in kind (server-side apply and strategic merge read its list types). */
export function builtinRoot(kind: string): Node {
  return ROOTS.get(kind) ?? METADATA_ONLY;
}

/** The OpenAPI schema of a built-in kind, made once; undefined for kinds not in the table. */
export function builtinSchema(kind: string, v3: boolean): JsonObject | undefined {
  const cache = v3 ? schemaCache.v3 : schemaCache.v2;
  let s = cache.get(kind);
  if (!s) {
    const root = ROOTS.get(kind);
    if (!root) return undefined;
    s = toSchema(root, v3);
    cache.set(kind, s);
  }
  return s;
}
