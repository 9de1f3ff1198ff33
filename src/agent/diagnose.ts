/**
 * From the error a flow met to its likely cause and the fix (REFERENCE §7: the failures users report, with the
 * error they see). Pure: reads the error's AWS code, HTTP status, network code and message, and the step of
 * the chain it happened in; never the credentials.
 */
import { KubeStatusError } from "../kube/index.js";

/** Where in the chain the error happened. */
export type FlowStep =
  | "web-identity"
  | "assume-role"
  | "describe-cluster"
  | "cluster-access"
  | "kubernetes-permissions"
  | "kubernetes";

export interface DiagnoseContext {
  step?: FlowStep;
  sourceRoleArn?: string;
  targetRoleArn?: string;
  /** The target cluster's name. */
  clusterName?: string;
  /** The API server or STS URL that was called. */
  endpoint?: string;
  /** `system:serviceaccount:<ns>:<sa>` of the token, when known. */
  subject?: string;
}

export interface Diagnosis {
  /** Stable id of the cause, e.g. `oidc-provider-missing`. */
  code: string;
  cause: string;
  fix: string;
}

interface Facts {
  /** AWS error code (`AccessDenied`) or Kubernetes Status reason (`Forbidden`). */
  code: string;
  status?: number;
  /** Node network / TLS error code found anywhere in the cause chain. */
  network?: string;
  message: string;
}

const NETWORK = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "TimeoutError",
]);

const TLS =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED|ERR_SSL_.*)$/;

function facts(error: unknown): Facts {
  let code = "";
  let status: number | undefined;
  let network: string | undefined;
  const messages: string[] = [];
  let cur: unknown = error;
  for (let depth = 0; cur && depth < 6; depth++) {
    const e = cur as {
      code?: unknown;
      name?: unknown;
      Code?: unknown;
      message?: unknown;
      cause?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    if (cur instanceof KubeStatusError) {
      status ??= cur.status;
      if (!code && cur.reason) code = cur.reason;
    }
    const c = typeof e.code === "string" ? e.code : undefined;
    const n = typeof e.name === "string" ? e.name : undefined;
    for (const x of [c, n]) {
      if (x && !network && (NETWORK.has(x) || TLS.test(x))) network = x;
    }
    if (!code) {
      // AwsError codes are `aws.<AWS code>`; SDK errors carry the AWS code as name (and Code).
      if (c?.startsWith("aws.") && c !== "aws.Error") code = c.slice(4);
      else if (typeof e.Code === "string") code = e.Code;
      else if (n && n !== "Error" && !/^(AwsError|KubeError|OperationError|InputError)$/.test(n)) code = n;
    }
    status ??= e.$metadata?.httpStatusCode;
    if (typeof e.message === "string" && e.message) messages.push(e.message);
    cur = e.cause;
  }
  if (!network) {
    const m = /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN)\b/.exec(
      messages.join(" "),
    );
    if (m) network = m[1];
  }
  return {
    code,
    ...(status !== undefined ? { status } : {}),
    ...(network ? { network } : {}),
    message: messages.join(" "),
  };
}

const ROLE_A = (ctx: DiagnoseContext) => ctx.sourceRoleArn ?? "the source role";
const ROLE_B = (ctx: DiagnoseContext) => ctx.targetRoleArn ?? "the target role";
const CLUSTER = (ctx: DiagnoseContext) => ctx.clusterName ?? "the target cluster";
const isStsStep = (s?: FlowStep) => s === "web-identity" || s === "assume-role";

function network(f: Facts, ctx: DiagnoseContext): Diagnosis {
  const where = ctx.endpoint ? ` ${ctx.endpoint}` : "";
  if (f.network && TLS.test(f.network)) {
    return {
      code: "tls-untrusted",
      cause: `the server${where} presented a certificate the cluster CA does not sign (${f.network})`,
      fix: `use certificateAuthority.data of aws eks describe-cluster --name ${CLUSTER(ctx)} as the CA (caData)`,
    };
  }
  if (isStsStep(ctx.step)) {
    const global =
      /sts\.amazonaws\.com(?!\.)/.test(ctx.endpoint ?? f.message) &&
      !/sts\.[a-z0-9-]+-\d\./.test(ctx.endpoint ?? "");
    return {
      code: global ? "sts-global-endpoint" : "sts-unreachable",
      cause: global
        ? `the global STS endpoint sts.amazonaws.com cannot be reached from here (${f.network}); private networks reach only regional endpoints`
        : `the STS endpoint${where} cannot be reached (${f.network})`,
      fix: "use the regional STS endpoint (AWS_STS_REGIONAL_ENDPOINTS=regional; xirsa does by default) and allow egress to it or add an STS VPC endpoint",
    };
  }
  return {
    code: "cluster-unreachable",
    cause: `the API server of ${CLUSTER(ctx)}${where} cannot be reached (${f.network})`,
    fix: "run from a network that reaches the endpoint (EKS endpoint access: public or private with routing), and check the endpoint with aws eks describe-cluster",
  };
}

function aws(f: Facts, ctx: DiagnoseContext): Diagnosis | undefined {
  const msg = f.message;
  switch (f.code) {
    case "InvalidIdentityToken":
    case "IDPRejectedClaim":
    case "ExpiredTokenException":
      if (/No OpenIDConnect provider found/i.test(msg)) {
        return {
          code: "oidc-provider-missing",
          cause: "the role's account has no IAM OIDC provider for the cluster's issuer",
          fix: "create it: xirsa apply --create-oidc-provider (or eksctl utils associate-iam-oidc-provider --cluster <source cluster> --approve)",
        };
      }
      if (/audience/i.test(msg)) {
        return {
          code: "token-audience",
          cause:
            "the token's audience is not one of the OIDC provider's client ids (it must be sts.amazonaws.com)",
          fix: "project the token with audience sts.amazonaws.com and list sts.amazonaws.com in the provider's client ids",
        };
      }
      if (/expired/i.test(msg) || f.code === "ExpiredTokenException") {
        return {
          code: "token-expired",
          cause: "the web identity token has expired",
          fix: "use a fresh projected token (the kubelet rotates it in the pod; on the sandbox mint a new one with xirsa sandbox token)",
        };
      }
      return {
        code: "token-invalid",
        cause:
          "STS could not validate the token against the issuer's keys (another cluster's token, or a provider URL that differs from the issuer)",
        fix: "use a token of the source cluster's ServiceAccount and an OIDC provider whose URL equals the cluster's issuer",
      };
    case "AccessDenied":
    case "AccessDeniedException": {
      const webIdentity = ctx.step === "web-identity" || (!ctx.step && /AssumeRoleWithWebIdentity/.test(msg));
      if (webIdentity) {
        const sub = ctx.subject ? ` sub = ${ctx.subject}` : " the token's sub";
        return {
          code: "trust-web-identity",
          cause: `the trust policy of ${ROLE_A(ctx)} does not allow this token: wrong OIDC provider id, an oidc.<region>.eks typo, https:// in the condition key, another namespace or ServiceAccount in sub, or a wildcard inside StringEquals`,
          fix: `let ${ROLE_A(ctx)} trust sts:AssumeRoleWithWebIdentity from the cluster's OIDC provider with${sub} and aud = sts.amazonaws.com (xirsa apply; xirsa verify --live names the statement)`,
        };
      }
      if (ctx.step === "assume-role" || (!ctx.step && /sts:AssumeRole|AssumeRole/.test(msg))) {
        return {
          code: "assume-role-denied",
          cause: `${ROLE_A(ctx)} may not assume ${ROLE_B(ctx)}: its identity policy lacks the target ARN, or the target's trust policy names another principal`,
          fix: `allow sts:AssumeRole on ${ROLE_B(ctx)} in ${ROLE_A(ctx)}'s policy and name ${ROLE_A(ctx)} as Principal AWS in ${ROLE_B(ctx)}'s trust policy (xirsa apply)`,
        };
      }
      if (ctx.step === "describe-cluster") {
        return {
          code: "describe-denied",
          cause: "these credentials may not call eks:DescribeCluster in the target account",
          fix: "use credentials of the target account (targets[].profile) or put endpoint and caData in xirsa.yaml and pass --endpoint-from config",
        };
      }
      return undefined;
    }
    case "ValidationError":
      if (/role chaining/i.test(msg)) {
        return {
          code: "chained-duration",
          cause: "the chained session asked for more than one hour (role chaining caps it at 3600 s)",
          fix: "request DurationSeconds of at most 3600 for the target role",
        };
      }
      return undefined;
    case "InvalidClientTokenId":
    case "SignatureDoesNotMatch":
    case "UnrecognizedClientException":
    case "CredentialsProviderError":
      return {
        code: "credentials-invalid",
        cause: "the AWS credentials used for this call are missing or not valid",
        fix: "check the profile (targets[].profile / source.profile) or AWS_PROFILE / AWS_ACCESS_KEY_ID",
      };
    case "ExpiredToken":
      return {
        code: "session-expired",
        cause: "the session credentials have expired",
        fix: "rerun: xirsa refreshes chained sessions before they expire; if it persists, check the clock",
      };
    case "RegionDisabledException":
      return {
        code: "sts-region-disabled",
        cause: "STS is not activated in this region for the account",
        fix: "activate the region in IAM account settings (Security Token Service endpoints)",
      };
    case "ResourceNotFoundException":
      return {
        code: "cluster-missing",
        cause: `EKS has no cluster ${CLUSTER(ctx)} in this account and region`,
        fix: "check the target's cluster, region and accountId in xirsa.yaml",
      };
    default:
      return undefined;
  }
}

function kube(f: Facts, ctx: DiagnoseContext): Diagnosis | undefined {
  if (f.status === 401) {
    return {
      code: "access-entry-missing",
      cause: `${CLUSTER(ctx)} does not map ${ROLE_B(ctx)}: no EKS access entry for it (or the role was re-created after the entry, leaving it stale), a token made for another cluster, or an expired token`,
      fix: `create the access entry: aws eks create-access-entry --cluster-name ${CLUSTER(ctx)} --principal-arn ${ROLE_B(ctx)} (xirsa apply); delete and re-create it if the role was re-created`,
    };
  }
  if (f.status === 403) {
    if (/You do not have any Tenant assigned/.test(f.message)) {
      return {
        code: "capsule-no-tenant",
        cause:
          "Capsule refused the namespace: no Tenant lists the role's access-entry group among its owners",
        fix: "add {kind: Group, name: <the access entry's group>} to the Tenant's spec.owners (xirsa apply)",
      };
    }
    return permissionDenied(ctx);
  }
  if (f.status === 404 && /namespaces? "?[^"]*"? not found/i.test(f.message)) {
    return {
      code: "namespace-missing",
      cause: "the namespace does not exist",
      fix: "create the environment first: xirsa env create",
    };
  }
  return undefined;
}

/** A request (or access review) the cluster refused for a mapped caller. */
export function permissionDenied(ctx: DiagnoseContext): Diagnosis {
  return {
    code: "permission-denied",
    cause: `${ROLE_B(ctx)} is mapped but not allowed this: its access policies and their namespace scope, RBAC or Capsule do not grant it`,
    fix: `associate an access policy that covers the namespaces (aws eks associate-access-policy --cluster-name ${CLUSTER(ctx)} --principal-arn ${ROLE_B(ctx)} …) or fix RBAC/Capsule; xirsa verify --live names what is missing`,
  };
}

export function diagnose(error: unknown, ctx: DiagnoseContext = {}): Diagnosis {
  const f = facts(error);
  if (f.network) return network(f, ctx);
  const found = aws(f, ctx) ?? kube(f, ctx);
  if (found) return found;
  if (
    /Could not load credentials|Unable to locate credentials|profile .* could not be found/i.test(f.message)
  ) {
    return {
      code: "credentials-invalid",
      cause: "no AWS credentials were found for this call",
      fix: "set the profile in xirsa.yaml (source.profile / targets[].profile) or AWS_PROFILE / AWS_ACCESS_KEY_ID",
    };
  }
  return {
    code: "unexpected",
    cause: `an unexpected ${f.status ? `HTTP ${f.status} ` : ""}error${f.code ? ` (${f.code})` : ""}`,
    fix: "read the error text; rerun with --debug for the stack",
  };
}

/** The error's own words, one line, for a hop's reason (messages never carry credentials). */
export function errorText(error: unknown): string {
  const e = error as { message?: unknown };
  const text = typeof e?.message === "string" ? e.message : String(error);
  return text.replace(/\s+/g, " ").trim();
}
