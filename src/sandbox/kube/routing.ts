/**
 * Routing, as kube-apiserver's request-info resolver and handler chain do it (kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): a path is a resource request
 * (/api/v1/..., /apis/<group>/<version>/...) with a verb derived from the method, or a non-resource path.
 * Also the transport edges: reading a bounded body and writing a JSON answer.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody as readLimited } from "../body.js";
import type { Json } from "./json.js";
import type { Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";
import { KubeStatusError, methodNotAllowed, pathNotFound } from "./status.js";

/** kube-apiserver's default --max-request-body-bytes is 3 MiB for most writes. */
export const MAX_BODY = 3 * 1024 * 1024;

export interface ApiRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** `watch=true`, `True` or `1`: strconv.ParseBool, as the query parameter decoder reads it. */
export function isWatch(q: URLSearchParams): boolean {
  return ["1", "t", "T", "true", "TRUE", "True"].includes(q.get("watch") ?? "");
}

export interface ResourceRoute {
  r: ResourceDef;
  namespace: string;
  name: string;
  subresource: string;
  verb: string;
}

/** Parses /api/v1/... and /apis/<g>/<v>/... into a resource request (undefined: not a resource path). */
export function parseResourcePath(
  registry: Registry,
  method: string,
  path: string,
  watch: boolean,
): ResourceRoute | undefined {
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
  const r = registry.find(group, version, plural);
  if (!r) throw pathNotFound();
  if (subresource && !(r.subresources ?? []).some((s) => s === subresource)) throw pathNotFound();
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
  const subVerbs = subresource === "log" ? ["get"] : ["get", "update", "patch"];
  if (subresource ? !subVerbs.includes(verb) : !r.verbs.includes(verb)) throw methodNotAllowed();
  return { r, namespace, name, subresource, verb };
}

export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The body within kube-apiserver's limit; past it a 413 (the rest is drained so the client sees it). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const body = await readLimited(req, MAX_BODY);
  if (!body)
    throw new KubeStatusError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${MAX_BODY}`);
  return body;
}

export function send(
  res: ServerResponse,
  code: number,
  body: Json | string,
  contentType = "application/json",
  warnings: string[] = [],
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
    "Audit-Id": randomUUID(),
    // RFC 7234 warn-code 299 with agent "-", as kube-apiserver's warning recorder writes them.
    ...(warnings.length ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {}),
  });
  res.end(text);
}
