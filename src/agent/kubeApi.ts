/**
 * The Kubernetes requests the runtime flows make beyond KubeClient's fixed kind table: access reviews,
 * RoleBindings, and any namespaced kind of an application manifest (found by discovery, once per group
 * version, so that `deploy` applies whatever the cluster serves).
 */
import { KubeError } from "../errors.js";
import { type KubeClient, KubeStatusError } from "../kube/index.js";
import type { JsonObject, KubeObject } from "../state/index.js";

export interface ResourceAttributes {
  verb: string;
  /** API group; "" is the core group. */
  group: string;
  resource: string;
  name?: string;
  namespace?: string;
}

export interface AccessDecision {
  allowed: boolean;
  reason?: string;
}

/** SelfSubjectAccessReview: what the cluster answers for this caller (access policies, RBAC, Capsule). */
export async function accessReview(kube: KubeClient, attrs: ResourceAttributes): Promise<AccessDecision> {
  const body = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: {
      resourceAttributes: {
        verb: attrs.verb,
        group: attrs.group,
        resource: attrs.resource,
        ...(attrs.name ? { name: attrs.name } : {}),
        ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
      },
    },
  };
  const out = (await kube.request(
    "POST",
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    "SelfSubjectAccessReview",
    body,
  )) as { status?: { allowed?: boolean; reason?: string } };
  return {
    allowed: out.status?.allowed === true,
    ...(out.status?.reason ? { reason: out.status.reason } : {}),
  };
}

export interface UserInfo {
  username: string;
  groups: string[];
}

/**
 * SelfSubjectReview (`kubectl auth whoami`): who the cluster says the caller is. Undefined when the cluster does
 * not serve it (Kubernetes before 1.28); an unauthenticated caller gets the 401 like any request.
 */
export async function whoAmI(kube: KubeClient): Promise<UserInfo | undefined> {
  try {
    const out = (await kube.request(
      "POST",
      "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      "SelfSubjectReview",
      { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    )) as { status?: { userInfo?: { username?: string; groups?: string[] } } };
    const u = out.status?.userInfo;
    return { username: u?.username ?? "", groups: u?.groups ?? [] };
  } catch (e) {
    if (e instanceof KubeStatusError && e.status === 404) return undefined;
    throw e;
  }
}

/** What discovery says about a kind. */
export interface ApiResource {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** Built-in groups accept strategic merge patches; custom resources only merge patches. */
export function isBuiltinGroup(group: string): boolean {
  return !group.includes(".") || group.endsWith(".k8s.io");
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
}

export class Discovery {
  private readonly groups = new Map<string, Promise<ApiResource[]>>();

  constructor(private readonly kube: KubeClient) {}

  private list(apiVersion: string): Promise<ApiResource[]> {
    let p = this.groups.get(apiVersion);
    if (!p) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.kube
        .request("GET", path, "APIResourceList")
        .then((body) => {
          const resources = (body as { resources?: { name?: string; kind?: string; namespaced?: boolean }[] })
            .resources;
          return (resources ?? [])
            .filter((r) => typeof r.name === "string" && !r.name.includes("/") && typeof r.kind === "string")
            .map((r) => ({ apiVersion, kind: r.kind!, plural: r.name!, namespaced: r.namespaced === true }));
        })
        .catch((e: unknown) => {
          if (e instanceof KubeStatusError && e.status === 404) return [];
          throw e;
        });
      this.groups.set(apiVersion, p);
    }
    return p;
  }

  /** The resource of a kind, or undefined when the cluster does not serve it. */
  async find(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    return (await this.list(apiVersion)).find((r) => r.kind === kind);
  }
}

export function objectPath(r: ApiResource, namespace: string | undefined, name?: string): string {
  const root = r.apiVersion.includes("/") ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "")}` : "";
  return `${root}${ns}/${r.plural}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

/** The few kinds the flows read and write themselves (no discovery needed). */
export const NAMESPACES: ApiResource = {
  apiVersion: "v1",
  kind: "Namespace",
  plural: "namespaces",
  namespaced: false,
};
export const SECRETS: ApiResource = { apiVersion: "v1", kind: "Secret", plural: "secrets", namespaced: true };
export const ROLE_BINDINGS: ApiResource = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  plural: "rolebindings",
  namespaced: true,
};

export async function getObject(
  kube: KubeClient,
  r: ApiResource,
  namespace: string | undefined,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return (await kube.request("GET", objectPath(r, namespace, name), r.kind)) as KubeObject;
  } catch (e) {
    if (e instanceof KubeStatusError && e.status === 404) return undefined;
    throw e;
  }
}

/** Creates; `undefined` when it already exists (AlreadyExists is fine for idempotent flows). */
export async function createObject(
  kube: KubeClient,
  r: ApiResource,
  obj: KubeObject,
  opts: { dryRun?: boolean } = {},
): Promise<KubeObject | undefined> {
  const query = opts.dryRun ? "?dryRun=All" : "";
  try {
    return (await kube.request(
      "POST",
      objectPath(r, obj.metadata.namespace) + query,
      r.kind,
      obj,
    )) as KubeObject;
  } catch (e) {
    if (e instanceof KubeStatusError && e.status === 409 && e.reason === "AlreadyExists") return undefined;
    throw e;
  }
}

export async function patchObject(
  kube: KubeClient,
  r: ApiResource,
  namespace: string | undefined,
  name: string,
  patch: JsonObject,
): Promise<KubeObject> {
  const type = isBuiltinGroup(groupOf(r.apiVersion))
    ? "application/strategic-merge-patch+json"
    : "application/merge-patch+json";
  return (await kube.request("PATCH", objectPath(r, namespace, name), r.kind, patch, type)) as KubeObject;
}

/** Whether an error means the cluster could not be talked to at all (not an answer from it). */
export function isUnreachable(e: unknown): boolean {
  return e instanceof KubeError && e.code === "kube.unreachable";
}
