import {
  checkBinding,
  checkRoleWrite,
  type EscalationVerdict,
  hasAggregationRule,
  onlyGcFieldsChange,
} from "./authz/escalation.js";
import { toRules } from "./authz/snapshot.js";
import { admitNamespace, admitNamespaceUpdate, CAPSULE_WEBHOOK, tenantStatus } from "./capsule.js";
import {
  type ApiContext,
  CAPSULE_CONFIGS,
  CLUSTER_ROLES,
  NAMESPACES,
  qualified,
  ROLES,
  SERVICE_ACCOUNTS,
  TENANTS,
} from "./context.js";
import { daemonSetDefaults } from "./daemonSets.js";
import { cronJobCauses, cronJobDefaults, jobCauses, jobDefaults, jobSelector } from "./jobs.js";
import {
  asArray,
  asObject,
  asString,
  isObject,
  type JsonObject,
  labelsOf,
  meta,
  nameOf,
  namespaceOf,
} from "./json.js";
import { injectPodIdentity } from "./podIdentity.js";
import type { ResourceDef } from "./resources.js";
import { timestamp } from "./routing.js";
import { admissionDenied, badRequest, forbidden, invalid, KubeStatusError, notFound } from "./status.js";
import type { KubeUser } from "./types.js";
import { validateName, validateObject } from "./validate.js";
import {
  deploymentDefaults,
  podDefaults,
  replicaSetDefaults,
  runningPodStatus,
  statefulSetDefaults,
} from "./workloads.js";

export function checkValid(_ctx: ApiContext, r: ResourceDef, o: JsonObject): void {
  if (r.kind === "Secret") checkSecretData(o);
  const causes = [
    ...validateName(r, nameOf(o)),
    ...validateObject(r, o),
    ...(r.kind === "CronJob" && r.group === "batch" ? cronJobCauses(o) : []),
  ];
  if (causes.length) throw invalid(r, nameOf(o), causes);
}

/**
 * RBAC escalation prevention for writes of bindings and roles (authz/escalation.ts): 403 with kube-apiserver's
 * message, or 404 when a binding refers to a role that does not exist and `bind` is not granted.
 */
export function checkEscalation(
  ctx: ApiContext,
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
        ctx.snapshot(),
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
        ctx.snapshot(),
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
export function admit(ctx: ApiContext, user: KubeUser, r: ResourceDef, o: JsonObject): JsonObject {
  const m = meta(o);
  switch (r.kind) {
    case "Namespace": {
      const verdict = admitNamespace(
        user,
        o,
        ctx.store.get(CAPSULE_CONFIGS, "", "default"),
        ctx.store.list(TENANTS),
        ctx.store.list(NAMESPACES),
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
      return admitPod(ctx, o);
    case "Deployment":
      m.annotations = { ...asObject(m.annotations) } as JsonObject;
      return deploymentDefaults(o);
    case "StatefulSet":
      return statefulSetDefaults(o);
    case "ReplicaSet":
      return replicaSetDefaults(o);
    case "DaemonSet":
      return daemonSetDefaults(o);
    case "CronJob":
      return cronJobDefaults(o);
    case "Job": {
      const causes = jobCauses(o);
      if (causes.length) throw invalid(r, nameOf(o), causes);
      return jobSelector(jobDefaults(o));
    }
    case "Secret": {
      o.type ??= "Opaque";
      return foldStringData(o);
    }
    case "Tenant":
      o.status = tenantStatus(o, ctx.store.list(NAMESPACES));
      return o;
    case "Service": {
      // The service IP allocator and port defaulting; no proxying happens in the sandbox.
      const spec = asObject(o.spec);
      o.spec = spec;
      spec.type ??= "ClusterIP";
      if (spec.type !== "ExternalName" && spec.clusterIP === undefined) {
        const n = ctx.nextIp();
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
export function admitPod(ctx: ApiContext, pod: JsonObject): JsonObject {
  let p = podDefaults(pod);
  const ns = namespaceOf(p);
  const sa = asString(asObject(p.spec).serviceAccountName) ?? "default";
  const account = ctx.store.get(SERVICE_ACCOUNTS, ns, sa);
  if (!account)
    throw new KubeStatusError(
      403,
      "Forbidden",
      `pods "${nameOf(p)}" is forbidden: error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`,
      { name: nameOf(p), kind: "pods" },
    );
  p = injectPodIdentity(p, account, ctx.opts.cluster.region);
  const n = ctx.nextIp();
  p.status = runningPodStatus(p, timestamp(ctx.now()), `10.0.${(n >> 8) & 255}.${n & 255}`);
  return p;
}

/**
 * Secret.data values are []byte in Go: kube-apiserver refuses a body whose value is not base64 while decoding
 * it (400, before any validation), e.g. when someone writes plain JSON where base64 belongs.
 */
export function checkSecretData(o: JsonObject): void {
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
export function foldStringData(o: JsonObject): JsonObject {
  if (!isObject(o.stringData)) return o;
  const data = { ...asObject(o.data) };
  for (const [k, v] of Object.entries(o.stringData))
    if (typeof v === "string") data[k] = Buffer.from(v, "utf8").toString("base64");
  const out: JsonObject = { ...o, data };
  delete out.stringData;
  return out;
}

/** Admission of an update (PUT or PATCH; not of a status write): Capsule's namespace webhooks. */
export function admitUpdate(
  ctx: ApiContext,
  user: KubeUser,
  r: ResourceDef,
  next: JsonObject,
  before: JsonObject,
): JsonObject {
  if (r.kind !== "Namespace") return next;
  const verdict = admitNamespaceUpdate(
    user,
    next,
    before,
    ctx.store.get(CAPSULE_CONFIGS, "", "default"),
    ctx.store.list(TENANTS),
  );
  if (verdict.kind === "denied") throw admissionDenied(r, nameOf(before), CAPSULE_WEBHOOK, verdict.message);
  return verdict.kind === "admitted" ? verdict.namespace : next;
}
