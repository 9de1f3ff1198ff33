/**
 * plan(desired, live) → the changes that make live equal desired, in apply order (pure). Policies compare
 * semantically; Kubernetes objects compare on the fields xirsa manages; lists shared with others are merged.
 * Resources xirsa does not own are never changed unless --adopt; prerequisites xirsa must not create
 * (ServiceAccounts, AppProject, edp-config, the OIDC provider without --create-oidc-provider) block the plan.
 */
import type { Config } from "../config/index.js";
import {
  INLINE_POLICY_NAME,
  K8S_MANAGED_BY_LABEL,
  K8S_STACK_LABEL,
  PREVIOUS_ROLE_ARN_ANNOTATION,
  ROLE_ARN_ANNOTATION,
  STACK_TAG,
  STS_AUDIENCE,
} from "../names/index.js";
import type {
  AccessEntry,
  AccessPolicyAssociation,
  ClusterRef,
  EksCluster,
  IamRole,
  Json,
  JsonObject,
  KubeObject,
  OidcProvider,
  State,
} from "../state/index.js";
import { findCluster, findObject, restartTargets } from "../state/index.js";
import { capsuleUsersFormOf, inCapsuleUsersForm } from "../topology/index.js";
import { managerOf, managerText, sourceOfTruth } from "../verify/index.js";
import {
  APPLY_STEPS,
  type Blocked,
  type Change,
  type Operation,
  type Step,
  type Workload,
} from "./changes.js";
import { mergeList, type SharedList, sharedListOf } from "./merges.js";
import { containedIn, jsonEqual, normalizePolicy, policiesEqual } from "./normalize.js";
import {
  addedAnnotation,
  addedKeys,
  otherOwnerStack,
  otherStacksAdded,
  ownershipLabels,
  ownershipTags,
  ownerText,
  ownsObject,
  ownsTags,
  releaseClaims,
  stackNames,
  stacksClaiming,
  terraformCommand,
  terraformOwns,
} from "./ownership.js";
import { policyDiff } from "./policyDiff.js";
import { readable } from "./readable.js";
import { fullJsonDiff, jsonDiff, lineDiff, prettyJson } from "./textDiff.js";
import { podRoleArn, workloadId, workloadPods } from "./workloads.js";

export interface PlanInput {
  desired: State;
  live: State;
  stack: string;
  workloads: Workload[];
  adopt?: boolean;
  createOidcProvider?: boolean;
  /** Patch objects a GitOps tool manages anyway (the change will be reverted on its next sync). */
  patchManaged?: boolean;
  /** For the values keys named when an object is GitOps-managed. */
  config?: Config;
}

/** Blocks a change to an object Helm or Argo CD manages, naming the source to change instead. */
function gitopsBlock(input: PlanInput, have: KubeObject): Blocked | undefined {
  if (input.patchManaged) return undefined;
  const m = managerOf(have);
  if (!m) return undefined;
  const by = managerText(m);
  return {
    reason: `${have.kind} ${objId(have)} is managed by ${by}: a live patch would be reverted`,
    fix: `change ${input.config ? sourceOfTruth(have, input.config.source) : "its source"} and sync, or rerun with --patch-managed to patch it live anyway`,
    adoptable: false,
    managedBy: by,
  };
}

/** Kinds xirsa owns outright in a cluster (created with ownership labels, deleted when no longer wanted). */
export const OWNED_KINDS = ["Secret", "Tenant", "ClusterRole", "ClusterRoleBinding", "CapsuleConfiguration"];

export function plan(input: PlanInput): Change[] {
  const out: Change[] = [];
  planOidcProviders(input, out);
  planRoles(input, out);
  planAccessEntries(input, out);
  planObjects(input, out);
  planRestarts(input, out);
  const order = (c: Change) => APPLY_STEPS.indexOf(c.step as Step);
  return out
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order(a.c) - order(b.c) || a.i - b.i)
    .map((x) => x.c);
}

function unowned(what: string, owner: string, stack: string, terraformAccount?: string): Blocked {
  if (terraformAccount) {
    return {
      reason: `${what} is managed by Terraform for stack '${stack}' and differs from xirsa.yaml`,
      fix: `change it with Terraform (${terraformCommand(terraformAccount, "apply")} in the rendered bundle), or hand it over to xirsa: terraform state rm it, then rerun with --adopt`,
      adoptable: true,
    };
  }
  return {
    reason: `${what} exists, is not managed by xirsa stack '${stack}' (owner: ${owner}) and differs from the desired state`,
    fix: "review the diff, then rerun with --adopt to take it over, or rename the resources in xirsa.yaml",
    adoptable: true,
  };
}

/** The account whose Terraform owns a resource with these tags, or undefined. */
function tfAccount(
  tags: Record<string, string> | undefined,
  stack: string,
  accountId: string,
): string | undefined {
  return terraformOwns(tags, stack) ? accountId : undefined;
}

// ---------------------------------------------------------------- IAM OIDC provider

function planOidcProviders(input: PlanInput, out: Change[]): void {
  for (const want of input.desired.oidcProviders) {
    const have = input.live.oidcProviders.find((p) => p.arn === want.arn);
    if (!have) {
      const provider: OidcProvider = { ...want, tags: { ...want.tags, ...ownershipTags(input.stack) } };
      out.push({
        action: "create",
        kind: "OidcProvider",
        id: want.arn,
        account: want.accountId,
        step: "oidc-provider",
        diff: lineDiff("", `url: ${want.url}\nclientIds: ${want.clientIds.join(", ")}`),
        ops: [{ type: "oidc.create", provider }],
        ...(input.createOidcProvider
          ? {}
          : {
              blocked: {
                reason: `account ${want.accountId} has no IAM OIDC provider for ${want.url}, so no pod can use web identity`,
                fix: "rerun with --create-oidc-provider, or create it (eksctl utils associate-iam-oidc-provider --approve)",
                adoptable: false,
              },
            }),
      });
      continue;
    }
    const missing = want.clientIds.filter((c) => !have.clientIds.includes(c));
    for (const clientId of missing) {
      const owned = ownsTags(have.tags, input.stack);
      out.push({
        action: "update",
        kind: "OidcProvider",
        id: want.arn,
        account: want.accountId,
        step: "oidc-provider",
        diff: lineDiff(
          `clientIds: ${have.clientIds.join(", ")}`,
          `clientIds: ${[...have.clientIds, clientId].join(", ")}`,
        ),
        ops: [
          {
            type: "oidc.addClientId",
            accountId: want.accountId,
            arn: want.arn,
            clientId,
            ...(!owned && input.adopt ? { tags: ownershipTags(input.stack) } : {}),
          },
        ],
        ...(owned || input.adopt
          ? {}
          : {
              blocked: {
                ...unowned(
                  `IAM OIDC provider ${want.url}`,
                  ownerText(have.tags, STACK_TAG),
                  input.stack,
                  tfAccount(have.tags, input.stack, want.accountId),
                ),
                reason: `IAM OIDC provider ${want.url} lacks client id ${clientId === STS_AUDIENCE ? "sts.amazonaws.com (the IRSA audience)" : clientId} and is not managed by xirsa stack '${input.stack}'`,
              },
            }),
      });
    }
  }
}

// ---------------------------------------------------------------- IAM roles and inline policies

function isWebIdentityRole(role: IamRole): boolean {
  return JSON.stringify(role.trustPolicy).includes('"Federated"');
}

function roleStep(role: IamRole): Step {
  // Roles trusted through web identity come first: the agent roles' trust names them.
  return isWebIdentityRole(role) ? "source-roles" : "target-roles";
}

/** A Kubernetes object's change: readable diff (CA as fingerprint), complete diff, and both sides in full. */
function objectDiff(
  before: Json | undefined,
  after: Json | undefined,
): Pick<Change, "diff" | "full" | "before" | "after"> {
  const b = readable(before, true);
  const a = readable(after, true);
  return {
    diff: jsonDiff(readable(before, false), readable(after, false)),
    full: fullJsonDiff(b, a),
    ...(b !== undefined ? { before: b } : {}),
    ...(a !== undefined ? { after: a } : {}),
  };
}

/** A policy document's change: the semantic diff, the complete line diff, and both documents. */
function policyChange(
  before: JsonObject | undefined,
  after: JsonObject | undefined,
): Pick<Change, "diff" | "full" | "before" | "after"> {
  const b = before ? normalizePolicy(before) : undefined;
  const a = after ? normalizePolicy(after) : undefined;
  return {
    diff: policyDiff(before, after),
    full: fullJsonDiff(b, a),
    ...(b ? { before: b } : {}),
    ...(a ? { after: a } : {}),
  };
}

function roleCreate(role: IamRole): Pick<Change, "diff" | "full" | "after"> {
  const head = [
    `arn: ${role.arn}`,
    `tags: ${Object.entries(role.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
    ...(role.permissionsBoundary ? [`permissionsBoundary: ${role.permissionsBoundary}`] : []),
  ];
  const trust = normalizePolicy(role.trustPolicy);
  return {
    diff: [lineDiff("", head.join("\n")), "+ trust policy:", policyDiff(undefined, role.trustPolicy)].join(
      "\n",
    ),
    full: lineDiff("", [...head, "trust policy:", prettyJson(trust)].join("\n")),
    after: {
      arn: role.arn,
      path: role.path,
      tags: role.tags,
      ...(role.permissionsBoundary ? { permissionsBoundary: role.permissionsBoundary } : {}),
      trustPolicy: trust,
    },
  };
}

function planRoles(input: PlanInput, out: Change[]): void {
  for (const want of input.desired.roles) {
    const have = input.live.roles.find((r) => r.accountId === want.accountId && r.name === want.name);
    // The inline policy xirsa manages on this role: its configured name (inlinePolicyNames), else the default.
    const policyName = Object.keys(want.inlinePolicies)[0] ?? INLINE_POLICY_NAME;
    const inlineWanted = want.inlinePolicies[policyName];
    if (!have) {
      out.push({
        action: "create",
        kind: "IamRole",
        id: want.arn,
        account: want.accountId,
        step: roleStep(want),
        ...roleCreate(want),
        ops: [
          { type: "role.create", role: { ...want, tags: { ...want.tags, ...ownershipTags(input.stack) } } },
        ],
      });
      if (inlineWanted) out.push(inlineChange("create", want, policyName, undefined, inlineWanted));
      continue;
    }
    const owned = ownsTags(have.tags, input.stack);
    if (have.path !== want.path) {
      out.push({
        action: "update",
        kind: "IamRole",
        id: want.arn,
        account: want.accountId,
        step: roleStep(want),
        diff: lineDiff(`path: ${have.path}`, `path: ${want.path}`),
        ops: [],
        blocked: {
          reason: `role ${want.name} exists in account ${want.accountId} with path ${have.path}, not ${want.path} (IAM cannot move a role)`,
          fix: `delete ${have.arn} or set path: ${have.path} in xirsa.yaml`,
          adoptable: false,
        },
      });
      continue;
    }
    const trust = !policiesEqual(want.trustPolicy, have.trustPolicy);
    const boundary: "put" | "delete" | null =
      want.permissionsBoundary && want.permissionsBoundary !== have.permissionsBoundary
        ? "put"
        : !want.permissionsBoundary && have.permissionsBoundary && owned
          ? "delete"
          : null;
    const tags: Record<string, string> = {};
    if (owned || input.adopt) {
      const wantTags = { ...want.tags, ...ownershipTags(input.stack) };
      for (const [k, v] of Object.entries(wantTags)) if (have.tags[k] !== v) tags[k] = v;
    }
    const inlineHave = have.inlinePolicies[policyName];
    const inline: "put" | "delete" | null =
      inlineWanted && (!inlineHave || !policiesEqual(inlineWanted, inlineHave))
        ? "put"
        : !inlineWanted && inlineHave && (owned || input.adopt)
          ? "delete"
          : null;
    const differs = trust || boundary === "put" || inline === "put";
    const blocked =
      !owned && !input.adopt && differs
        ? unowned(
            `role ${want.arn}`,
            ownerText(have.tags, STACK_TAG),
            input.stack,
            tfAccount(have.tags, input.stack, want.accountId),
          )
        : undefined;
    if (trust || boundary || Object.keys(tags).length) {
      const parts: string[] = [];
      // --full: the trust policy's complete line diff in place of its semantic one.
      const fullParts: string[] = [];
      if (trust) {
        const t = policyChange(have.trustPolicy, want.trustPolicy);
        parts.push("~ trust policy:", t.diff);
        fullParts.push("trust policy:", t.full!);
      }
      if (boundary) {
        parts.push(
          lineDiff(
            `permissionsBoundary: ${have.permissionsBoundary ?? "(none)"}`,
            `permissionsBoundary: ${want.permissionsBoundary ?? "(none)"}`,
          ),
        );
      }
      for (const [k, v] of Object.entries(tags)) {
        parts.push(
          have.tags[k] === undefined ? `+ tag ${k}=${v}` : `- tag ${k}=${have.tags[k]}\n+ tag ${k}=${v}`,
        );
      }
      const roleView = (r: IamRole, t: Record<string, string>): Json => ({
        trustPolicy: normalizePolicy(r.trustPolicy),
        permissionsBoundary: r.permissionsBoundary ?? null,
        tags: t,
      });
      out.push({
        action: "update",
        kind: "IamRole",
        id: want.arn,
        account: want.accountId,
        step: roleStep(want),
        diff: parts.join("\n"),
        full: [...fullParts, ...parts.slice(trust ? 2 : 0)].join("\n"),
        before: roleView(have, have.tags),
        after: roleView(want, { ...have.tags, ...tags }),
        ops: [{ type: "role.update", role: want, trust, boundary, tags }],
        ...(blocked ? { blocked } : {}),
      });
    }
    if (inline === "put") {
      const c = inlineChange(inlineHave ? "update" : "create", want, policyName, inlineHave, inlineWanted!);
      out.push(blocked ? { ...c, blocked } : c);
    } else if (inline === "delete") {
      out.push({
        action: "delete",
        kind: "InlinePolicy",
        id: `${want.arn}#${policyName}`,
        account: want.accountId,
        step: "inline-policies",
        ...policyChange(inlineHave!, undefined),
        ops: [
          {
            type: "inline.delete",
            accountId: want.accountId,
            roleName: want.name,
            policyName,
          },
        ],
      });
    }
  }
}

function inlineChange(
  action: "create" | "update",
  role: IamRole,
  policyName: string,
  have: JsonObject | undefined,
  want: JsonObject,
): Change {
  return {
    action,
    kind: "InlinePolicy",
    id: `${role.arn}#${policyName}`,
    account: role.accountId,
    step: "inline-policies",
    ...policyChange(have, want),
    ops: [
      {
        type: "inline.put",
        accountId: role.accountId,
        roleName: role.name,
        policyName,
        document: want,
      },
    ],
  };
}

// ---------------------------------------------------------------- EKS access entries

function ref(c: EksCluster): ClusterRef {
  return { accountId: c.accountId, region: c.region, name: c.name };
}

function sameSet(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function scopeText(a: AccessPolicyAssociation): string {
  const policy = a.policyArn.split("/").pop();
  return a.accessScope.type === "cluster"
    ? `${policy} (cluster)`
    : `${policy} (namespaces ${a.accessScope.namespaces.join(", ")})`;
}

function scopeEqual(a: AccessPolicyAssociation, b: AccessPolicyAssociation): boolean {
  if (a.accessScope.type !== b.accessScope.type) return false;
  if (a.accessScope.type === "cluster") return true;
  return sameSet(a.accessScope.namespaces, (b.accessScope as { namespaces: string[] }).namespaces);
}

function entryText(e: AccessEntry): string {
  return [
    `principalArn: ${e.principalArn}`,
    `type: ${e.type}`,
    `kubernetesGroups: [${e.kubernetesGroups.join(", ")}]`,
    ...(e.username ? [`username: ${e.username}`] : []),
    ...e.accessPolicies.map((a) => `accessPolicy: ${scopeText(a)}`),
  ].join("\n");
}

function planAccessEntries(input: PlanInput, out: Change[]): void {
  for (const want of input.desired.clusters) {
    const have = findCluster(input.live, want);
    const cluster = ref(want);
    const liveEntries = have?.accessEntries ?? [];
    for (const entry of want.accessEntries) {
      const existing = liveEntries.find((e) => e.principalArn === entry.principalArn);
      const tags = { ...(entry.tags ?? {}), ...ownershipTags(input.stack) };
      if (!existing) {
        out.push({
          action: "create",
          kind: "AccessEntry",
          id: entry.principalArn,
          cluster: want.name,
          step: "access-entries",
          diff: lineDiff("", entryText({ ...entry, accessPolicies: [] })),
          ops: [{ type: "entry.create", cluster, entry, tags }],
        });
        for (const a of entry.accessPolicies) out.push(associationChange("create", cluster, entry, a));
        continue;
      }
      const owned = ownsTags(existing.tags, input.stack);
      const role = input.live.roles.find((r) => r.arn === entry.principalArn);
      const roleWanted = input.desired.roles.some((r) => r.arn === entry.principalArn);
      // An entry binds the role's unique id: a role that is (re-)created leaves the entry pointing nowhere.
      const stale =
        (!role && roleWanted) ||
        (role?.uniqueId !== undefined &&
          existing.principalId !== undefined &&
          existing.principalId !== role.uniqueId);
      const groups = !sameSet(entry.kubernetesGroups, existing.kubernetesGroups);
      const username = entry.username !== undefined && entry.username !== existing.username;
      const type = entry.type !== existing.type;
      const puts = entry.accessPolicies.filter((a) => {
        const h = existing.accessPolicies.find((x) => x.policyArn === a.policyArn);
        return !h || !scopeEqual(a, h);
      });
      const extra = existing.accessPolicies.filter(
        (h) => !entry.accessPolicies.some((a) => a.policyArn === h.policyArn),
      );
      const differs = stale || groups || username || type || puts.length > 0;
      const blocked =
        !owned && !input.adopt && differs
          ? unowned(
              `access entry ${entry.principalArn} in ${want.name}`,
              ownerText(existing.tags, STACK_TAG),
              input.stack,
              tfAccount(existing.tags, input.stack, want.accountId),
            )
          : undefined;
      if (stale || type) {
        out.push({
          action: "update",
          kind: "AccessEntry",
          id: entry.principalArn,
          cluster: want.name,
          step: "access-entries",
          diff: [
            stale
              ? "! the entry is bound to an earlier role with this name (re-created role): re-create the entry"
              : `! type ${existing.type} → ${entry.type} cannot change in place: re-create the entry`,
            lineDiff(entryText(existing), entryText(entry)),
          ].join("\n"),
          ops: [
            { type: "entry.delete", cluster, principalArn: entry.principalArn },
            { type: "entry.create", cluster, entry, tags },
            ...entry.accessPolicies.map(
              (association): Operation => ({
                type: "assoc.put",
                cluster,
                principalArn: entry.principalArn,
                association,
              }),
            ),
          ],
          ...(blocked ? { blocked } : {}),
        });
        continue;
      }
      if (groups || username || (!owned && input.adopt)) {
        out.push({
          action: "update",
          kind: "AccessEntry",
          id: entry.principalArn,
          cluster: want.name,
          step: "access-entries",
          diff: lineDiff(
            entryText({ ...existing, accessPolicies: [] }),
            entryText({ ...entry, accessPolicies: [] }) +
              (!owned ? "\n(adopt: add xirsa ownership tags)" : ""),
          ),
          ops: [{ type: "entry.update", cluster, entry, tags: !owned && input.adopt ? tags : {} }],
          ...(blocked ? { blocked } : {}),
        });
      }
      for (const a of puts) {
        const h = existing.accessPolicies.find((x) => x.policyArn === a.policyArn);
        const c = associationChange(h ? "update" : "create", cluster, entry, a, h);
        out.push(blocked ? { ...c, blocked } : c);
      }
      if (owned || input.adopt) {
        for (const h of extra) {
          out.push({
            action: "delete",
            kind: "AccessPolicyAssociation",
            id: `${entry.principalArn} ${h.policyArn.split("/").pop()}`,
            cluster: want.name,
            step: "access-entries",
            diff: lineDiff(`accessPolicy: ${scopeText(h)}`, ""),
            ops: [
              { type: "assoc.delete", cluster, principalArn: entry.principalArn, policyArn: h.policyArn },
            ],
          });
        }
      }
    }
    // Entries this stack made earlier that the config no longer wants.
    for (const e of liveEntries) {
      if (!ownsTags(e.tags, input.stack)) continue;
      if (want.accessEntries.some((x) => x.principalArn === e.principalArn)) continue;
      out.push({
        action: "delete",
        kind: "AccessEntry",
        id: e.principalArn,
        cluster: want.name,
        step: "prune",
        diff: lineDiff(entryText(e), ""),
        ops: [{ type: "entry.delete", cluster, principalArn: e.principalArn }],
      });
    }
  }
}

function associationChange(
  action: "create" | "update",
  cluster: ClusterRef,
  entry: AccessEntry,
  a: AccessPolicyAssociation,
  have?: AccessPolicyAssociation,
): Change {
  return {
    action,
    kind: "AccessPolicyAssociation",
    id: `${entry.principalArn} ${a.policyArn.split("/").pop()}`,
    cluster: cluster.name,
    step: "access-entries",
    diff: lineDiff(have ? `accessPolicy: ${scopeText(have)}` : "", `accessPolicy: ${scopeText(a)}`),
    ops: [{ type: "assoc.put", cluster, principalArn: entry.principalArn, association: a }],
  };
}

// ---------------------------------------------------------------- Kubernetes objects

export function objectStep(obj: KubeObject): Step {
  switch (obj.kind) {
    case "ServiceAccount":
      return "service-accounts";
    case "AppProject":
      return "appproject";
    case "Secret":
      return "cluster-secrets";
    case "ConfigMap":
      return "available-clusters";
    default:
      return "target-objects";
  }
}

export function objId(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

export function refOf(o: KubeObject) {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

const OWNERSHIP_LABELS = [K8S_MANAGED_BY_LABEL, K8S_STACK_LABEL];

/** The fields xirsa manages on an owned object: everything but metadata, plus labels other than ownership. */
function content(obj: KubeObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === "apiVersion" || k === "kind" || k === "metadata" || k === "status") continue;
    out[k] = v as Json;
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {}))
    if (!OWNERSHIP_LABELS.includes(k)) labels[k] = v;
  if (Object.keys(labels).length) out.labels = labels;
  return out;
}

/** A view of `live` restricted to the keys `want` has, for diffs (server defaults elsewhere are noise). */
function restrict(want: Json | undefined, have: Json | undefined): Json | undefined {
  if (have === undefined) return undefined;
  if (want === null || typeof want !== "object" || Array.isArray(want)) return have;
  if (have === null || typeof have !== "object" || Array.isArray(have)) return have;
  const out: JsonObject = {};
  for (const k of Object.keys(want)) {
    const r = restrict(want[k], have[k]);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * Secrets are shown decoded for xirsa's own values, but a live value that differs is only hinted at: a
 * same-named Secret may hold a bearer token that must never be printed.
 */
function secretView(obj: JsonObject, want: JsonObject | undefined): JsonObject {
  const data = obj.data as Record<string, string> | undefined;
  const wantData = (want?.data ?? {}) as Record<string, string>;
  if (!data) return obj;
  const shown: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    shown[k] =
      want === undefined || wantData[k] === v
        ? Buffer.from(v, "base64").toString("utf8")
        : `(a different value, fnv:${shortHash(v)})`;
  }
  return { ...obj, data: shown };
}

function ownedView(obj: KubeObject, liveSide: boolean, want?: KubeObject): JsonObject {
  const c = liveSide && want ? (restrict(content(want), content(obj)) as JsonObject) : content(obj);
  if (obj.kind !== "Secret") return c;
  // Desired values are xirsa's own; a live value is shown only where it equals the desired one (none when
  // nothing is desired, as for a Secret being pruned).
  return secretView(c, liveSide ? (want ? content(want) : {}) : undefined);
}

function planObjects(input: PlanInput, out: Change[]): void {
  for (const want of input.desired.clusters) {
    const have = findCluster(input.live, want);
    const cluster = ref(want);
    const liveObjects = have?.objects ?? [];
    for (const desiredObj of want.objects) {
      const existing = have
        ? findObject(have, desiredObj.kind, desiredObj.metadata.name, desiredObj.metadata.namespace)
        : undefined;
      const obj = inLiveForm(desiredObj, existing);
      if (obj.kind === "ServiceAccount") planServiceAccount(input, cluster, obj, existing, out);
      else {
        const shared = sharedListOf(obj);
        if (shared) planShared(input, cluster, obj, existing, shared, out);
        else planOwned(input, cluster, obj, existing, out);
      }
    }
    for (const o of liveObjects) {
      if (!OWNED_KINDS.includes(o.kind) || !ownsObject(o, input.stack)) continue;
      if (findObject(want, o.kind, o.metadata.name, o.metadata.namespace)) continue;
      out.push({
        action: "delete",
        kind: o.kind,
        id: objId(o),
        cluster: want.name,
        step: "prune",
        ...objectDiff(ownedView(o, true), undefined),
        ops: [{ type: "kube.delete", cluster, ref: refOf(o) }],
      });
    }
  }
}

/**
 * The desired object in the form the installed one uses: a CapsuleConfiguration is changed in the list its
 * Capsule version reads (users since 0.12, else userGroups), whatever form the config renders offline.
 */
function inLiveForm(obj: KubeObject, existing: KubeObject | undefined): KubeObject {
  if (obj.kind !== "CapsuleConfiguration" || !existing) return obj;
  const form = capsuleUsersFormOf(existing);
  return form ? inCapsuleUsersForm(obj, form) : obj;
}

function planServiceAccount(
  input: PlanInput,
  cluster: ClusterRef,
  want: KubeObject,
  have: KubeObject | undefined,
  out: Change[],
): void {
  const role = want.metadata.annotations?.[ROLE_ARN_ANNOTATION];
  if (!role) return;
  const base = {
    kind: "ServiceAccount",
    id: objId(want),
    cluster: cluster.name,
    step: "service-accounts" as const,
  };
  if (!have) {
    out.push({
      ...base,
      action: "create",
      diff: lineDiff("", `${ROLE_ARN_ANNOTATION}: ${role}`),
      ops: [],
      blocked: {
        reason: `ServiceAccount ${objId(want)} does not exist in cluster ${cluster.name}`,
        fix: "install the workload first (KubeRocketCI / Argo CD create their ServiceAccounts), or fix source.krci/source.argocd in xirsa.yaml",
        adoptable: false,
      },
    });
    return;
  }
  const annotations = have.metadata.annotations ?? {};
  const current = annotations[ROLE_ARN_ANNOTATION];
  // Whose the annotation is (ownership.ts): another stack's record blocks, whatever value it holds.
  const others = stacksClaiming(have, ROLE_ARN_ANNOTATION, input.stack);
  const recorded = addedKeys(have, input.stack).includes(ROLE_ARN_ANNOTATION);
  // Applied before the record existed (xirsa.io/previous-role-arn, the value ours): record it, nothing else.
  const legacy = !recorded && PREVIOUS_ROLE_ARN_ANNOTATION in annotations;
  if (current === role && !others.length && (recorded || !legacy)) return;
  // Remember what was there before xirsa, once: destroy puts it back.
  const previous = annotations[PREVIOUS_ROLE_ARN_ANNOTATION] ?? current ?? "";
  const claimed =
    others.length && !input.adopt
      ? otherStackBlock(`${ROLE_ARN_ANNOTATION} of ServiceAccount ${objId(want)}`, others, input.stack)
      : undefined;
  const managed = claimed ? undefined : gitopsBlock(input, have);
  const blocked = claimed ?? managed;
  const mine = [...new Set([...addedKeys(have, input.stack), ROLE_ARN_ANNOTATION])].sort();
  const diff =
    current === role
      ? `+ ${addedAnnotation(input.stack)}: ${JSON.stringify(mine)}${others.length ? ` (taken over from stack ${stackNames(others)})` : ""}`
      : lineDiff(`${ROLE_ARN_ANNOTATION}: ${current ?? "(none)"}`, `${ROLE_ARN_ANNOTATION}: ${role}`) +
        (others.length ? `\n(set by xirsa stack ${stackNames(others)})` : "");
  out.push({
    ...base,
    ...(blocked ? { blocked } : {}),
    action: "update",
    diff,
    ops: [
      {
        type: "kube.patch",
        cluster,
        ref: refOf(want),
        patch: {
          metadata: {
            annotations: {
              [ROLE_ARN_ANNOTATION]: role,
              [PREVIOUS_ROLE_ARN_ANNOTATION]: previous,
              [addedAnnotation(input.stack)]: JSON.stringify(mine),
              ...releaseClaims(have, others, [ROLE_ARN_ANNOTATION]),
            },
          },
        },
      },
    ],
  });
}

/** What another stack recorded as its own: BLOCKED (adoptable), naming the stack (issue 17 §3). */
function otherStackBlock(what: string, stacks: string[], stack: string): Blocked {
  const names = stackNames(stacks);
  return {
    reason: `${what} was set by xirsa stack ${names}; changing or relying on it here would break that stack or be undone by its destroy`,
    fix: `rerun with --adopt to take it over for stack '${stack}' (stack ${names} then no longer owns it), or manage these targets in one stack (its targets list) instead of two`,
    adoptable: true,
  };
}

function planShared(
  input: PlanInput,
  cluster: ClusterRef,
  want: KubeObject,
  have: KubeObject | undefined,
  shared: SharedList,
  out: Change[],
): void {
  const base = { kind: want.kind, id: objId(want), cluster: cluster.name, step: objectStep(want) };
  const wantItems = shared.items(want);
  if (!have) {
    if (!shared.createIfMissing) {
      out.push({
        ...base,
        action: "create",
        ...objectDiff(undefined, wantItems),
        ops: [],
        blocked: {
          reason: `${want.kind} ${objId(want)} does not exist in cluster ${cluster.name}`,
          fix: shared.missingFix,
          adoptable: false,
        },
      });
      return;
    }
    const object: KubeObject = {
      ...want,
      metadata: {
        ...want.metadata,
        labels: { ...(want.metadata.labels ?? {}), ...ownershipLabels(input.stack) },
        // Its items are this stack's too: a second stack that wants them sees whose they are.
        annotations: {
          ...(want.metadata.annotations ?? {}),
          [addedAnnotation(input.stack)]: JSON.stringify([...new Set(wantItems.map(shared.key))].sort()),
        },
      },
    };
    out.push({
      ...base,
      action: "create",
      ...objectDiff(undefined, content(object)),
      ops: [{ type: "kube.create", cluster, object }],
    });
    return;
  }
  const liveItems = shared.items(have);
  const mine = addedKeys(have, input.stack);
  // Desired items another stack added: theirs (its destroy takes them away). --adopt records them as ours
  // too, so that either destroy keeps them while the other lists them (destroy.ts).
  const others = otherStacksAdded(have, input.stack);
  const liveKeys = new Set(liveItems.map(shared.key));
  const theirs = [...new Set(wantItems.map(shared.key))]
    .filter((k) => liveKeys.has(k) && !mine.includes(k))
    .map((k) => ({ key: k, stacks: [...others].filter(([, keys]) => keys.includes(k)).map(([s]) => s) }))
    .filter((t) => t.stacks.length);
  const shares = input.adopt ? theirs.map((t) => t.key) : [];
  const result = mergeList(shared, liveItems, [...mine, ...shares], wantItems);
  if (!result.changed && !theirs.length) return;
  const owners = [...new Set(theirs.flatMap((t) => t.stacks))].sort();
  const claimed =
    theirs.length && !input.adopt
      ? otherStackBlock(
          `${want.kind} ${objId(want)} item(s) ${theirs.map((t) => `'${t.key}'`).join(", ")}`,
          owners,
          input.stack,
        )
      : undefined;
  const managed = claimed ? undefined : gitopsBlock(input, have);
  const blocked = claimed ?? managed;
  const shareText = theirs.length
    ? `\n(${theirs.map((t) => `'${t.key}'`).join(", ")} added by xirsa stack ${stackNames(owners)}${input.adopt ? `: recorded for stack '${input.stack}' too` : ""})`
    : "";
  out.push({
    ...base,
    ...(blocked ? { blocked } : {}),
    action: "update",
    ...objectDiff(liveItems, result.items),
    diff: jsonDiff(liveItems, result.items) + shareText,
    full: fullJsonDiff(liveItems, result.items) + shareText,
    ops: [
      {
        type: "kube.patch",
        cluster,
        ref: refOf(want),
        patch: {
          ...shared.patch(result.items),
          metadata: {
            annotations: {
              [addedAnnotation(input.stack)]: result.added.length ? JSON.stringify(result.added) : null,
            },
            // Optimistic concurrency: a list changed by someone else since we read it is not overwritten.
            ...(have.metadata.resourceVersion ? { resourceVersion: have.metadata.resourceVersion } : {}),
          },
        },
      },
    ],
  });
}

/** Keys of a live Secret's data (and stringData) that the desired Secret does not have. */
function extraDataKeys(want: KubeObject, have: KubeObject): string[] {
  const wanted = new Set([
    ...Object.keys((want.data as object | undefined) ?? {}),
    ...Object.keys((want.stringData as object | undefined) ?? {}),
  ]);
  return Object.keys((have.data as object | undefined) ?? {})
    .filter((k) => !wanted.has(k))
    .sort();
}

function planOwned(
  input: PlanInput,
  cluster: ClusterRef,
  want: KubeObject,
  have: KubeObject | undefined,
  out: Change[],
): void {
  const base = { kind: want.kind, id: objId(want), cluster: cluster.name, step: objectStep(want) };
  const object: KubeObject = {
    ...want,
    metadata: {
      ...want.metadata,
      labels: { ...(want.metadata.labels ?? {}), ...ownershipLabels(input.stack) },
    },
  };
  if (!have) {
    out.push({
      ...base,
      action: "create",
      ...objectDiff(undefined, ownedView(object, false)),
      ops: [{ type: "kube.create", cluster, object }],
    });
    return;
  }
  const owned = ownsObject(have, input.stack);
  // Keys added by hand to a Secret xirsa owns are drift too (a merge patch would keep them): shown by name only.
  const extra = want.kind === "Secret" && owned ? extraDataKeys(want, have) : [];
  const differs = !containedIn(content(want), content(have)) || extra.length > 0;
  // Another stack's object is BLOCKED even when equal: its destroy would delete what this stack relies on.
  const otherStack = otherOwnerStack(have, input.stack);
  if (!differs && (owned || (!input.adopt && !otherStack))) return;
  const blocked =
    !owned && !input.adopt
      ? otherStack && !differs
        ? otherStackBlock(`${want.kind} ${objId(want)} in ${cluster.name}`, [otherStack], input.stack)
        : unowned(
            `${want.kind} ${objId(want)} in ${cluster.name}`,
            ownerText(have.metadata.labels, K8S_STACK_LABEL),
            input.stack,
          )
      : undefined;
  // roleRef of a binding is immutable: replace the object.
  const replace =
    want.kind === "ClusterRoleBinding" && !jsonEqual(want.roleRef as Json, have.roleRef as Json);
  const patch: JsonObject = { metadata: { labels: object.metadata.labels ?? {} } };
  for (const [k, v] of Object.entries(content(want))) if (k !== "labels") patch[k] = v;
  if (extra.length) {
    const data: JsonObject = { ...((patch.data as JsonObject | undefined) ?? {}) };
    for (const k of extra) data[k] = null; // merge patch: null removes the key
    patch.data = data;
  }
  const notes =
    (extra.length ? `\n(data keys not from xirsa: ${extra.join(", ")}; apply removes them)` : "") +
    (!owned ? "\n(adopt: add xirsa ownership labels)" : "");
  const view = objectDiff(ownedView(have, true, want), ownedView(want, false));
  out.push({
    ...base,
    action: "update",
    ...view,
    diff: view.diff + notes,
    full: view.full + notes,
    ops: replace
      ? [
          { type: "kube.delete", cluster, ref: refOf(want) },
          { type: "kube.create", cluster, object },
        ]
      : [{ type: "kube.patch", cluster, ref: refOf(want), patch }],
    ...(blocked ? { blocked } : {}),
  });
}

// ---------------------------------------------------------------- restarts

function planRestarts(input: PlanInput, out: Change[]): void {
  for (const w of input.workloads) {
    const want = findCluster(input.desired, w.cluster);
    const have = findCluster(input.live, w.cluster);
    if (!want || !have) continue;
    const sa = findObject(want, "ServiceAccount", w.serviceAccount, w.namespace);
    const role = sa?.metadata.annotations?.[ROLE_ARN_ANNOTATION];
    if (!role) continue;
    const saUpdate = out.find(
      (c) =>
        c.kind === "ServiceAccount" &&
        c.id === `${w.namespace}/${w.serviceAccount}` &&
        c.cluster === w.cluster.name,
    );
    if (saUpdate?.blocked) continue;
    // Only a new role needs new pods (recording ownership of an unchanged annotation does not).
    const liveSa = findObject(have, "ServiceAccount", w.serviceAccount, w.namespace);
    const saChange =
      saUpdate && liveSa?.metadata.annotations?.[ROLE_ARN_ANNOTATION] !== role ? saUpdate : undefined;
    const pods = workloadPods(have.objects, w);
    if (!pods.length) {
      // Nothing would pick the role up: say so rather than restart nothing (a nameOverride, another SA name).
      if (saChange && w.kind === "pods") {
        out.push({
          action: "update",
          kind: "Pod",
          id: workloadId(w),
          cluster: w.cluster.name,
          step: "restarts",
          diff: "~ restart: no pod to restart",
          ops: [],
          blocked: {
            reason: `no pod in ${w.namespace} runs as ServiceAccount ${w.serviceAccount}, so nothing would pick up the role`,
            fix: `check source.argocd.serviceAccounts against the pods' spec.serviceAccountName (kubectl get pods -n ${w.namespace} -o custom-columns=NAME:.metadata.name,SA:.spec.serviceAccountName)`,
            adoptable: false,
          },
        });
      }
      continue;
    }
    const stalePods = pods.filter((p) => podRoleArn(p) !== role);
    if (!saChange && !stalePods.length) continue;
    const why = saChange
      ? `the ServiceAccount's role changes: ${pods.length} pod(s) must be recreated`
      : `${stalePods.length} of ${pods.length} pod(s) do not carry AWS_ROLE_ARN=${role} (created before the annotation)`;
    // The controllers that re-create the pods (ownerReferences); a pod without one would just be removed.
    const targets = w.kind === "pods" ? restartTargets(pods, have.objects) : undefined;
    const how = targets?.controllers.length
      ? ` (restart ${targets.controllers.map((c) => `${c.kind} ${c.name}`).join(", ")})`
      : "";
    const stranded = targets?.stranded[0];
    out.push({
      action: "update",
      kind: w.kind === "deployment" ? "Deployment" : "Pod",
      id: workloadId(w),
      cluster: w.cluster.name,
      step: "restarts",
      diff: `~ restart: ${why}${how}`,
      ops: [{ type: "restart", workload: w, roleArn: role }],
      ...(stranded
        ? {
            blocked: {
              reason: `pod ${w.namespace}/${stranded.pod} ${stranded.why}, so restarting would not bring it back with the role`,
              fix: `recreate the pod yourself after the annotation, or run it under a Deployment/StatefulSet/DaemonSet`,
              adoptable: false,
            },
          }
        : {}),
    });
  }
}

export function hasController(pod: KubeObject): boolean {
  const refs = pod.metadata.ownerReferences;
  return (
    Array.isArray(refs) &&
    refs.some((r) => r !== null && typeof r === "object" && !Array.isArray(r) && r.controller === true)
  );
}
