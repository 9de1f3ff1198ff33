/**
 * The EKS Pod Identity Webhook's mutation (aws/amazon-eks-pod-identity-webhook): a pod created while its
 * ServiceAccount carries eks.amazonaws.com/role-arn gets the web identity env and a projected token volume.
 * Pods created before keep what they had: the mutation runs only at creation. Pure.
 */
import {
  annotationsOf,
  asArray,
  asObject,
  asString,
  clone,
  isObject,
  type Json,
  type JsonObject,
} from "./json.js";

export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
export const TOKEN_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
export const TOKEN_FILE = `${TOKEN_DIR}/token`;
export const TOKEN_VOLUME = "aws-iam-token";
export const DEFAULT_AUDIENCE = "sts.amazonaws.com";
const DEFAULT_EXPIRATION = 86400;

function injectContainer(c: JsonObject, env: JsonObject[]): JsonObject {
  const out = clone(c);
  const current = asArray(out.env).filter(isObject);
  for (const e of env) if (!current.some((x) => x.name === e.name)) current.push(e);
  out.env = current;
  const mounts = asArray(out.volumeMounts).filter(isObject);
  if (!mounts.some((m) => m.name === TOKEN_VOLUME || m.mountPath === TOKEN_DIR))
    mounts.push({ name: TOKEN_VOLUME, mountPath: TOKEN_DIR, readOnly: true });
  out.volumeMounts = mounts;
  return out;
}

/** Returns the pod with the web identity injected, or the same pod when the ServiceAccount has no role. */
export function injectPodIdentity(
  pod: JsonObject,
  serviceAccount: JsonObject | undefined,
  region: string,
): JsonObject {
  const ann = serviceAccount ? annotationsOf(serviceAccount) : {};
  const roleArn = ann[ROLE_ARN_ANNOTATION];
  if (!roleArn) return pod;
  const audience = ann["eks.amazonaws.com/audience"] ?? DEFAULT_AUDIENCE;
  const expiration = Number(ann["eks.amazonaws.com/token-expiration"] ?? DEFAULT_EXPIRATION);
  const regional = ann["eks.amazonaws.com/sts-regional-endpoints"] ?? "true";
  const env: JsonObject[] = [
    { name: "AWS_STS_REGIONAL_ENDPOINTS", value: regional === "false" ? "legacy" : "regional" },
    { name: "AWS_DEFAULT_REGION", value: region },
    { name: "AWS_REGION", value: region },
    { name: "AWS_ROLE_ARN", value: roleArn },
    { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: TOKEN_FILE },
  ];
  const out = clone(pod);
  const spec = asObject(out.spec);
  out.spec = spec;
  for (const field of ["containers", "initContainers"]) {
    if (Array.isArray(spec[field]))
      spec[field] = (spec[field] as Json[]).map((c) => (isObject(c) ? injectContainer(c, env) : c));
  }
  const volumes = asArray(spec.volumes).filter(isObject);
  if (!volumes.some((v) => asString(v.name) === TOKEN_VOLUME))
    volumes.push({
      name: TOKEN_VOLUME,
      projected: {
        defaultMode: 420,
        sources: [
          {
            serviceAccountToken: {
              audience,
              expirationSeconds: Number.isFinite(expiration) ? expiration : DEFAULT_EXPIRATION,
              path: "token",
            },
          },
        ],
      },
    });
  spec.volumes = volumes;
  return out;
}
