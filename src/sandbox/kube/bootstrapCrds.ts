/**
 * The CustomResourceDefinitions a sandbox cluster starts with, as a platform's clusters have them installed:
 * Argo CD's (Application, AppProject, ApplicationSet), Capsule's (Tenant, CapsuleConfiguration) and
 * KubeRocketCI's CD pipeline operator's (CDPipeline, Stage). Written here, not copied: the same groups,
 * versions, kinds, scopes, names, subresources and printer columns as
 * argoproj/argo-cd manifests/crds/{application,appproject,applicationset}-crd.yaml,
 * projectcapsule/capsule charts/capsule/crds/capsule.clastix.io_{tenants,capsuleconfigurations}.yaml and
 * epam/edp-cd-pipeline-operator config/crd/bases/v2.edp.epam.com_{cdpipelines,stages}.yaml, with structural
 * schemas for the fields clients set (the rest of a spec is preserved where the upstream schema is open, and
 * otherwise pruned as upstream would). Conversion between served versions is None (only apiVersion changes).
 */
import type { JsonObject } from "./json.js";

type S = JsonObject;
const str = (extra: S = {}): S => ({ type: "string", ...extra });
const int = (extra: S = {}): S => ({ type: "integer", ...extra });
const bool: S = { type: "boolean" };
const obj = (properties: Record<string, S>, extra: S = {}): S => ({ type: "object", properties, ...extra });
const arr = (items: S, extra: S = {}): S => ({ type: "array", items, ...extra });
const free: S = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
const strMap: S = { type: "object", additionalProperties: { type: "string" } };

/** A root schema: apiVersion, kind, metadata, then the kind's own fields. */
const root = (props: Record<string, S>, extra: S = {}): S =>
  obj({ apiVersion: str(), kind: str(), metadata: { type: "object" }, ...props }, extra);

interface Version {
  name: string;
  storage: boolean;
  schema: S;
  status?: boolean;
  columns?: S[];
  deprecated?: boolean;
}

function crd(
  group: string,
  names: { kind: string; plural: string; shortNames?: string[]; categories?: string[] },
  scope: "Namespaced" | "Cluster",
  versions: Version[],
): JsonObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${names.plural}.${group}` },
    spec: {
      group,
      names: {
        kind: names.kind,
        listKind: `${names.kind}List`,
        plural: names.plural,
        singular: names.kind.toLowerCase(),
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
      },
      scope,
      versions: versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        ...(v.deprecated ? { deprecated: true } : {}),
        ...(v.columns ? { additionalPrinterColumns: v.columns } : {}),
        schema: { openAPIV3Schema: v.schema },
        ...(v.status ? { subresources: { status: {} } } : {}),
      })),
    },
  };
}

const col = (name: string, jsonPath: string, type = "string", priority = 0): S => ({
  name,
  type,
  jsonPath,
  ...(priority ? { priority } : {}),
});
const AGE = col("Age", ".metadata.creationTimestamp", "date");

// --- Argo CD ---------------------------------------------------------------------------------------------

const applicationSource = obj(
  {
    repoURL: str(),
    path: str(),
    targetRevision: str(),
    chart: str(),
    ref: str(),
    name: str(),
    helm: free,
    kustomize: free,
    directory: free,
    plugin: free,
  },
  { required: ["repoURL"] },
);
const destination = obj({ name: str(), namespace: str(), server: str() });
const groupKind = obj({ group: str(), kind: str() }, { required: ["group", "kind"] });

const applicationSpec = obj(
  {
    destination,
    project: str(),
    source: applicationSource,
    sources: arr(applicationSource),
    syncPolicy: obj({
      automated: obj({ prune: bool, selfHeal: bool, allowEmpty: bool, enabled: bool }),
      syncOptions: arr(str()),
      retry: free,
      managedNamespaceMetadata: obj({ labels: strMap, annotations: strMap }),
    }),
    ignoreDifferences: arr(
      obj(
        {
          group: str(),
          kind: str(),
          name: str(),
          namespace: str(),
          jsonPointers: arr(str()),
          jqPathExpressions: arr(str()),
          managedFieldsManagers: arr(str()),
        },
        { required: ["kind"] },
      ),
    ),
    info: arr(obj({ name: str(), value: str() }, { required: ["name", "value"] })),
    revisionHistoryLimit: int({ format: "int64" }),
  },
  { required: ["destination", "project"] },
);

const application = crd(
  "argoproj.io",
  { kind: "Application", plural: "applications", shortNames: ["app", "apps"] },
  "Namespaced",
  [
    {
      name: "v1alpha1",
      storage: true,
      columns: [
        col("Sync Status", ".status.sync.status"),
        col("Health Status", ".status.health.status"),
        col("Revision", ".status.sync.revision", "string", 10),
        col("Project", ".spec.project", "string", 10),
      ],
      schema: root(
        { spec: applicationSpec, status: free, operation: free },
        { required: ["metadata", "spec"] },
      ),
    },
  ],
);

const appProject = crd(
  "argoproj.io",
  { kind: "AppProject", plural: "appprojects", shortNames: ["appproj", "appprojs"] },
  "Namespaced",
  [
    {
      name: "v1alpha1",
      storage: true,
      schema: root(
        {
          spec: obj({
            description: str(),
            destinations: arr(destination),
            sourceRepos: arr(str()),
            sourceNamespaces: arr(str()),
            clusterResourceWhitelist: arr(groupKind),
            clusterResourceBlacklist: arr(groupKind),
            namespaceResourceWhitelist: arr(groupKind),
            namespaceResourceBlacklist: arr(groupKind),
            roles: arr(
              obj(
                {
                  name: str(),
                  description: str(),
                  policies: arr(str()),
                  groups: arr(str()),
                  jwtTokens: arr(free),
                },
                { required: ["name"] },
              ),
            ),
            destinationServiceAccounts: arr(
              obj(
                { server: str(), namespace: str(), defaultServiceAccount: str() },
                { required: ["defaultServiceAccount", "server"] },
              ),
            ),
            orphanedResources: free,
            syncWindows: arr(free),
            signatureKeys: arr(obj({ keyID: str() }, { required: ["keyID"] })),
            permitOnlyProjectScopedClusters: bool,
          }),
          status: free,
        },
        { required: ["metadata", "spec"] },
      ),
    },
  ],
);

const applicationSet = crd(
  "argoproj.io",
  { kind: "ApplicationSet", plural: "applicationsets", shortNames: ["appset", "appsets"] },
  "Namespaced",
  [
    {
      name: "v1alpha1",
      storage: true,
      status: true,
      schema: root(
        {
          spec: obj(
            {
              generators: arr(free),
              goTemplate: bool,
              goTemplateOptions: arr(str()),
              syncPolicy: obj({
                preserveResourcesOnDeletion: bool,
                applicationsSync: str({ enum: ["create-only", "create-update", "create-delete", "sync"] }),
              }),
              strategy: free,
              template: obj(
                {
                  metadata: obj({
                    name: str(),
                    namespace: str(),
                    labels: strMap,
                    annotations: strMap,
                    finalizers: arr(str()),
                  }),
                  spec: applicationSpec,
                },
                { required: ["metadata", "spec"] },
              ),
              templatePatch: str(),
              preservedFields: obj({ annotations: arr(str()), labels: arr(str()) }),
              ignoreApplicationDifferences: arr(free),
            },
            { required: ["generators", "template"] },
          ),
          status: free,
        },
        { required: ["metadata", "spec"] },
      ),
    },
  ],
);

// --- Capsule ---------------------------------------------------------------------------------------------

const ownerKind = str({ enum: ["User", "Group", "ServiceAccount"] });

const tenantSpec = (v1beta2: boolean): S =>
  obj(
    {
      owners: arr(
        obj(
          {
            kind: ownerKind,
            name: str(),
            ...(v1beta2
              ? { clusterRoles: arr(str(), { default: ["admin", "capsule-namespace-deleter"] }) }
              : {}),
            proxySettings: arr(free),
          },
          { required: ["kind", "name"] },
        ),
      ),
      namespaceOptions: obj({
        quota: int({ format: "int32", minimum: 1 }),
        additionalMetadata: obj({ labels: strMap, annotations: strMap }),
        forbiddenLabels: free,
        forbiddenAnnotations: free,
      }),
      nodeSelector: strMap,
      networkPolicies: free,
      limitRanges: free,
      resourceQuotas: free,
      ingressOptions: free,
      storageClasses: free,
      containerRegistries: free,
      priorityClasses: free,
      serviceOptions: free,
      imagePullPolicies: arr(str({ enum: ["Always", "Never", "IfNotPresent"] })),
      additionalRoleBindings: arr(
        obj({ clusterRoleName: str(), subjects: arr(free) }, { required: ["clusterRoleName", "subjects"] }),
      ),
      ...(v1beta2 ? { cordoned: bool, preventDeletion: bool } : {}),
    },
    { required: ["owners"] },
  );

const tenantStatus = obj({
  state: str({ enum: ["Cordoned", "Active"] }),
  size: int(),
  namespaces: arr(str()),
});

const tenantColumns: S[] = [
  col("State", ".status.state"),
  col("Namespace quota", ".spec.namespaceOptions.quota", "integer"),
  col("Namespace count", ".status.size", "integer"),
  col("Node selector", ".spec.nodeSelector"),
  AGE,
];

const tenant = crd(
  "capsule.clastix.io",
  { kind: "Tenant", plural: "tenants", shortNames: ["tnt"] },
  "Cluster",
  [
    {
      name: "v1beta1",
      storage: false,
      status: true,
      columns: tenantColumns,
      schema: root({ spec: tenantSpec(false), status: tenantStatus }, { required: ["spec"] }),
    },
    {
      name: "v1beta2",
      storage: true,
      status: true,
      columns: tenantColumns,
      schema: root({ spec: tenantSpec(true), status: tenantStatus }, { required: ["spec"] }),
    },
  ],
);

const capsuleConfiguration = crd(
  "capsule.clastix.io",
  { kind: "CapsuleConfiguration", plural: "capsuleconfigurations" },
  "Cluster",
  [
    {
      name: "v1beta2",
      storage: true,
      schema: root({
        spec: obj({
          users: arr(obj({ kind: ownerKind, name: str() }, { required: ["kind", "name"] })),
          userGroups: arr(str()),
          userNames: arr(str()),
          ignoreUserWithGroups: arr(str()),
          forceTenantPrefix: bool,
          protectedNamespaceRegex: str(),
          enableTLSReconciler: bool,
          allowServiceAccountPromotion: bool,
          nodeMetadata: free,
          overrides: free,
          administrators: arr(free),
        }),
        status: free,
      }),
    },
  ],
);

// --- KubeRocketCI ----------------------------------------------------------------------------------------

const krciStatus = obj({
  action: str(),
  available: bool,
  detailed_message: str(),
  last_time_updated: str({ format: "date-time" }),
  result: str({ enum: ["success", "error"] }),
  shouldBeHandled: bool,
  status: str(),
  username: str(),
  value: str(),
});

const qualityGates = arr(
  obj(
    {
      autotestName: str({ nullable: true }),
      branchName: str({ nullable: true }),
      qualityGateType: str(),
      stepName: str({ minLength: 2 }),
    },
    { required: ["qualityGateType", "stepName"] },
  ),
);

const stageSpec = (v1: boolean): S =>
  obj(
    {
      cdPipeline: str({ minLength: 2 }),
      description: str(),
      name: str({ minLength: 2 }),
      order: int(),
      qualityGates,
      triggerType: str(),
      source: obj(
        {
          library: obj({ branch: str(), name: str() }, { nullable: true }),
          type: str(v1 ? { default: "default" } : {}),
        },
        v1 ? { default: { type: "default" } } : { required: ["type"] },
      ),
      ...(v1
        ? {
            clusterName: str({ default: "in-cluster" }),
            namespace: str(),
            triggerTemplate: str({ default: "cd-stage-deploy" }),
          }
        : {}),
    },
    {
      required: [
        "cdPipeline",
        "description",
        "name",
        "order",
        "qualityGates",
        "triggerType",
        ...(v1 ? [] : ["source"]),
      ],
    },
  );

const stage = crd("v2.edp.epam.com", { kind: "Stage", plural: "stages" }, "Namespaced", [
  {
    name: "v1",
    storage: true,
    status: true,
    columns: [
      col("Available", ".status.available", "boolean"),
      col("CDPipeline Name", ".spec.cdPipeline"),
      col("Trigger Type", ".spec.triggerType"),
      col("Order", ".spec.order", "integer"),
      col("Cluster Name", ".spec.clusterName"),
      col("Trigger Template", ".spec.triggerTemplate"),
    ],
    schema: root({ spec: stageSpec(true), status: krciStatus }),
  },
  {
    name: "v1alpha1",
    storage: false,
    deprecated: true,
    status: true,
    schema: root({ spec: stageSpec(false), status: krciStatus }),
  },
]);

const cdPipeline = crd("v2.edp.epam.com", { kind: "CDPipeline", plural: "cdpipelines" }, "Namespaced", [
  {
    name: "v1",
    storage: true,
    status: true,
    columns: [
      col("Available", ".status.available", "boolean"),
      col("Applications", ".spec.applications"),
      col("Deployment Type", ".spec.deploymentType"),
    ],
    schema: root({
      spec: obj(
        {
          name: str({ minLength: 2 }),
          description: str(),
          applications: arr(str()),
          applicationsToPromote: arr(str(), { nullable: true }),
          deploymentType: str({ default: "container", enum: ["container", "custom"] }),
          inputDockerStreams: arr(str()),
        },
        { required: ["applications", "deploymentType", "inputDockerStreams", "name"] },
      ),
      status: krciStatus,
    }),
  },
]);

/** The bootstrap CRDs, in the order an install applies them. */
export function bootstrapCrds(): JsonObject[] {
  return structuredClone([
    application,
    appProject,
    applicationSet,
    tenant,
    capsuleConfiguration,
    cdPipeline,
    stage,
  ]);
}
