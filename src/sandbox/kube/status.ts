/**
 * Kubernetes `Status` errors with kube-apiserver's reasons, codes and message formats
 * (k8s.io/apimachinery/pkg/api/errors). Every failure the API server returns is one of these.
 */
import type { JsonObject } from "./json.js";
import { qualifiedName, type ResourceDef } from "./resources.js";

export class KubeStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: JsonObject,
  ) {
    super(message);
    this.name = "KubeStatusError";
  }

  toStatus(): JsonObject {
    const s: JsonObject = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

function details(r: ResourceDef, name?: string): JsonObject {
  const d: JsonObject = {};
  if (name !== undefined && name !== "") d.name = name;
  if (r.group !== "") d.group = r.group;
  d.kind = r.plural;
  return d;
}

export function notFound(r: ResourceDef, name: string): KubeStatusError {
  return new KubeStatusError(404, "NotFound", `${qualifiedName(r)} "${name}" not found`, details(r, name));
}

export function alreadyExists(r: ResourceDef, name: string): KubeStatusError {
  return new KubeStatusError(
    409,
    "AlreadyExists",
    `${qualifiedName(r)} "${name}" already exists`,
    details(r, name),
  );
}

export function conflict(r: ResourceDef, name: string): KubeStatusError {
  return new KubeStatusError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedName(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(r, name),
  );
}

/** A request refused by the authorizer: `pods "x" is forbidden: User "u" cannot get resource ...`. */
export function forbidden(
  r: ResourceDef | undefined,
  resource: string,
  name: string,
  why: string,
): KubeStatusError {
  const subject = name ? `${resource} "${name}"` : resource;
  return new KubeStatusError(
    403,
    "Forbidden",
    `${subject} is forbidden: ${why}`,
    r ? details(r, name) : { kind: resource },
  );
}

/** A request refused by an admission webhook (Capsule). */
export function admissionDenied(
  r: ResourceDef,
  name: string,
  webhook: string,
  message: string,
): KubeStatusError {
  return new KubeStatusError(
    403,
    "Forbidden",
    `admission webhook "${webhook}" denied the request: ${message}`,
    details(r, name),
  );
}

export interface FieldCause {
  field: string;
  /** FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, ... */
  reason: string;
  message: string;
}

export function invalid(r: ResourceDef, name: string, causes: FieldCause[]): KubeStatusError {
  const kindName = r.group === "" ? r.kind : `${r.kind}.${r.group}`;
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  return new KubeStatusError(422, "Invalid", `${kindName} "${name}" is invalid: ${joined}`, {
    name,
    ...(r.group !== "" ? { group: r.group } : {}),
    kind: r.kind,
    causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
  });
}

export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, "BadRequest", message);
}

export function unauthorized(): KubeStatusError {
  return new KubeStatusError(401, "Unauthorized", "Unauthorized");
}

export function pathNotFound(): KubeStatusError {
  return new KubeStatusError(404, "NotFound", "the server could not find the requested resource");
}

export function methodNotAllowed(): KubeStatusError {
  return new KubeStatusError(
    405,
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
  );
}

export function unsupportedMediaType(contentType: string, accepted: string[]): KubeStatusError {
  return new KubeStatusError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    { causes: [{ reason: "UnexpectedServerResponse", message: contentType }] },
  );
}

export function internalError(message: string): KubeStatusError {
  return new KubeStatusError(500, "InternalError", `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}
