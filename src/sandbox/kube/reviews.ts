import { rulesFor } from "./authz/authorize.js";
import type { RequestAttributes } from "./authz/rules.js";
import type { ApiContext } from "./context.js";
import { asArray, asObject, asString, isObject, type JsonObject } from "./json.js";
import type { ResourceDef } from "./resources.js";
import { timestamp } from "./routing.js";
import { API_AUDIENCES, mintServiceAccountToken } from "./serviceAccountToken.js";
import { invalid, notFound } from "./status.js";
import type { KubeUser } from "./types.js";

export function accessReview(ctx: ApiContext, user: KubeUser, body: JsonObject): JsonObject {
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
    const def = ctx.registry.byPlural(group, resource);
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
  const d = ctx.authorize(user, attrs);
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec,
    status: d.allowed ? { allowed: true, reason: d.reason } : { allowed: false },
  };
}

/** TokenRequest (`kubectl create token`): a projected-style token for an existing ServiceAccount. */
export async function tokenRequest(
  ctx: ApiContext,
  r: ResourceDef,
  namespace: string,
  name: string,
  body: JsonObject,
): Promise<JsonObject> {
  const sa = ctx.store.get(r, namespace, name);
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
  const now = ctx.now();
  const token = await mintServiceAccountToken({
    cluster: ctx.opts.cluster,
    key: ctx.opts.saSigningKey,
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

export function rulesReview(ctx: ApiContext, user: KubeUser, body: JsonObject): JsonObject {
  const spec = asObject(body.spec);
  const rules = rulesFor(user, asString(spec.namespace) ?? "", ctx.snapshot());
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

export function selfSubjectReview(user: KubeUser): JsonObject {
  return {
    kind: "SelfSubjectReview",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: null },
    status: {
      userInfo: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups },
    },
  };
}
