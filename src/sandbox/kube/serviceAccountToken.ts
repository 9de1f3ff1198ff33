/**
 * Service-account JWTs as API credentials of a sandbox cluster. Minting and signature checks are the sandbox's
 * shared ones (../jwt.ts, also used by the sandbox STS); this adds what kube-apiserver requires of an API
 * credential: this cluster's issuer, an API audience and a `system:serviceaccount:<ns>:<name>` subject.
 */
import { verifyServiceAccountToken as verifyJwt } from "../jwt.js";
import type { KubeClusterInfo, SaSigningKey } from "./types.js";

export { mintServiceAccountToken } from "../jwt.js";

/** Audiences the API server accepts (EKS: the in-cluster service), besides its issuer. */
export const API_AUDIENCES = ["https://kubernetes.default.svc"];

export type SaTokenCheck = { ok: true; namespace: string; name: string } | { ok: false; error: string };

export async function verifyServiceAccountToken(
  token: string,
  cluster: KubeClusterInfo,
  key: SaSigningKey,
  now: Date,
): Promise<SaTokenCheck> {
  const v = await verifyJwt(token, {
    issuer: cluster.issuer,
    publicJwk: key.publicJwk,
    audiences: [...API_AUDIENCES, cluster.issuer],
    now,
  });
  if (!v.ok) return { ok: false, error: `invalid bearer token: ${v.reason}: ${v.detail}` };
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(v.claims.sub);
  if (!m)
    return { ok: false, error: `invalid bearer token: subject "${v.claims.sub}" is not a service account` };
  return { ok: true, namespace: m[1]!, name: m[2]! };
}
