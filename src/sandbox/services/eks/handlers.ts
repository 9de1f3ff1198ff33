/**
 * EKS (rest-json, API version 2017-11-01): clusters (read-only: they come from the sandbox config) and
 * access entries with access policy associations. Entries bind the principal's unique id at creation, as EKS
 * does: deleting and re-creating a role leaves its entry stale.
 */
import { randomUUID } from "node:crypto";
import { eksDefaultUsername } from "../../../names/index.js";
import { accessDeniedMessage, checkAccess } from "../../authz.js";
import type { AccessEntryRec, AccessScopeRec, AssociatedPolicyRec, Caller, ClusterRec } from "../../model.js";
import { AwsApiError } from "../../protocol/errors.js";
import type { ServiceContext } from "../context.js";
import { principalIdOf } from "../iam/handlers.js";
import { ACCESS_POLICIES } from "./accessPolicies.js";

type Ctx = ServiceContext & { caller: Caller };
type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

export interface EksRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface EksRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  op: string;
  handler: (ctx: Ctx, req: EksRequest) => Promise<Json>;
}

const invalidParameter = (message: string, clusterName?: string) =>
  new AwsApiError("InvalidParameterException", message, 400, clusterName ? { clusterName } : {});
const notFound = (message: string, clusterName?: string) =>
  new AwsApiError("ResourceNotFoundException", message, 404, clusterName ? { clusterName } : {});

const epoch = (iso: string) => Date.parse(iso) / 1000;

function clusterArn(ctx: Ctx, name: string): string {
  return `arn:aws:eks:${ctx.region}:${ctx.caller.accountId}:cluster/${name}`;
}

function authorizeEks(ctx: Ctx, action: string, resource: string): void {
  const verdict = ctx.store.read((s) =>
    checkAccess(s, {
      caller: ctx.caller,
      action,
      resource,
      resourceAccount: ctx.caller.accountId,
      now: ctx.ports.now(),
    }),
  );
  if (!verdict.allowed) {
    throw new AwsApiError(
      "AccessDeniedException",
      accessDeniedMessage(ctx.caller.arn, action, resource, verdict.because),
      403,
    );
  }
}

function clusterOrThrow(ctx: Ctx, name: string): ClusterRec {
  const c = ctx.store.read((s) =>
    s.clusters.find(
      (x) => x.accountId === ctx.caller.accountId && x.region === ctx.region && x.name === name,
    ),
  );
  if (!c) throw notFound(`No cluster found for name: ${name}.`, name);
  return c;
}

function entryOrThrow(cluster: ClusterRec, principalArn: string): AccessEntryRec {
  const e = cluster.accessEntries.find((x) => x.principalArn === principalArn);
  if (!e)
    throw notFound(
      `The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`,
      cluster.name,
    );
  return e;
}

function stringList(body: Record<string, unknown>, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw invalidParameter(`${key} must be a list of strings`);
  return v as string[];
}

function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidParameter(`${key} must be a string`);
  return v;
}

function paging<T>(items: T[], query: URLSearchParams): { items: T[]; nextToken?: string } {
  const raw = query.get("maxResults");
  const max = raw === null ? 100 : Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw invalidParameter("maxResults must be between 1 and 100");
  const token = query.get("nextToken");
  const start = token === null ? 0 : Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) throw invalidParameter("The nextToken is invalid");
  const next =
    start + max < items.length ? Buffer.from(String(start + max)).toString("base64url") : undefined;
  return { items: items.slice(start, start + max), nextToken: next };
}

function entryShape(c: ClusterRec, e: AccessEntryRec): Json {
  return {
    clusterName: c.name,
    principalArn: e.principalArn,
    kubernetesGroups: e.kubernetesGroups,
    accessEntryArn: e.accessEntryArn,
    createdAt: epoch(e.createdAt),
    modifiedAt: epoch(e.modifiedAt),
    tags: e.tags,
    username: e.username ?? eksDefaultUsername(e.principalArn, e.type),
    type: e.type,
  };
}

function policyShape(p: AssociatedPolicyRec): Json {
  return {
    policyArn: p.policyArn,
    accessScope:
      p.accessScope.type === "cluster"
        ? { type: "cluster", namespaces: [] }
        : { type: "namespace", namespaces: p.accessScope.namespaces },
    associatedAt: epoch(p.associatedAt),
    modifiedAt: epoch(p.modifiedAt),
  };
}

function checkUsername(username: string | undefined, type: string): void {
  if (username === undefined) return;
  if (type !== "STANDARD")
    throw invalidParameter(`username is not supported for access entries of type ${type}`);
  for (const prefix of ["system:", "eks:", "aws:", "amazon:", "iam:"]) {
    if (username.startsWith(prefix))
      throw invalidParameter(`The username ${username} is invalid, it cannot start with ${prefix}`);
  }
}

function checkGroups(groups: string[], type: string): void {
  if (groups.length && type !== "STANDARD")
    throw invalidParameter(`kubernetesGroups is not supported for access entries of type ${type}`);
  for (const g of groups) {
    if (g.startsWith("system:"))
      throw invalidParameter(`The kubernetes group name ${g} is invalid, it cannot start with system:`);
  }
}

function parseScope(v: unknown): AccessScopeRec {
  if (!v || typeof v !== "object") throw invalidParameter("accessScope is required");
  const { type, namespaces } = v as { type?: unknown; namespaces?: unknown };
  if (type === "cluster") {
    if (Array.isArray(namespaces) && namespaces.length)
      throw invalidParameter("namespaces can only be specified for the namespace access scope type");
    return { type: "cluster" };
  }
  if (type === "namespace") {
    if (!Array.isArray(namespaces) || namespaces.length === 0)
      throw invalidParameter("namespaces must be specified for the namespace access scope type");
    for (const n of namespaces) {
      if (
        typeof n !== "string" ||
        !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?|[a-z0-9][-a-z0-9]*\*)$/.test(n) ||
        n.length > 63
      ) {
        throw invalidParameter(`The namespace ${String(n)} is invalid`);
      }
    }
    return { type: "namespace", namespaces: [...new Set(namespaces as string[])] };
  }
  throw invalidParameter(
    `The access scope type ${String(type)} is invalid. Valid values: cluster, namespace`,
  );
}

// ---- handlers ---------------------------------------------------------------------------------------------

async function ListClusters(ctx: Ctx, req: EksRequest): Promise<Json> {
  authorizeEks(ctx, "eks:ListClusters", `arn:aws:eks:${ctx.region}:${ctx.caller.accountId}:cluster/*`);
  const names = ctx.store.read((s) =>
    s.clusters
      .filter((c) => c.accountId === ctx.caller.accountId && c.region === ctx.region)
      .map((c) => c.name)
      .sort(),
  );
  const pg = paging(names, req.query);
  return { clusters: pg.items, nextToken: pg.nextToken };
}

async function DescribeCluster(ctx: Ctx, req: EksRequest): Promise<Json> {
  const name = req.params.name!;
  authorizeEks(ctx, "eks:DescribeCluster", clusterArn(ctx, name));
  const c = clusterOrThrow(ctx, name);
  const endpoint = ctx.facts.kubeEndpoint(c);
  return {
    cluster: {
      name: c.name,
      arn: c.arn,
      createdAt: epoch(c.createdAt),
      version: c.version,
      endpoint,
      roleArn: `arn:aws:iam::${c.accountId}:role/eksClusterRole`,
      resourcesVpcConfig: {
        subnetIds: [],
        securityGroupIds: [],
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ["127.0.0.1/32"],
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16", ipFamily: "ipv4" },
      logging: {
        clusterLogging: [
          { types: ["api", "audit", "authenticator", "controllerManager", "scheduler"], enabled: false },
        ],
      },
      identity: { oidc: { issuer: c.issuer } },
      status: endpoint ? "ACTIVE" : "CREATING",
      certificateAuthority: { data: Buffer.from(ctx.facts.caPem).toString("base64") },
      platformVersion: "eks.1",
      tags: c.tags ?? {},
      health: { issues: [] },
      accessConfig: { bootstrapClusterCreatorAdminPermissions: true, authenticationMode: "API" },
    },
  };
}

async function CreateAccessEntry(ctx: Ctx, req: EksRequest): Promise<Json> {
  const name = req.params.name!;
  authorizeEks(ctx, "eks:CreateAccessEntry", clusterArn(ctx, name));
  const c = clusterOrThrow(ctx, name);
  const principalArn = optString(req.body, "principalArn");
  if (!principalArn) throw invalidParameter("principalArn is required", name);
  const m = /^arn:aws:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  if (!m)
    throw invalidParameter("The specified principalArn is invalid: ARN must be an IAM role or user", name);
  const principalId = ctx.store.read((s) => principalIdOf(s, principalArn, ctx.ports.now()));
  if (!principalId) throw invalidParameter("The specified principalArn is invalid: invalid principal", name);
  const type = optString(req.body, "type") ?? "STANDARD";
  if (!["STANDARD", "FARGATE_LINUX", "EC2_LINUX", "EC2_WINDOWS"].includes(type)) {
    throw invalidParameter(
      `The type ${type} is invalid. Valid values: STANDARD, FARGATE_LINUX, EC2_LINUX, EC2_WINDOWS`,
      name,
    );
  }
  // EKS API reference, CreateAccessEntry: for node types (EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX) "the only valid
  // ARN is IAM roles"; an EC2 node role is one of the cluster's own account (its nodes run there).
  if (type !== "STANDARD" && m[2] !== "role")
    throw invalidParameter(
      `The specified principalArn is invalid: access entries of type ${type} must use an IAM role`,
      name,
    );
  if ((type === "EC2_LINUX" || type === "EC2_WINDOWS") && m[1] !== c.accountId)
    throw invalidParameter(
      `The specified principalArn is invalid: access entries of type ${type} must use an IAM role of account ${c.accountId}`,
      name,
    );
  const groups = stringList(req.body, "kubernetesGroups") ?? [];
  // "If you set the value to EC2_LINUX or EC2_WINDOWS, you can't specify values for kubernetesGroups".
  checkGroups(groups, type);
  const username = optString(req.body, "username");
  checkUsername(username, type);
  const tags = req.body.tags;
  if (tags !== undefined && (typeof tags !== "object" || tags === null || Array.isArray(tags)))
    throw invalidParameter("tags must be a map", name);
  const now = ctx.ports.now().toISOString();
  const entry = await ctx.store.mutate(() => {
    if (c.accessEntries.some((e) => e.principalArn === principalArn)) {
      throw new AwsApiError(
        "ResourceInUseException",
        "The specified access entry resource is already in use on this cluster.",
        409,
        { clusterName: name },
      );
    }
    const e: AccessEntryRec = {
      principalArn,
      principalId,
      type,
      username,
      kubernetesGroups: [...new Set(groups)],
      tags: (tags as Record<string, string>) ?? {},
      createdAt: now,
      modifiedAt: now,
      accessEntryArn: `arn:aws:eks:${c.region}:${c.accountId}:access-entry/${c.name}/${m[2]}/${m[1]}/${m[3]}/${randomUUID()}`,
      policies: [],
    };
    c.accessEntries.push(e);
    return e;
  });
  return { accessEntry: entryShape(c, entry) };
}

function entryArnFor(ctx: Ctx, name: string, principalArn: string): string {
  const c = ctx.store.read((s) =>
    s.clusters.find(
      (x) => x.accountId === ctx.caller.accountId && x.region === ctx.region && x.name === name,
    ),
  );
  return (
    c?.accessEntries.find((e) => e.principalArn === principalArn)?.accessEntryArn ?? clusterArn(ctx, name)
  );
}

async function DescribeAccessEntry(ctx: Ctx, req: EksRequest): Promise<Json> {
  const { name, principalArn } = req.params as { name: string; principalArn: string };
  authorizeEks(ctx, "eks:DescribeAccessEntry", entryArnFor(ctx, name, principalArn));
  const c = clusterOrThrow(ctx, name);
  return { accessEntry: entryShape(c, entryOrThrow(c, principalArn)) };
}

async function ListAccessEntries(ctx: Ctx, req: EksRequest): Promise<Json> {
  const name = req.params.name!;
  authorizeEks(ctx, "eks:ListAccessEntries", clusterArn(ctx, name));
  const c = clusterOrThrow(ctx, name);
  const filter = req.query.get("associatedPolicyArn");
  const arns = c.accessEntries
    .filter((e) => filter === null || e.policies.some((p) => p.policyArn === filter))
    .map((e) => e.principalArn);
  const pg = paging(arns, req.query);
  return { accessEntries: pg.items, nextToken: pg.nextToken };
}

async function UpdateAccessEntry(ctx: Ctx, req: EksRequest): Promise<Json> {
  const { name, principalArn } = req.params as { name: string; principalArn: string };
  authorizeEks(ctx, "eks:UpdateAccessEntry", entryArnFor(ctx, name, principalArn));
  const c = clusterOrThrow(ctx, name);
  const e = entryOrThrow(c, principalArn);
  const groups = stringList(req.body, "kubernetesGroups");
  const username = optString(req.body, "username");
  if (groups) checkGroups(groups, e.type);
  checkUsername(username, e.type);
  await ctx.store.mutate(() => {
    if (groups) e.kubernetesGroups = [...new Set(groups)];
    if (username !== undefined) e.username = username;
    e.modifiedAt = ctx.ports.now().toISOString();
  });
  return { accessEntry: entryShape(c, e) };
}

async function DeleteAccessEntry(ctx: Ctx, req: EksRequest): Promise<Json> {
  const { name, principalArn } = req.params as { name: string; principalArn: string };
  authorizeEks(ctx, "eks:DeleteAccessEntry", entryArnFor(ctx, name, principalArn));
  const c = clusterOrThrow(ctx, name);
  const e = entryOrThrow(c, principalArn);
  await ctx.store.mutate(() => {
    c.accessEntries = c.accessEntries.filter((x) => x !== e);
  });
  return {};
}

async function AssociateAccessPolicy(ctx: Ctx, req: EksRequest): Promise<Json> {
  const { name, principalArn } = req.params as { name: string; principalArn: string };
  authorizeEks(ctx, "eks:AssociateAccessPolicy", entryArnFor(ctx, name, principalArn));
  const c = clusterOrThrow(ctx, name);
  const e = entryOrThrow(c, principalArn);
  const policyArn = optString(req.body, "policyArn");
  if (!policyArn) throw invalidParameter("policyArn is required", name);
  if (!ACCESS_POLICIES.some((p) => p.arn === policyArn)) {
    throw notFound(
      `The specified policy ${policyArn} could not be found. You can view available policies with 'list-access-policies'.`,
      name,
    );
  }
  if (e.type !== "STANDARD")
    throw new AwsApiError(
      "InvalidRequestException",
      `Access policies can only be associated with access entries of type STANDARD`,
      400,
      { clusterName: name },
    );
  const accessScope = parseScope(req.body.accessScope);
  const now = ctx.ports.now().toISOString();
  const assoc = await ctx.store.mutate(() => {
    const existing = e.policies.find((p) => p.policyArn === policyArn);
    if (existing) {
      existing.accessScope = accessScope;
      existing.modifiedAt = now;
      return existing;
    }
    const rec: AssociatedPolicyRec = { policyArn, accessScope, associatedAt: now, modifiedAt: now };
    e.policies.push(rec);
    return rec;
  });
  return { clusterName: c.name, principalArn, associatedAccessPolicy: policyShape(assoc) };
}

async function DisassociateAccessPolicy(ctx: Ctx, req: EksRequest): Promise<Json> {
  const { name, principalArn, policyArn } = req.params as {
    name: string;
    principalArn: string;
    policyArn: string;
  };
  authorizeEks(ctx, "eks:DisassociateAccessPolicy", entryArnFor(ctx, name, principalArn));
  const c = clusterOrThrow(ctx, name);
  const e = entryOrThrow(c, principalArn);
  await ctx.store.mutate(() => {
    if (!e.policies.some((p) => p.policyArn === policyArn)) {
      throw notFound(`The specified policy ${policyArn} is not associated with the access entry.`, name);
    }
    e.policies = e.policies.filter((p) => p.policyArn !== policyArn);
  });
  return {};
}

async function ListAssociatedAccessPolicies(ctx: Ctx, req: EksRequest): Promise<Json> {
  const { name, principalArn } = req.params as { name: string; principalArn: string };
  authorizeEks(ctx, "eks:ListAssociatedAccessPolicies", entryArnFor(ctx, name, principalArn));
  const c = clusterOrThrow(ctx, name);
  const e = entryOrThrow(c, principalArn);
  const pg = paging(e.policies, req.query);
  return {
    clusterName: c.name,
    principalArn,
    nextToken: pg.nextToken,
    associatedAccessPolicies: pg.items.map(policyShape),
  };
}

async function ListAccessPolicies(ctx: Ctx, req: EksRequest): Promise<Json> {
  authorizeEks(ctx, "eks:ListAccessPolicies", "*");
  const pg = paging([...ACCESS_POLICIES], req.query);
  return { accessPolicies: pg.items.map((p) => ({ name: p.name, arn: p.arn })), nextToken: pg.nextToken };
}

// ---- tags (clusters and access entries) -------------------------------------------------------------------

/** The tag map of a cluster or access entry of the caller's account and region. */
function taggable(ctx: Ctx, arn: string): { tags: Record<string, string> } {
  const found = ctx.store.read((s) => {
    for (const c of s.clusters) {
      if (c.accountId !== ctx.caller.accountId || c.region !== ctx.region) continue;
      if (c.arn === arn) {
        c.tags ??= {};
        return c as { tags: Record<string, string> };
      }
      const e = c.accessEntries.find((x) => x.accessEntryArn === arn);
      if (e) return e;
    }
    return undefined;
  });
  if (!found) throw new AwsApiError("NotFoundException", `Resource ${arn} not found.`, 404);
  return found;
}

function resourceAccountOf(arn: string): string {
  const m = /^arn:aws:eks:[^:]+:(\d{12}):/.exec(arn);
  if (!m) throw new AwsApiError("BadRequestException", `The resource ARN ${arn} is invalid.`, 400);
  return m[1]!;
}

function authorizeEksOn(ctx: Ctx, action: string, arn: string): void {
  const account = resourceAccountOf(arn);
  const verdict = ctx.store.read((s) =>
    checkAccess(s, {
      caller: ctx.caller,
      action,
      resource: arn,
      resourceAccount: account,
      now: ctx.ports.now(),
    }),
  );
  if (!verdict.allowed) {
    throw new AwsApiError(
      "AccessDeniedException",
      accessDeniedMessage(ctx.caller.arn, action, arn, verdict.because),
      403,
    );
  }
}

async function TagResource(ctx: Ctx, req: EksRequest): Promise<Json> {
  const arn = req.params.resourceArn!;
  authorizeEksOn(ctx, "eks:TagResource", arn);
  const tags = req.body.tags;
  if (
    !tags ||
    typeof tags !== "object" ||
    Array.isArray(tags) ||
    Object.values(tags).some((v) => typeof v !== "string")
  ) {
    throw new AwsApiError("BadRequestException", "tags must be a map of strings", 400);
  }
  const target = taggable(ctx, arn);
  await ctx.store.mutate(() => {
    const merged = { ...target.tags, ...(tags as Record<string, string>) };
    if (Object.keys(merged).length > 50)
      throw new AwsApiError("BadRequestException", "A resource can have at most 50 tags", 400);
    target.tags = merged;
  });
  return {};
}

async function UntagResource(ctx: Ctx, req: EksRequest): Promise<Json> {
  const arn = req.params.resourceArn!;
  authorizeEksOn(ctx, "eks:UntagResource", arn);
  const keys = req.query.getAll("tagKeys");
  if (!keys.length) throw new AwsApiError("BadRequestException", "tagKeys is required", 400);
  const target = taggable(ctx, arn);
  await ctx.store.mutate(() => {
    target.tags = Object.fromEntries(Object.entries(target.tags).filter(([k]) => !keys.includes(k)));
  });
  return {};
}

async function ListTagsForResource(ctx: Ctx, req: EksRequest): Promise<Json> {
  const arn = req.params.resourceArn!;
  authorizeEksOn(ctx, "eks:ListTagsForResource", arn);
  return { tags: { ...taggable(ctx, arn).tags } };
}

function route(method: string, template: string, op: string, handler: EksRoute["handler"]): EksRoute {
  const names: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return "([^/]+)";
  });
  return { method, pattern: new RegExp(`^${source}$`), names, op, handler };
}

export const EKS_ROUTES: EksRoute[] = [
  route("GET", "/clusters", "ListClusters", ListClusters),
  route("GET", "/clusters/{name}", "DescribeCluster", DescribeCluster),
  route("POST", "/clusters/{name}/access-entries", "CreateAccessEntry", CreateAccessEntry),
  route("GET", "/clusters/{name}/access-entries", "ListAccessEntries", ListAccessEntries),
  route("GET", "/clusters/{name}/access-entries/{principalArn}", "DescribeAccessEntry", DescribeAccessEntry),
  route("POST", "/clusters/{name}/access-entries/{principalArn}", "UpdateAccessEntry", UpdateAccessEntry),
  route("DELETE", "/clusters/{name}/access-entries/{principalArn}", "DeleteAccessEntry", DeleteAccessEntry),
  route(
    "POST",
    "/clusters/{name}/access-entries/{principalArn}/access-policies",
    "AssociateAccessPolicy",
    AssociateAccessPolicy,
  ),
  route(
    "GET",
    "/clusters/{name}/access-entries/{principalArn}/access-policies",
    "ListAssociatedAccessPolicies",
    ListAssociatedAccessPolicies,
  ),
  route(
    "DELETE",
    "/clusters/{name}/access-entries/{principalArn}/access-policies/{policyArn}",
    "DisassociateAccessPolicy",
    DisassociateAccessPolicy,
  ),
  route("GET", "/access-policies", "ListAccessPolicies", ListAccessPolicies),
  route("POST", "/tags/{resourceArn}", "TagResource", TagResource),
  route("DELETE", "/tags/{resourceArn}", "UntagResource", UntagResource),
  route("GET", "/tags/{resourceArn}", "ListTagsForResource", ListTagsForResource),
];
