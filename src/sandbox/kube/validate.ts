/** The validation kube-apiserver applies that matters to clients here: names and a few required fields. */
import { POD_SPEC_PATHS } from "./builtinFields.js";
import { asObject, asString, isObject, type JsonObject, labelsOf } from "./json.js";
import type { ResourceDef } from "./resources.js";
import { matchLabelSelectorObject } from "./selectors.js";
import type { FieldCause } from "./status.js";

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

function goMap(labels: Record<string, string>): string {
  return `map[string]string{${Object.entries(labels)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(", ")}}`;
}

export function validateName(r: ResourceDef, name: string): FieldCause[] {
  if (name === "")
    return [
      {
        field: "metadata.name",
        reason: "FieldValueRequired",
        message: "Required value: name or generateName is required",
      },
    ];
  const invalid = (msg: string): FieldCause[] => [
    {
      field: "metadata.name",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(name)}: ${msg}`,
    },
  ];
  if (RBAC_KINDS.has(r.kind)) {
    // RBAC objects take path segment names (system:discovery).
    if (name === "." || name === ".." || /[/%]/.test(name)) return invalid(`may not contain '/' or '%'`);
    return [];
  }
  if (r.kind === "Namespace") {
    if (name.length > 63) return invalid("must be no more than 63 characters");
    return LABEL.test(name) ? [] : invalid(LABEL_MSG);
  }
  if (name.length > 253) return invalid("must be no more than 253 characters");
  return SUBDOMAIN.test(name) ? [] : invalid(SUBDOMAIN_MSG);
}

/**
 * The containers of a pod spec: a DNS-1123 label as name and an image are required (kubernetes/kubernetes
 * pkg/apis/core/validation/validation.go validateContainerCommon, for regular and init containers).
 */
function containerCauses(kind: string, o: JsonObject): FieldCause[] {
  const at = POD_SPEC_PATHS[kind];
  if (!at) return [];
  let spec: JsonObject = o;
  for (const k of at) spec = asObject(spec[k]);
  const out: FieldCause[] = [];
  for (const list of ["initContainers", "containers"]) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    for (const [i, c] of cs.entries()) {
      const p = `${at.join(".")}.${list}[${i}]`;
      const name = asString(asObject(c).name) ?? "";
      if (!name) out.push({ field: `${p}.name`, reason: "FieldValueRequired", message: "Required value" });
      else if (name.length > 63 || !LABEL.test(name))
        out.push({
          field: `${p}.name`,
          reason: "FieldValueInvalid",
          message: `Invalid value: ${JSON.stringify(name)}: ${name.length > 63 ? "must be no more than 63 characters" : LABEL_MSG}`,
        });
      if (!asString(asObject(c).image))
        out.push({ field: `${p}.image`, reason: "FieldValueRequired", message: "Required value" });
    }
  }
  return out;
}

export function validateObject(r: ResourceDef, o: JsonObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = asObject(o.spec);
  if (r.kind === "Pod") {
    if (!Array.isArray(spec.containers) || spec.containers.length === 0)
      causes.push({ field: "spec.containers", reason: "FieldValueRequired", message: "Required value" });
  }
  if (r.kind === "Deployment") {
    const template = asObject(spec.template);
    const labels = labelsOf(template);
    if (!isObject(spec.selector))
      causes.push({ field: "spec.selector", reason: "FieldValueRequired", message: "Required value" });
    else if (!matchLabelSelectorObject(spec.selector, labels))
      causes.push({
        field: "spec.template.metadata.labels",
        reason: "FieldValueInvalid",
        message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
      });
    const containers = asObject(template.spec).containers;
    if (!Array.isArray(containers) || containers.length === 0)
      causes.push({
        field: "spec.template.spec.containers",
        reason: "FieldValueRequired",
        message: "Required value",
      });
  }
  if (r.kind === "RoleBinding" || r.kind === "ClusterRoleBinding") {
    const ref = asObject(o.roleRef);
    if (!asString(ref.name))
      causes.push({ field: "roleRef.name", reason: "FieldValueRequired", message: "Required value" });
    if (!["Role", "ClusterRole"].includes(asString(ref.kind) ?? ""))
      causes.push({
        field: "roleRef.kind",
        reason: "FieldValueNotSupported",
        message: `Unsupported value: ${JSON.stringify(asString(ref.kind) ?? "")}: supported values: "Role", "ClusterRole"`,
      });
    if (r.kind === "ClusterRoleBinding" && asString(ref.kind) === "Role")
      causes.push({
        field: "roleRef.kind",
        reason: "FieldValueNotSupported",
        message: `Unsupported value: "Role": supported values: "ClusterRole"`,
      });
  }
  causes.push(...containerCauses(r.kind, o));
  return causes;
}
