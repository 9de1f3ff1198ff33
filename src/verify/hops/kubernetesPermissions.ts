/**
 * Hop 5, `kubernetes-permissions`: what the target role is granted in the target cluster (access policies,
 * RBAC, Capsule) covers every permission its flow needs (permissions.ts) in every namespace of the pattern.
 */

import { EXTRA_RESOURCES } from "../../names/index.js";
import type { AccessEntry, ChainSpec, KubeObject } from "../../state/index.js";
import {
  type ClusterIndex,
  failed,
  type HopOutcome,
  joinWords,
  passed,
  type VerifyContext,
} from "../context.js";
import type { HopEvidence, PermissionEvidence } from "../evidence.js";
import { accessEntryResourceId, finding, kubeResourceId } from "../findings.js";
import { isObject } from "../json.js";
import { accessPolicyName, isClusterAdminPolicy } from "../k8s/accessPolicies.js";
import { Authorizer, namespaceCovers, type PermissionVerdict, subjectOf } from "../k8s/authorizer.js";
import { appendOp, jsonPatch } from "../k8s/kubectlFix.js";
import { describeRequest } from "../k8s/rules.js";
import { type RequiredPermission, requiredPermissions } from "../permissions.js";
import type { Finding } from "../types.js";
import { accessEntryRepair, findAccessEntry } from "./clusterAccess.js";

const HOP = "kubernetes-permissions";

type PermissionsEvidence = Extract<HopEvidence, { kind: "kubernetes-permissions" }>;

function describePermission(p: RequiredPermission, pattern: string): string {
  const req = describeRequest({
    verb: p.verb,
    group: p.group,
    resource: p.resource,
    ...(p.name ? { name: p.name } : {}),
  });
  return p.scope === "cluster" ? `${req} (cluster scope)` : `${req} in ${pattern}`;
}

export function kubernetesPermissionsHop(chain: ChainSpec, ctx: VerifyContext): HopOutcome {
  const target = ctx.cluster(chain.targetCluster);
  const entry = target ? findAccessEntry(target.cluster, chain.targetRoleArn) : undefined;
  const pattern = chain.namespacePattern;
  const needed = requiredPermissions(chain.kind);
  const detail: PermissionsEvidence = {
    kind: "kubernetes-permissions",
    pattern,
    needed: needed.map((p) => p.id),
  };
  if (!target || !entry) {
    detail.unmapped = true;
    return failed(
      HOP,
      `${chain.targetRoleArn} is not mapped into cluster ${chain.targetCluster.name}, so it holds none of the ${needed.length} permissions ${chain.kind} needs`,
      "fix cluster-access first",
      detail,
      [],
      "cluster-access",
    );
  }
  const resource = accessEntryResourceId(chain.targetCluster, chain.targetRoleArn);
  const authz = new Authorizer(target, entry, subjectOf(entry, chain.targetRoleArn), pattern);
  const verdicts = needed.map((p) => authz.check(p));
  detail.subject = authz.subject;
  detail.grants = authz.describeSources();
  detail.permissions = verdicts.map(permissionEvidence);
  if (authz.capsule.installed) detail.capsule = authz.capsule;

  const notes: Finding[] = [];
  for (const a of entry.accessPolicies) {
    if (isClusterAdminPolicy(a.policyArn) && a.accessScope.type === "cluster") {
      notes.push(
        finding(
          "XIRSA-EKS-CLUSTER-ADMIN",
          `${chain.targetRoleArn} has AmazonEKSClusterAdminPolicy on cluster ${chain.targetCluster.name}, though ${chain.kind} only needs namespaces ${pattern}`,
          resource,
        ),
      );
    }
  }
  for (const f of systemGroupBindings(target.list("RoleBinding"), chain, pattern)) notes.push(f);
  for (const f of customResourceFindings(chain, target, entry, resource)) notes.push(f);
  const create = verdicts.find((v) => v.permission.id === "namespaces:create");
  if (create?.allowed && authz.isPlainRbacNamespaceCreate(create.via)) {
    const binding = /^ClusterRoleBinding (\S+)/.exec(create.via!)?.[1] ?? "";
    notes.push(
      finding(
        "XIRSA-K8S-NS-CREATE",
        `${create.via} lets ${chain.targetRoleArn} create any namespace in ${chain.targetCluster.name}, not only ${pattern}`,
        kubeResourceId(chain.targetCluster, "ClusterRoleBinding", binding),
      ),
    );
  }
  if (authz.capsule.user && authz.capsule.tenants.length > 1) {
    notes.push(
      finding(
        "XIRSA-CAPSULE-SEVERAL-TENANTS",
        `${chain.targetRoleArn} owns Capsule tenants ${authz.capsule.tenants.map((t) => t.name).join(", ")}; new namespaces need the capsule.clastix.io/tenant label`,
        resource,
      ),
    );
  }

  const refused = verdicts.filter((v) => !v.allowed);
  if (refused.length === 0) {
    const vias = [...new Set(verdicts.map((v) => v.via!))];
    return passed(
      HOP,
      `all ${needed.length} permissions ${chain.kind} needs in ${pattern} are granted (by ${joinWords(vias)})`,
      detail,
      notes,
    );
  }

  const problems = refusals(chain, refused, authz, resource, { ctx, target, entry });
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : "";
  return failed(HOP, `${first.message}${more}`, first.remediation, detail, [...problems, ...notes]);
}

/** A verdict as evidence; a miss names the RBAC rule that would grant it. */
function permissionEvidence(v: PermissionVerdict): PermissionEvidence {
  const p = v.permission;
  if (v.allowed) return { id: p.id, allowed: true, ...(v.via ? { via: v.via } : {}) };
  return {
    id: p.id,
    allowed: false,
    rule: {
      apiGroups: [p.group],
      resources: [p.resource],
      verbs: [p.verb],
      ...(p.name ? { resourceNames: [p.name] } : {}),
      scope: p.scope,
    },
    ...(v.escalation ? { escalation: true } : {}),
  };
}

/**
 * AmazonEKSAdminPolicy lists built-in API groups only (Amazon EKS User Guide, "Review access policy
 * permissions"; rules in k8s/accessPolicies.ts): it is `admin` without what CRDs aggregate into it. Under
 * namespace-scoped access policies, custom resources need RBAC: say so when none are listed
 * (targets[].extraResources), and check that each listed kind is creatable in each environment namespace seen
 * (namespaces of the pattern holding RoleBindings: every environment has tenant-admin).
 */
function customResourceFindings(
  chain: ChainSpec,
  target: ClusterIndex,
  entry: AccessEntry,
  resource: string,
): Finding[] {
  if (!namespaceScopedOnly(entry.accessPolicies)) return [];
  const pattern = chain.namespacePattern;
  const listed = chain.extraResources ?? [];
  const who =
    chain.kind === "argocd"
      ? "Argo CD cannot sync custom resources (ServiceMonitor, ExternalSecret, …)"
      : "the operator cannot create custom resources (ExternalSecrets with SECRET_MANAGER=eso)";
  if (listed.length === 0) {
    const policies = [
      ...new Set(entry.accessPolicies.map((a) => accessPolicyName(a.policyArn) ?? a.policyArn)),
    ];
    return [
      finding(
        "XIRSA-EKS-NO-CUSTOM-RESOURCES",
        `${joinWords(policies)} on ${pattern} grants nothing on custom resources: ${who} there`,
        resource,
        { chain: chain.id },
      ),
    ];
  }
  const envs = [
    ...new Set(
      target
        .list("RoleBinding")
        .map((b) => b.metadata.namespace ?? "")
        .filter((ns) => ns !== "" && namespaceCovers(pattern, ns)),
    ),
  ].sort();
  const out: Finding[] = [];
  for (const ns of envs) {
    const authz = new Authorizer(target, entry, subjectOf(entry, chain.targetRoleArn), ns);
    for (const e of listed) {
      for (const res of e.resources) {
        const v = authz.check({
          id: `${res}.${e.apiGroup}:create`,
          verb: "create",
          group: e.apiGroup,
          resource: res,
          scope: "pattern",
          why: "targets[].extraResources",
        });
        if (v.allowed) continue;
        out.push(
          finding(
            "XIRSA-K8S-EXTRA-RESOURCE-DENIED",
            `${chain.targetRoleArn} cannot create ${res}.${e.apiGroup} in ${ns}, though targets[].extraResources lists it: ${who} there`,
            kubeResourceId(chain.targetCluster, "RoleBinding", EXTRA_RESOURCES, ns),
            {
              chain: chain.id,
              remediation: `xirsa apply: it binds ClusterRole ${EXTRA_RESOURCES} to group ${EXTRA_RESOURCES} in ${ns} (and the group to the access entry)`,
            },
          ),
        );
      }
    }
  }
  return out;
}

export function namespaceScopedOnly(policies: readonly { accessScope: { type: string } }[]): boolean {
  return policies.length > 0 && policies.every((a) => a.accessScope.type === "namespace");
}

/** `get/create apps/deployments and delete namespaces in krci-*`, grouped by resource and scope. */
export function summarisePermissions(perms: readonly RequiredPermission[], pattern: string): string {
  const groups = new Map<string, { verbs: string[]; scope: RequiredPermission["scope"] }>();
  for (const p of perms) {
    const gr = `${p.group ? `${p.group}/` : ""}${p.resource}${p.name ? `/${p.name}` : ""}`;
    const key = `${p.scope}\u0000${gr}`;
    const g = groups.get(key) ?? { verbs: [], scope: p.scope };
    g.verbs.push(p.verb);
    groups.set(key, g);
  }
  const part = (scope: RequiredPermission["scope"]) =>
    [...groups]
      .filter(([, g]) => g.scope === scope)
      .map(([key, g]) => `${g.verbs.join("/")} ${key.split("\u0000")[1]}`);
  const cluster = part("cluster");
  const ns = part("pattern");
  return joinWords([
    ...(cluster.length ? [`${joinWords(cluster)} (cluster scope)`] : []),
    ...(ns.length ? [`${joinWords(ns)} in ${pattern}`] : []),
  ]);
}

/** The command that makes `group` a Capsule user in the CapsuleConfiguration's own form. */
function capsuleUserFix(target: ClusterIndex, form: "users" | "userGroups", group: string): string {
  const configs = target.list("CapsuleConfiguration");
  const config = configs.find((c) => c.metadata.name === "default") ?? configs[0]!;
  const op =
    form === "users"
      ? appendOp(config, "/spec/users", { kind: "Group", name: group })
      : appendOp(config, "/spec/userGroups", group);
  return jsonPatch(`capsuleconfiguration ${config.metadata.name}`, [op]);
}

/**
 * The command that makes `group` an owner of the Tenant the config renders for this target (the Tenant of
 * the desired State that lists the group), when it exists live; undefined otherwise.
 */
function tenantOwnerFix(
  ctx: VerifyContext,
  chain: ChainSpec,
  target: ClusterIndex,
  group: string,
): string | undefined {
  const desired = ctx.desired?.clusters.find(
    (c) =>
      c.accountId === chain.targetCluster.accountId &&
      c.region === chain.targetCluster.region &&
      c.name === chain.targetCluster.name,
  );
  const wanted = desired?.objects.find(
    (o) =>
      o.kind === "Tenant" &&
      isObject(o.spec) &&
      Array.isArray(o.spec.owners) &&
      o.spec.owners.some((w) => isObject(w) && w.kind === "Group" && w.name === group),
  );
  const live = wanted ? target.get("Tenant", wanted.metadata.name) : undefined;
  if (!live) return undefined;
  return jsonPatch(`tenant ${live.metadata.name}`, [
    appendOp(live, "/spec/owners", { kind: "Group", name: group }),
  ]);
}

function refusals(
  chain: ChainSpec,
  refused: PermissionVerdict[],
  authz: Authorizer,
  resource: string,
  at: { ctx: VerifyContext; target: ClusterIndex; entry: AccessEntry },
): Finding[] {
  const capsule = authz.capsule;
  const groups = authz.subject.groups.filter((g) => g !== "system:authenticated");
  const opts = { chain: chain.id };
  // An access entry short of what the config renders (a group, a scoped policy) is the cause: the commands
  // that make it so are the fix, whatever the refusal looks like from here.
  const repair = accessEntryRepair(at.ctx, chain.targetCluster, at.entry);
  const repaired = repair ? { ...opts, remediation: repair } : opts;
  const out: Finding[] = [];
  const plain: RequiredPermission[] = [];
  const role = chain.targetRoleArn;
  for (const v of refused) {
    const p = v.permission;
    if (p.id === "namespaces:create" && capsule.installed && groups.length > 0 && !capsule.user) {
      out.push(
        finding(
          "XIRSA-CAPSULE-NOT-USER",
          `${role} cannot create namespaces: none of its access entry's groups (${groups.join(", ")}) is a Capsule user group of the CapsuleConfiguration (${capsule.userGroups.join(", ") || "none"})`,
          resource,
          { ...opts, remediation: capsuleUserFix(at.target, capsule.form, groups[0]!) },
        ),
      );
    } else if (
      p.id === "namespaces:create" &&
      capsule.installed &&
      capsule.user &&
      capsule.tenants.length === 0
    ) {
      out.push(
        finding(
          "XIRSA-CAPSULE-NO-TENANT",
          `${role} cannot create namespaces: no Capsule Tenant lists group ${groups.join(" or ")} among its owners (Capsule: You do not have any Tenant assigned)`,
          resource,
          {
            ...opts,
            remediation:
              tenantOwnerFix(at.ctx, chain, at.target, groups[0]!) ??
              `add {kind: Group, name: ${groups[0]}} to the Tenant's spec.owners`,
          },
        ),
      );
    } else if (v.escalation) {
      out.push(
        finding(
          "XIRSA-K8S-RBAC-ESCALATION",
          `${role} cannot ${describePermission(p, chain.namespacePattern)}: RoleBinding tenant-admin → ClusterRole ${p.orHoldsClusterRole} needs bind on it or holding it through RBAC, and access policies are not RBAC`,
          resource,
          repaired,
        ),
      );
    } else plain.push(p);
  }
  if (plain.length) {
    const sources = authz.describeSources();
    out.push(
      finding(
        "XIRSA-K8S-PERMISSION-MISSING",
        `${role} cannot ${summarisePermissions(plain, chain.namespacePattern)}: ${sources.length ? `none of ${sources.join(", ")} grants it` : "it has no grants"}`,
        resource,
        repaired,
      ),
    );
  }
  return out;
}

/** `krci-*` → does `ns` belong to it (a name, or a prefix with one trailing `*`). */
function inPattern(pattern: string, ns: string): boolean {
  return pattern.endsWith("*") ? ns.startsWith(pattern.slice(0, -1)) : ns === pattern;
}

/**
 * RoleBindings in the environment namespaces that grant to system:* groups: system:authenticated and
 * system:unauthenticated are every caller (kubernetes/apiserver pkg/authentication/user/user.go), so such a
 * binding hands the namespace (ClusterRole admin, for tenant-admin) to anyone who can reach the API.
 */
function systemGroupBindings(bindings: KubeObject[], chain: ChainSpec, pattern: string): Finding[] {
  const out: Finding[] = [];
  for (const b of bindings) {
    const ns = b.metadata.namespace;
    if (!ns || !inPattern(pattern, ns)) continue;
    const subjects = (b as { subjects?: { kind?: string; name?: string }[] }).subjects ?? [];
    const groups = subjects
      .filter((s) => s.kind === "Group" && typeof s.name === "string" && s.name.startsWith("system:"))
      .map((s) => s.name!);
    if (!groups.length) continue;
    const ref = (b as { roleRef?: { kind?: string; name?: string } }).roleRef;
    out.push(
      finding(
        "XIRSA-K8S-SYSTEM-GROUP-BINDING",
        `RoleBinding ${ns}/${b.metadata.name} in cluster ${chain.targetCluster.name} grants ${ref?.kind ?? "a role"} ${ref?.name ?? "?"} to ${groups.join(", ")}`,
        kubeResourceId(chain.targetCluster, b),
      ),
    );
  }
  return out;
}
