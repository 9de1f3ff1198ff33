/** The validation kube-apiserver applies that matters to clients here: names and a few required fields. */
import { DEPLOYMENT_STRATEGIES, DNS_POLICIES, POD_SPEC_PATHS, RESTART_POLICIES } from "./builtinFields.js";
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

const cause = (field: string, reason: FieldCause["reason"], message: string): FieldCause => ({
  field,
  reason,
  message,
});
const quoted = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(", ");
/** field.NotSupported: the value and the allowed ones, in the order validation lists them. */
const unsupported = (field: string, value: string, values: readonly string[]): FieldCause =>
  cause(
    field,
    "FieldValueNotSupported",
    `Unsupported value: ${JSON.stringify(value)}: supported values: ${quoted(values)}`,
  );
/** An enum field: empty is defaulted before validation, so only a wrong non-empty value is refused. */
function checkEnum(out: FieldCause[], field: string, v: unknown, values: readonly string[]): void {
  if (typeof v === "string" && v !== "" && !values.includes(v)) out.push(unsupported(field, v, values));
}
/** validation.IsValidPortNum (k8s.io/apimachinery pkg/util/validation). */
function checkPort(out: FieldCause[], field: string, v: unknown): void {
  if (typeof v === "number" && (v < 1 || v > 65535))
    out.push(
      cause(field, "FieldValueInvalid", `Invalid value: ${v}: must be between 1 and 65535, inclusive`),
    );
}

// kubernetes/kubernetes pkg/apis/core/validation/validation.go: supportedPortProtocols and
// supportedPullPolicies are sets listed sorted; validateRestartPolicy and validateDNSPolicy list theirs in
// source order (RESTART_POLICIES, DNS_POLICIES).
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
/** apps/validation ValidatePodTemplateSpecForReplicaSet / for StatefulSet and DaemonSet; batch's Job. */
const TEMPLATE_RESTART: Readonly<Record<string, readonly string[]>> = {
  Deployment: ["Always"],
  StatefulSet: ["Always"],
  DaemonSet: ["Always"],
  ReplicaSet: ["Always"],
  Job: ["OnFailure", "Never"],
  CronJob: ["OnFailure", "Never"],
};

/**
 * Enums and port ranges of a pod spec (validateContainerPorts, validatePullPolicy, validateRestartPolicy,
 * validateDNSPolicy of pkg/apis/core/validation/validation.go).
 */
function podSpecCauses(kind: string, o: JsonObject): FieldCause[] {
  const at = POD_SPEC_PATHS[kind];
  if (!at) return [];
  let spec: JsonObject = o;
  for (const k of at) spec = asObject(spec[k]);
  const base = at.join(".");
  const out: FieldCause[] = [];
  for (const list of ["initContainers", "containers"]) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    for (const [i, raw] of cs.entries()) {
      const c = asObject(raw);
      const p = `${base}.${list}[${i}]`;
      if (Array.isArray(c.ports))
        for (const [j, rawPort] of c.ports.entries()) {
          const port = asObject(rawPort);
          const pp = `${p}.ports[${j}]`;
          if (port.containerPort === undefined || port.containerPort === null || port.containerPort === 0)
            out.push(cause(`${pp}.containerPort`, "FieldValueRequired", "Required value"));
          else checkPort(out, `${pp}.containerPort`, port.containerPort);
          if (port.hostPort !== 0) checkPort(out, `${pp}.hostPort`, port.hostPort);
          checkEnum(out, `${pp}.protocol`, port.protocol, PROTOCOLS);
        }
      checkEnum(out, `${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES);
    }
  }
  checkEnum(out, `${base}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES);
  const template = TEMPLATE_RESTART[kind];
  if (template && RESTART_POLICIES.includes(spec.restartPolicy as never))
    checkEnum(out, `${base}.restartPolicy`, spec.restartPolicy, template);
  checkEnum(out, `${base}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES);
  return out;
}

/** validateServicePort and the type of ValidateService (pkg/apis/core/validation/validation.go). */
function serviceCauses(spec: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  if (Array.isArray(spec.ports))
    for (const [i, raw] of spec.ports.entries()) {
      const port = asObject(raw);
      const p = `spec.ports[${i}]`;
      checkPort(out, `${p}.port`, port.port ?? 0);
      checkEnum(out, `${p}.protocol`, port.protocol, PROTOCOLS);
      // ValidatePortNumOrName: 0 is defaulted to port.
      if (typeof port.targetPort === "number" && port.targetPort !== 0)
        checkPort(out, `${p}.targetPort`, port.targetPort);
    }
  checkEnum(out, "spec.type", spec.type, SERVICE_TYPES);
  return out;
}

/**
 * ValidateDeploymentStrategy (pkg/apis/apps/validation/validation.go) reports the whole strategy struct as the
 * value, printed with %#v (apimachinery field.Error for a non-scalar value).
 */
function strategyCauses(spec: JsonObject): FieldCause[] {
  const strategy = asObject(spec.strategy);
  const type = strategy.type;
  if (typeof type !== "string" || type === "" || DEPLOYMENT_STRATEGIES.includes(type as never)) return [];
  const rolling = isObject(strategy.rollingUpdate) ? "(0xc000a4e1e0)" : "(nil)";
  return [
    cause(
      "spec.strategy",
      "FieldValueNotSupported",
      `Unsupported value: apps.DeploymentStrategy{Type:${JSON.stringify(type)}, RollingUpdate:(*apps.RollingUpdateDeployment)${rolling}}: supported values: ${quoted(DEPLOYMENT_STRATEGIES)}`,
    ),
  ];
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
  causes.push(...containerCauses(r.kind, o), ...podSpecCauses(r.kind, o));
  if (r.kind === "Service") causes.push(...serviceCauses(spec));
  if (r.kind === "Deployment") causes.push(...strategyCauses(spec));
  return causes;
}
