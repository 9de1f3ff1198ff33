/**
 * IAM (query protocol, API version 2010-05-08): roles, inline and managed policies, OIDC providers.
 * Every call is authorized through the project's evaluator first (as IAM does: an unauthorized caller learns
 * nothing about existence), then validated with IAM's messages, then applied.
 */

import { issuerHostPath } from "../../../names/index.js";
import { accessDeniedMessage, checkAccess, evaluable, findPolicy } from "../../authz.js";
import { uniqueId } from "../../ids.js";
import type { AwsState, Caller, OidcProviderRec, PolicyRec, RoleRec, Tag } from "../../model.js";
import { AwsApiError, validationError } from "../../protocol/errors.js";
import {
  list,
  optional,
  optionalBool,
  optionalInt,
  type Params,
  page,
  required,
  tagList,
} from "../../protocol/query.js";
import type { XmlValue } from "../../protocol/xml.js";
import type { ServiceContext } from "../context.js";
import { checkTags, type TagRefusals } from "../tags.js";
import { AWS_MANAGED } from "./managed.js";
import { effectiveTrust, type PolicyKind, policySize, validatePolicyDocument } from "./policyDocument.js";
import {
  actionNames,
  contextEntries,
  inputPolicies,
  principalSimulation,
  resourceArns,
  simulate,
} from "./simulate.js";

export const IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

type Ctx = ServiceContext & { caller: Caller };
type Handler = (ctx: Ctx, p: Params) => Promise<XmlValue>;

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\x21-\x7e]+\/)$/;

// ---- lookups ----------------------------------------------------------------------------------------------

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findRole(s: AwsState, accountId: string, name: string): RoleRec | undefined {
  return s.roles.find((r) => r.accountId === accountId && sameName(r.name, name));
}

/** Unique id of the role or user an ARN names now (for trust policies and access entries). */
/**
 * The unique id of a principal, as IAM resolves an ARN in a policy or EKS in an access entry. With `now`, a role
 * still in its propagation window is not there yet: IAM answers "Invalid principal in policy" and EKS "The
 * specified principalArn is invalid: invalid principal" for a role created a moment ago (the eventual
 * consistency the live client, Terraform and the rendered scripts retry).
 */
export function principalIdOf(s: AwsState, arn: string, now?: Date): string | undefined {
  const role = s.roles.find((r) => r.arn === arn);
  if (role) return now && now.getTime() < Date.parse(role.effectiveAt) ? undefined : role.roleId;
  return s.accounts.find((a) => a.admin.arn === arn)?.admin.userId;
}

const noSuchRole = (name: string) =>
  new AwsApiError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);

function roleOrThrow(ctx: Ctx, name: string): RoleRec {
  const role = ctx.store.read((s) => findRole(s, ctx.caller.accountId, name));
  if (!role) throw noSuchRole(name);
  return role;
}

// ---- authorization ----------------------------------------------------------------------------------------

function authorizeIam(
  ctx: Ctx,
  action: string,
  resource: string,
  resourceAccount = ctx.caller.accountId,
  context?: Record<string, string>,
): void {
  // GetSessionToken credentials without MFA cannot call IAM (API_GetSessionToken.html).
  if (ctx.caller.kind === "user" && ctx.caller.viaSessionToken)
    throw new AwsApiError("AccessDenied", accessDeniedMessage(ctx.caller.arn, action, resource), 403);
  const verdict = ctx.store.read((s) =>
    checkAccess(s, {
      caller: ctx.caller,
      action,
      resource,
      resourceAccount,
      now: ctx.ports.now(),
      ...(context ? { context } : {}),
    }),
  );
  if (!verdict.allowed) {
    throw new AwsApiError(
      "AccessDenied",
      accessDeniedMessage(ctx.caller.arn, action, resource, verdict.because),
      403,
    );
  }
}

function roleArn(ctx: Ctx, name: string): string {
  const role = ctx.store.read((s) => findRole(s, ctx.caller.accountId, name));
  return role?.arn ?? `arn:aws:iam::${ctx.caller.accountId}:role/${name}`;
}

/** The account an IAM ARN belongs to ("aws" managed policies count as the caller's, they are public). */
function arnAccount(ctx: Ctx, arn: string): string {
  const m = /^arn:aws:iam::(\d{12}|aws):/.exec(arn);
  if (!m || m[1] === "aws") return ctx.caller.accountId;
  return m[1]!;
}

// ---- validation -------------------------------------------------------------------------------------------

function name(p: Params, param: string, member: string, max: number): string {
  const v = required(p, param);
  if (v.length < 1 || v.length > max)
    throw validationError(v, member, `Member must have length less than or equal to ${max}`);
  if (!NAME.test(v))
    throw validationError(v, member, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  return v;
}

function path(p: Params): string {
  const v = optional(p, "Path") ?? "/";
  if (v.length > 512 || !PATH.test(v)) {
    throw validationError(
      v,
      "path",
      "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
    );
  }
  return v;
}

function document(
  ctx: Ctx,
  p: Params,
  param: string,
  kind: PolicyKind,
): { text: string; principalIds: Record<string, string> } {
  const text = required(p, param);
  if (text.length < 1 || text.length > 131072)
    throw validationError(
      text.slice(0, 20),
      lowerFirst(param),
      "Member must have length less than or equal to 131072",
    );
  const principalIds = ctx.store.read((s) =>
    validatePolicyDocument(text, kind, (arn) => principalIdOf(s, arn)),
  );
  if (!evaluable(JSON.parse(text), kind === "trust" ? "resource" : "identity")) {
    throw new AwsApiError("MalformedPolicyDocument", "Syntax errors in policy.");
  }
  return { text, principalIds };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

// IAM's refusals of the shared tag rules (`../tags.ts`); IAM's exact text for the aws: prefix is not published.
const IAM_TAG_REFUSALS: TagRefusals = {
  count: () => validationError("[…]", "tags", "Member must have length less than or equal to 50"),
  key: (t) =>
    validationError(
      t.Key,
      "tags.member.key",
      "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
    ),
  value: (t) =>
    validationError(
      t.Value,
      "tags.member.value",
      "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
    ),
  reserved: (t) =>
    new AwsApiError("InvalidInput", `Tag keys starting with 'aws:' are reserved for internal use: ${t.Key}`),
  duplicate: () =>
    new AwsApiError(
      "InvalidInput",
      "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    ),
};

function validTags(tags: Tag[], existing: Tag[] = []): Tag[] {
  checkTags(tags, IAM_TAG_REFUSALS);
  const merged = [...existing];
  for (const t of tags) {
    // An existing key differing only in case is the same key: its value (and spelling) is replaced.
    const i = merged.findIndex((m) => m.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) merged[i] = t;
    else merged.push(t);
  }
  if (merged.length > 50)
    throw new AwsApiError("LimitExceeded", "The number of tags has reached the maximum limit.", 409);
  return merged;
}

// ---- shapes -----------------------------------------------------------------------------------------------

/** IAM returns policy documents URL-encoded (RFC 3986); the aws CLI decodes them for display. */
const encodePolicy = (text: string) => encodeURIComponent(text);

function roleShape(s: AwsState, r: RoleRec, opts: { tags: boolean; lastUsed: boolean }): XmlValue {
  const trust = effectiveTrust(r.trust.document, r.trust.principalIds, (arn) => principalIdOf(s, arn));
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: new Date(r.createDate),
    AssumeRolePolicyDocument: encodePolicy(trust),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    // GetRole and CreateRole carry the boundary; ListRoles leaves it out, as IAM does.
    PermissionsBoundary:
      opts.tags && r.permissionsBoundary
        ? { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: r.permissionsBoundary }
        : undefined,
    Tags: opts.tags && r.tags.length ? r.tags : undefined,
    RoleLastUsed: opts.lastUsed ? {} : undefined,
  };
}

function attachmentCount(s: AwsState, accountId: string, arn: string): number {
  return s.roles.filter((r) => r.accountId === accountId && r.attached.includes(arn)).length;
}

function boundaryUsageCount(s: AwsState, accountId: string, arn: string): number {
  return s.roles.filter((r) => r.accountId === accountId && r.permissionsBoundary === arn).length;
}

function policyShape(s: AwsState, accountId: string, p: PolicyRec, withDescription: boolean): XmlValue {
  return {
    PolicyName: p.name,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: attachmentCount(s, accountId, p.arn),
    PermissionsBoundaryUsageCount: boundaryUsageCount(s, accountId, p.arn),
    IsAttachable: true,
    Description: withDescription ? p.description : undefined,
    CreateDate: new Date(p.createDate),
    UpdateDate: new Date(p.updateDate),
    Tags: withDescription && p.tags.length ? p.tags : undefined,
  };
}

// ---- roles ------------------------------------------------------------------------------------------------

const CreateRole: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  const rolePath = path(p);
  const arn = `arn:aws:iam::${ctx.caller.accountId}:role${rolePath}${roleName}`;
  const boundaryArn = optional(p, "PermissionsBoundary");
  // iam:PermissionsBoundary is the condition key platform teams use to force a boundary on CreateRole.
  authorizeIam(
    ctx,
    "iam:CreateRole",
    arn,
    undefined,
    boundaryArn ? { "iam:PermissionsBoundary": boundaryArn } : undefined,
  );
  const trust = document(ctx, p, "AssumeRolePolicyDocument", "trust");
  if (policySize(trust.text) > 2048)
    throw new AwsApiError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409);
  const description = optional(p, "Description");
  if (description !== undefined && description.length > 1000)
    throw validationError(description, "description", "Member must have length less than or equal to 1000");
  const maxSessionDuration = optionalInt(p, "MaxSessionDuration", 3600, 43200) ?? 3600;
  const tags = validTags(tagList(p));
  const boundary = boundaryParam(ctx, p);
  const now = ctx.ports.now();
  const role = await ctx.store.mutate((s) => {
    if (findRole(s, ctx.caller.accountId, roleName)) {
      throw new AwsApiError("EntityAlreadyExists", `Role with name ${roleName} already exists.`, 409);
    }
    const r: RoleRec = {
      accountId: ctx.caller.accountId,
      name: roleName,
      path: rolePath,
      arn,
      roleId: uniqueId("AROA", ctx.ports.random),
      createDate: now.toISOString(),
      trust: { document: trust.text, principalIds: trust.principalIds },
      description,
      maxSessionDuration,
      tags,
      inline: {},
      attached: [],
      ...(boundary ? { permissionsBoundary: boundary } : {}),
      effectiveAt: new Date(now.getTime() + ctx.knobs.propagationDelayMs).toISOString(),
    };
    s.roles.push(r);
    return r;
  });
  return { Role: ctx.store.read((s) => roleShape(s, role, { tags: true, lastUsed: false })) };
};

const GetRole: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:GetRole", roleArn(ctx, roleName));
  const role = roleOrThrow(ctx, roleName);
  return { Role: ctx.store.read((s) => roleShape(s, role, { tags: true, lastUsed: true })) };
};

const ListRoles: Handler = async (ctx, p) => {
  authorizeIam(ctx, "iam:ListRoles", `arn:aws:iam::${ctx.caller.accountId}:role/`);
  const prefix = optional(p, "PathPrefix") ?? "/";
  const roles = ctx.store.read((s) =>
    s.roles
      .filter((r) => r.accountId === ctx.caller.accountId && r.path.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
  const pg = page(roles, p);
  return {
    Roles: ctx.store.read((s) => pg.items.map((r) => roleShape(s, r, { tags: false, lastUsed: false }))),
    IsTruncated: pg.IsTruncated,
    Marker: pg.Marker,
  };
};

const DeleteRole: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:DeleteRole", roleArn(ctx, roleName));
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    if (Object.keys(role.inline).length)
      throw new AwsApiError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
    if (role.attached.length)
      throw new AwsApiError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
    s.roles = s.roles.filter((r) => r !== role);
  });
  return undefined;
};

const UpdateAssumeRolePolicy: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:UpdateAssumeRolePolicy", roleArn(ctx, roleName));
  roleOrThrow(ctx, roleName);
  const trust = document(ctx, p, "PolicyDocument", "trust");
  if (policySize(trust.text) > 2048)
    throw new AwsApiError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409);
  const now = ctx.ports.now();
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    if (ctx.knobs.propagationDelayMs > 0) {
      role.previousTrust = {
        ...role.trust,
        until: new Date(now.getTime() + ctx.knobs.propagationDelayMs).toISOString(),
      };
    }
    role.trust = { document: trust.text, principalIds: trust.principalIds };
  });
  return undefined;
};

const UpdateRole: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:UpdateRole", roleArn(ctx, roleName));
  const description = optional(p, "Description");
  if (description !== undefined && description.length > 1000)
    throw validationError(description, "description", "Member must have length less than or equal to 1000");
  const max = optionalInt(p, "MaxSessionDuration", 3600, 43200);
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    if (description !== undefined) role.description = description;
    if (max !== undefined) role.maxSessionDuration = max;
  });
  return {};
};

/** A managed policy of this account or AWS, as a permissions boundary (IAM: policies only, no groups). */
function boundaryParam(ctx: Ctx, p: Params): string | undefined {
  const arn = optional(p, "PermissionsBoundary");
  if (arn === undefined) return undefined;
  if (arn.length < 20 || arn.length > 2048)
    throw validationError(arn, "permissionsBoundary", "Member must have length greater than or equal to 20");
  if (!/^arn:aws:iam::(\d{12}|aws):policy\/.+$/.test(arn))
    throw new AwsApiError("InvalidInput", `ARN ${arn} is not valid.`);
  const policy = ctx.store.read((s) => findPolicy(s, arn));
  if (!policy || (policy.accountId !== "aws" && policy.accountId !== ctx.caller.accountId))
    throw new AwsApiError("NoSuchEntity", `Scope ARN: ${arn} does not exist or is not attachable.`, 404);
  return arn;
}

const PutRolePermissionsBoundary: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  const boundaryArn = required(p, "PermissionsBoundary");
  authorizeIam(ctx, "iam:PutRolePermissionsBoundary", roleArn(ctx, roleName), undefined, {
    "iam:PermissionsBoundary": boundaryArn,
  });
  roleOrThrow(ctx, roleName);
  const boundary = boundaryParam(ctx, p)!;
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    role.permissionsBoundary = boundary;
  });
  return undefined;
};

const DeleteRolePermissionsBoundary: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:DeleteRolePermissionsBoundary", roleArn(ctx, roleName));
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    delete role.permissionsBoundary;
  });
  return undefined;
};

const UpdateRoleDescription: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:UpdateRoleDescription", roleArn(ctx, roleName));
  const description = required(p, "Description");
  if (description.length > 1000)
    throw validationError(description, "description", "Member must have length less than or equal to 1000");
  const role = await ctx.store.mutate((s) => {
    const r = findRole(s, ctx.caller.accountId, roleName);
    if (!r) throw noSuchRole(roleName);
    r.description = description;
    return r;
  });
  // botocore iam/2010-05-08 UpdateRoleDescriptionResponse: the role as GetRole shows it.
  return { Role: ctx.store.read((s) => roleShape(s, role, { tags: true, lastUsed: false })) };
};

/**
 * The sandbox has no EC2, so no instance profile can exist: the list is empty for a role that exists. The
 * Terraform provider calls this before DeleteRole (terraform-provider-aws internal/service/iam/role.go,
 * deleteRoleInstanceProfiles), so `terraform destroy` needs it.
 */
const ListInstanceProfilesForRole: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:ListInstanceProfilesForRole", roleArn(ctx, roleName));
  roleOrThrow(ctx, roleName);
  return { InstanceProfiles: [], IsTruncated: false };
};

// ---- inline policies --------------------------------------------------------------------------------------

const PutRolePolicy: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  const policyName = name(p, "PolicyName", "policyName", 128);
  authorizeIam(ctx, "iam:PutRolePolicy", roleArn(ctx, roleName));
  roleOrThrow(ctx, roleName);
  const doc = document(ctx, p, "PolicyDocument", "identity");
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    const others = Object.entries(role.inline).filter(([n]) => n !== policyName);
    const total = others.reduce((n, [, d]) => n + policySize(d), policySize(doc.text));
    if (total > 10240)
      throw new AwsApiError(
        "LimitExceeded",
        `Maximum policy size of 10240 bytes exceeded for role ${role.name}`,
        409,
      );
    role.inline[policyName] = doc.text;
  });
  return undefined;
};

const GetRolePolicy: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  const policyName = name(p, "PolicyName", "policyName", 128);
  authorizeIam(ctx, "iam:GetRolePolicy", roleArn(ctx, roleName));
  const role = roleOrThrow(ctx, roleName);
  const doc = role.inline[policyName];
  if (doc === undefined) {
    throw new AwsApiError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
  }
  return { RoleName: role.name, PolicyName: policyName, PolicyDocument: encodePolicy(doc) };
};

const DeleteRolePolicy: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  const policyName = name(p, "PolicyName", "policyName", 128);
  authorizeIam(ctx, "iam:DeleteRolePolicy", roleArn(ctx, roleName));
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    if (role.inline[policyName] === undefined) {
      throw new AwsApiError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
    }
    delete role.inline[policyName];
  });
  return undefined;
};

const ListRolePolicies: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:ListRolePolicies", roleArn(ctx, roleName));
  const role = roleOrThrow(ctx, roleName);
  const pg = page(Object.keys(role.inline).sort(), p);
  return { PolicyNames: pg.items, IsTruncated: pg.IsTruncated, Marker: pg.Marker };
};

// ---- managed policies -------------------------------------------------------------------------------------

function policyOrThrow(ctx: Ctx, arn: string): PolicyRec {
  const policy = ctx.store.read((s) => findPolicy(s, arn));
  if (!policy || (policy.accountId !== "aws" && policy.accountId !== ctx.caller.accountId)) {
    throw new AwsApiError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
  }
  return policy;
}

function policyArnParam(p: Params): string {
  const arn = required(p, "PolicyArn");
  if (!/^arn:aws:iam::(\d{12}|aws):policy\/.+$/.test(arn)) {
    throw new AwsApiError("InvalidInput", `ARN ${arn} is not valid.`);
  }
  return arn;
}

const CreatePolicy: Handler = async (ctx, p) => {
  const policyName = name(p, "PolicyName", "policyName", 128);
  const policyPath = path(p);
  const arn = `arn:aws:iam::${ctx.caller.accountId}:policy${policyPath}${policyName}`;
  authorizeIam(ctx, "iam:CreatePolicy", arn);
  const doc = document(ctx, p, "PolicyDocument", "identity");
  if (policySize(doc.text) > 6144)
    throw new AwsApiError("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409);
  const description = optional(p, "Description");
  const tags = validTags(tagList(p));
  const now = ctx.ports.now().toISOString();
  const policy = await ctx.store.mutate((s) => {
    if (s.policies.some((x) => x.accountId === ctx.caller.accountId && sameName(x.name, policyName))) {
      throw new AwsApiError(
        "EntityAlreadyExists",
        `A policy called ${policyName} already exists. Duplicate names are not allowed.`,
        409,
      );
    }
    const rec: PolicyRec = {
      accountId: ctx.caller.accountId,
      name: policyName,
      path: policyPath,
      arn,
      policyId: uniqueId("ANPA", ctx.ports.random),
      description,
      createDate: now,
      updateDate: now,
      defaultVersionId: "v1",
      versions: [{ versionId: "v1", document: doc.text, createDate: now }],
      nextVersion: 2,
      tags,
    };
    s.policies.push(rec);
    return rec;
  });
  return { Policy: ctx.store.read((s) => policyShape(s, ctx.caller.accountId, policy, false)) };
};

const GetPolicy: Handler = async (ctx, p) => {
  const arn = policyArnParam(p);
  authorizeIam(ctx, "iam:GetPolicy", arn, arnAccount(ctx, arn));
  const policy = policyOrThrow(ctx, arn);
  return { Policy: ctx.store.read((s) => policyShape(s, ctx.caller.accountId, policy, true)) };
};

const DeletePolicy: Handler = async (ctx, p) => {
  const arn = policyArnParam(p);
  authorizeIam(ctx, "iam:DeletePolicy", arn, arnAccount(ctx, arn));
  const policy = policyOrThrow(ctx, arn);
  if (policy.accountId === "aws")
    throw new AwsApiError("AccessDenied", accessDeniedMessage(ctx.caller.arn, "iam:DeletePolicy", arn), 403);
  await ctx.store.mutate((s) => {
    if (attachmentCount(s, ctx.caller.accountId, arn) || boundaryUsageCount(s, ctx.caller.accountId, arn))
      throw new AwsApiError("DeleteConflict", "Cannot delete a policy attached to entities.", 409);
    if (policy.versions.length > 1) {
      throw new AwsApiError(
        "DeleteConflict",
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        409,
      );
    }
    s.policies = s.policies.filter((x) => x !== policy);
  });
  return undefined;
};

const ListPolicies: Handler = async (ctx, p) => {
  authorizeIam(ctx, "iam:ListPolicies", `arn:aws:iam::${ctx.caller.accountId}:policy/`);
  const scope = optional(p, "Scope") ?? "All";
  if (!["All", "AWS", "Local"].includes(scope))
    throw validationError(scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]");
  const onlyAttached = optionalBool(p, "OnlyAttached") ?? false;
  const prefix = optional(p, "PathPrefix") ?? "/";
  const policies = ctx.store.read((s) =>
    [
      ...(scope === "Local" ? [] : AWS_MANAGED),
      ...(scope === "AWS" ? [] : s.policies.filter((x) => x.accountId === ctx.caller.accountId)),
    ]
      .filter((x) => x.path.startsWith(prefix))
      .filter((x) => !onlyAttached || attachmentCount(s, ctx.caller.accountId, x.arn) > 0)
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
  const pg = page(policies, p);
  return {
    Policies: ctx.store.read((s) => pg.items.map((x) => policyShape(s, ctx.caller.accountId, x, false))),
    IsTruncated: pg.IsTruncated,
    Marker: pg.Marker,
  };
};

function versionId(p: Params): string {
  const v = required(p, "VersionId");
  if (!/^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/.test(v)) {
    throw validationError(
      v,
      "versionId",
      "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
    );
  }
  return v;
}

const GetPolicyVersion: Handler = async (ctx, p) => {
  const arn = policyArnParam(p);
  const vid = versionId(p);
  authorizeIam(ctx, "iam:GetPolicyVersion", arn, arnAccount(ctx, arn));
  const policy = policyOrThrow(ctx, arn);
  const version = policy.versions.find((v) => v.versionId === vid);
  if (!version)
    throw new AwsApiError(
      "NoSuchEntity",
      `Policy ${arn} version ${vid} does not exist or is not attachable.`,
      404,
    );
  return {
    PolicyVersion: {
      Document: encodePolicy(version.document),
      VersionId: version.versionId,
      IsDefaultVersion: version.versionId === policy.defaultVersionId,
      CreateDate: new Date(version.createDate),
    },
  };
};

const CreatePolicyVersion: Handler = async (ctx, p) => {
  const arn = policyArnParam(p);
  authorizeIam(ctx, "iam:CreatePolicyVersion", arn, arnAccount(ctx, arn));
  const policy = policyOrThrow(ctx, arn);
  if (policy.accountId === "aws")
    throw new AwsApiError(
      "AccessDenied",
      accessDeniedMessage(ctx.caller.arn, "iam:CreatePolicyVersion", arn),
      403,
    );
  const doc = document(ctx, p, "PolicyDocument", "identity");
  if (policySize(doc.text) > 6144)
    throw new AwsApiError("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409);
  const setDefault = optionalBool(p, "SetAsDefault") ?? false;
  const now = ctx.ports.now().toISOString();
  const version = await ctx.store.mutate(() => {
    if (policy.versions.length >= 5) {
      throw new AwsApiError(
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
        409,
      );
    }
    const v = { versionId: `v${policy.nextVersion++}`, document: doc.text, createDate: now };
    policy.versions.push(v);
    if (setDefault) policy.defaultVersionId = v.versionId;
    policy.updateDate = now;
    return v;
  });
  return {
    PolicyVersion: {
      VersionId: version.versionId,
      IsDefaultVersion: version.versionId === policy.defaultVersionId,
      CreateDate: new Date(version.createDate),
    },
  };
};

const DeletePolicyVersion: Handler = async (ctx, p) => {
  const arn = policyArnParam(p);
  const vid = versionId(p);
  authorizeIam(ctx, "iam:DeletePolicyVersion", arn, arnAccount(ctx, arn));
  const policy = policyOrThrow(ctx, arn);
  await ctx.store.mutate(() => {
    if (!policy.versions.some((v) => v.versionId === vid)) {
      throw new AwsApiError(
        "NoSuchEntity",
        `Policy ${arn} version ${vid} does not exist or is not attachable.`,
        404,
      );
    }
    if (policy.defaultVersionId === vid)
      throw new AwsApiError("DeleteConflict", "Cannot delete the default version of a policy.", 409);
    policy.versions = policy.versions.filter((v) => v.versionId !== vid);
  });
  return undefined;
};

const ListPolicyVersions: Handler = async (ctx, p) => {
  const arn = policyArnParam(p);
  authorizeIam(ctx, "iam:ListPolicyVersions", arn, arnAccount(ctx, arn));
  const policy = policyOrThrow(ctx, arn);
  const pg = page([...policy.versions].reverse(), p);
  return {
    Versions: pg.items.map((v) => ({
      VersionId: v.versionId,
      IsDefaultVersion: v.versionId === policy.defaultVersionId,
      CreateDate: new Date(v.createDate),
    })),
    IsTruncated: pg.IsTruncated,
    Marker: pg.Marker,
  };
};

const AttachRolePolicy: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  const arn = policyArnParam(p);
  authorizeIam(ctx, "iam:AttachRolePolicy", roleArn(ctx, roleName));
  roleOrThrow(ctx, roleName);
  policyOrThrow(ctx, arn);
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    if (!role.attached.includes(arn)) {
      if (role.attached.length >= 10) {
        throw new AwsApiError("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10", 409);
      }
      role.attached.push(arn);
    }
  });
  return undefined;
};

const DetachRolePolicy: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  const arn = policyArnParam(p);
  authorizeIam(ctx, "iam:DetachRolePolicy", roleArn(ctx, roleName));
  await ctx.store.mutate((s) => {
    const role = findRole(s, ctx.caller.accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    if (!role.attached.includes(arn))
      throw new AwsApiError("NoSuchEntity", `Policy ${arn} was not found.`, 404);
    role.attached = role.attached.filter((a) => a !== arn);
  });
  return undefined;
};

const ListAttachedRolePolicies: Handler = async (ctx, p) => {
  const roleName = name(p, "RoleName", "roleName", 64);
  authorizeIam(ctx, "iam:ListAttachedRolePolicies", roleArn(ctx, roleName));
  const role = roleOrThrow(ctx, roleName);
  const attached = ctx.store.read((s) =>
    role.attached.map((arn) => ({
      PolicyName: findPolicy(s, arn)?.name ?? arn.split("/").pop()!,
      PolicyArn: arn,
    })),
  );
  const pg = page(attached, p);
  return { AttachedPolicies: pg.items, IsTruncated: pg.IsTruncated, Marker: pg.Marker };
};

// ---- OIDC providers ---------------------------------------------------------------------------------------

function providerArnParam(p: Params): string {
  const arn = required(p, "OpenIDConnectProviderArn");
  if (!/^arn:aws:iam::\d{12}:oidc-provider\/.+$/.test(arn))
    throw new AwsApiError("InvalidInput", `ARN ${arn} is not valid.`);
  return arn;
}

function providerOrThrow(ctx: Ctx, arn: string): OidcProviderRec {
  const provider = ctx.store.read((s) =>
    s.oidcProviders.find((x) => x.arn === arn && x.accountId === ctx.caller.accountId),
  );
  if (!provider)
    throw new AwsApiError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`, 404);
  return provider;
}

function clientId(v: string): string {
  if (v.length < 1 || v.length > 255)
    throw validationError(v, "clientID", "Member must have length less than or equal to 255");
  return v;
}

const CreateOpenIDConnectProvider: Handler = async (ctx, p) => {
  const url = required(p, "Url");
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url) || url.length > 255) {
    throw new AwsApiError("ValidationError", "Invalid value for parameter Url. URL must begin with https://");
  }
  const hostPath = issuerHostPath(url);
  const arn = `arn:aws:iam::${ctx.caller.accountId}:oidc-provider/${hostPath}`;
  authorizeIam(ctx, "iam:CreateOpenIDConnectProvider", arn);
  const clientIds = (list(p, "ClientIDList") ?? []).map(clientId);
  const thumbprints = thumbprintList(p);
  if (clientIds.length > 100)
    throw new AwsApiError(
      "LimitExceeded",
      "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100",
      409,
    );
  const tags = validTags(tagList(p));
  const now = ctx.ports.now().toISOString();
  await ctx.store.mutate((s) => {
    if (s.oidcProviders.some((x) => x.arn === arn)) {
      throw new AwsApiError("EntityAlreadyExists", `Provider with url ${url} already exists.`, 409);
    }
    s.oidcProviders.push({
      accountId: ctx.caller.accountId,
      arn,
      url: `https://${hostPath}`,
      clientIds: [...new Set(clientIds)],
      thumbprints,
      tags,
      createDate: now,
    });
  });
  return { OpenIDConnectProviderArn: arn, Tags: tags.length ? tags : undefined };
};

function thumbprintList(p: Params): string[] {
  const thumbprints = list(p, "ThumbprintList") ?? [];
  for (const t of thumbprints) {
    if (!/^[0-9a-fA-F]{40}$/.test(t))
      throw validationError(
        t,
        "thumbprintList.member",
        "Member must have length greater than or equal to 40",
      );
  }
  if (thumbprints.length > 5)
    throw new AwsApiError(
      "LimitExceeded",
      "Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: 5",
      409,
    );
  return thumbprints;
}

/** Replaces the whole list (botocore: ThumbprintList is required; an empty list is allowed since 2023). */
const UpdateOpenIDConnectProviderThumbprint: Handler = async (ctx, p) => {
  const arn = providerArnParam(p);
  authorizeIam(ctx, "iam:UpdateOpenIDConnectProviderThumbprint", arn, arnAccount(ctx, arn));
  if (list(p, "ThumbprintList") === undefined && optional(p, "ThumbprintList") === undefined)
    throw validationError(undefined, "thumbprintList", "Member must not be null");
  const thumbprints = thumbprintList(p);
  const x = providerOrThrow(ctx, arn);
  await ctx.store.mutate(() => {
    x.thumbprints = thumbprints;
  });
  return undefined;
};

const GetOpenIDConnectProvider: Handler = async (ctx, p) => {
  const arn = providerArnParam(p);
  authorizeIam(ctx, "iam:GetOpenIDConnectProvider", arn, arnAccount(ctx, arn));
  const x = providerOrThrow(ctx, arn);
  return {
    Url: issuerHostPath(x.url),
    ClientIDList: x.clientIds,
    ThumbprintList: x.thumbprints,
    CreateDate: new Date(x.createDate),
    Tags: x.tags.length ? x.tags : undefined,
  };
};

const ListOpenIDConnectProviders: Handler = async (ctx) => {
  authorizeIam(ctx, "iam:ListOpenIDConnectProviders", `arn:aws:iam::${ctx.caller.accountId}:oidc-provider/`);
  const arns = ctx.store.read((s) =>
    s.oidcProviders.filter((x) => x.accountId === ctx.caller.accountId).map((x) => x.arn),
  );
  return { OpenIDConnectProviderList: arns.sort().map((Arn) => ({ Arn })) };
};

const DeleteOpenIDConnectProvider: Handler = async (ctx, p) => {
  const arn = providerArnParam(p);
  authorizeIam(ctx, "iam:DeleteOpenIDConnectProvider", arn, arnAccount(ctx, arn));
  providerOrThrow(ctx, arn);
  await ctx.store.mutate((s) => {
    s.oidcProviders = s.oidcProviders.filter((x) => x.arn !== arn);
  });
  return undefined;
};

const AddClientIDToOpenIDConnectProvider: Handler = async (ctx, p) => {
  const arn = providerArnParam(p);
  const id = clientId(required(p, "ClientID"));
  authorizeIam(ctx, "iam:AddClientIDToOpenIDConnectProvider", arn, arnAccount(ctx, arn));
  const x = providerOrThrow(ctx, arn);
  await ctx.store.mutate(() => {
    if (!x.clientIds.includes(id)) {
      if (x.clientIds.length >= 100)
        throw new AwsApiError(
          "LimitExceeded",
          "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100",
          409,
        );
      x.clientIds.push(id);
    }
  });
  return undefined;
};

const RemoveClientIDFromOpenIDConnectProvider: Handler = async (ctx, p) => {
  const arn = providerArnParam(p);
  const id = clientId(required(p, "ClientID"));
  authorizeIam(ctx, "iam:RemoveClientIDFromOpenIDConnectProvider", arn, arnAccount(ctx, arn));
  const x = providerOrThrow(ctx, arn);
  await ctx.store.mutate(() => {
    x.clientIds = x.clientIds.filter((c) => c !== id);
  });
  return undefined;
};

// ---- tags of providers and policies ------------------------------------------------------------------------

function customerPolicy(ctx: Ctx, arn: string, action: string): PolicyRec {
  const policy = policyOrThrow(ctx, arn);
  if (policy.accountId === "aws")
    throw new AwsApiError("AccessDenied", accessDeniedMessage(ctx.caller.arn, action, arn), 403);
  return policy;
}

/**
 * A resource IAM tags through `Tag<Noun>`, `Untag<Noun>` and `List<Noun>Tags`: authorized first, then the
 * request's parameters, then the record looked up.
 */
interface Taggable {
  /** What the request names: the key to find it by, and the ARN and account the action is authorized on. */
  target(ctx: Ctx, p: Params): { key: string; arn: string; account: string };
  /** Its record, or IAM's not-found; `write` names the action when the tags are to change. */
  record(ctx: Ctx, key: string, write?: string): { tags: Tag[] };
}

function tagHandlers(noun: string, t: Taggable): Record<string, Handler> {
  const Tag: Handler = async (ctx, p) => {
    const action = `iam:Tag${noun}`;
    const { key, arn, account } = t.target(ctx, p);
    authorizeIam(ctx, action, arn, account);
    const tags = tagList(p);
    if (!tags.length) throw validationError(undefined, "tags", "Member must not be null");
    const rec = t.record(ctx, key, action);
    await ctx.store.mutate(() => {
      rec.tags = validTags(tags, rec.tags);
    });
    return undefined;
  };
  const Untag: Handler = async (ctx, p) => {
    const action = `iam:Untag${noun}`;
    const { key, arn, account } = t.target(ctx, p);
    authorizeIam(ctx, action, arn, account);
    const keys = list(p, "TagKeys");
    if (!keys) throw validationError(undefined, "tagKeys", "Member must not be null");
    const rec = t.record(ctx, key, action);
    await ctx.store.mutate(() => {
      rec.tags = rec.tags.filter((x) => !keys.includes(x.Key));
    });
    return undefined;
  };
  const List: Handler = async (ctx, p) => {
    const { key, arn, account } = t.target(ctx, p);
    authorizeIam(ctx, `iam:List${noun}Tags`, arn, account);
    const pg = page(t.record(ctx, key).tags, p);
    return { Tags: pg.items, IsTruncated: pg.IsTruncated, Marker: pg.Marker };
  };
  return { [`Tag${noun}`]: Tag, [`Untag${noun}`]: Untag, [`List${noun}Tags`]: List };
}

const byArn = (arn: string, ctx: Ctx) => ({ key: arn, arn, account: arnAccount(ctx, arn) });

const TAG_HANDLERS: Record<string, Handler> = {
  ...tagHandlers("Role", {
    target: (ctx, p) => {
      const roleName = name(p, "RoleName", "roleName", 64);
      return { key: roleName, arn: roleArn(ctx, roleName), account: ctx.caller.accountId };
    },
    record: (ctx, roleName) => roleOrThrow(ctx, roleName),
  }),
  ...tagHandlers("OpenIDConnectProvider", {
    target: (ctx, p) => byArn(providerArnParam(p), ctx),
    record: (ctx, arn) => providerOrThrow(ctx, arn),
  }),
  // A managed policy's tags can be listed but not changed.
  ...tagHandlers("Policy", {
    target: (ctx, p) => byArn(policyArnParam(p), ctx),
    record: (ctx, arn, write) => (write ? customerPolicy(ctx, arn, write) : policyOrThrow(ctx, arn)),
  }),
};

// ---- simulation and account authorization details ---------------------------------------------------------

const SimulatePrincipalPolicy: Handler = async (ctx, p) => {
  const source = required(p, "PolicySourceArn");
  authorizeIam(ctx, "iam:SimulatePrincipalPolicy", source, arnAccount(ctx, source));
  const actions = actionNames(p);
  const base = ctx.store.read((s) => principalSimulation(s, ctx.caller.accountId, source));
  if (!base) throw new AwsApiError("NoSuchEntity", `Entity ${source} does not exist.`, 404);
  const extraBoundaries = inputPolicies(p, "PermissionsBoundaryPolicyInputList", "boundary:input");
  const resourcePolicy = optional(p, "ResourcePolicy");
  const results = simulate(
    {
      ...base,
      identity: [...base.identity, ...inputPolicies(p, "PolicyInputList", "user:input")],
      boundaries: extraBoundaries.length ? extraBoundaries : base.boundaries,
      ...(resourcePolicy
        ? { resourcePolicy: { name: "resource", document: JSON.parse(resourcePolicy) } }
        : {}),
    },
    actions,
    resourceArns(p),
    contextEntries(p),
  );
  return { EvaluationResults: results, IsTruncated: false };
};

const SimulateCustomPolicy: Handler = async (ctx, p) => {
  authorizeIam(ctx, "iam:SimulateCustomPolicy", "*");
  const identity = inputPolicies(p, "PolicyInputList", "user:input");
  if (!identity.length) throw validationError(undefined, "policyInputList", "Member must not be null");
  const actions = actionNames(p);
  const callerArn = optional(p, "CallerArn") ?? ctx.caller.arn;
  const resourcePolicy = optional(p, "ResourcePolicy");
  const results = simulate(
    {
      principal: { kind: "aws", accountId: ctx.caller.accountId, arn: callerArn },
      accountId: ctx.caller.accountId,
      identity,
      boundaries: inputPolicies(p, "PermissionsBoundaryPolicyInputList", "boundary:input"),
      ...(resourcePolicy
        ? { resourcePolicy: { name: "resource", document: JSON.parse(resourcePolicy) } }
        : {}),
    },
    actions,
    resourceArns(p),
    contextEntries(p),
  );
  return { EvaluationResults: results, IsTruncated: false };
};

const AUTH_FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"];

/**
 * The account's users (its admin), roles and managed policies in one answer (botocore
 * GetAccountAuthorizationDetailsResponse). Everything in one page: the sandbox's accounts are small.
 */
const GetAccountAuthorizationDetails: Handler = async (ctx, p) => {
  authorizeIam(ctx, "iam:GetAccountAuthorizationDetails", "*");
  const filter = list(p, "Filter") ?? [];
  for (const f of filter)
    if (!AUTH_FILTERS.includes(f))
      throw validationError(
        f,
        "filter.member",
        `Member must satisfy enum value set: [${AUTH_FILTERS.join(", ")}]`,
      );
  const wants = (f: string) => !filter.length || filter.includes(f);
  const account = ctx.caller.accountId;
  return ctx.store.read((s) => {
    const admin = s.accounts.find((a) => a.id === account)!.admin;
    const policyDetail = (x: PolicyRec) => ({
      ...(policyShape(s, account, x, true) as Record<string, XmlValue>),
      Tags: undefined,
      PolicyVersionList: x.versions.map((v) => ({
        Document: encodePolicy(v.document),
        VersionId: v.versionId,
        IsDefaultVersion: v.versionId === x.defaultVersionId,
        CreateDate: new Date(v.createDate),
      })),
    });
    const attachedOf = (arns: string[]) =>
      arns.map((arn) => ({ PolicyName: findPolicy(s, arn)?.name ?? arn.split("/").pop()!, PolicyArn: arn }));
    return {
      UserDetailList: wants("User")
        ? [
            {
              Path: "/",
              UserName: admin.userName,
              UserId: admin.userId,
              Arn: admin.arn,
              CreateDate: new Date(admin.createDate),
              UserPolicyList: [],
              GroupList: [],
              AttachedManagedPolicies: attachedOf(["arn:aws:iam::aws:policy/AdministratorAccess"]),
              Tags: [],
            },
          ]
        : [],
      GroupDetailList: [],
      RoleDetailList: wants("Role")
        ? s.roles
            .filter((r) => r.accountId === account)
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((r) => {
              const shape = roleShape(s, r, { tags: true, lastUsed: true }) as Record<string, XmlValue>;
              return {
                Path: shape.Path,
                RoleName: shape.RoleName,
                RoleId: shape.RoleId,
                Arn: shape.Arn,
                CreateDate: shape.CreateDate,
                AssumeRolePolicyDocument: shape.AssumeRolePolicyDocument,
                InstanceProfileList: [],
                RolePolicyList: Object.keys(r.inline)
                  .sort()
                  .map((n) => ({ PolicyName: n, PolicyDocument: encodePolicy(r.inline[n]!) })),
                AttachedManagedPolicies: attachedOf(r.attached),
                PermissionsBoundary: shape.PermissionsBoundary,
                Tags: r.tags,
                RoleLastUsed: {},
              };
            })
        : [],
      Policies: [
        ...(wants("AWSManagedPolicy")
          ? AWS_MANAGED.filter(
              (x) => attachmentCount(s, account, x.arn) + boundaryUsageCount(s, account, x.arn) > 0,
            )
          : []),
        ...(wants("LocalManagedPolicy") ? s.policies.filter((x) => x.accountId === account) : []),
      ].map(policyDetail),
      IsTruncated: false,
    };
  });
};

export const IAM_HANDLERS: Record<string, Handler> = {
  ...TAG_HANDLERS,
  SimulatePrincipalPolicy,
  SimulateCustomPolicy,
  GetAccountAuthorizationDetails,
  CreateRole,
  GetRole,
  ListRoles,
  DeleteRole,
  UpdateAssumeRolePolicy,
  UpdateRole,
  UpdateRoleDescription,
  ListInstanceProfilesForRole,
  PutRolePermissionsBoundary,
  DeleteRolePermissionsBoundary,
  PutRolePolicy,
  GetRolePolicy,
  DeleteRolePolicy,
  ListRolePolicies,
  CreatePolicy,
  GetPolicy,
  DeletePolicy,
  ListPolicies,
  GetPolicyVersion,
  CreatePolicyVersion,
  DeletePolicyVersion,
  ListPolicyVersions,
  AttachRolePolicy,
  DetachRolePolicy,
  ListAttachedRolePolicies,
  CreateOpenIDConnectProvider,
  GetOpenIDConnectProvider,
  ListOpenIDConnectProviders,
  DeleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint,
};
