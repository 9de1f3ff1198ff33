/**
 * The request handler of a sandbox cluster's Kubernetes API: routing (RequestInfo as kube-apiserver derives it),
 * authentication, authorization, admission (Capsule, ServiceAccount, pod identity) and the REST verbs over the
 * object store. Transport-agnostic: `handle` takes a parsed request and writes to a response sink.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { admit, admitUpdate, checkEscalation, checkValid, foldStringData } from "./admission.js";
import { authenticate, StsCache } from "./authn.js";
import { type AuthzSnapshot, authorize, type Decision, denialMessage } from "./authz/authorize.js";
import type { RequestAttributes } from "./authz/rules.js";
import { buildSnapshot } from "./authz/snapshot.js";
import { decodeBuiltin } from "./builtinFields.js";
import {
  type ApiContext,
  CAPSULE_CONFIGS,
  NAMESPACES,
  qualified,
  res,
  SERVICE_ACCOUNTS,
  TENANTS,
} from "./context.js";
import { afterDelete, afterWrite } from "./controllers.js";
import {
  CRD_GROUP,
  crdStatus,
  type FieldValidation,
  fieldValidation,
  shapeCustom,
  strictDecodingError,
  unknownFieldWarning,
  validateCrd,
} from "./crd.js";
import { prune } from "./crdSchema.js";
import { syncDueCronJobs } from "./cronJobs.js";
import { daemonSetDefaults } from "./daemonSets.js";
import {
  checkNamespaceActive,
  deleteObject,
  finalizerUpdateCauses,
  propagationPolicy,
  type Removed,
} from "./deletion.js";
import { assertSerialisable, checkJsonTextDepth, parseYamlBounded } from "./depth.js";
import {
  acceptsJson,
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiForPath,
  openApiIndex,
  openApiV2,
  versionInfo,
} from "./discovery.js";
import { cronJobDefaults, jobDefaults } from "./jobs.js";
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
import { listObjects, serveWatch } from "./listWatch.js";
import { applyPatch, PATCH_TYPES } from "./patch.js";
import { decodeProtobuf, PROTOBUF } from "./protobuf.js";
import type { Registry } from "./registry.js";
import { apiVersionOf, type ResourceDef, servedAs } from "./resources.js";
import { accessReview, rulesReview, selfSubjectReview, tokenRequest } from "./reviews.js";
import {
  type ApiRequest,
  isWatch,
  mediaType,
  parseResourcePath,
  type ResourceRoute,
  readBody,
  send,
  timestamp,
} from "./routing.js";
import { scaleOf, withScale } from "./scale.js";
import { matchObject, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import {
  type Manager,
  managerOf,
  patchOptionsError,
  apply as serverSideApply,
  trackUpdate,
  type Writer,
  writeManagers,
} from "./serverSideApply.js";
import {
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
import type { ObjectStore } from "./store.js";
import { toTable, wantsTable } from "./table.js";
import type { KubeApiOptions, KubeUser } from "./types.js";
import { IMMORTAL_NAMESPACES, immutableDataCauses, podUpdateCauses } from "./updateRules.js";
import { deploymentDefaults, randomSuffix, replicaSetDefaults, statefulSetDefaults } from "./workloads.js";

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

/** What a request answers (undefined from dispatch: it streamed the answer itself). */
export interface ApiResult {
  code: number;
  body: Json | string;
  contentType?: string;
  /** Warning headers (unknown fields under fieldValidation=Warn, deprecated versions). */
  warnings?: string[];
}

const isCrd = (r: ResourceDef) => r.kind === "CustomResourceDefinition" && r.group === CRD_GROUP;

function tracksGeneration(r: ResourceDef): boolean {
  return (
    r.custom === true || isCrd(r) || ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"].includes(r.kind)
  );
}

function specPart(o: JsonObject): JsonObject {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

interface Writes {
  warnings: string[];
  validation: FieldValidation;
  patch?: boolean;
  /**
   * Who owns the fields a write sets (serverSideApply.ts): an Update recorded for its writer, or the managers an
   * apply computed. Absent for the server's own writes.
   */
  owner?: { op: "update"; writer: Writer } | { op: "apply"; managers: Manager[] };
}

export class KubeApi {
  private snapshotCache: { rv: string; snap: AuthzSnapshot } | undefined;
  private ipCounter = 10;
  private readonly capsuleBindings = new Map<string, number>();
  private readonly stsCache = new StsCache();
  private readonly cron = { due: 0 };

  constructor(
    private readonly opts: KubeApiOptions,
    readonly store: ObjectStore,
    private readonly serverUrl: () => string,
    private readonly random: () => number = Math.random,
  ) {
    this.registry = store.registry;
    this.ctx = {
      opts,
      store,
      registry: store.registry,
      now: () => this.now(),
      random: () => this.random(),
      nextIp: () => this.ipCounter++,
      snapshot: () => this.snapshot(),
      capsuleBindings: this.capsuleBindings,
      cron: this.cron,
      authorize: (user, attrs) => this.authorize(user, attrs),
    };
  }

  /** What admission, controllers and reviews see of this server. */
  private readonly ctx: ApiContext;
  private readonly registry: Registry;

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "https://sandbox.invalid");
      const result = await this.dispatch(
        { method: req.method ?? "GET", url, headers: req.headers, body },
        res,
      );
      if (result) send(res, result.code, result.body, result.contentType, result.warnings);
    } catch (e) {
      const err = e instanceof KubeStatusError ? e : internalError((e as Error).message);
      // An oversized body ends the connection once the answer is out.
      if (err.code === 413) res.shouldKeepAlive = false;
      if (!res.headersSent) send(res, err.code, err.toStatus());
      else res.end();
    }
  }

  /** Returns the response, or undefined when it streamed it itself (watch). */
  async dispatch(req: ApiRequest, res?: ServerResponse): Promise<ApiResult | undefined> {
    const authn = await authenticate(asString(req.headers.authorization), {
      opts: this.opts,
      now: () => this.now(),
      serviceAccountExists: (ns, name) => this.store.get(SERVICE_ACCOUNTS, ns, name) !== undefined,
      stsCache: this.stsCache,
    });
    if (authn.kind === "unauthorized") throw unauthorized();
    // The CronJob controller's clock: activations due by now start before the request is served.
    if (this.now().getTime() >= this.cron.due) this.cron.due = syncDueCronJobs(this.ctx);
    const user = authn.user;
    const path = req.url.pathname;
    const q = req.url.searchParams;
    const route = parseResourcePath(this.registry, req.method, path, isWatch(q));
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
    return authorize(user, attrs, this.snapshot(), (ns) => this.capsuleUnbound(ns));
  }

  /** Whether Capsule has yet to bind the tenant owners in a namespace (the bind delay has not passed). */
  private capsuleUnbound(namespace: string): boolean {
    const at = this.capsuleBindings.get(namespace);
    if (at === undefined) return false;
    if (this.now().getTime() < at) return true;
    this.capsuleBindings.delete(namespace);
    return false;
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

  private nonResource(user: KubeUser, req: ApiRequest): ApiResult {
    const reg = this.registry;
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
        return {
          code: 200,
          body: aggregatedDiscovery(reg, true, agg),
          contentType: aggregatedContentType(agg),
        };
      return { code: 200, body: apiVersions(new URL(this.serverUrl()).host) };
    }
    if (path === "/apis") {
      if (agg)
        return {
          code: 200,
          body: aggregatedDiscovery(reg, false, agg),
          contentType: aggregatedContentType(agg),
        };
      return { code: 200, body: apiGroupList(reg) };
    }
    if (parts[0] === "api" && parts.length === 2) {
      const l = apiResourceList(reg, "", parts[1]!);
      if (l) return { code: 200, body: l };
    }
    if (parts[0] === "apis" && parts.length === 2) {
      const g = apiGroup(reg, parts[1]!);
      if (g) return { code: 200, body: g };
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const l = apiResourceList(reg, parts[1]!, parts[2]!);
      if (l) return { code: 200, body: l };
    }
    if (path === "/openapi/v3") return { code: 200, body: openApiIndex(reg) };
    if (path === "/openapi/v2") {
      if (!acceptsJson(asString(req.headers.accept)))
        throw new KubeStatusError(
          406,
          "NotAcceptable",
          "only the following media types are accepted: application/json",
        );
      return { code: 200, body: openApiV2(reg) };
    }
    if (path.startsWith("/openapi/v3/")) {
      const doc = openApiForPath(reg, path.slice("/openapi/v3/".length));
      if (doc) return { code: 200, body: doc };
    }
    throw pathNotFound();
  }

  private async resource(
    user: KubeUser,
    route: ResourceRoute,
    req: ApiRequest,
    httpRes?: ServerResponse,
  ): Promise<ApiResult | undefined> {
    const { r, namespace, name, subresource } = route;
    const q = req.url.searchParams;
    const dryRun = q.getAll("dryRun").includes("All");
    const warnings: string[] = [];
    if (r.crd?.deprecated)
      warnings.push(r.crd.deprecationWarning ?? `${apiVersionOf(r)} ${r.kind} is deprecated`);
    const writes: Writes = { warnings, validation: "Warn" as FieldValidation };
    if (["create", "update", "patch"].includes(route.verb)) {
      writes.validation = fieldValidation(q);
      writes.owner = {
        op: "update",
        writer: {
          manager: managerOf(q, asString(req.headers["user-agent"])),
          apiVersion: apiVersionOf(r),
          subresource,
          now: timestamp(this.now()),
        },
      };
    }
    const answer = (code: number, body: Json | string, contentType?: string): ApiResult => ({
      code,
      body,
      ...(contentType ? { contentType } : {}),
      ...(warnings.length ? { warnings } : {}),
    });
    const table = wantsTable(asString(req.headers.accept)) && !subresource;
    switch (route.verb) {
      case "get": {
        const o = this.store.get(r, namespace, name);
        if (!o) throw notFound(r, name);
        if (subresource === "scale") return { code: 200, body: scaleOf(o) };
        // Nothing runs in a sandbox pod: its log is empty.
        if (subresource === "log") return { code: 200, body: "", contentType: "text/plain" };
        if (table) return answer(200, toTable(r, [o], this.store.resourceVersion, this.now()));
        return answer(200, servedAs(r, clone(o)));
      }
      case "list": {
        const list = listObjects(this.store, r, namespace, q);
        if (table)
          return answer(
            200,
            toTable(r, asArray(list.items).filter(isObject), this.store.resourceVersion, this.now()),
          );
        return answer(200, list);
      }
      case "watch":
        if (!httpRes) throw badRequest("watch needs a streaming response");
        serveWatch(this.store, r, namespace, q, httpRes);
        return undefined;
      case "create": {
        const body = this.decodeBody(req);
        if (subresource === "token")
          return { code: 201, body: await tokenRequest(this.ctx, r, namespace, name, body) };
        if (r.kind === "SelfSubjectAccessReview")
          return { code: 201, body: accessReview(this.ctx, user, body) };
        if (r.kind === "SelfSubjectRulesReview")
          return { code: 201, body: rulesReview(this.ctx, user, body) };
        if (r.kind === "SelfSubjectReview") return { code: 201, body: selfSubjectReview(user) };
        const o = await this.create(user, r, namespace, body, dryRun, writes);
        return answer(201, servedAs(r, clone(o)));
      }
      case "update": {
        const body = this.decodeBody(req);
        const o = await this.update(user, r, namespace, name, subresource, body, dryRun, writes);
        return answer(200, subresource === "scale" ? scaleOf(o) : servedAs(r, clone(o)));
      }
      case "patch": {
        const { o, created } = await this.patch(user, r, namespace, name, subresource, req, dryRun, writes);
        return answer(created ? 201 : 200, subresource === "scale" ? scaleOf(o) : servedAs(r, clone(o)));
      }
      case "delete":
        return answer(200, await this.delete(r, namespace, name, req, dryRun));
      case "deletecollection":
        return answer(200, await this.deleteCollection(r, namespace, q, dryRun));
    }
    throw methodNotAllowed();
  }

  private decodeBody(req: ApiRequest): JsonObject {
    const type = mediaType(asString(req.headers["content-type"]));
    if (type === PROTOBUF) return decodeProtobuf(req.body);
    const text = req.body.toString("utf8");
    let parsed: unknown;
    try {
      if (type === "application/yaml") {
        // Aliases are refused: a small YAML document must not expand into a large object.
        parsed = parseYamlBounded(text);
      } else if (type === "application/json" || type === "") {
        checkJsonTextDepth(text);
        parsed = JSON.parse(text);
      } else throw unsupportedMediaType(type, ["application/json", "application/yaml", PROTOBUF]);
    } catch (e) {
      if (e instanceof KubeStatusError) throw e;
      throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
    if (!isObject(parsed)) throw badRequest("the body of the request is not an object");
    return parsed;
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

  async create(
    user: KubeUser,
    r: ResourceDef,
    namespace: string,
    body: JsonObject,
    dryRun: boolean,
    writes: Writes = { warnings: [], validation: "Warn" },
  ): Promise<JsonObject> {
    let o = this.normaliseIncoming(r, body, namespace);
    const m = meta(o);
    const requested = m.managedFields;
    if (!asString(m.name) && asString(m.generateName))
      m.name = `${asString(m.generateName)}${randomSuffix(this.random)}`;
    // kube-apiserver decodes a built-in (wrong types, unknown fields) before it validates it.
    if (!r.custom) this.shape(r, o, writes, false);
    checkValid(this.ctx, r, o);
    const name = nameOf(o);
    if (r.namespaced && !this.store.get(NAMESPACES, "", namespace)) throw notFound(NAMESPACES, namespace);
    if (r.namespaced) checkNamespaceActive(this.ctx, r, namespace, name);
    // kube-apiserver's RBAC storages check escalation before the write (so dry runs are checked too).
    checkEscalation(this.ctx, user, r, o, undefined, "");
    if (this.store.get(r, namespace, name)) throw alreadyExists(r, name);
    for (const k of SERVER_META) delete m[k];
    m.uid = randomUUID();
    m.creationTimestamp = timestamp(this.now());
    if (tracksGeneration(r)) m.generation = 1;
    if ((r.subresources ?? []).includes("status") && r.custom) delete o.status;
    if (r.custom) this.shape(r, o, writes, false);
    if (isCrd(r)) {
      const causes = validateCrd(o);
      if (causes.length) throw invalid(r, name, causes);
      o.status = crdStatus(o, timestamp(this.now()));
    }
    o = admit(this.ctx, user, r, o);
    this.own(r, undefined, o, writes, requested);
    if (dryRun) return o;
    assertSerialisable(o);
    this.store.put(r, o);
    afterWrite(this.ctx, r, o, undefined);
    await this.store.flush();
    // Controllers may have written it again (deployment status): answer with what is stored now.
    return this.store.get(r, namespaceOf(o), nameOf(o)) ?? o;
  }

  async update(
    user: KubeUser,
    r: ResourceDef,
    namespace: string,
    name: string,
    subresource: string,
    body: JsonObject,
    dryRun: boolean,
    writes: Writes = { warnings: [], validation: "Warn" },
  ): Promise<JsonObject> {
    const cur = this.store.get(r, namespace, name);
    if (subresource === "scale") {
      if (!cur) throw notFound(r, name);
      const rv = asString(asObject(body.metadata).resourceVersion);
      if (rv && rv !== asString(asObject(cur.metadata).resourceVersion)) throw conflict(r, name);
      return this.replace(user, r, cur, withScale(r, clone(cur), body), "", dryRun, writes);
    }
    const o = this.normaliseIncoming(r, body, namespace);
    const bodyName = nameOf(o);
    if (bodyName && bodyName !== name)
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    if (!cur) throw notFound(r, name);
    meta(o).name = name;
    const rv = asString(meta(o).resourceVersion);
    if (rv && rv !== asString(asObject(cur.metadata).resourceVersion)) throw conflict(r, name);
    return this.replace(user, r, cur, o, subresource, dryRun, writes);
  }

  private async patch(
    user: KubeUser,
    r: ResourceDef,
    namespace: string,
    name: string,
    subresource: string,
    req: ApiRequest,
    dryRun: boolean,
    writes: Writes,
  ): Promise<{ o: JsonObject; created: boolean }> {
    const type = mediaType(asString(req.headers["content-type"]));
    if (!Object.values(PATCH_TYPES).includes(type as (typeof PATCH_TYPES)[keyof typeof PATCH_TYPES]))
      throw unsupportedMediaType(type, Object.values(PATCH_TYPES));
    // PatchOptions are validated before the object is looked up (patch.go).
    const optionsError = patchOptionsError(type === PATCH_TYPES.apply, req.url.searchParams);
    if (optionsError) throw optionsError;
    if (type === PATCH_TYPES.apply)
      return this.apply(user, r, namespace, name, subresource, req, dryRun, writes);
    let patchBody: Json;
    const patchText = req.body.toString("utf8");
    checkJsonTextDepth(patchText);
    try {
      patchBody = JSON.parse(patchText) as Json;
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const cur = this.store.get(r, namespace, name);
    if (!cur) throw notFound(r, name);
    if (subresource === "scale") {
      const scale = applyPatch(scaleOf(cur), type, patchBody, true);
      const o = await this.replace(user, r, cur, withScale(r, clone(cur), scale), "", dryRun, writes);
      return { o, created: false };
    }
    const next = applyPatch(servedAs(r, clone(cur)), type, patchBody, r.custom === true, r.kind);
    const rv = asString(asObject(next.metadata).resourceVersion);
    if (rv && rv !== asString(asObject(cur.metadata).resourceVersion)) throw conflict(r, name);
    const o = await this.replace(user, r, cur, next, subresource, dryRun, { ...writes, patch: true });
    return { o, created: false };
  }

  /**
   * Server-side apply (`application/apply-patch+yaml`): the configuration merged by field ownership
   * (serverSideApply.ts); an apply to a missing object creates it (patch.go: forceAllowCreate for apply).
   */
  private async apply(
    user: KubeUser,
    r: ResourceDef,
    namespace: string,
    name: string,
    subresource: string,
    req: ApiRequest,
    dryRun: boolean,
    writes: Writes,
  ): Promise<{ o: JsonObject; created: boolean }> {
    const q = req.url.searchParams;
    if (subresource === "scale")
      throw unsupportedMediaType(PATCH_TYPES.apply, [
        PATCH_TYPES.json,
        PATCH_TYPES.merge,
        PATCH_TYPES.strategic,
      ]);
    const text = req.body.toString("utf8");
    let parsed: unknown;
    try {
      parsed = parseYamlBounded(text);
    } catch (e) {
      if (e instanceof KubeStatusError) throw e;
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
    if (!isObject(parsed)) throw badRequest("error decoding YAML: the apply configuration is not an object");
    const gvk = `${asString(parsed.apiVersion) ?? "/"}, Kind=${asString(parsed.kind) ?? ""}`;
    // internal/versioncheck.go: the configuration must name the resource's group, version and kind.
    if (parsed.apiVersion !== apiVersionOf(r) || parsed.kind !== r.kind)
      throw badRequest(`invalid object type: ${gvk}`);
    if (isObject(parsed.metadata) && parsed.metadata.managedFields !== undefined)
      throw badRequest("metadata.managedFields must be nil");
    const config = this.normaliseIncoming(r, parsed, namespace);
    const bodyName = nameOf(config);
    if (bodyName && bodyName !== name)
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    meta(config).name = name;
    // Unknown fields of the configuration are dropped (and reported) before it is merged.
    const dropped = r.custom
      ? r.crd?.schema
        ? prune(r.crd.schema, config)
        : []
      : decodeBuiltinOrThrow(r, config, true);
    if (dropped.length && writes.validation === "Strict") throw strictDecodingError(r, dropped, true);
    if (writes.validation === "Warn") writes.warnings.push(...dropped.map(unknownFieldWarning));
    if (writes.owner?.op !== "update") throw internalError("apply without a field manager");
    const writer = writes.owner.writer;
    const force = ["1", "t", "T", "true", "TRUE", "True"].includes(q.get("force") ?? "");
    const cur = this.store.get(r, namespace, name);
    if (!cur) {
      if (subresource) throw notFound(r, name);
      const { object, managers } = serverSideApply(r, undefined, config, writer, force);
      const o = await this.create(user, r, namespace, object, dryRun, {
        ...writes,
        owner: { op: "apply", managers },
      });
      return { o, created: true };
    }
    const rv = asString(meta(config).resourceVersion);
    if (rv && rv !== asString(asObject(cur.metadata).resourceVersion)) throw conflict(r, name);
    const { object, managers } = serverSideApply(r, servedAs(r, clone(cur)), config, writer, force);
    const o = await this.replace(user, r, cur, object, subresource, dryRun, {
      ...writes,
      patch: true,
      owner: { op: "apply", managers },
    });
    return { o, created: false };
  }

  /** Shared tail of update and patch: server-owned fields kept, generation, validation, controllers. */
  private async replace(
    user: KubeUser,
    r: ResourceDef,
    cur: JsonObject,
    incoming: JsonObject,
    subresource: string,
    dryRun: boolean,
    writes: Writes,
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
    const requested = m.managedFields;
    const cm = asObject(cur.metadata);
    for (const k of [
      "name",
      "namespace",
      "uid",
      "creationTimestamp",
      "generation",
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
    ]) {
      if (cm[k] === undefined) delete m[k];
      else m[k] = clone(cm[k]!);
    }
    delete m.managedFields;
    if (r.kind === "Secret") next = foldStringData(next);
    if (r.kind === "Deployment") next = deploymentDefaults(next);
    if (r.kind === "StatefulSet") next = statefulSetDefaults(next);
    if (r.kind === "ReplicaSet") next = replicaSetDefaults(next);
    if (r.kind === "DaemonSet") next = daemonSetDefaults(next);
    if (r.kind === "Job") next = jobDefaults(next);
    if (r.kind === "CronJob") next = cronJobDefaults(next);
    if (r.kind === "Namespace")
      meta(next).labels = { ...labelsOf(next), "kubernetes.io/metadata.name": nameOf(next) };
    if (subresource !== "status") this.shape(r, next, writes, writes.patch === true);
    else if (r.custom) this.shape(r, next, writes, true);
    if (isCrd(r) && subresource !== "status") {
      const causes = validateCrd(next);
      if (causes.length) throw invalid(r, nameOf(cur), causes);
      next.status = crdStatus(next, timestamp(this.now()), cur);
    }
    if (subresource !== "status") next = admitUpdate(this.ctx, user, r, next, cur);
    const updateCauses =
      r.kind === "ConfigMap" || r.kind === "Secret"
        ? immutableDataCauses(r.kind, next, cur)
        : r.kind === "Pod" && subresource !== "status"
          ? podUpdateCauses(next, cur)
          : [];
    updateCauses.push(...finalizerUpdateCauses(next, cur));
    if (updateCauses.length) throw invalid(r, nameOf(cur), updateCauses);
    checkValid(this.ctx, r, next);
    checkEscalation(this.ctx, user, r, next, cur, nameOf(cur));
    if (tracksGeneration(r) && !jsonEqual(specPart(cur), specPart(next)))
      meta(next).generation = (typeof cm.generation === "number" ? cm.generation : 1) + 1;
    this.own(r, cur, next, writes, requested);
    const sameAsBefore = jsonEqual(
      { ...next, metadata: { ...m, resourceVersion: null } },
      {
        ...cur,
        metadata: { ...cm, resourceVersion: null },
      },
    );
    if (sameAsBefore || dryRun) return sameAsBefore ? cur : next;
    assertSerialisable(next);
    this.store.put(r, next);
    afterWrite(this.ctx, r, next, cur);
    await this.store.flush();
    return this.store.get(r, namespaceOf(next), nameOf(next)) ?? next;
  }

  /** metadata.managedFields of what a write stores, as its owner says (none for the server's own writes). */
  private own(
    r: ResourceDef,
    cur: JsonObject | undefined,
    next: JsonObject,
    writes: Writes,
    requested?: unknown,
  ): void {
    const m = meta(next);
    const owner = writes.owner;
    if (!owner) {
      if (cur && isObject(cur.metadata) && cur.metadata.managedFields !== undefined)
        m.managedFields = clone(cur.metadata.managedFields);
      return;
    }
    delete m.managedFields;
    const managers =
      owner.op === "apply" ? owner.managers : trackUpdate(r, cur, next, owner.writer, requested);
    const encoded = writeManagers(managers);
    if (encoded.length) m.managedFields = encoded;
  }

  /**
   * Prune, default and validate a custom resource with its schema (crd.ts), drop the unknown fields of a
   * built-in (builtinFields.ts); what was dropped is a strict decoding error or warnings, as fieldValidation
   * says.
   */
  private shape(r: ResourceDef, o: JsonObject, writes: Writes, patch: boolean): void {
    const { dropped, causes } = r.custom
      ? shapeCustom(r, o)
      : { dropped: decodeBuiltinOrThrow(r, o, patch), causes: [] };
    if (dropped.length && writes.validation === "Strict") throw strictDecodingError(r, dropped, patch);
    if (writes.validation === "Warn") writes.warnings.push(...dropped.map(unknownFieldWarning));
    if (causes.length) throw invalid(r, nameOf(o), causes);
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
    if (r.kind === "Namespace" && IMMORTAL_NAMESPACES.includes(name))
      throw forbidden(r, qualified(r), name, "this namespace may not be deleted");
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
    const policy = propagationPolicy(opts, req.url.searchParams);
    const result = clone(cur);
    if (!dryRun) {
      const removed: Removed[] = [];
      // Held by finalizers (or a namespace still finalizing): answered as it is stored now.
      const kept = deleteObject(this.ctx, r, cur, policy, removed);
      afterDelete(this.ctx, removed);
      await this.store.flush();
      if (kept) return servedAs(r, clone(kept));
    }
    if (r.kind === "Pod" || r.kind === "Namespace") {
      meta(result).deletionTimestamp = timestamp(this.now());
      if (r.kind === "Namespace") result.status = { ...asObject(result.status), phase: "Terminating" };
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
      const removed: Removed[] = [];
      for (const o of victims) deleteObject(this.ctx, r, o, propagationPolicy({}, q), removed);
      afterDelete(this.ctx, removed);
      await this.store.flush();
    }
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: this.store.resourceVersion },
      items: victims.map((o) => clone(o)),
    };
  }
}

/** The unknown fields of a built-in object (dropped); a value of the wrong type is kube-apiserver's 400. */
function decodeBuiltinOrThrow(r: ResourceDef, o: JsonObject, patch: boolean): string[] {
  const { dropped, typeError } = decodeBuiltin(r.kind, o);
  if (typeError)
    throw badRequest(
      patch
        ? typeError
        : `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${typeError}`,
    );
  return dropped;
}
