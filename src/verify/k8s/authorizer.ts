/**
 * What a mapped IAM role may do in a target cluster, from the State alone: EKS access policies (cluster or
 * namespace scope, trailing-`*` namespace patterns), Kubernetes RBAC bound to the entry's groups or username,
 * and Capsule (CapsuleConfiguration users or userGroups, Tenant owners). Questions are asked for a namespace PATTERN:
 * a grant counts only when it holds in every namespace the pattern matches.
 */
import { eksDefaultUsername } from "../../names/index.js";
import type { AccessEntry, KubeObject } from "../../state/index.js";
import {
  type CapsuleUsersForm,
  capsuleUserGroups,
  capsuleUserNames,
  capsuleUsersFormOf,
} from "../../topology/index.js";
import type { ClusterIndex } from "../context.js";
import { isObject, strings } from "../json.js";
import type { RequiredPermission } from "../permissions.js";
import { accessPolicyName, accessPolicyRules } from "./accessPolicies.js";
import {
  BUILTIN_CLUSTER_ROLES,
  CAPSULE_DEFAULT_OWNER_ROLES,
  CAPSULE_PROVISIONER_ROLE,
} from "./clusterRoles.js";
import { type PolicyRule, type ResourceRequest, rulesAllow, rulesCover, rulesOf } from "./rules.js";

/** Does namespace name or pattern `scope` (e.g. `krci-*`) include every namespace that `pattern` matches? */
export function namespaceCovers(scope: string, pattern: string): boolean {
  if (scope === "*") return true;
  if (scope.endsWith("*")) {
    const prefix = scope.slice(0, -1);
    const p = pattern.endsWith("*") ? pattern.slice(0, -1) : pattern;
    return p.startsWith(prefix);
  }
  return !pattern.endsWith("*") && scope === pattern;
}

export interface Subject {
  username: string;
  groups: string[];
}

/** Where a permission can come from. */
interface Source {
  /** For people, e.g. `access policy AmazonEKSAdminPolicy on krci-*`. */
  label: string;
  kind: "access-policy" | "rbac" | "capsule";
  rules: readonly PolicyRule[];
  /** Applies to cluster-scoped requests too (else only to requests in the pattern's namespaces). */
  cluster: boolean;
  /** Applies to requests in the pattern's namespaces. */
  namespaces: boolean;
}

export interface CapsuleView {
  /** A CapsuleConfiguration exists in the cluster. */
  installed: boolean;
  /** Capsule user groups: spec.userGroups and spec.users of kind Group. */
  userGroups: string[];
  /** The list the installed CapsuleConfiguration uses (where a fix adds the group). */
  form: CapsuleUsersForm;
  /** The subject is a Capsule user (one of its groups, or its user name, is listed). */
  user: boolean;
  /** Tenants the subject owns, with the ClusterRoles owners get in tenant namespaces. */
  tenants: { name: string; clusterRoles: string[] }[];
}

export interface PermissionVerdict {
  permission: RequiredPermission;
  allowed: boolean;
  /** What grants it, when allowed. */
  via?: string;
  /** For bind: refused only because of the escalation check (access policies cannot bind). */
  escalation?: boolean;
}

/** The Kubernetes identity EKS gives a role session mapped by this entry. */
export function subjectOf(entry: AccessEntry, roleArn: string): Subject {
  return {
    username: entry.username ?? eksDefaultUsername(roleArn),
    groups: [...entry.kubernetesGroups, "system:authenticated"],
  };
}

export class Authorizer {
  private readonly sources: Source[] = [];
  readonly capsule: CapsuleView;

  constructor(
    private readonly cluster: ClusterIndex,
    readonly entry: AccessEntry,
    readonly subject: Subject,
    readonly pattern: string,
  ) {
    this.addAccessPolicies();
    this.addRbac();
    this.capsule = this.addCapsule();
  }

  /** The rules of a ClusterRole: from the State when it holds one, else Kubernetes'/Capsule's defaults. */
  clusterRoleRules(name: string): readonly PolicyRule[] | undefined {
    const obj = this.cluster.get("ClusterRole", name);
    if (obj) return rulesOf(obj);
    return BUILTIN_CLUSTER_ROLES[name];
  }

  private addAccessPolicies(): void {
    for (const a of this.entry.accessPolicies) {
      const rules = accessPolicyRules(a.policyArn) ?? [];
      const name = accessPolicyName(a.policyArn) ?? a.policyArn;
      if (a.accessScope.type === "cluster") {
        this.sources.push({
          label: `access policy ${name} (cluster scope)`,
          kind: "access-policy",
          rules,
          cluster: true,
          namespaces: true,
        });
      } else {
        const scopes = a.accessScope.namespaces;
        this.sources.push({
          label: `access policy ${name} on ${scopes.join(", ")}`,
          kind: "access-policy",
          rules,
          cluster: false,
          namespaces: scopes.some((s) => namespaceCovers(s, this.pattern)),
        });
      }
    }
  }

  private bindsSubject(binding: KubeObject): boolean {
    const subjects = binding.subjects;
    if (!Array.isArray(subjects)) return false;
    return subjects.some(
      (s) =>
        isObject(s) &&
        ((s.kind === "Group" && typeof s.name === "string" && this.subject.groups.includes(s.name)) ||
          (s.kind === "User" && s.name === this.subject.username)),
    );
  }

  private roleRef(binding: KubeObject): { kind: string; name: string } | undefined {
    const ref = binding.roleRef;
    if (!isObject(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") return undefined;
    return { kind: ref.kind, name: ref.name };
  }

  private addRbac(): void {
    for (const b of this.cluster.list("ClusterRoleBinding")) {
      const ref = this.roleRef(b);
      if (ref?.kind !== "ClusterRole" || !this.bindsSubject(b)) continue;
      this.sources.push({
        label: `ClusterRoleBinding ${b.metadata.name} → ClusterRole ${ref.name}`,
        kind: "rbac",
        rules: this.clusterRoleRules(ref.name) ?? [],
        cluster: true,
        namespaces: true,
      });
    }
    // A RoleBinding holds in one namespace: it covers the pattern only when the pattern is that namespace.
    for (const b of this.cluster.list("RoleBinding")) {
      const ns = b.metadata.namespace;
      const ref = this.roleRef(b);
      if (!ns || !ref || this.pattern !== ns || !this.bindsSubject(b)) continue;
      const rules =
        ref.kind === "Role"
          ? (() => {
              const role = this.cluster.get("Role", ref.name, ns);
              return role ? rulesOf(role) : [];
            })()
          : (this.clusterRoleRules(ref.name) ?? []);
      this.sources.push({
        label: `RoleBinding ${ns}/${b.metadata.name} → ${ref.kind} ${ref.name}`,
        kind: "rbac",
        rules,
        cluster: false,
        namespaces: true,
      });
    }
  }

  private addCapsule(): CapsuleView {
    const configs = this.cluster.list("CapsuleConfiguration");
    const config = configs.find((c) => c.metadata.name === "default") ?? configs[0];
    const view: CapsuleView = {
      installed: !!config,
      userGroups: [],
      form: "users",
      user: false,
      tenants: [],
    };
    if (!config) return view;
    // Both forms count: spec.users (Capsule >= 0.12) and the deprecated userGroups / userNames.
    view.userGroups = capsuleUserGroups(config);
    view.form = capsuleUsersFormOf(config) ?? "users";
    const groups = this.subject.groups.filter((g) => view.userGroups.includes(g));
    const named = capsuleUserNames(config).includes(this.subject.username);
    view.user = groups.length > 0 || named;
    if (named && groups.length === 0) groups.push(`user ${this.subject.username}`);
    for (const t of this.cluster.list("Tenant")) {
      const tspec = isObject(t.spec) ? t.spec : {};
      const owners = Array.isArray(tspec.owners) ? tspec.owners : [];
      for (const o of owners) {
        if (!isObject(o) || typeof o.name !== "string") continue;
        const mine =
          (o.kind === "Group" && this.subject.groups.includes(o.name)) ||
          (o.kind === "User" && o.name === this.subject.username);
        if (!mine) continue;
        const roles = Array.isArray(o.clusterRoles) ? strings(o.clusterRoles) : CAPSULE_DEFAULT_OWNER_ROLES;
        view.tenants.push({ name: t.metadata.name, clusterRoles: roles });
      }
    }
    if (!view.user) return view;
    // Capsule binds capsule-namespace-provisioner to every userGroup; its webhook then refuses the request
    // unless the user owns a tenant to put the namespace in.
    if (view.tenants.length > 0) {
      this.sources.push({
        label: `Capsule (group ${groups.join(", ")} → ClusterRole ${CAPSULE_PROVISIONER_ROLE}, tenant ${view.tenants[0]!.name})`,
        kind: "capsule",
        rules: this.clusterRoleRules(CAPSULE_PROVISIONER_ROLE) ?? [],
        cluster: true,
        namespaces: false,
      });
    }
    // Owners get their ClusterRoles bound in every namespace of their tenant, i.e. the ones they create.
    for (const t of view.tenants) {
      for (const role of t.clusterRoles) {
        this.sources.push({
          label: `Capsule tenant ${t.name} owner → ClusterRole ${role}`,
          kind: "capsule",
          rules: this.clusterRoleRules(role) ?? [],
          cluster: false,
          namespaces: true,
        });
      }
    }
    return view;
  }

  private applicable(p: RequiredPermission): Source[] {
    return this.sources.filter((s) => (p.scope === "cluster" ? s.cluster : s.namespaces));
  }

  check(p: RequiredPermission): PermissionVerdict {
    const req: ResourceRequest = { verb: p.verb, group: p.group, resource: p.resource };
    if (p.name) req.name = p.name;
    const sources = this.applicable(p);
    const grant = sources.find((s) => rulesAllow(s.rules, req));
    if (grant) return { permission: p, allowed: true, via: grant.label };
    if (p.orHoldsClusterRole) {
      // Kubernetes' escalation check: the caller may bind a role whose permissions it already holds
      // through RBAC (access policies are a webhook authorizer, not RBAC, and do not count).
      const roleRules = this.clusterRoleRules(p.orHoldsClusterRole);
      const rbac = sources.filter((s) => s.kind !== "access-policy");
      const held = rbac.flatMap((s) => s.rules);
      if (roleRules && rbac.length && rulesCover(held, roleRules)) {
        const one = rbac.find((s) => rulesCover(s.rules, roleRules));
        const through = one ? one.label : rbac.map((s) => s.label).join(" + ");
        return {
          permission: p,
          allowed: true,
          via: `${through} (holds ClusterRole ${p.orHoldsClusterRole})`,
        };
      }
      return { permission: p, allowed: false, escalation: true };
    }
    return { permission: p, allowed: false };
  }

  /** Labels of every source that applies somewhere, for explanations. */
  describeSources(): string[] {
    return this.sources.map((s) => s.label);
  }

  /** Whether a grant of `namespaces` create comes from a plain RBAC binding (not Capsule, not cluster-admin). */
  isPlainRbacNamespaceCreate(via: string | undefined): boolean {
    return !!via && via.startsWith("ClusterRoleBinding ");
  }
}
