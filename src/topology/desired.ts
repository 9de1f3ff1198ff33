/**
 * config → desired State (pure). The State says what the seed creates; the ChainSpecs say what each chain is
 * meant to be, so that verify can prove them over any State (desired, rendered or live).
 */
import type { Config, TargetConfig } from "../config/index.js";
import { ConfigError } from "../errors.js";
import {
  ADMIN_POLICY,
  CLUSTER_ADMIN_POLICY,
  EXTRA_RESOURCES,
  inlinePolicyNameOf,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  NAMESPACE_MANAGER,
  oidcProviderArn,
  partitionOf,
  type RoleKind,
  roleArn,
  roleName,
  STACK_TAG,
  STS_AUDIENCE,
} from "../names/index.js";
import type {
  AccessEntry,
  AccessScope,
  ChainSpec,
  ClusterRef,
  EksCluster,
  IamRole,
  JsonObject,
  KubeObject,
  OidcProvider,
  State,
} from "../state/index.js";
import { boundaryArnFor } from "./boundary.js";
import {
  annotatedServiceAccount,
  appProject,
  argocdClusterSecret,
  capsuleObjects,
  edpConfig,
  extraResourceObjects,
  krciClusterSecret,
  namespaceManagerRbac,
  needsExtraResources,
} from "./objects.js";
import { assumeRolesPolicy, crossAccountTrustPolicy, webIdentityTrustPolicy } from "./policies.js";

export interface Desired {
  state: State;
  chains: ChainSpec[];
}

/** A config whose values needed offline are present (issuer, endpoints). */
export type ResolvedTarget = TargetConfig & { endpoint: string };

/** Names the missing values that offline work needs; plan/apply discover them instead. */
export function missingOfflineValues(config: Config): string[] {
  const missing: string[] = [];
  if (!config.source.oidcIssuer) missing.push("source.oidcIssuer");
  config.targets.forEach((t, i) => {
    if (!t.endpoint) missing.push(`targets[${i}].endpoint`);
  });
  return missing;
}

export function requireResolved(config: Config): { issuer: string; targets: ResolvedTarget[] } {
  const missing = missingOfflineValues(config);
  if (missing.length) {
    throw new ConfigError(
      "config.unresolved",
      `missing ${missing.join(", ")} (needed offline)`,
      "copy them from `aws eks describe-cluster` (identity.oidc.issuer, endpoint) or use xirsa plan/apply, which discover them",
    );
  }
  return { issuer: config.source.oidcIssuer!, targets: config.targets as ResolvedTarget[] };
}

export interface RoleNames {
  partition: string;
  arn(kind: RoleKind, accountId: string): string;
  name(kind: RoleKind): string;
}

/** The source cluster (account A) as a cluster reference. */
export function sourceCluster(config: Pick<Config, "source">): ClusterRef {
  return { accountId: config.source.accountId, region: config.source.region, name: config.source.cluster };
}

export function roleNames(config: Config): RoleNames {
  const partition = partitionOf(config.source.region);
  return {
    partition,
    name: (kind) => roleName(config, kind),
    arn: (kind, accountId) => roleArn(partition, accountId, config.path, roleName(config, kind)),
  };
}

function tagsOf(config: Config): Record<string, string> {
  return { ...config.tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: config.name };
}

function role(
  config: Config,
  names: RoleNames,
  kind: RoleKind,
  accountId: string,
  trust: JsonObject,
  inline?: JsonObject,
): IamRole {
  const r: IamRole = {
    accountId,
    name: names.name(kind),
    path: config.path,
    arn: names.arn(kind, accountId),
    trustPolicy: trust,
    inlinePolicies: inline ? { [inlinePolicyNameOf(config, kind)]: inline } : {},
    attachedPolicyArns: [],
    tags: tagsOf(config),
  };
  const boundary = boundaryArnFor(config.permissionsBoundary, accountId);
  if (boundary) r.permissionsBoundary = boundary;
  return r;
}

function accessEntries(target: TargetConfig, operatorArn: string, argoArn: string): AccessEntry[] {
  // Both chains get the group of the extra resources' RoleBindings (objects.ts extraResourceObjects).
  const extra = needsExtraResources(target) ? [EXTRA_RESOURCES] : [];
  return baseAccessEntries(target, operatorArn, argoArn).map((e) =>
    extra.length ? { ...e, kubernetesGroups: [...e.kubernetesGroups, ...extra] } : e,
  );
}

function baseAccessEntries(target: TargetConfig, operatorArn: string, argoArn: string): AccessEntry[] {
  const scoped = target.access === "namespaced";
  const scope: AccessScope = scoped
    ? { type: "namespace", namespaces: [target.namespaces] }
    : { type: "cluster" };
  const policy = scoped ? ADMIN_POLICY : CLUSTER_ADMIN_POLICY;
  // The seed's note: with Capsule the operator is a Capsule user (group) and gets no ClusterAdmin policy.
  const operator: AccessEntry = target.capsule
    ? {
        principalArn: operatorArn,
        type: "STANDARD",
        kubernetesGroups: [target.capsule.group],
        accessPolicies: [],
      }
    : scoped
      ? {
          principalArn: operatorArn,
          type: "STANDARD",
          kubernetesGroups: [NAMESPACE_MANAGER],
          accessPolicies: [{ policyArn: policy, accessScope: scope }],
        }
      : {
          principalArn: operatorArn,
          type: "STANDARD",
          kubernetesGroups: [],
          accessPolicies: [{ policyArn: policy, accessScope: scope }],
        };
  const argo: AccessEntry = {
    principalArn: argoArn,
    type: "STANDARD",
    kubernetesGroups: [],
    accessPolicies: [{ policyArn: policy, accessScope: scope }],
  };
  return [operator, argo];
}

function targetObjects(
  config: Config,
  target: TargetConfig,
  envNamespaces: readonly string[] | undefined,
): KubeObject[] {
  const base = target.capsule
    ? capsuleObjects(config, target.capsule)
    : target.access === "namespaced"
      ? namespaceManagerRbac(config)
      : [];
  return [...base, ...extraResourceObjects(config, target, envNamespaces)];
}

/** What only the live clusters know: per target name, the environment namespaces that exist. */
export interface LiveFacts {
  envNamespaces?: Record<string, readonly string[]>;
}

export function desiredState(config: Config, facts: LiveFacts = {}): Desired {
  const { issuer, targets } = requireResolved(config);
  const names = roleNames(config);
  const src = config.source;
  const providerArn = oidcProviderArn(names.partition, src.accountId, issuer);
  const operatorArn = names.arn("CDPipelineOperator", src.accountId);
  const masterArn = names.arn("ArgoCDMaster", src.accountId);
  const operatorSas = [{ namespace: src.krci.namespace, name: src.krci.serviceAccount }];
  const argoSas = src.argocd.serviceAccounts.map((name) => ({ namespace: src.argocd.namespace, name }));

  const agentArns = targets.map((t) => names.arn("CDPipelineAgent", t.accountId));
  const accessArns = targets.map((t) => names.arn("ArgoCDAgentAccess", t.accountId));

  const roles: IamRole[] = [
    role(
      config,
      names,
      "CDPipelineOperator",
      src.accountId,
      webIdentityTrustPolicy({ providerArn, issuer, operator: "StringEquals", serviceAccounts: operatorSas }),
      assumeRolesPolicy(agentArns),
    ),
    role(
      config,
      names,
      "ArgoCDMaster",
      src.accountId,
      // The seed writes StringLike with exact subjects (no wildcard): the same match as StringEquals, which
      // is what we render unless the config asks for the seed's text (seedCompat).
      webIdentityTrustPolicy({
        providerArn,
        issuer,
        operator: config.seedCompat ? "StringLike" : "StringEquals",
        serviceAccounts: argoSas,
      }),
      assumeRolesPolicy(accessArns),
    ),
  ];
  // Targets may share an account: one pair of agent roles per account.
  for (const accountId of [...new Set(targets.map((t) => t.accountId))]) {
    roles.push(
      role(config, names, "CDPipelineAgent", accountId, crossAccountTrustPolicy(operatorArn)),
      role(config, names, "ArgoCDAgentAccess", accountId, crossAccountTrustPolicy(masterArn)),
    );
  }

  const oidcProviders: OidcProvider[] = [
    {
      accountId: src.accountId,
      arn: providerArn,
      url: issuer,
      clientIds: [STS_AUDIENCE],
      thumbprints: [],
      tags: {},
    },
  ];

  const sourceRef = sourceCluster(config);
  const sourceObjects: KubeObject[] = [
    ...operatorSas.map((sa) => annotatedServiceAccount(sa.namespace, sa.name, operatorArn)),
    ...argoSas.map((sa) => annotatedServiceAccount(sa.namespace, sa.name, masterArn)),
    appProject(config, targets),
    ...targets.flatMap((t) => [
      argocdClusterSecret(
        config,
        t,
        names.arn("ArgoCDAgentAccess", t.accountId),
        facts.envNamespaces?.[t.name],
      ),
      krciClusterSecret(config, t, names.arn("CDPipelineAgent", t.accountId)),
    ]),
    edpConfig(config),
  ];
  const clusters: EksCluster[] = [
    { ...sourceRef, oidcIssuer: issuer, accessEntries: [], objects: sourceObjects },
    ...targets.map(
      (t): EksCluster => ({
        accountId: t.accountId,
        region: t.region,
        name: t.cluster,
        endpoint: t.endpoint,
        ...(t.caData ? { caData: t.caData } : {}),
        accessEntries: accessEntries(
          t,
          names.arn("CDPipelineAgent", t.accountId),
          names.arn("ArgoCDAgentAccess", t.accountId),
        ),
        objects: targetObjects(config, t, facts.envNamespaces?.[t.name]),
      }),
    ),
  ];

  const chains: ChainSpec[] = targets.flatMap((t): ChainSpec[] => {
    const targetCluster = { accountId: t.accountId, region: t.region, name: t.cluster };
    const extra = t.extraResources.length ? { extraResources: t.extraResources } : {};
    return [
      {
        id: `${t.name}/cd-pipeline-operator`,
        kind: "cd-pipeline-operator",
        target: t.name,
        serviceAccounts: operatorSas,
        sourceRoleArn: operatorArn,
        targetRoleArn: names.arn("CDPipelineAgent", t.accountId),
        source: sourceRef,
        targetCluster,
        namespacePattern: t.namespaces,
        ...extra,
      },
      {
        id: `${t.name}/argocd`,
        kind: "argocd",
        target: t.name,
        serviceAccounts: argoSas,
        sourceRoleArn: masterArn,
        targetRoleArn: names.arn("ArgoCDAgentAccess", t.accountId),
        source: sourceRef,
        targetCluster,
        namespacePattern: t.namespaces,
        ...extra,
      },
    ];
  });

  return { state: { roles, oidcProviders, clusters }, chains };
}
