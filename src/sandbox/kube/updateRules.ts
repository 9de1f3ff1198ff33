/**
 * Update validation kube-apiserver applies before any write, as pure checks of (new, old):
 * - immutable ConfigMaps and Secrets (kubernetes/kubernetes pkg/apis/core/validation/validation.go:
 *   ValidateConfigMapUpdate, ValidateSecretUpdate: "field is immutable when `immutable` is set"; a Secret's type
 *   never changes);
 * - pod updates may change only images, activeDeadlineSeconds, tolerations (additions) and
 *   terminationGracePeriodSeconds (ValidatePodUpdate), so a pod's serviceAccountName is fixed;
 * - the namespaces the NamespaceLifecycle admission plugin never deletes
 *   (plugin/pkg/admission/namespace/lifecycle/admission.go: immortalNamespaces).
 */
import { asArray, asObject, isObject, type JsonObject, jsonEqual } from "./json.js";
import type { FieldCause } from "./status.js";

export const IMMORTAL_NAMESPACES = ["default", "kube-system", "kube-public"];

const IMMUTABLE = "Forbidden: field is immutable when `immutable` is set";

export function immutableDataCauses(kind: string, next: JsonObject, cur: JsonObject): FieldCause[] {
  const causes: FieldCause[] = [];
  if (kind === "Secret" && cur.type !== undefined && next.type !== cur.type)
    causes.push({
      field: "type",
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(next.type ?? "")}: field is immutable`,
    });
  if (cur.immutable !== true) return causes;
  if (next.immutable !== true)
    causes.push({ field: "immutable", reason: "FieldValueForbidden", message: IMMUTABLE });
  if (!jsonEqual(next.data ?? {}, cur.data ?? {}))
    causes.push({ field: "data", reason: "FieldValueForbidden", message: IMMUTABLE });
  if (kind === "ConfigMap" && !jsonEqual(next.binaryData ?? {}, cur.binaryData ?? {}))
    causes.push({ field: "binaryData", reason: "FieldValueForbidden", message: IMMUTABLE });
  return causes;
}

/** The pod spec with what an update may change set aside. */
function fixedPart(spec: JsonObject): JsonObject {
  const out: JsonObject = { ...spec };
  const strip = (list: unknown) =>
    asArray(list)
      .filter(isObject)
      .map(({ image: _i, ...rest }) => rest);
  out.containers = strip(spec.containers);
  if (spec.initContainers !== undefined) out.initContainers = strip(spec.initContainers);
  delete out.activeDeadlineSeconds;
  delete out.tolerations;
  delete out.terminationGracePeriodSeconds;
  return out;
}

export function podUpdateCauses(next: JsonObject, cur: JsonObject): FieldCause[] {
  const before = asObject(cur.spec);
  const after = asObject(next.spec);
  const added = asArray(after.tolerations);
  const kept = asArray(before.tolerations).every((t) => added.some((x) => jsonEqual(x, t)));
  if (jsonEqual(fixedPart(after), fixedPart(before)) && kept) return [];
  return [
    {
      field: "spec",
      reason: "FieldValueForbidden",
      message:
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    },
  ];
}
