/**
 * Collects the live State, read-only: the roles the topology names (trust, inline and attached policies, tags,
 * unique id), the IAM OIDC provider, the clusters (DescribeCluster), their access entries with associated
 * policies, and the Kubernetes objects that matter: ServiceAccounts, AppProject, cluster Secrets, krci-config (or edp-config),
 * Capsule objects, namespace-manager RBAC, the operator Deployment and the pods of the annotated workloads.
 */
import {
  DescribeAccessEntryCommand,
  ListAccessEntriesCommand,
  ListAssociatedAccessPoliciesCommand,
} from "@aws-sdk/client-eks";
import {
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  type ListAttachedRolePoliciesCommandOutput,
  ListRolePoliciesCommand,
  ListRolesCommand,
  type ListRolesCommandOutput,
} from "@aws-sdk/client-iam";
import { awsFailure } from "../aws/index.js";
import type { Config } from "../config/index.js";
import { AwsError } from "../errors.js";
import { type KubeClient, KubeStatusError } from "../kube/index.js";
import { K8S_STACK_LABEL, ROLE_KINDS, roleName, roleNameOf } from "../names/index.js";
import type {
  AccessEntry,
  AccessPolicyAssociation,
  AccessScope,
  EksCluster,
  IamRole,
  KubeObject,
  OidcProvider,
  State,
} from "../state/index.js";
import { clusterKey } from "../state/index.js";
import { type Desired, desiredState, sourceCluster } from "../topology/index.js";
import type { Workload } from "./changes.js";
import { type ClusterInfo, type Connections, resolveConfig } from "./connections.js";
import { listEnvNamespaces } from "./envNamespaces.js";
import { decodePolicyDocument } from "./normalize.js";
import { withPlatformConfigMap } from "./platform.js";
import { checkTargetNames } from "./targetNames.js";
import { deploymentSelector, labelSelector, workloadsOf } from "./workloads.js";

export interface LiveSnapshot {
  /** The config with discovered values filled in. */
  config: Config;
  desired: Desired;
  live: State;
  workloads: Workload[];
  clusters: ClusterInfo[];
  warnings: string[];
}

/** Stale marker for an access entry created before the current role of that name existed. */
export const STALE_PRINCIPAL_PREFIX = "stale:";

export async function collect(config: Config, conns: Connections): Promise<LiveSnapshot> {
  const resolved = await resolveConfig(config, conns);
  const sourceKube = await conns.kube(sourceCluster(config));
  await checkTargetNames(resolved.config, sourceKube);
  const cfg = await withPlatformConfigMap(resolved.config, sourceKube);
  const envNamespaces = await listEnvNamespaces(cfg, conns);
  const desired = desiredState(cfg, { envNamespaces });
  const workloads = workloadsOf(cfg);
  const live = await collectFor(cfg, desired.state, workloads, resolved.clusters, conns);
  return {
    config: cfg,
    desired,
    live,
    workloads,
    clusters: resolved.clusters,
    warnings: resolved.warnings,
  };
}

/** The live State of a config, for `xirsa verify --live` (chains: desiredState(resolveConfig(...)).chains). */
export async function collectLiveState(config: Config, conns: Connections): Promise<State> {
  return (await collect(config, conns)).live;
}

async function collectFor(
  config: Config,
  desired: State,
  workloads: Workload[],
  infos: ClusterInfo[],
  conns: Connections,
): Promise<State> {
  const [roles, oidcProviders] = await Promise.all([
    Promise.all(desired.roles.map((r) => readRole(conns, r.accountId, r.name))),
    Promise.all(desired.oidcProviders.map((p) => readOidcProvider(conns, p.accountId, p.arn))),
  ]);
  const liveRoles = roles.filter((r): r is IamRole => r !== undefined);
  const ourNames = new Set(ROLE_KINDS.map((k) => roleName(config, k)));
  const clusters = await Promise.all(
    desired.clusters.map(async (want, index): Promise<EksCluster> => {
      // The topology lists the source cluster first.
      const isSource = index === 0;
      const info = infos.find((i) => clusterKey(i.ref) === clusterKey(want))!;
      const kube = await conns.kube(want);
      const [accessEntries, objects] = await Promise.all([
        want.accessEntries.length || !isSource
          ? readAccessEntries(conns, want, ourNames, liveRoles)
          : Promise.resolve([]),
        readObjects(
          kube,
          config,
          want,
          isSource,
          workloads.filter((w) => clusterKey(w.cluster) === clusterKey(want)),
        ),
      ]);
      return {
        accountId: want.accountId,
        region: want.region,
        name: want.name,
        endpoint: info.endpoint,
        caData: info.caData,
        oidcIssuer: info.issuer,
        accessEntries,
        objects,
      };
    }),
  );
  return {
    roles: liveRoles,
    oidcProviders: oidcProviders.filter((p): p is OidcProvider => p !== undefined),
    clusters,
  };
}

// ---------------------------------------------------------------- IAM

function isNotFound(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === "NoSuchEntity" || name === "NoSuchEntityException" || name === "ResourceNotFoundException";
}

function tagMap(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? "";
  return out;
}

export async function readRole(
  conns: Connections,
  accountId: string,
  name: string,
): Promise<IamRole | undefined> {
  const iam = conns.account(accountId).iam;
  try {
    // The role, its inline policies and its attachments are independent reads: one round trip, not four
    // (a missing role makes all three fail with NoSuchEntity). Bounded per account by the clients.
    const inlineRead = async (): Promise<IamRole["inlinePolicies"]> => {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(
          new ListRolePoliciesCommand({ RoleName: name, ...(marker ? { Marker: marker } : {}) }),
        );
        names.push(...(page.PolicyNames ?? []));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      const docs = await Promise.all(
        names.map((policyName) =>
          iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
        ),
      );
      const out: IamRole["inlinePolicies"] = {};
      names.forEach((policyName, i) => {
        const doc = docs[i]!.PolicyDocument;
        if (doc) out[policyName] = decodePolicyDocument(doc);
      });
      return out;
    };
    const attachedRead = async (): Promise<string[]> => {
      const attached: string[] = [];
      let attachedMarker: string | undefined;
      do {
        const page: ListAttachedRolePoliciesCommandOutput = await iam.send(
          new ListAttachedRolePoliciesCommand({
            RoleName: name,
            ...(attachedMarker ? { Marker: attachedMarker } : {}),
          }),
        );
        attached.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? "").filter(Boolean));
        attachedMarker = page.IsTruncated ? page.Marker : undefined;
      } while (attachedMarker);
      return attached;
    };
    const [got, inlinePolicies, attached] = await Promise.all([
      iam.send(new GetRoleCommand({ RoleName: name })),
      inlineRead(),
      attachedRead(),
    ]);
    const r = got.Role;
    if (!r?.Arn || !r.AssumeRolePolicyDocument) return undefined;
    const boundaryArn = r.PermissionsBoundary?.PermissionsBoundaryArn;
    const boundaryDocument = boundaryArn ? await readPolicyDocument(iam, boundaryArn) : undefined;
    return {
      accountId,
      name,
      path: r.Path ?? "/",
      arn: r.Arn,
      ...(r.RoleId ? { uniqueId: r.RoleId } : {}),
      trustPolicy: decodePolicyDocument(r.AssumeRolePolicyDocument),
      inlinePolicies,
      attachedPolicyArns: attached,
      ...(r.PermissionsBoundary?.PermissionsBoundaryArn
        ? { permissionsBoundary: r.PermissionsBoundary.PermissionsBoundaryArn }
        : {}),
      ...(boundaryDocument ? { permissionsBoundaryDocument: boundaryDocument } : {}),
      ...(r.MaxSessionDuration ? { maxSessionDuration: r.MaxSessionDuration } : {}),
      tags: tagMap(r.Tags),
      ...(r.Description ? { description: r.Description } : {}),
      ...(r.CreateDate ? { createDate: r.CreateDate.toISOString() } : {}),
    };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw awsFailure(`reading role ${name} in account ${accountId}`, e);
  }
}

/** Every role of an account with its trust policy (ListRoles, all pages): who else trusts an OIDC provider. */
export async function listAccountRoles(
  conns: Connections,
  accountId: string,
): Promise<{ arn: string; trustPolicy: unknown }[]> {
  const iam = conns.account(accountId).iam;
  const out: { arn: string; trustPolicy: unknown }[] = [];
  let marker: string | undefined;
  try {
    do {
      const page: ListRolesCommandOutput = await iam.send(
        new ListRolesCommand({ ...(marker ? { Marker: marker } : {}) }),
      );
      for (const r of page.Roles ?? [])
        if (r.Arn && r.AssumeRolePolicyDocument)
          out.push({ arn: r.Arn, trustPolicy: decodePolicyDocument(r.AssumeRolePolicyDocument) });
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
  } catch (e) {
    throw awsFailure(`listing the roles of account ${accountId}`, e);
  }
  return out;
}

/**
 * A managed policy's default version document (GetPolicy names it, GetPolicyVersion holds it); undefined when
 * the policy is gone or may not be read, so verify says the boundary's document is not known instead of guessing.
 */
async function readPolicyDocument(iam: IAMClient, arn: string): Promise<IamRole["trustPolicy"] | undefined> {
  try {
    const p = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const versionId = p.Policy?.DefaultVersionId;
    if (!versionId) return undefined;
    const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
    const doc = v.PolicyVersion?.Document;
    return doc ? decodePolicyDocument(doc) : undefined;
  } catch (e) {
    // Gone, or not readable by this caller (the verifier policy grants it for the config's boundary only).
    const name = (e as { name?: string }).name;
    if (isNotFound(e) || name === "AccessDenied" || name === "AccessDeniedException") return undefined;
    throw awsFailure(`reading permissions boundary ${arn}`, e);
  }
}

async function readOidcProvider(
  conns: Connections,
  accountId: string,
  arn: string,
): Promise<OidcProvider | undefined> {
  try {
    const p = await conns
      .account(accountId)
      .iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    const url = p.Url ?? "";
    return {
      accountId,
      arn,
      url: url.startsWith("https://") ? url : `https://${url}`,
      clientIds: p.ClientIDList ?? [],
      thumbprints: p.ThumbprintList ?? [],
      tags: tagMap(p.Tags),
    };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw awsFailure(`reading IAM OIDC provider ${arn}`, e);
  }
}

// ---------------------------------------------------------------- EKS access entries

export async function readAccessEntries(
  conns: Connections,
  cluster: EksCluster,
  ourNames: Set<string>,
  roles: IamRole[],
): Promise<AccessEntry[]> {
  const eks = conns.account(cluster.accountId).eks(cluster.region);
  try {
    const principals: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await eks.send(
        new ListAccessEntriesCommand({ clusterName: cluster.name, ...(nextToken ? { nextToken } : {}) }),
      );
      principals.push(...(page.accessEntries ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    // Only entries of principals named like xirsa's roles matter (desired, or owned and to be pruned).
    const ours = principals.filter((p) => ourNames.has(roleNameOf(p) ?? ""));
    return await Promise.all(
      ours.map(async (principalArn): Promise<AccessEntry> => {
        const [described, associated] = await Promise.all([
          eks.send(new DescribeAccessEntryCommand({ clusterName: cluster.name, principalArn })),
          listAssociations(conns, cluster, principalArn),
        ]);
        const e = described.accessEntry ?? {};
        const role = roles.find((r) => r.arn === principalArn);
        return {
          principalArn,
          type: e.type ?? "STANDARD",
          kubernetesGroups: e.kubernetesGroups ?? [],
          ...(e.username ? { username: e.username } : {}),
          accessPolicies: associated,
          ...principalIdOf(e.createdAt, role),
          tags: e.tags ?? {},
        };
      }),
    );
  } catch (e) {
    if (e instanceof AwsError) throw e;
    throw awsFailure(`reading access entries of cluster ${cluster.name}`, e);
  }
}

/**
 * EKS binds an entry to the principal's unique id at creation but does not report it. An entry created before
 * the current role of that name existed is bound to a deleted role (IAM ids are never reused): stale.
 */
function principalIdOf(createdAt: Date | undefined, role: IamRole | undefined): { principalId?: string } {
  if (!role?.uniqueId || !role.createDate || !createdAt) return {};
  const roleCreated = new Date(role.createDate).getTime();
  // IAM reports whole seconds; allow the entry to be stamped within the same second as the role.
  return createdAt.getTime() + 1000 >= roleCreated
    ? { principalId: role.uniqueId }
    : {
        principalId: `${STALE_PRINCIPAL_PREFIX}created ${createdAt.toISOString()} before the role (${role.createDate})`,
      };
}

async function listAssociations(
  conns: Connections,
  cluster: EksCluster,
  principalArn: string,
): Promise<AccessPolicyAssociation[]> {
  const eks = conns.account(cluster.accountId).eks(cluster.region);
  const out: AccessPolicyAssociation[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eks.send(
      new ListAssociatedAccessPoliciesCommand({
        clusterName: cluster.name,
        principalArn,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    for (const a of page.associatedAccessPolicies ?? []) {
      if (!a.policyArn) continue;
      const scope: AccessScope =
        a.accessScope?.type === "namespace"
          ? { type: "namespace", namespaces: a.accessScope.namespaces ?? [] }
          : { type: "cluster" };
      out.push({ policyArn: a.policyArn, accessScope: scope });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

// ---------------------------------------------------------------- Kubernetes objects

/** Drops server bookkeeping that only makes States bigger. */
function trim(o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
}

const OWNED_LISTS: { apiVersion: string; kind: string; where: "source" | "target" }[] = [
  { apiVersion: "v1", kind: "Secret", where: "source" },
  { apiVersion: "capsule.clastix.io/v1beta2", kind: "Tenant", where: "target" },
  { apiVersion: "capsule.clastix.io/v1beta2", kind: "CapsuleConfiguration", where: "target" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", where: "target" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", where: "target" },
];

export async function readObjects(
  kube: KubeClient,
  config: Config,
  want: EksCluster,
  isSource: boolean,
  workloads: Workload[],
): Promise<KubeObject[]> {
  const selector = `${K8S_STACK_LABEL}=${config.name}`;
  const namespaces = [config.source.krci.namespace, config.source.argocd.namespace];
  // Everything this stack owns here, whether still wanted or not (prune), …
  const owned = (
    await Promise.all(
      OWNED_LISTS.filter((l) => l.where === (isSource ? "source" : "target")).flatMap((l) =>
        l.kind === "Secret"
          ? namespaces.map((namespace) =>
              kube.list(l.apiVersion, l.kind, { namespace, labelSelector: selector }),
            )
          : [kube.list(l.apiVersion, l.kind, { labelSelector: selector })],
      ),
    )
  ).flat();
  const have = (o: KubeObject) =>
    owned.some(
      (x) =>
        x.kind === o.kind &&
        x.metadata.name === o.metadata.name &&
        x.metadata.namespace === o.metadata.namespace,
    );
  // … and each desired object not among them (absent, or someone else's).
  const singles = await Promise.all(
    want.objects
      .filter((o) => !have(o))
      .map((o) =>
        kube.get({
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name,
          ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        }),
      ),
  );
  const workloadObjects = await readWorkloads(kube, workloads);
  const bindings = isSource ? [] : await environmentRoleBindings(kube, config, want);
  return [
    ...owned,
    ...singles.filter((o): o is KubeObject => o !== undefined),
    ...workloadObjects,
    ...bindings,
  ].map(trim);
}

/** RoleBindings of the environment namespaces of a target (verify checks whom they grant to). */
async function environmentRoleBindings(
  kube: KubeClient,
  config: Config,
  want: EksCluster,
): Promise<KubeObject[]> {
  const patterns = config.targets
    .filter((t) => t.accountId === want.accountId && t.region === want.region && t.cluster === want.name)
    .map((t) => t.namespaces);
  if (!patterns.length) return [];
  const inPattern = (ns: string | undefined) =>
    !!ns && patterns.some((p) => (p.endsWith("*") ? ns.startsWith(p.slice(0, -1)) : ns === p));
  try {
    const all = await kube.list("rbac.authorization.k8s.io/v1", "RoleBinding", {});
    return all.filter((b) => inPattern(b.metadata.namespace));
  } catch (e) {
    // A collector that may not list RoleBindings (a view policy) sees none: the check needs the read.
    if (e instanceof KubeStatusError && e.status === 403) return [];
    throw e;
  }
}

async function readWorkloads(kube: KubeClient, workloads: Workload[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  const deployments = workloads.filter((w) => w.kind === "deployment");
  const podSets = workloads.filter((w) => w.kind === "pods");
  await Promise.all([
    ...deployments.map(async (w) => {
      const d = await kube.get({
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: w.name,
        namespace: w.namespace,
      });
      if (!d) return;
      out.push({ ...d, apiVersion: "apps/v1", kind: "Deployment" });
      const sel = deploymentSelector(d);
      if (!Object.keys(sel).length) return;
      // Its ReplicaSets too: a pod's controller is one of them (controllers.ts follows it to the Deployment,
      // so that verify can print the restart of the workload).
      const [pods, replicaSets] = await Promise.all([
        kube.list("v1", "Pod", { namespace: w.namespace, labelSelector: labelSelector(sel) }),
        kube
          .list("apps/v1", "ReplicaSet", { namespace: w.namespace, labelSelector: labelSelector(sel) })
          .catch(() => [] as KubeObject[]),
      ]);
      out.push(...pods, ...replicaSets.map((r) => ({ ...r, apiVersion: "apps/v1", kind: "ReplicaSet" })));
    }),
    // One list of the namespace's pods (matched by spec.serviceAccountName in plan) and of its ReplicaSets
    // (a Deployment's pods belong to one: controllers.ts follows them to the Deployment).
    ...[...new Set(podSets.map((w) => w.namespace))].map(async (namespace) => {
      const [pods, replicaSets] = await Promise.all([
        kube.list("v1", "Pod", { namespace }),
        kube.list("apps/v1", "ReplicaSet", { namespace }).catch(() => [] as KubeObject[]),
      ]);
      out.push(
        ...pods.map((p) => ({ ...p, apiVersion: "v1", kind: "Pod" })),
        ...replicaSets.map((r) => ({ ...r, apiVersion: "apps/v1", kind: "ReplicaSet" })),
      );
    }),
  ]);
  return out;
}
