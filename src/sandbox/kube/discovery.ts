/**
 * Discovery documents of a sandbox cluster: /version, /api, /apis, the legacy APIResourceLists, aggregated
 * discovery (apidiscovery.k8s.io v2 and v2beta1) and /openapi/v3 with one document per group-version. The
 * schemas are a CRD's own, the built-in kinds' schema table (builtinFields.ts: types and required fields,
 * unmodelled subtrees preserving unknown fields), or permissive for other kinds; they carry, per kind, the PATCH operation
 * with x-kubernetes-group-version-kind and the fieldValidation parameter, which is what `kubectl apply` looks
 * for before it lets the server validate.
 */
import { createHash } from "node:crypto";
import { builtinSchema } from "./builtinFields.js";
import type { JsonObject } from "./json.js";
import { compareKubeVersions, type Registry } from "./registry.js";
import { apiVersionOf, type ResourceDef, subresourceInfo } from "./resources.js";

export const KUBE_VERSION = { major: "1", minor: "31", gitVersion: "v1.31.4-eks-sandbox" };

export function versionInfo(): JsonObject {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: KUBE_VERSION.gitVersion,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-01-01T00:00:00Z",
    goVersion: "go1.22.9",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

const named = (reg: Registry) => reg.groupVersions().filter((gv) => gv.group !== "");

function versionsOf(reg: Registry, group: string): string[] {
  const vs = named(reg)
    .filter((gv) => gv.group === group)
    .map((gv) => gv.version);
  // Built-in groups keep the type table's order; a CRD's group is ordered by version priority.
  return reg.all().some((r) => r.group === group && r.crd) ? vs.sort(compareKubeVersions) : vs;
}

function groupEntry(reg: Registry, group: string): JsonObject {
  const versions = versionsOf(reg, group).map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions, preferredVersion: versions[0]! };
}

export function apiGroupList(reg: Registry): JsonObject {
  const groups = [...new Set(named(reg).map((gv) => gv.group))];
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map((g) => groupEntry(reg, g)) };
}

export function apiGroup(reg: Registry, group: string): JsonObject | undefined {
  if (!named(reg).some((gv) => gv.group === group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...groupEntry(reg, group) };
}

function inGroupVersion(reg: Registry, group: string, version: string): ResourceDef[] {
  return reg.all().filter((r) => r.group === group && r.version === version);
}

export function apiResourceList(reg: Registry, group: string, version: string): JsonObject | undefined {
  const rs = inGroupVersion(reg, group, version);
  if (rs.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const r of rs) {
    const e: JsonObject = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames) e.shortNames = r.shortNames;
    if (r.categories) e.categories = r.categories;
    resources.push(e);
    for (const sub of r.subresources ?? []) {
      const info = subresourceInfo(r, sub);
      resources.push({
        name: `${r.plural}/${sub}`,
        singularName: "",
        namespaced: r.namespaced,
        ...(info.group !== r.group ? { group: info.group, version: info.version } : {}),
        kind: info.kind,
        verbs: info.verbs,
      });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(rs[0]!), resources };
}

/** Media type of aggregated discovery asked for in an Accept header, if any (v2 preferred). */
export function aggregatedDiscoveryVersion(accept: string | undefined): "v2" | "v2beta1" | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    const p = part.replace(/\s/g, "");
    if (!p.includes("g=apidiscovery.k8s.io") || !p.includes("as=APIGroupDiscoveryList")) continue;
    if (p.includes("v=v2beta1")) return "v2beta1";
    if (p.includes("v=v2")) return "v2";
  }
  return undefined;
}

export function aggregatedContentType(v: "v2" | "v2beta1"): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

function discoveryResource(r: ResourceDef): JsonObject {
  const e: JsonObject = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames) e.shortNames = r.shortNames;
  if (r.categories) e.categories = r.categories;
  if (r.subresources)
    e.subresources = r.subresources.map((s) => {
      const info = subresourceInfo(r, s);
      return {
        subresource: s,
        responseKind: { group: info.group, version: info.version, kind: info.kind },
        verbs: info.verbs,
      };
    });
  return e;
}

/** APIGroupDiscoveryList for /api (legacy: core only) or /apis (named groups). */
export function aggregatedDiscovery(reg: Registry, legacy: boolean, v: "v2" | "v2beta1"): JsonObject {
  const gvs = reg.groupVersions().filter((gv) => (gv.group === "") === legacy);
  const groups = [...new Set(gvs.map((gv) => gv.group))];
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${v}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g, creationTimestamp: null },
      versions: (legacy ? ["v1"] : versionsOf(reg, g)).map((version) => ({
        version,
        resources: inGroupVersion(reg, g, version).map(discoveryResource),
        freshness: "Current",
      })),
    })),
  };
}

function gvPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

function schemaName(r: ResourceDef): string {
  const g = r.group === "" ? "core" : r.group.split(".").reverse().join(".");
  return `io.sandbox.${g}.${r.version}.${r.kind}`;
}

const FIELD_VALIDATION: JsonObject = {
  name: "fieldValidation",
  in: "query",
  description:
    "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.",
  schema: { type: "string", uniqueItems: true },
};

function operation(r: ResourceDef, action: string, withBody: boolean, patchTypes?: string[]): JsonObject {
  const ref = { $ref: `#/components/schemas/${schemaName(r)}` };
  const op: JsonObject = {
    operationId: `${action}${r.kind}`,
    parameters: [
      { name: "dryRun", in: "query", schema: { type: "string", uniqueItems: true } },
      { name: "fieldManager", in: "query", schema: { type: "string", uniqueItems: true } },
      FIELD_VALIDATION,
    ],
    responses: { "200": { description: "OK", content: { "application/json": { schema: ref } } } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group: r.group, version: r.version, kind: r.kind },
  };
  if (withBody) {
    const types = patchTypes ?? ["application/json"];
    op.requestBody = { content: Object.fromEntries(types.map((t) => [t, { schema: ref }])) };
  }
  return op;
}

/** The OpenAPI v3 document of one group-version. */
export function openApiDocument(reg: Registry, group: string, version: string): JsonObject | undefined {
  const rs = inGroupVersion(reg, group, version);
  if (rs.length === 0) return undefined;
  const paths: JsonObject = {};
  const schemas: JsonObject = {};
  for (const r of rs) {
    const base = `/${gvPath(group, version)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}`;
    paths[base] = {
      post: operation(r, "post", true),
      get: { ...operation(r, "list", false), parameters: [] },
    };
    if (!r.createOnly)
      paths[`${base}/{name}`] = {
        get: { ...operation(r, "get", false), parameters: [] },
        put: operation(r, "put", true),
        // No strategic-merge-patch body type here: kubectl then computes apply patches from its compiled-in
        // types (built-ins) or as JSON merge patches (custom resources), as it does for CRDs.
        patch: operation(r, "patch", true, ["application/json-patch+json", "application/merge-patch+json"]),
        delete: { ...operation(r, "delete", false), parameters: [] },
      };
    const gvk = [{ group: r.group, version: r.version, kind: r.kind }];
    const builtin = r.custom ? undefined : builtinSchema(r.kind, true);
    schemas[schemaName(r)] = r.crd?.schema
      ? { ...r.crd.schema, "x-kubernetes-group-version-kind": gvk }
      : builtin
        ? { ...builtin, "x-kubernetes-group-version-kind": gvk }
        : {
            type: "object",
            description: `${r.kind} (sandbox: permissive schema)`,
            "x-kubernetes-preserve-unknown-fields": true,
            "x-kubernetes-group-version-kind": gvk,
          };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: KUBE_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

const indexCache = new WeakMap<Registry, { gen: number; doc: JsonObject; hashes: Map<string, string> }>();

function openApiIndexData(reg: Registry): { doc: JsonObject; hashes: Map<string, string> } {
  const cached = indexCache.get(reg);
  if (cached?.gen === reg.generation) return cached;
  const paths: JsonObject = {};
  const hashes = new Map<string, string>();
  for (const gv of reg.groupVersions()) {
    const p = gvPath(gv.group, gv.version);
    const hash = createHash("sha512")
      .update(JSON.stringify(openApiDocument(reg, gv.group, gv.version)))
      .digest("hex")
      .slice(0, 128)
      .toUpperCase();
    hashes.set(p, hash);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  const data = { gen: reg.generation, doc: { paths }, hashes };
  indexCache.set(reg, data);
  return data;
}

export function openApiIndex(reg: Registry): JsonObject {
  return openApiIndexData(reg).doc;
}

/** `/openapi/v3/apis/apps/v1` -> its document. */
export function openApiForPath(reg: Registry, rest: string): JsonObject | undefined {
  const parts = rest.split("/");
  if (parts[0] === "api" && parts.length === 2) return openApiDocument(reg, "", parts[1]!);
  if (parts[0] === "apis" && parts.length === 3) return openApiDocument(reg, parts[1]!, parts[2]!);
  return undefined;
}

/**
 * `/openapi/v2` as JSON (Swagger 2.0): a definition per kind, the CRD's schema for a custom resource, with
 * x-kubernetes-group-version-kind, and the paths of each resource. kube-apiserver also serves it as protobuf
 * (gnostic's OpenAPIv2 messages), which the sandbox does not: clients asking for that alone get 406.
 */
export function openApiV2(reg: Registry): JsonObject {
  const definitions: JsonObject = {};
  const paths: JsonObject = {};
  for (const r of reg.all()) {
    const gvk = [{ group: r.group, version: r.version, kind: r.kind }];
    const builtin = r.custom ? undefined : builtinSchema(r.kind, false);
    definitions[schemaName(r)] = r.crd?.schema
      ? { ...r.crd.schema, "x-kubernetes-group-version-kind": gvk }
      : builtin
        ? { ...builtin, "x-kubernetes-group-version-kind": gvk }
        : {
            type: "object",
            description: `${r.kind} (sandbox: permissive schema)`,
            "x-kubernetes-group-version-kind": gvk,
          };
    const base = `/${gvPath(r.group, r.version)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}`;
    const ref = { $ref: `#/definitions/${schemaName(r)}` };
    const op = (action: string) => ({
      operationId: `${action}${r.kind}`,
      responses: { "200": { description: "OK", schema: ref } },
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk[0]!,
    });
    paths[base] = { get: op("list"), post: op("post") };
    if (!r.createOnly)
      paths[`${base}/{name}`] = { get: op("get"), put: op("put"), patch: op("patch"), delete: op("delete") };
  }
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: KUBE_VERSION.gitVersion },
    paths,
    definitions,
  };
}

/** Whether an Accept header takes JSON (kube-apiserver's negotiation; protobuf alone is not served here). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(",").some((p) => {
    const t = p.split(";")[0]!.trim().toLowerCase();
    return t === "application/json" || t === "*/*" || t === "application/*";
  });
}
