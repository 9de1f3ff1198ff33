/**
 * What the Kubernetes side needs from STS and EKS to authenticate EKS bearer tokens: GetCallerIdentity over a
 * presigned URL (verified here, never fetched: the URL's host may be the sandbox endpoint or a real STS host
 * form, and the signature is checked over the host it names), and the access entry of a principal.
 */
import { credentialLookup } from "./endpoint.js";
import { PRESIGNED_URL_EXPIRATION_MS } from "./kube/eksToken.js";
import type { AccessEntryRec, ClusterRec } from "./model.js";
import { parseQuery } from "./sigv4/canonical.js";
import { SIGV4_ERRORS } from "./sigv4/errors.js";
import { verifySigV4 } from "./sigv4/verify.js";
import type { AwsStore } from "./store.js";

export type CallerIdentityResult =
  | { ok: true; arn: string; account: string; userId: string }
  | { ok: false; error: string };

export function stsGetCallerIdentity(store: AwsStore, now: () => Date) {
  const lookup = credentialLookup(store.state);
  return async (presignedUrl: string, headers: Record<string, string>): Promise<CallerIdentityResult> => {
    let url: URL;
    try {
      url = new URL(presignedUrl);
    } catch {
      return { ok: false, error: "the token's URL is not a URL" };
    }
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
    lower.host = url.host;
    const query = parseQuery(url.search.slice(1));
    const verdict = verifySigV4(
      { method: "GET", rawPath: url.pathname, query, headers: lower, body: Buffer.alloc(0) },
      lookup,
      now(),
      // STS ignores X-Amz-Expires on this call: the URL answers until 15 minutes after X-Amz-Date.
      { presignedLifetimeMs: PRESIGNED_URL_EXPIRATION_MS },
    );
    if (!verdict.ok)
      return { ok: false, error: `${SIGV4_ERRORS[verdict.kind].query.code}: ${verdict.message}` };
    if (verdict.scope.service !== "sts")
      return { ok: false, error: `the URL is signed for ${verdict.scope.service}, not sts` };
    const action = query.find(([k]) => k === "Action")?.[1];
    if (action !== "GetCallerIdentity")
      return { ok: false, error: `the URL calls ${action ?? "nothing"}, not GetCallerIdentity` };
    const c = verdict.principal;
    return { ok: true, arn: c.arn, account: c.accountId, userId: c.userId };
  };
}

/** Name of an IAM role or user ARN, without its path. */
const principalName = (arn: string) => /^arn:aws:iam::\d{12}:(?:role|user)\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];

/**
 * The entry of a cluster bound to `uniqueId`, if it still names the same principal. A role re-created under
 * the same name has a new unique id, so its old entry does not match (stale, as on EKS).
 */
export function resolveAccessEntry(clusterOf: () => ClusterRec | undefined) {
  return (principalArn: string, uniqueId: string) => {
    const cluster = clusterOf();
    if (!cluster) return undefined;
    const entry: AccessEntryRec | undefined = cluster.accessEntries.find((e) => e.principalId === uniqueId);
    if (entry?.type !== "STANDARD") return undefined;
    const account = principalArn.split(":")[4];
    if (
      principalName(entry.principalArn) !== principalName(principalArn) ||
      entry.principalArn.split(":")[4] !== account
    ) {
      return undefined;
    }
    return {
      username: entry.username,
      kubernetesGroups: [...entry.kubernetesGroups],
      accessPolicies: entry.policies.map((p) => ({
        policyArn: p.policyArn,
        accessScope:
          p.accessScope.type === "cluster"
            ? { type: "cluster" as const }
            : { type: "namespace" as const, namespaces: [...p.accessScope.namespaces] },
      })),
    };
  };
}
