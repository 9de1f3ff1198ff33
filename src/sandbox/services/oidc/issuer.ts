/**
 * The clusters' OIDC issuers (HTTPS, sandbox CA): `/id/<ID>/.well-known/openid-configuration` and the JWKS at
 * `/id/<ID>/keys`, as EKS serves them. Routed by path, so both https://127.0.0.1:<port>/id/<ID>/… and the
 * issuer host (with --resolve/--connect-to) work; `jwks_uri` follows the host the client used.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AwsState } from "../../model.js";

export function oidcHandler(state: AwsState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    };
    const path = (req.url ?? "/").split("?")[0]!;
    const m = /^\/id\/([A-Za-z0-9]+)\/(\.well-known\/openid-configuration|keys)$/.exec(path);
    if (req.method !== "GET" || !m) {
      send(404, { message: "Not Found" });
      return;
    }
    const cluster = state.clusters.find((c) => c.issuerId === m[1]);
    if (!cluster) {
      send(404, { message: "Not Found" });
      return;
    }
    if (m[2] === "keys") {
      send(200, { keys: [cluster.saKey.publicJwk] });
      return;
    }
    const host = req.headers.host ?? "";
    const base =
      host && !cluster.issuer.includes(`//${host}/`)
        ? `https://${host}/id/${cluster.issuerId}`
        : cluster.issuer;
    send(200, {
      issuer: cluster.issuer,
      jwks_uri: `${base}/keys`,
      authorization_endpoint: "urn:kubernetes:programmatic_authorization",
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      claims_supported: ["sub", "iss"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
  };
}
