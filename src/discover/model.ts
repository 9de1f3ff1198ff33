/**
 * What was found (read.ts) → the xirsa.yaml that reproduces it, and what the config cannot say. Pure.
 * Only what the set-up shows goes in; a value equal to the schema's default is left out so the file stays short.
 */
import type { ConfigInput } from "../config/index.js";
import { parseRoleArn } from "../iam/index.js";
import {
  ADMIN_POLICY,
  argocdClusterSecretName,
  CLUSTER_ADMIN_POLICY,
  INLINE_POLICY_NAME,
  krciClusterSecretName,
  NAMESPACE_MANAGER,
  ROLE_ARN_ANNOTATION,
  ROLE_KINDS,
  type RoleKind,
} from "../names/index.js";
import type { IamRole, KubeObject } from "../state/index.js";
import { inferNaming, stackNameFrom } from "./naming.js";
import { type Found, type FoundTarget, trustedRolePrincipals } from "./read.js";

const DEFAULT_OPERATOR_SA = "edp-cd-pipeline-operator";
const DEFAULT_ARGOCD_SAS = [
  "argocd-application-controller",
  "argocd-applicationset-controller",
  "argocd-server",
];

export interface ModelOptions {
  krciNamespace: string;
  argocdNamespace: string;
  sourceProfile: string;
  sourceContext?: string;
  profileFor: Record<string, string>;
  /** Stack name when the role names do not carry one (--name). */
  name?: string;
}

export interface Imported {
  config: ConfigInput;
  /** What the config could not express or where a guess was made; one sentence each. */
  notes: string[];
}

function annotationOf(sas: KubeObject[], namespace: string, name: string): string | undefined {
  return sas.find((s) => s.metadata.namespace === namespace && s.metadata.name === name)?.metadata
    .annotations?.[ROLE_ARN_ANNOTATION];
}

/** ServiceAccounts named in a web-identity trust policy's `…:sub` conditions. */
function trustedSubjects(role: IamRole | undefined): { namespace: string; name: string }[] {
  if (!role) return [];
  const out: { namespace: string; name: string }[] = [];
  const visit = (v: unknown, key?: string) => {
    if (typeof v === "string" && key?.toLowerCase().endsWith(":sub")) {
      const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(v);
      if (m) out.push({ namespace: m[1]!, name: m[2]! });
    } else if (Array.isArray(v)) for (const x of v) visit(x, key);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(role.trustPolicy.Statement);
  return out;
}

/** The A role of a chain: the ServiceAccount's annotation, else the one A role the agents trust. */
function sourceRoleOf(
  found: Found,
  annotated: string | undefined,
  agentArns: string[],
  notes: string[],
  what: string,
): string | undefined {
  const trusted = [
    ...new Set(
      agentArns
        .map((a) => found.roles.get(a))
        .flatMap((r) => (r ? trustedRolePrincipals(r) : []))
        .filter((p) => parseRoleArn(p)?.account === found.source.accountId),
    ),
  ];
  if (annotated && parseRoleArn(annotated)?.account === found.source.accountId) {
    if (trusted.length && !trusted.includes(annotated)) {
      notes.push(
        `${what}: the ServiceAccount is annotated with ${annotated} but the agent roles trust ${trusted.join(", ")}; the config follows the annotation (verify shows the broken hop)`,
      );
    }
    return annotated;
  }
  return trusted[0];
}

function agentOf(t: FoundTarget, kind: "argocd" | "krci"): string | undefined {
  const arn = t[kind]?.roleArn;
  return arn && parseRoleArn(arn)?.account === t.accountId ? arn : undefined;
}

export function importConfig(found: Found, opts: ModelOptions): Imported {
  const notes = [...found.notes];
  const { source } = found;
  const operatorAnnotation = annotationOf(found.serviceAccounts, opts.krciNamespace, DEFAULT_OPERATOR_SA);
  const argoAnnotation = annotationOf(found.serviceAccounts, opts.argocdNamespace, DEFAULT_ARGOCD_SAS[0]!);
  const operatorArn = sourceRoleOf(
    found,
    operatorAnnotation,
    found.targets.map((t) => agentOf(t, "krci")).filter((a): a is string => !!a),
    notes,
    "CD pipeline operator",
  );
  const argoArn = sourceRoleOf(
    found,
    argoAnnotation,
    found.targets.map((t) => agentOf(t, "argocd")).filter((a): a is string => !!a),
    notes,
    "Argo CD",
  );
  if (!found.targets.length) {
    notes.push("no target could be followed into its account; the config below lists none and is not valid");
  }

  // Role names: one per kind; the agent roles of every target must share their names (one template).
  const byKind: Partial<Record<RoleKind, string[]>> = {
    CDPipelineOperator: operatorArn ? [operatorArn] : [],
    ArgoCDMaster: argoArn ? [argoArn] : [],
    CDPipelineAgent: found.targets.map((t) => agentOf(t, "krci")).filter((a): a is string => !!a),
    ArgoCDAgentAccess: found.targets.map((t) => agentOf(t, "argocd")).filter((a): a is string => !!a),
  };
  const names = {} as Record<RoleKind, string>;
  const paths = new Set<string>();
  for (const kind of ROLE_KINDS) {
    const parsed = (byKind[kind] ?? []).map((a) => parseRoleArn(a)!);
    for (const p of parsed) paths.add(p.path);
    const distinct = [...new Set(parsed.map((p) => p.name))];
    if (distinct.length > 1) {
      notes.push(
        `the ${kind} roles have different names per target (${distinct.join(", ")}): xirsa.yaml has one name per kind; using ${distinct[0]}`,
      );
    }
    names[kind] = distinct[0] ?? "";
  }
  const fallbackName = opts.name ?? stackNameFrom(source.cluster);
  const missing = ROLE_KINDS.filter((k) => !names[k]);
  let naming = missing.length ? undefined : inferNaming(names, fallbackName);
  if (missing.length) {
    notes.push(`no ${missing.join(", ")} role was found; the default role names are assumed`);
  } else if (!naming) {
    notes.push(
      `the role names (${ROLE_KINDS.map((k) => names[k]).join(", ")}) follow no single roleNameTemplate ({role} = the kind): xirsa.yaml cannot name each role; the default names are assumed and verify proves those`,
    );
  }
  naming ??= { name: fallbackName, roleNameTemplate: "AWSIRSA_{name}_{role}" };
  if (opts.name && opts.name !== naming.name) {
    // The name is part of the seed-shaped role names; another one would name other roles.
    notes.push(
      `--name ${opts.name} ignored: the role names carry the stack name ${naming.name} (roleNameTemplate ${naming.roleNameTemplate})`,
    );
  }
  if (paths.size > 1) {
    notes.push(`the roles use different IAM paths (${[...paths].join(", ")}): xirsa.yaml has one path`);
  }
  const path = [...paths][0] ?? "/";
  // The source roles' inline policy: one under another name is kept by name (inlinePolicyNames), so plan compares
  // it rather than adding xirsa's own; several cannot be expressed.
  const inlinePolicyNames: Partial<Record<"CDPipelineOperator" | "ArgoCDMaster", string>> = {};
  for (const [kind, arn] of [
    ["CDPipelineOperator", operatorArn],
    ["ArgoCDMaster", argoArn],
  ] as const) {
    const role = arn ? found.roles.get(arn) : undefined;
    const named = Object.keys(role?.inlinePolicies ?? {});
    if (!role || named.includes(INLINE_POLICY_NAME)) continue;
    if (named.length === 1) inlinePolicyNames[kind] = named[0]!;
    else if (named.length > 1) {
      notes.push(
        `role ${role.name} holds its permissions in ${named.length} inline policies (${named.join(", ")}); xirsa manages one (inlinePolicyNames.${kind}): plan puts the permissions into ${INLINE_POLICY_NAME}, delete the others by hand after apply`,
      );
    }
  }
  for (const t of found.targets) {
    for (const [r, want] of [
      [t.argocd, argocdClusterSecretName(t.name)],
      [t.krci, krciClusterSecretName(t.name)],
    ] as const) {
      if (r && r.secret.split("/")[1] !== want) {
        notes.push(
          `target ${t.name}: Secret ${r.secret} is not named ${want} as xirsa names it (not configurable): plan creates ${want}; delete ${r.secret} after apply so the cluster is registered once`,
        );
      }
    }
  }

  // Source ServiceAccounts: the annotated ones, those the trust names, and the seed's, that exist.
  const exists = (ns: string, n: string) =>
    found.serviceAccounts.some((s) => s.metadata.namespace === ns && s.metadata.name === n);
  const annotatedWith = (ns: string, arn: string | undefined) =>
    found.serviceAccounts
      .filter(
        (s) => s.metadata.namespace === ns && arn && s.metadata.annotations?.[ROLE_ARN_ANNOTATION] === arn,
      )
      .map((s) => s.metadata.name);
  const argoRole = argoArn ? found.roles.get(argoArn) : undefined;
  const argoSas = [
    ...new Set([
      ...DEFAULT_ARGOCD_SAS,
      ...annotatedWith(opts.argocdNamespace, argoArn).sort(),
      ...trustedSubjects(argoRole)
        .filter((s) => s.namespace === opts.argocdNamespace)
        .map((s) => s.name)
        .sort(),
    ]),
  ].filter((n) => exists(opts.argocdNamespace, n));
  const operatorSa = exists(opts.krciNamespace, DEFAULT_OPERATOR_SA)
    ? DEFAULT_OPERATOR_SA
    : (annotatedWith(opts.krciNamespace, operatorArn)[0] ?? DEFAULT_OPERATOR_SA);

  // The AppProject that lists the targets (the seed's `krci` unless another one does).
  const servers = new Set(found.targets.map((t) => t.argocd?.server ?? t.krci?.server));
  const destinationsOf = (p: KubeObject) =>
    (p.spec as { destinations?: { namespace?: string; server?: string }[] } | undefined)?.destinations ?? [];
  const project =
    found.appProjects.find((p) => destinationsOf(p).some((d) => servers.has(d.server))) ??
    found.appProjects.find((p) => p.metadata.name === "krci");

  const targets = found.targets.map((t) => {
    const operatorEntry = t.entries.find((e) => e.principalArn === agentOf(t, "krci"));
    const argoEntry = t.entries.find((e) => e.principalArn === agentOf(t, "argocd"));
    const argoPolicy = argoEntry?.accessPolicies[0];
    const namespaced = argoPolicy?.policyArn === ADMIN_POLICY && argoPolicy.accessScope.type === "namespace";
    if (argoEntry && argoPolicy && !namespaced && argoPolicy.policyArn !== CLUSTER_ADMIN_POLICY) {
      notes.push(
        `target ${t.name}: the Argo CD agent's access entry has ${argoPolicy.policyArn}; xirsa knows cluster-admin (AmazonEKSClusterAdminPolicy) and namespaced (AmazonEKSAdminPolicy); cluster-admin assumed`,
      );
    }
    const destination = project
      ? destinationsOf(project).find((d) => d.server === (t.argocd?.server ?? t.krci?.server))?.namespace
      : undefined;
    const scoped =
      namespaced && argoPolicy.accessScope.type === "namespace" ? argoPolicy.accessScope.namespaces : [];
    if (scoped.length > 1) {
      notes.push(
        `target ${t.name}: access is scoped to several namespaces (${scoped.join(", ")}); xirsa.yaml has one pattern`,
      );
    }
    const namespaces = destination ?? scoped[0];
    const groups = (operatorEntry?.kubernetesGroups ?? []).filter((g) => g !== NAMESPACE_MANAGER);
    const capsule =
      operatorEntry && groups.length && operatorEntry.accessPolicies.length === 0
        ? {
            group: groups[0]!,
            tenant:
              t.tenants.find((x) =>
                ((x.spec as { owners?: { kind?: string; name?: string }[] } | undefined)?.owners ?? []).some(
                  (o) => o.kind === "Group" && o.name === groups[0],
                ),
              )?.metadata.name ?? "krci",
          }
        : undefined;
    const profile = opts.profileFor[t.accountId];
    return {
      name: t.name,
      accountId: t.accountId,
      region: t.region,
      cluster: t.cluster,
      ...(profile ? { profile } : {}),
      ...(namespaces && namespaces !== "krci-*" ? { namespaces } : {}),
      ...(namespaced ? { access: "namespaced" as const } : {}),
      ...(capsule ? { capsule } : {}),
    };
  });

  // The seed writes the Argo CD trust with StringLike; xirsa renders StringEquals unless seedCompat is set, so a
  // hand-made set-up imports with seedCompat: true and plan does not rewrite an equivalent trust policy.
  const seedCompat = JSON.stringify(argoRole?.trustPolicy.Statement ?? []).includes('"StringLike"');
  const config: ConfigInput = {
    name: naming.name,
    ...(seedCompat ? { seedCompat: true } : {}),
    ...(naming.roleNameTemplate !== "AWSIRSA_{name}_{role}"
      ? { roleNameTemplate: naming.roleNameTemplate }
      : {}),
    ...(path !== "/" ? { path } : {}),
    ...(Object.keys(inlinePolicyNames).length ? { inlinePolicyNames } : {}),
    source: {
      accountId: source.accountId,
      region: source.region,
      cluster: source.cluster,
      profile: opts.sourceProfile,
      ...(opts.sourceContext ? { kubeContext: opts.sourceContext } : {}),
      krci: {
        namespace: opts.krciNamespace,
        ...(operatorSa !== DEFAULT_OPERATOR_SA ? { serviceAccount: operatorSa } : {}),
      },
      argocd: {
        namespace: opts.argocdNamespace,
        ...(argoSas.length && argoSas.join() !== DEFAULT_ARGOCD_SAS.join()
          ? { serviceAccounts: argoSas }
          : {}),
        ...(project && project.metadata.name !== "krci" ? { project: project.metadata.name } : {}),
      },
    },
    targets,
  };
  return { config, notes };
}
