/**
 * The request handler of a sandbox cluster's Kubernetes API: routing (RequestInfo as kube-apiserver derives it),
 * authentication, authorization, admission (Capsule, ServiceAccount, pod identity) and the REST verbs over the
 * object store. Transport-agnostic: `handle` takes a parsed request and writes to a response sink.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import { readBody } from "../body.js";
import { authenticate, StsCache } from "./authn.js";
import { type AuthzSnapshot, authorize, type Decision, denialMessage, rulesFor } from "./authz/authorize.js";
import {
  checkBinding,
  checkRoleWrite,
  type EscalationVerdict,
  hasAggregationRule,
  onlyGcFieldsChange,
} from "./authz/escalation.js";
import type { RequestAttributes } from "./authz/rules.js";
import { buildSnapshot, TENANT_LABEL, toRules } from "./authz/snapshot.js";
import { admitNamespace, CAPSULE_WEBHOOK, tenantStatus } from "./capsule.js";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiForPath,
  openApiIndex,
  versionInfo,
} from "./discovery.js";
import {
  asArray,
  asObject,
  asString,
  clone,
  isObject,
  type Json,
  type JsonObject,
  jsonEqual,
  labelsOf,
  meta,
  nameOf,
  namespaceOf,
} from "./json.js";
import { applyPatch, PATCH_TYPES } from "./patch.js";
import { injectPodIdentity } from "./podIdentity.js";
import { decodeProtobuf, PROTOBUF } from "./protobuf.js";
import { apiVersionOf, findResource, RESOURCES, type ResourceDef, resourceByPlural } from "./resources.js";
import { defaultServiceAccount } from "./seed.js";
import { matchObject, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { API_AUDIENCES, mintServiceAccountToken } from "./serviceAccountToken.js";
import {
  admissionDenied,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  internalError,
  invalid,
  KubeStatusError,
  methodNotAllowed,
  notFound,
  pathNotFound,
  unauthorized,
  unsupportedMediaType,
} from "./status.js";
import { isOwnedBy, type ObjectStore, type WatchEvent } from "./store.js";
import { toTable, wantsTable } from "./table.js";
import type { KubeApiOptions, KubeUser } from "./types.js";
import { validateName, validateObject } from "./validate.js";
import {
  deploymentDefaults,
  deploymentStatus,
  planDeployment,
  podDefaults,
  randomSuffix,
  runningPodStatus,
  TEMPLATE_HASH_LABEL,
} from "./workloads.js";

const MAX_BODY = 3 * 1024 * 1024;
const res = (plural: string, group = ""): ResourceDef => resourceByPlural(group, plural)!;
const NAMESPACES = res("namespaces");
const PODS = res("pods");
const SERVICE_ACCOUNTS = res("serviceaccounts");
const DEPLOYMENTS = res("deployments", "apps");
const TENANTS = res("tenants", "capsule.clastix.io");
const CAPSULE_CONFIGS = res("capsuleconfigurations", "capsule.clastix.io");
const ROLES = res("roles", "rbac.authorization.k8s.io");
const CLUSTER_ROLES = res("clusterroles", "rbac.authorization.k8s.io");
const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

interface ResourceRoute {
  r: ResourceDef;
  namespace: string;
  name: string;
  subresource: string;
  verb: string;
}

/** Parses /api/v1/... and /apis/<g>/<v>/... into a resource request (undefined: not a resource path). */
export function parseResourcePath(method: string, path: string, watch: boolean): ResourceRoute | undefined {
  const parts = path.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  const [plural = "", name = "", subresource = "", ...extra] = rest.map(decodeURIComponent);
  if (extra.length) throw pathNotFound();
  const r = findResource(group, version, plural);
  if (!r) throw pathNotFound();
  if (subresource && !(r.subresources ?? []).includes(subresource as "status" | "token"))
    throw pathNotFound();
  if (subresource === "token") {
    if (method !== "POST") throw methodNotAllowed();
    return { r, namespace, name, subresource, verb: "create" };
  }
  if (namespace && !r.namespaced) throw pathNotFound();
  let verb: string;
  switch (method) {
    case "GET":
      verb = name ? "get" : watch ? "watch" : "list";
      break;
    case "POST":
      if (name) throw methodNotAllowed();
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      throw methodNotAllowed();
  }
  if (!name && (verb === "update" || verb === "patch")) throw methodNotAllowed();
  if (!r.verbs.includes(verb) && !(subresource && ["get", "update", "patch"].includes(verb)))
    throw methodNotAllowed();
  return { r, namespace, name, subresource, verb };
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Fields the server owns: whatever the client sent is replaced. */
const SERVER_META = [
  "uid",
  "creationTimestamp",
  "resourceVersion",
  "generation",
  "deletionTimestamp",
  "managedFields",
  "selfLink",
];

function tracksGeneration(r: ResourceDef): boolean {
  return r.custom === true || r.kind === "Deployment";
}

function specPart(o: JsonObject): JsonObject {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

export interface ApiRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export class KubeApi {
  private snapshotCache: { rv: string; snap: AuthzSnapshot } | undefined;
  private ipCounter = 10;
  private readonly stsCache = new StsCache();

  constructor(
    private readonly opts: KubeApiOptions,
    readonly store: ObjectStore,
    private readonly serverUrl: () => string,
    private readonly random: () => number = Math.random,
  ) {}

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req, MAX_BODY);
      if (!body)
        throw new KubeStatusError(
          413,
          "RequestEntityTooLarge",
          `Request entity too large: limit is ${MAX_BODY}`,
        );
      const url = new URL(req.url ?? "/", "https://sandbox.invalid");
      const result = await this.dispatch(
        { method: req.method ?? "GET", url, headers: req.headers, body },
        res,
      );
      if (result) send(res, result.code, result.body, result.contentType);
    } catch (e) {
      const err = e instanceof KubeStatusError ? e : internalError((e as Error).message);
      if (!res.headersSent) send(res, err.code, err.toStatus());
      else res.end();
    }
  }

  /** Returns the response, or undefined when it streamed it itself (watch). */
  async dispatch(
    req: ApiRequest,
    res?: ServerResponse,
  ): Promise<{ code: number; body: Json | string; contentType?: string } | undefined> {
    const authn = await authenticate(asString(req.headers.authorization), {
      opts: this.opts,
      now: () => this.now(),
      serviceAccountExists: (ns, name) => this.store.get(SERVICE_ACCOUNTS, ns, name) !== undefined,
      stsCache: this.stsCache,
    });
    if (authn.kind === "unauthorized") throw unauthorized();
    const user = authn.user;
    const path = req.url.pathname;
    const q = req.url.searchParams;
    const route = parseResourcePath(req.method, path, q.get("watch") === "true" || q.get("watch") === "1");
    if (!route) return this.nonResource(user, req);
    const attrs: RequestAttributes = {
      resourceRequest: true,
      verb: route.verb,
      apiGroup: route.r.group,
      resource: route.r.plural,
      subresource: route.subresource,
      namespace: route.r.kind === "Namespace" ? route.name : route.namespace,
      name: route.name,
    };
    const decision = this.authorize(user, attrs);
    if (!decision.allowed)
      throw forbidden(route.r, qualified(route.r), route.name, denialMessage(user, attrs));
    return this.resource(user, route, req, res);
  }

  authorize(user: KubeUser, attrs: RequestAttributes): Decision {
    return authorize(user, attrs, this.snapshot());
  }

  private snapshot(): AuthzSnapshot {
    const rv = this.store.resourceVersion;
    if (this.snapshotCache?.rv === rv) return this.snapshotCache.snap;
    const list = (plural: string, group: string) => this.store.list(res(plural, group));
    const rbac = "rbac.authorization.k8s.io";
    const snap = buildSnapshot({
      clusterRoles: list("clusterroles", rbac),
      roles: list("roles", rbac),
      clusterRoleBindings: list("clusterrolebindings", rbac),
      roleBindings: list("rolebindings", rbac),
      namespaces: list("namespaces", ""),
      tenants: this.store.list(TENANTS),
      capsuleConfigurations: this.store.list(CAPSULE_CONFIGS),
    });
    this.snapshotCache = { rv, snap };
    return snap;
  }

  private nonResource(
    user: KubeUser,
    req: ApiRequest,
  ): { code: number; body: Json | string; contentType?: string } {
    const path = req.url.pathname.replace(/\/+$/, "") || "/";
    const attrs: RequestAttributes = { resourceRequest: false, verb: req.method.toLowerCase(), path };
    if (!this.authorize(user, attrs).allowed)
      throw new KubeStatusError(403, "Forbidden", `forbidden: ${denialMessage(user, attrs)}`, {});
    if (req.method !== "GET") throw methodNotAllowed();
    const agg = aggregatedDiscoveryVersion(asString(req.headers.accept));
    const parts = path.split("/").filter((p) => p !== "");
    if (path === "/version") return { code: 200, body: versionInfo() };
    if (["/healthz", "/livez", "/readyz"].includes(path))
      return { code: 200, body: "ok", contentType: "text/plain" };
    if (path === "/api") {
      if (agg)
        return { code: 200, body: aggregatedDiscovery(true, agg), contentType: aggregatedContentType(agg) };
      return { code: 200, body: apiVersions(new URL(this.serverUrl()).host) };
    }
    if (path === "/apis") {
      if (agg)
        return { code: 200, body: aggregatedDiscovery(false, agg), contentType: aggregatedContentType(agg) };
      return { code: 200, body: apiGroupList() };
    }
    if (parts[0] === "api" && parts.length === 2) {
      const l = apiResourceList("", parts[1]!);
      if (l) return { code: 200, body: l };
    }
    if (parts[0] === "apis" && parts.length === 2) {
      const g = apiGroup(parts[1]!);
      if (g) return { code: 200, body: g };
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const l = apiResourceList(parts[1]!, parts[2]!);
      if (l) return { code: 200, body: l };
    }
    if (path === "/openapi/v3") return { code: 200, body: openApiIndex() };
    if (path.startsWith("/openapi/v3/")) {
      const doc = openApiForPath(path.slice("/openapi/v3/".length));
      if (doc) return { code: 200, body: doc };
    }
    throw pathNotFound();
  }

  private async resource(
    user: KubeUser,
    route: ResourceRoute,
    req: ApiRequest,
    httpRes?: ServerResponse,
  ): Promise<{ code: number; body: Json } | undefined> {
    const { r, namespace, name, subresource } = route;
    const q = req.url.searchParams;
    const dryRun = q.getAll("dryRun").includes("All");
    const table = wantsTable(asString(req.headers.accept)) && !subresource;
    switch (route.verb) {
      case "get": {
        const o = this.store.get(r, namespace, name);
        if (!o) throw notFound(r, name);
        if (table) return { code: 200, body: toTable(r, [o], this.store.resourceVersion, this.now()) };
        return { code: 200, body: clone(o) };
      }
      case "list": {
        const list = this.list(r, namespace, q);
        if (table)
          return {
            code: 200,
            body: toTable(r, asArray(list.items).filter(isObject), this.store.resourceVersion, this.now()),
          };
        return { code: 200, body: list };
      }
      case "watch":
        if (!httpRes) throw badRequest("watch needs a streaming response");
        this.watch(r, namespace, q, httpRes);
        return undefined;
      case "create": {
        const body = this.decodeBody(req);
        if (subresource === "token")
          return { code: 201, body: await this.tokenRequest(r, namespace, name, body) };
        if (r.kind === "SelfSubjectAccessReview") return { code: 201, body: this.accessReview(user, body) };
        if (r.kind === "SelfSubjectRulesReview") return { code: 201, body: this.rulesReview(user, body) };
        if (r.kind === "SelfSubjectReview") return { code: 201, body: selfSubjectReview(user) };
        const o = await this.create(user, r, namespace, body, dryRun);
        return { code: 201, body: clone(o) };
      }
      case "update": {
        const body = this.decodeBody(req);
        const o = await this.update(user, r, namespace, name, subresource, body, dryRun);
        return { code: 200, body: clone(o) };
      }
      case "patch": {
        const o = await this.patch(user, r, namespace, name, subresource, req, dryRun);
        return { code: 200, body: clone(o) };
      }
      case "delete":
        return { code: 200, body: await this.delete(r, namespace, name, req, dryRun) };
      case "deletecollection":
        return { code: 200, body: await this.deleteCollection(r, namespace, q, dryRun) };
    }
    throw methodNotAllowed();
  }

  private decodeBody(req: ApiRequest): JsonObject {
    const type = mediaType(asString(req.headers["content-type"]));
    if (type === PROTOBUF) return decodeProtobuf(req.body);
    const text = req.body.toString("utf8");
    let parsed: unknown;
    try {
      if (type === "application/yaml") parsed = parseYaml(text);
      else if (type === "application/json" || type === "") parsed = JSON.parse(text);
      else throw unsupportedMediaType(type, ["application/json", "application/yaml", PROTOBUF]);
    } catch (e) {
      if (e instanceof KubeStatusError) throw e;
      throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
    if (!isObject(parsed)) throw badRequest("the body of the request is not an object");
    return parsed;
  }

  private list(r: ResourceDef, namespace: string, q: URLSearchParams): JsonObject {
    const labels = parseLabelSelector(q.get("labelSelector"));
    const fields = parseFieldSelector(q.get("fieldSelector"), r.kind);
    const items = this.store
      .list(r, namespace)
      .filter((o) => matchObject(labels, fields, o))
      .map((o) => clone(o));
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: this.store.resourceVersion },
      items,
    };
  }

  private watch(r: ResourceDef, namespace: string, q: URLSearchParams, httpRes: ServerResponse): void {
    const labels = parseLabelSelector(q.get("labelSelector"));
    const fields = parseFieldSelector(q.get("fieldSelector"), r.kind);
    const since = Number(q.get("resourceVersion") ?? "0") || 0;
    const timeout = Math.min(Number(q.get("timeoutSeconds") ?? "1800") || 1800, 3600);
    httpRes.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
    // Clients wait for the headers before they read events (and cannot stop a watch before that).
    httpRes.flushHeaders();
    const matches = (o: JsonObject) =>
      (!r.namespaced || namespace === "" || namespaceOf(o) === namespace) && matchObject(labels, fields, o);
    const write = (type: string, o: JsonObject) => httpRes.write(`${JSON.stringify({ type, object: o })}\n`);
    if (since === 0) for (const o of this.store.list(r, namespace)) if (matches(o)) write("ADDED", o);
    const onChange = (ev: WatchEvent) => {
      if (ev.resource !== r || !matches(ev.object)) return;
      if (Number(asObject(ev.object.metadata).resourceVersion) <= since) return;
      write(ev.type, ev.object);
    };
    this.store.events.on("change", onChange);
    const stop = () => {
      clearTimeout(timer);
      this.store.events.off("change", onChange);
      if (!httpRes.writableEnded) httpRes.end();
    };
    const timer = setTimeout(stop, timeout * 1000);
    timer.unref();
    httpRes.on("close", stop);
  }

  private accessReview(user: KubeUser, body: JsonObject): JsonObject {
    const spec = asObject(body.spec);
    let attrs: RequestAttributes;
    if (isObject(spec.nonResourceAttributes)) {
      const n = spec.nonResourceAttributes;
      attrs = { resourceRequest: false, verb: asString(n.verb) ?? "", path: asString(n.path) ?? "" };
    } else {
      const a = asObject(spec.resourceAttributes);
      const group = asString(a.group) ?? "";
      const resource = asString(a.resource) ?? "";
      const name = asString(a.name) ?? "";
      let namespace = asString(a.namespace) ?? "";
      // Answer for the request kube-apiserver would see: cluster-scoped resources have no namespace, and a
      // namespace's own namespace is its name.
      const def = RESOURCES.find((x) => x.group === group && x.plural === resource);
      if (def && !def.namespaced) namespace = def.kind === "Namespace" ? name : "";
      attrs = {
        resourceRequest: true,
        verb: asString(a.verb) ?? "",
        apiGroup: group,
        resource,
        subresource: asString(a.subresource) ?? "",
        namespace,
        name,
      };
    }
    const d = this.authorize(user, attrs);
    return {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec,
      status: d.allowed ? { allowed: true, reason: d.reason } : { allowed: false },
    };
  }

  /** TokenRequest (`kubectl create token`): a projected-style token for an existing ServiceAccount. */
  private async tokenRequest(
    r: ResourceDef,
    namespace: string,
    name: string,
    body: JsonObject,
  ): Promise<JsonObject> {
    const sa = this.store.get(r, namespace, name);
    if (!sa) throw notFound(r, name);
    const spec = asObject(body.spec);
    const audiences = asArray(spec.audiences).filter((a): a is string => typeof a === "string");
    const audience = audiences[0] ?? API_AUDIENCES[0]!;
    const requested = typeof spec.expirationSeconds === "number" ? spec.expirationSeconds : 3600;
    if (requested < 600)
      throw invalid({ ...r, kind: "TokenRequest", group: "authentication.k8s.io" }, name, [
        {
          field: "spec.expirationSeconds",
          reason: "FieldValueInvalid",
          message: `Invalid value: ${requested}: may not specify a duration less than 10 minutes`,
        },
      ]);
    const ttl = Math.min(requested, 48 * 3600);
    const now = this.now();
    const token = await mintServiceAccountToken({
      cluster: this.opts.cluster,
      key: this.opts.saSigningKey,
      namespace,
      serviceAccount: name,
      audience,
      ttlSeconds: ttl,
      now,
      serviceAccountUid: asString(asObject(sa.metadata).uid) ?? "",
    });
    return {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name, namespace, creationTimestamp: null },
      spec: { audiences: [audience], expirationSeconds: ttl, boundObjectRef: null },
      status: { token, expirationTimestamp: timestamp(new Date(now.getTime() + ttl * 1000)) },
    };
  }

  private rulesReview(user: KubeUser, body: JsonObject): JsonObject {
    const spec = asObject(body.spec);
    const rules = rulesFor(user, asString(spec.namespace) ?? "", this.snapshot());
    return {
      kind: "SelfSubjectRulesReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec,
      status: {
        resourceRules: rules
          .filter((x) => x.nonResourceURLs === undefined)
          .map((x) => ({
            verbs: x.verbs,
            apiGroups: x.apiGroups ?? [],
            resources: x.resources ?? [],
            ...(x.resourceNames?.length ? { resourceNames: x.resourceNames } : {}),
          })),
        nonResourceRules: rules
          .filter((x) => x.nonResourceURLs !== undefined)
          .map((x) => ({ verbs: x.verbs, nonResourceURLs: x.nonResourceURLs ?? [] })),
        incomplete: false,
      },
    };
  }

  private normaliseIncoming(r: ResourceDef, o: JsonObject, namespace: string): JsonObject {
    const apiVersion = asString(o.apiVersion);
    if (apiVersion && apiVersion !== apiVersionOf(r))
      throw badRequest(
        `the API version in the data (${apiVersion}) does not match the expected API version (${apiVersionOf(r)})`,
      );
    const kind = asString(o.kind);
    if (kind && kind !== r.kind)
      throw badRequest(`the kind in the data (${kind}) does not match the expected kind (${r.kind})`);
    const m = meta(o);
    if (r.namespaced) {
      const bodyNs = asString(m.namespace);
      if (bodyNs && bodyNs !== namespace)
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      m.namespace = namespace;
    } else delete m.namespace;
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    return o;
  }

  private checkValid(r: ResourceDef, o: JsonObject): void {
    if (r.kind === "Secret") checkSecretData(o);
    const causes = [...validateName(r, nameOf(o)), ...validateObject(r, o)];
    if (causes.length) throw invalid(r, nameOf(o), causes);
  }

  async create(
    user: KubeUser,
    r: ResourceDef,
    namespace: string,
    body: JsonObject,
    dryRun: boolean,
  ): Promise<JsonObject> {
    let o = this.normaliseIncoming(r, body, namespace);
    const m = meta(o);
    if (!asString(m.name) && asString(m.generateName))
      m.name = `${asString(m.generateName)}${randomSuffix(this.random)}`;
    this.checkValid(r, o);
    const name = nameOf(o);
    if (r.namespaced && !this.store.get(NAMESPACES, "", namespace)) throw notFound(NAMESPACES, namespace);
    // kube-apiserver's RBAC storages check escalation before the write (so dry runs are checked too).
    this.checkEscalation(user, r, o, undefined, "");
    if (this.store.get(r, namespace, name)) throw alreadyExists(r, name);
    for (const k of SERVER_META) delete m[k];
    m.uid = randomUUID();
    m.creationTimestamp = timestamp(this.now());
    if (tracksGeneration(r)) m.generation = 1;
    if ((r.subresources ?? []).includes("status") && r.custom) delete o.status;
    o = this.admit(user, r, o);
    if (dryRun) return o;
    this.store.put(r, o);
    this.afterWrite(r, o, undefined);
    await this.store.flush();
    // Controllers may have written it again (deployment status): answer with what is stored now.
    return this.store.get(r, namespaceOf(o), nameOf(o)) ?? o;
  }

  /**
   * RBAC escalation prevention for writes of bindings and roles (authz/escalation.ts): 403 with kube-apiserver's
   * message, or 404 when a binding refers to a role that does not exist and `bind` is not granted.
   */
  private checkEscalation(
    user: KubeUser,
    r: ResourceDef,
    o: JsonObject,
    before: JsonObject | undefined,
    requestName: string,
  ): void {
    if (r.group !== "rbac.authorization.k8s.io") return;
    if (before && onlyGcFieldsChange(o, before)) return;
    const ns = namespaceOf(o);
    let verdict: EscalationVerdict;
    switch (r.kind) {
      case "RoleBinding":
      case "ClusterRoleBinding": {
        const ref = asObject(o.roleRef);
        verdict = checkBinding(
          user,
          r.kind === "RoleBinding" ? ns : "",
          {
            apiGroup: asString(ref.apiGroup) ?? "",
            kind: asString(ref.kind) ?? "",
            name: asString(ref.name) ?? "",
          },
          this.snapshot(),
        );
        break;
      }
      case "Role":
      case "ClusterRole":
        verdict = checkRoleWrite(
          user,
          {
            kind: r.kind,
            namespace: r.kind === "Role" ? ns : "",
            requestName,
            rules: toRules(o.rules),
            aggregation: r.kind === "ClusterRole" && (hasAggregationRule(o) || hasAggregationRule(before)),
          },
          this.snapshot(),
        );
        break;
      default:
        return;
    }
    if (verdict.allowed) return;
    if (verdict.reason === "role-not-found")
      throw notFound(verdict.roleKind === "ClusterRole" ? CLUSTER_ROLES : ROLES, verdict.name);
    throw forbidden(r, qualified(r), nameOf(o), verdict.message);
  }

  /** Defaulting and admission on create. */
  private admit(user: KubeUser, r: ResourceDef, o: JsonObject): JsonObject {
    const m = meta(o);
    switch (r.kind) {
      case "Namespace": {
        const verdict = admitNamespace(
          user,
          o,
          this.store.get(CAPSULE_CONFIGS, "", "default"),
          this.store.list(TENANTS),
          this.store.list(NAMESPACES),
        );
        if (verdict.kind === "denied") throw admissionDenied(r, nameOf(o), CAPSULE_WEBHOOK, verdict.message);
        const out = verdict.kind === "assigned" ? verdict.namespace : o;
        const om = meta(out);
        om.labels = { ...labelsOf(out), "kubernetes.io/metadata.name": nameOf(out) };
        out.spec = { finalizers: ["kubernetes"], ...asObject(out.spec) };
        out.status = { phase: "Active" };
        return out;
      }
      case "Pod":
        return this.admitPod(o);
      case "Deployment":
        m.annotations = { ...asObject(m.annotations) } as JsonObject;
        return deploymentDefaults(o);
      case "Secret": {
        o.type ??= "Opaque";
        return foldStringData(o);
      }
      case "Tenant":
        o.status = tenantStatus(nameOf(o), this.store.list(NAMESPACES));
        return o;
      case "Service": {
        // The service IP allocator and port defaulting; no proxying happens in the sandbox.
        const spec = asObject(o.spec);
        o.spec = spec;
        spec.type ??= "ClusterIP";
        if (spec.type !== "ExternalName" && spec.clusterIP === undefined) {
          const n = this.ipCounter++;
          spec.clusterIP = `172.20.${(n >> 8) & 255}.${n & 255}`;
          spec.clusterIPs = [spec.clusterIP];
        }
        spec.ports = asArray(spec.ports).map((p) => {
          const port = asObject(p);
          return { protocol: "TCP", targetPort: port.port ?? null, ...port };
        });
        o.status = { loadBalancer: {} };
        return o;
      }
    }
    return o;
  }

  /** ServiceAccount admission (the SA must exist), pod identity webhook, defaults; the pod runs at once. */
  private admitPod(pod: JsonObject): JsonObject {
    let p = podDefaults(pod);
    const ns = namespaceOf(p);
    const sa = asString(asObject(p.spec).serviceAccountName) ?? "default";
    const account = this.store.get(SERVICE_ACCOUNTS, ns, sa);
    if (!account)
      throw new KubeStatusError(
        403,
        "Forbidden",
        `pods "${nameOf(p)}" is forbidden: error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`,
        { name: nameOf(p), kind: "pods" },
      );
    p = injectPodIdentity(p, account, this.opts.cluster.region);
    const n = this.ipCounter++;
    p.status = runningPodStatus(p, timestamp(this.now()), `10.0.${(n >> 8) & 255}.${n & 255}`);
    return p;
  }

  async update(
    user: KubeUser,
    r: ResourceDef,
    namespace: string,
    name: string,
    subresource: string,
    body: JsonObject,
    dryRun: boolean,
  ): Promise<JsonObject> {
    const cur = this.store.get(r, namespace, name);
    const o = this.normaliseIncoming(r, body, namespace);
    const bodyName = nameOf(o);
    if (bodyName && bodyName !== name)
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    if (!cur) throw notFound(r, name);
    meta(o).name = name;
    const rv = asString(meta(o).resourceVersion);
    if (rv && rv !== asString(asObject(cur.metadata).resourceVersion)) throw conflict(r, name);
    return this.replace(user, r, cur, o, subresource, dryRun);
  }

  private async patch(
    user: KubeUser,
    r: ResourceDef,
    namespace: string,
    name: string,
    subresource: string,
    req: ApiRequest,
    dryRun: boolean,
  ): Promise<JsonObject> {
    const type = mediaType(asString(req.headers["content-type"]));
    if (!Object.values(PATCH_TYPES).includes(type as (typeof PATCH_TYPES)[keyof typeof PATCH_TYPES]))
      throw unsupportedMediaType(type, Object.values(PATCH_TYPES));
    if (type === PATCH_TYPES.apply)
      throw unsupportedMediaType(type, [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic]);
    let patchBody: Json;
    try {
      patchBody = JSON.parse(req.body.toString("utf8")) as Json;
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const cur = this.store.get(r, namespace, name);
    if (!cur) throw notFound(r, name);
    const next = applyPatch(clone(cur), type, patchBody, r.custom === true);
    const rv = asString(asObject(next.metadata).resourceVersion);
    if (rv && rv !== asString(asObject(cur.metadata).resourceVersion)) throw conflict(r, name);
    return this.replace(user, r, cur, next, subresource, dryRun);
  }

  /** Shared tail of update and patch: server-owned fields kept, generation, validation, controllers. */
  private async replace(
    user: KubeUser,
    r: ResourceDef,
    cur: JsonObject,
    incoming: JsonObject,
    subresource: string,
    dryRun: boolean,
  ): Promise<JsonObject> {
    let next: JsonObject;
    if (subresource === "status") {
      next = clone(cur);
      if (incoming.status !== undefined) next.status = incoming.status;
      else delete next.status;
    } else {
      next = incoming;
      next.apiVersion = apiVersionOf(r);
      next.kind = r.kind;
      // The main resource does not change status where a status subresource exists.
      if ((r.subresources ?? []).includes("status")) {
        if (cur.status === undefined) delete next.status;
        else next.status = clone(cur.status);
      }
    }
    const m = meta(next);
    const cm = asObject(cur.metadata);
    for (const k of ["name", "namespace", "uid", "creationTimestamp", "generation"]) {
      if (cm[k] === undefined) delete m[k];
      else m[k] = clone(cm[k]!);
    }
    delete m.managedFields;
    if (r.kind === "Secret") next = foldStringData(next);
    if (r.kind === "Deployment") next = deploymentDefaults(next);
    if (r.kind === "Namespace")
      meta(next).labels = { ...labelsOf(next), "kubernetes.io/metadata.name": nameOf(next) };
    this.checkValid(r, next);
    this.checkEscalation(user, r, next, cur, nameOf(cur));
    if (tracksGeneration(r) && !jsonEqual(specPart(cur), specPart(next)))
      meta(next).generation = (typeof cm.generation === "number" ? cm.generation : 1) + 1;
    const sameAsBefore = jsonEqual(
      { ...next, metadata: { ...m, resourceVersion: null } },
      {
        ...cur,
        metadata: { ...cm, resourceVersion: null },
      },
    );
    if (sameAsBefore || dryRun) return sameAsBefore ? cur : next;
    this.store.put(r, next);
    this.afterWrite(r, next, cur);
    await this.store.flush();
    return this.store.get(r, namespaceOf(next), nameOf(next)) ?? next;
  }

  /** Controllers that react to a write: namespaces get a default ServiceAccount, deployments their pods. */
  private afterWrite(r: ResourceDef, o: JsonObject, before: JsonObject | undefined): void {
    if (r.kind === "Namespace" && !before) {
      const ns = nameOf(o);
      if (!this.store.get(SERVICE_ACCOUNTS, ns, "default"))
        this.store.put(SERVICE_ACCOUNTS, defaultServiceAccount(ns, randomUUID(), timestamp(this.now())));
      this.refreshTenant(labelsOf(o)[TENANT_LABEL]);
    }
    if (r.kind === "Deployment") this.reconcileDeployment(o);
  }

  private refreshTenant(tenant: string | undefined): void {
    if (!tenant) return;
    const t = this.store.get(TENANTS, "", tenant);
    if (!t) return;
    const status = tenantStatus(tenant, this.store.list(NAMESPACES));
    if (jsonEqual(t.status, status)) return;
    this.store.put(TENANTS, { ...t, status });
  }

  private reconcileDeployment(dep: JsonObject): void {
    const ns = namespaceOf(dep);
    const uid = asString(asObject(dep.metadata).uid) ?? "";
    const owned = () => this.store.list(PODS, ns).filter((p) => isOwnedBy(p, uid));
    const before = owned();
    const plan = planDeployment(dep, before, this.random);
    for (const name of plan.remove) this.store.delete(PODS, ns, name);
    let created = 0;
    for (const p of plan.create) {
      try {
        const pod = this.admitPod(p);
        const pm = meta(pod);
        pm.uid = randomUUID();
        pm.creationTimestamp = timestamp(this.now());
        this.store.put(PODS, pod);
        created++;
      } catch {
        // As a ReplicaSet whose pods are refused (missing ServiceAccount): no pod, the status shows it.
      }
    }
    const after = owned();
    const next = clone(dep);
    const ann = { ...asObject(meta(next).annotations) } as Record<string, Json>;
    const newHash = labelsOf(after[0] ?? {})[TEMPLATE_HASH_LABEL];
    const oldHashes = new Set(before.map((p) => labelsOf(p)[TEMPLATE_HASH_LABEL]));
    const revision = Number(ann[REVISION_ANNOTATION] ?? "0") || 0;
    if (
      revision === 0 ||
      (created > 0 && newHash !== undefined && !oldHashes.has(newHash) && before.length > 0)
    )
      ann[REVISION_ANNOTATION] = String(revision + 1);
    meta(next).annotations = ann;
    next.status = deploymentStatus(next, after, timestamp(this.now()), asObject(dep.status));
    if (!jsonEqual(next, dep)) this.store.put(DEPLOYMENTS, next);
  }

  private async delete(
    r: ResourceDef,
    namespace: string,
    name: string,
    req: ApiRequest,
    dryRun: boolean,
  ): Promise<JsonObject> {
    const cur = this.store.get(r, namespace, name);
    if (!cur) throw notFound(r, name);
    let opts: JsonObject = {};
    if (req.body.length) {
      try {
        opts = asObject(JSON.parse(req.body.toString("utf8")));
      } catch {
        throw badRequest("the body of the request is not a valid DeleteOptions object");
      }
    }
    const pre = asObject(opts.preconditions);
    const cm = asObject(cur.metadata);
    if (pre.uid !== undefined && pre.uid !== cm.uid)
      throw new KubeStatusError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualified(r)} "${name}": Precondition failed: UID in precondition: ${String(pre.uid)}, UID in object meta: ${String(cm.uid)}`,
        { name, ...(r.group ? { group: r.group } : {}), kind: r.plural },
      );
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== cm.resourceVersion)
      throw conflict(r, name);
    const result = clone(cur);
    if (!dryRun) {
      this.removeCascade(r, cur);
      this.afterDelete([{ r, o: cur }]);
      await this.store.flush();
    }
    if (r.kind === "Pod" || r.kind === "Namespace") {
      meta(result).deletionTimestamp = timestamp(this.now());
      if (r.kind === "Namespace") result.status = { phase: "Terminating" };
      return result;
    }
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name, ...(r.group ? { group: r.group } : {}), kind: r.plural, uid: asString(cm.uid) ?? "" },
    };
  }

  private async deleteCollection(
    r: ResourceDef,
    namespace: string,
    q: URLSearchParams,
    dryRun: boolean,
  ): Promise<JsonObject> {
    const labels = parseLabelSelector(q.get("labelSelector"));
    const fields = parseFieldSelector(q.get("fieldSelector"), r.kind);
    const victims = this.store.list(r, namespace).filter((o) => matchObject(labels, fields, o));
    if (!dryRun) {
      for (const o of victims) this.removeCascade(r, o);
      this.afterDelete(victims.map((o) => ({ r, o })));
      await this.store.flush();
    }
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: this.store.resourceVersion },
      items: victims.map((o) => clone(o)),
    };
  }

  /** Deletes an object and, as the namespace controller and garbage collector would, what depends on it. */
  private removeCascade(r: ResourceDef, o: JsonObject): void {
    if (!this.store.delete(r, namespaceOf(o), nameOf(o))) return;
    if (r.kind === "Namespace")
      for (const x of this.store.inNamespace(nameOf(o))) this.removeCascade(x.r, x.o);
    const uid = asString(asObject(o.metadata).uid);
    if (!uid) return;
    for (const x of this.store.all()) if (isOwnedBy(x.o, uid)) this.removeCascade(x.r, x.o);
  }

  /** After deletions: owners recreate pods they lost (ReplicaSet behaviour); tenant status follows. */
  private afterDelete(deleted: { r: ResourceDef; o: JsonObject }[]): void {
    const deployments = new Set<string>();
    for (const { r, o } of deleted) {
      if (r.kind === "Namespace") this.refreshTenant(labelsOf(o)[TENANT_LABEL]);
      if (r.kind !== "Pod") continue;
      for (const ref of asArray(asObject(o.metadata).ownerReferences).filter(isObject))
        if (ref.kind === "Deployment") deployments.add(`${namespaceOf(o)}/${asString(ref.name)}`);
    }
    for (const key of deployments) {
      const [ns = "", name = ""] = key.split("/");
      const dep = this.store.get(DEPLOYMENTS, ns, name);
      if (dep) this.reconcileDeployment(dep);
    }
  }
}

function selfSubjectReview(user: KubeUser): JsonObject {
  return {
    kind: "SelfSubjectReview",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: null },
    status: {
      userInfo: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups },
    },
  };
}

function qualified(r: ResourceDef): string {
  return r.group === "" ? r.plural : `${r.plural}.${r.group}`;
}

/**
 * Secret.data values are []byte in Go: kube-apiserver refuses a body whose value is not base64 while decoding
 * it (400, before any validation), e.g. when someone writes plain JSON where base64 belongs.
 */
function checkSecretData(o: JsonObject): void {
  for (const v of Object.values(asObject(o.data))) {
    const bad =
      typeof v !== "string"
        ? "json: cannot unmarshal into Go struct field Secret.data of type []uint8"
        : !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0
          ? `illegal base64 data at input byte ${firstBadByte(v)}`
          : undefined;
    if (bad) throw badRequest(`Secret in version "v1" cannot be handled as a Secret: ${bad}`);
  }
}

function firstBadByte(v: string): number {
  const i = v.search(/[^A-Za-z0-9+/=]/);
  return i >= 0 ? i : Math.max(0, v.length - (v.length % 4));
}

/** Secret.stringData is write-only: merged into data (base64) on write. */
function foldStringData(o: JsonObject): JsonObject {
  if (!isObject(o.stringData)) return o;
  const data = { ...asObject(o.data) };
  for (const [k, v] of Object.entries(o.stringData))
    if (typeof v === "string") data[k] = Buffer.from(v, "utf8").toString("base64");
  const out: JsonObject = { ...o, data };
  delete out.stringData;
  return out;
}

function send(
  res: ServerResponse,
  code: number,
  body: Json | string,
  contentType = "application/json",
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
    "Audit-Id": randomUUID(),
  });
  res.end(text);
}
