/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1) and their custom resources (pure):
 * - a CRD's validation and the status its controllers write (NamesAccepted and Established at once; the
 *   sandbox has no naming conflicts to wait for), as kubernetes/kubernetes
 *   staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go and
 *   pkg/controller/establish + pkg/controller/status do;
 * - what the custom resource handler does to an object before storing it: prune, default, validate against
 *   the version's schema, and `fieldValidation` for the pruned fields (pkg/apiserver/customresource_handler.go:
 *   unknown fields are a strict decoding error under Strict, a warning under Warn, dropped silently under
 *   Ignore).
 */
import { applyDefaults, prune, structuralErrors, validate } from "./crdSchema.js";
import { asArray, asObject, asString, isObject, type JsonObject, nameOf } from "./json.js";
import type { ResourceDef } from "./resources.js";
import { badRequest, type FieldCause } from "./status.js";

export const CRD_GROUP = "apiextensions.k8s.io";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Field errors of a CRD (the subset of ValidateCustomResourceDefinition a client meets). */
export function validateCrd(crd: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const group = asString(spec.group) ?? "";
  const plural = asString(names.plural) ?? "";
  const kind = asString(names.kind) ?? "";
  const name = nameOf(crd);
  if (group === "")
    out.push({ field: "spec.group", reason: "FieldValueRequired", message: "Required value" });
  else if (!group.includes("."))
    out.push({
      field: "spec.group",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(group)}: should be a domain with at least one dot`,
    });
  if (plural === "")
    out.push({ field: "spec.names.plural", reason: "FieldValueRequired", message: "Required value" });
  else if (!DNS_LABEL.test(plural))
    out.push({
      field: "spec.names.plural",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(plural)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    });
  if (kind === "")
    out.push({ field: "spec.names.kind", reason: "FieldValueRequired", message: "Required value" });
  if (plural && group && name !== `${plural}.${group}`)
    out.push({
      field: "metadata.name",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(name)}: must be spec.names.plural+"."+spec.group`,
    });
  const scope = asString(spec.scope) ?? "";
  if (!["Cluster", "Namespaced"].includes(scope))
    out.push(
      scope === ""
        ? { field: "spec.scope", reason: "FieldValueRequired", message: "Required value" }
        : {
            field: "spec.scope",
            reason: "FieldValueNotSupported",
            message: `Unsupported value: ${JSON.stringify(scope)}: supported values: "Cluster", "Namespaced"`,
          },
    );
  const versions = asArray(spec.versions).filter(isObject);
  if (versions.length === 0)
    out.push({
      field: "spec.versions",
      reason: "FieldValueInvalid",
      message: "Invalid value: null: must have exactly one version marked as storage version",
    });
  else if (versions.filter((v) => v.storage === true).length !== 1)
    out.push({
      field: "spec.versions",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(JSON.stringify(versions.map((v) => asString(v.name))))}: must have exactly one version marked as storage version`,
    });
  versions.forEach((v, i) => {
    const schema = asObject(v.schema).openAPIV3Schema;
    const p = `spec.versions[${i}].schema.openAPIV3Schema`;
    if (!isObject(schema))
      out.push({ field: p, reason: "FieldValueRequired", message: "Required value: schemas are required" });
    else out.push(...structuralErrors(schema, p));
    for (const [j, c] of asArray(v.additionalPrinterColumns).filter(isObject).entries())
      if (!asString(c.jsonPath))
        out.push({
          field: `spec.versions[${i}].additionalPrinterColumns[${j}].jsonPath`,
          reason: "FieldValueRequired",
          message: "Required value",
        });
  });
  return out;
}

/** The status the establishing and naming controllers give a CRD. */
export function crdStatus(crd: JsonObject, now: string, previous?: JsonObject): JsonObject {
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const kind = asString(names.kind) ?? "";
  const storage =
    asString(
      asArray(spec.versions)
        .filter(isObject)
        .find((v) => v.storage === true)?.name,
    ) ?? "";
  const stored = asArray(asObject(previous?.status).storedVersions).filter(
    (s): s is string => typeof s === "string",
  );
  const before = asArray(asObject(previous?.status).conditions).filter(isObject);
  // A condition that stays True keeps the time it became so.
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    lastTransitionTime:
      asString(before.find((c) => c.type === type && c.status === "True")?.lastTransitionTime) ?? now,
    reason,
    message,
  });
  return {
    acceptedNames: {
      ...names,
      singular: asString(names.singular) ?? kind.toLowerCase(),
      listKind: asString(names.listKind) ?? `${kind}List`,
    },
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    storedVersions: [...new Set([...stored, storage])],
  };
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** `fieldValidation` of a write: kube-apiserver's default is Warn; anything else is a 400. */
export function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get("fieldValidation") ?? "";
  if (v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw badRequest(
    `fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`,
  );
}

/** The warning kube-apiserver sends for an unknown field under Warn. */
export const unknownFieldWarning = (path: string) => `unknown field "${path}"`;

/** The strict decoding error of a write that had unknown fields. */
export function strictDecodingError(r: ResourceDef, dropped: string[], patch: boolean): Error {
  const detail = `strict decoding error: ${dropped.map(unknownFieldWarning).join(", ")}`;
  return badRequest(
    patch ? detail : `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${detail}`,
  );
}

/**
 * Prunes and defaults a custom resource in place with its version's schema; returns the unknown fields
 * dropped (the caller applies fieldValidation) and the schema's field errors.
 */
export function shapeCustom(r: ResourceDef, o: JsonObject): { dropped: string[]; causes: FieldCause[] } {
  const schema = r.crd?.schema;
  if (!schema) return { dropped: [], causes: [] };
  const dropped = prune(schema, o);
  applyDefaults(schema, o);
  return { dropped, causes: validate(schema, o) };
}
