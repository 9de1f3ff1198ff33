/**
 * Authentication of a sandbox cluster request: EKS bearer tokens (aws-iam-authenticator rules, then the sandbox
 * STS, then the cluster's access entries), or service-account JWTs issued by this cluster. No credentials make an
 * anonymous request (as kube-apiserver with anonymous auth); bad credentials are a 401.
 */
import { eksDefaultUsername } from "../../names/index.js";
import {
  CLUSTER_ID_HEADER,
  canonicalizeArn,
  checkEksToken,
  expandUsername,
  TOKEN_PREFIX,
} from "./eksToken.js";
import { verifyServiceAccountToken } from "./serviceAccountToken.js";
import type { KubeApiOptions, KubeUser } from "./types.js";

export type AuthnResult =
  | { kind: "user"; user: KubeUser }
  | { kind: "anonymous"; user: KubeUser }
  | { kind: "unauthorized"; reason: string };

export const ANONYMOUS: KubeUser = {
  username: "system:anonymous",
  groups: ["system:unauthenticated"],
  accessPolicies: [],
};

export interface AuthnDeps {
  opts: Pick<KubeApiOptions, "cluster" | "saSigningKey" | "stsGetCallerIdentity" | "resolveAccessEntry">;
  now: () => Date;
  serviceAccountExists(namespace: string, name: string): boolean;
  /** STS answers by token, as kube-apiserver caches webhook token reviews (2 minutes). */
  stsCache?: StsCache;
}

type CallerIdentity = { arn: string; account: string; userId: string };

/** A small bounded cache of successful GetCallerIdentity answers; never outlives a token's validity. */
export class StsCache {
  private readonly entries = new Map<string, { id: CallerIdentity; until: number }>();
  constructor(
    private readonly ttlMs = 2 * 60_000,
    private readonly max = 1000,
  ) {}

  get(token: string, now: Date): CallerIdentity | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (e.until <= now.getTime()) {
      this.entries.delete(token);
      return undefined;
    }
    return e.id;
  }

  set(token: string, id: CallerIdentity, now: Date, tokenExpiry: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { id, until: Math.min(now.getTime() + this.ttlMs, tokenExpiry) });
  }
}

async function authenticateEks(token: string, deps: AuthnDeps): Promise<AuthnResult> {
  const { opts } = deps;
  const now = deps.now();
  const check = checkEksToken(token, now);
  if (!check.ok) return { kind: "unauthorized", reason: check.error };
  let id = deps.stsCache?.get(token, now);
  if (!id) {
    const answer = await opts.stsGetCallerIdentity(check.url, { [CLUSTER_ID_HEADER]: opts.cluster.name });
    if (!answer.ok) return { kind: "unauthorized", reason: `sts: ${answer.error}` };
    id = { arn: answer.arn, account: answer.account, userId: answer.userId };
    deps.stsCache?.set(token, id, now, check.expiresAt);
  }
  const canonical = canonicalizeArn(id.arn);
  if (!canonical) return { kind: "unauthorized", reason: `unsupported principal ARN "${id.arn}"` };
  const [uniqueId = "", sessionName = ""] = id.userId.split(":");
  const entry = opts.resolveAccessEntry(canonical, uniqueId);
  if (!entry) return { kind: "unauthorized", reason: `no access entry for "${canonical}" (${uniqueId})` };
  const username = expandUsername(entry.username ?? eksDefaultUsername(canonical), id.account, sessionName);
  const groups = [...new Set([...entry.kubernetesGroups, "system:authenticated"])];
  return {
    kind: "user",
    user: {
      username,
      uid: `aws-iam-authenticator:${id.account}:${uniqueId}`,
      groups,
      accessPolicies: entry.accessPolicies,
    },
  };
}

async function authenticateServiceAccount(token: string, deps: AuthnDeps): Promise<AuthnResult> {
  const v = await verifyServiceAccountToken(token, deps.opts.cluster, deps.opts.saSigningKey, deps.now());
  if (!v.ok) return { kind: "unauthorized", reason: v.error };
  if (!deps.serviceAccountExists(v.namespace, v.name))
    return { kind: "unauthorized", reason: `service account ${v.namespace}/${v.name} has been deleted` };
  return {
    kind: "user",
    user: {
      username: `system:serviceaccount:${v.namespace}:${v.name}`,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${v.namespace}`, "system:authenticated"],
      accessPolicies: [],
    },
  };
}

export async function authenticate(authorization: string | undefined, deps: AuthnDeps): Promise<AuthnResult> {
  if (authorization === undefined || authorization === "") return { kind: "anonymous", user: ANONYMOUS };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return { kind: "unauthorized", reason: "unsupported authorization scheme" };
  const token = m[1]!;
  if (token.startsWith(TOKEN_PREFIX)) return authenticateEks(token, deps);
  if (token.split(".").length === 3) return authenticateServiceAccount(token, deps);
  return { kind: "unauthorized", reason: "unrecognised bearer token" };
}
