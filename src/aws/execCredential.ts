/** kubectl's exec credential plugin reply (client.authentication.k8s.io/v1beta1). Tiny on purpose: the cache-hit path loads only this. */
export function execCredential(t: { token: string; expiration: Date }): string {
  return `${JSON.stringify({
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1beta1",
    spec: {},
    status: { expirationTimestamp: t.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"), token: t.token },
  })}\n`;
}
