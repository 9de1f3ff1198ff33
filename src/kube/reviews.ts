/** What the cluster says about the caller: access reviews (SSAR) and who it is (SelfSubjectReview). */
import { type KubeClient, KubeStatusError } from "./client.js";
import { known, resourcePath } from "./resources.js";

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

const SSAR = known("authorization.k8s.io/v1", "SelfSubjectAccessReview");
const SSR = known("authentication.k8s.io/v1", "SelfSubjectReview");

/** SelfSubjectAccessReview: what the cluster answers for this caller (access policies, RBAC, Capsule). */
export async function accessReview(kube: KubeClient, attrs: ResourceAttributes): Promise<AccessDecision> {
  const body = {
    apiVersion: SSAR.apiVersion,
    kind: SSAR.kind,
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
  const out = (await kube.request("POST", resourcePath(SSAR), SSAR.kind, body)) as {
    status?: { allowed?: boolean; reason?: string };
  };
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
    const out = (await kube.request("POST", resourcePath(SSR), SSR.kind, {
      apiVersion: SSR.apiVersion,
      kind: SSR.kind,
    })) as { status?: { userInfo?: { username?: string; groups?: string[] } } };
    const u = out.status?.userInfo;
    return { username: u?.username ?? "", groups: u?.groups ?? [] };
  } catch (e) {
    if (e instanceof KubeStatusError && e.status === 404) return undefined;
    throw e;
  }
}
