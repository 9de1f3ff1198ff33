import { describe, expect, it } from "vitest";
import { awsFailure } from "../aws/index.js";
import { KubeError } from "../errors.js";
import { KubeStatusError } from "../kube/index.js";
import { type DiagnoseContext, diagnose } from "./diagnose.js";

const A = "arn:aws:iam::111111111111:role/AWSIRSA_dev_CDPipelineOperator";
const B = "arn:aws:iam::222222222222:role/AWSIRSA_dev_CDPipelineAgent";
const CTX: DiagnoseContext = { sourceRoleArn: A, targetRoleArn: B, clusterName: "workloads" };

/** An error as SDK v3 throws it for an AWS error reply, wrapped as xirsa's STS calls wrap it. */
function sdk(call: string, name: string, message: string, status = 400) {
  const e = Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
  return awsFailure(call, e);
}

function net(code: string, call = "AssumeRoleWithWebIdentity into x") {
  return awsFailure(call, Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code }));
}

function kube(status: number, reason: string, message: string) {
  return new KubeStatusError(
    status,
    reason,
    `POST /apis/x on cluster workloads: ${status} ${reason}: ${message}`,
  );
}

function unreachable(code: string) {
  return new KubeError(
    "kube.unreachable",
    `GET /api/v1/namespaces on cluster workloads failed: ${code}`,
    undefined,
    {
      cause: Object.assign(new Error(code), { code }),
    },
  );
}

// REFERENCE §7: each reported failure, with the error users see, maps to its cause.
const TABLE: {
  name: string;
  error: unknown;
  ctx: DiagnoseContext;
  code: string;
  cause: RegExp;
  fix: RegExp;
}[] = [
  {
    name: "no IAM OIDC provider",
    error: sdk(
      "AssumeRoleWithWebIdentity into A",
      "InvalidIdentityToken",
      "No OpenIDConnect provider found in your account for https://oidc.eks.eu-central-1.amazonaws.com/id/ABC",
    ),
    ctx: { ...CTX, step: "web-identity" },
    code: "oidc-provider-missing",
    cause: /no IAM OIDC provider/,
    fix: /--create-oidc-provider|associate-iam-oidc-provider/,
  },
  {
    name: "trust policy mismatch",
    error: sdk(
      "AssumeRoleWithWebIdentity into A",
      "AccessDenied",
      "Not authorized to perform sts:AssumeRoleWithWebIdentity",
      403,
    ),
    ctx: { ...CTX, step: "web-identity", subject: "system:serviceaccount:krci:edp-cd-pipeline-operator" },
    code: "trust-web-identity",
    cause: /trust policy of .*CDPipelineOperator.*https:\/\/ in the condition key.*StringEquals/,
    fix: /sub = system:serviceaccount:krci:edp-cd-pipeline-operator and aud = sts\.amazonaws\.com/,
  },
  {
    name: "trust policy mismatch without a step (from the message)",
    error: sdk(
      "AssumeRoleWithWebIdentity into A",
      "AccessDenied",
      "Not authorized to perform sts:AssumeRoleWithWebIdentity",
      403,
    ),
    ctx: CTX,
    code: "trust-web-identity",
    cause: /trust policy/,
    fix: /AssumeRoleWithWebIdentity/,
  },
  {
    name: "wrong audience",
    error: sdk("AssumeRoleWithWebIdentity into A", "InvalidIdentityToken", "Incorrect token audience"),
    ctx: { ...CTX, step: "web-identity" },
    code: "token-audience",
    cause: /audience/,
    fix: /sts\.amazonaws\.com/,
  },
  {
    name: "expired web identity token",
    error: sdk(
      "AssumeRoleWithWebIdentity into A",
      "ExpiredTokenException",
      "Token expired: current date/time 1700000000 must be before the expiration date/time1690000000",
    ),
    ctx: { ...CTX, step: "web-identity" },
    code: "token-expired",
    cause: /expired/,
    fix: /fresh projected token/,
  },
  {
    name: "token of another issuer",
    error: sdk(
      "AssumeRoleWithWebIdentity into A",
      "InvalidIdentityToken",
      "Couldn't retrieve verification key from your identity provider",
    ),
    ctx: { ...CTX, step: "web-identity" },
    code: "token-invalid",
    cause: /could not validate/,
    fix: /issuer/,
  },
  {
    name: "A role may not assume B",
    error: sdk(
      `AssumeRole into ${B}`,
      "AccessDenied",
      `User: arn:aws:sts::111111111111:assumed-role/AWSIRSA_dev_CDPipelineOperator/x is not authorized to perform: sts:AssumeRole on resource: ${B}`,
      403,
    ),
    ctx: { ...CTX, step: "assume-role" },
    code: "assume-role-denied",
    cause: /identity policy lacks the target ARN, or the target's trust policy names another principal/,
    fix: /allow sts:AssumeRole on .*CDPipelineAgent/,
  },
  {
    name: "chained session over an hour",
    error: sdk(
      `AssumeRole into ${B}`,
      "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    ),
    ctx: { ...CTX, step: "assume-role" },
    code: "chained-duration",
    cause: /more than one hour/,
    fix: /3600/,
  },
  {
    name: "no access entry (Unauthorized)",
    error: kube(401, "Unauthorized", "Unauthorized"),
    ctx: { ...CTX, step: "cluster-access" },
    code: "access-entry-missing",
    cause: /no EKS access entry .*re-created.*another cluster.*expired/,
    fix: /aws eks create-access-entry --cluster-name workloads --principal-arn .*CDPipelineAgent/,
  },
  {
    name: "mapped but forbidden",
    error: kube(403, "Forbidden", 'namespaces is forbidden: User "x" cannot create resource "namespaces"'),
    ctx: { ...CTX, step: "kubernetes" },
    code: "permission-denied",
    cause: /mapped but not allowed/,
    fix: /associate-access-policy/,
  },
  {
    name: "Capsule without a tenant",
    error: kube(
      403,
      "Forbidden",
      'admission webhook "namespaces.projectcapsule.dev" denied the request: You do not have any Tenant assigned: please, reach out to the system administrators',
    ),
    ctx: { ...CTX, step: "kubernetes" },
    code: "capsule-no-tenant",
    cause: /no Tenant lists/,
    fix: /spec\.owners/,
  },
  {
    name: "global STS endpoint from a private network",
    error: net("ETIMEDOUT"),
    ctx: { ...CTX, step: "web-identity", endpoint: "https://sts.amazonaws.com" },
    code: "sts-global-endpoint",
    cause: /global STS endpoint/,
    fix: /regional/,
  },
  {
    name: "regional STS unreachable",
    error: net("ECONNREFUSED"),
    ctx: { ...CTX, step: "assume-role", endpoint: "https://sts.eu-central-1.amazonaws.com" },
    code: "sts-unreachable",
    cause: /STS endpoint https:\/\/sts\.eu-central-1\.amazonaws\.com cannot be reached \(ECONNREFUSED\)/,
    fix: /egress|VPC endpoint/,
  },
  {
    name: "cluster endpoint unreachable",
    error: unreachable("ECONNREFUSED"),
    ctx: { ...CTX, step: "kubernetes", endpoint: "https://127.0.0.1:1" },
    code: "cluster-unreachable",
    cause: /API server of workloads https:\/\/127\.0\.0\.1:1 cannot be reached \(ECONNREFUSED\)/,
    fix: /reaches the endpoint/,
  },
  {
    name: "cluster CA mismatch",
    error: unreachable("SELF_SIGNED_CERT_IN_CHAIN"),
    ctx: { ...CTX, step: "cluster-access" },
    code: "tls-untrusted",
    cause: /certificate the cluster CA does not sign/,
    fix: /certificateAuthority\.data/,
  },
  {
    name: "bad caller credentials",
    error: sdk(
      "DescribeCluster workloads",
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    ),
    ctx: { ...CTX, step: "describe-cluster" },
    code: "credentials-invalid",
    cause: /credentials .* missing or not valid/,
    fix: /profile/,
  },
  {
    name: "no DescribeCluster permission",
    error: sdk(
      "DescribeCluster workloads",
      "AccessDeniedException",
      "User is not authorized to perform: eks:DescribeCluster",
      403,
    ),
    ctx: { ...CTX, step: "describe-cluster" },
    code: "describe-denied",
    cause: /eks:DescribeCluster/,
    fix: /--endpoint-from config/,
  },
  {
    name: "environment namespace missing",
    error: kube(404, "NotFound", 'namespaces "krci-app-dev" not found'),
    ctx: { ...CTX, step: "kubernetes" },
    code: "namespace-missing",
    cause: /does not exist/,
    fix: /xirsa env create/,
  },
];

describe("diagnose", () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const d = diagnose(row.error, row.ctx);
      expect(d.code).toBe(row.code);
      expect(d.cause).toMatch(row.cause);
      expect(d.fix).toMatch(row.fix);
    });
  }

  it("names an unknown error without guessing a cause", () => {
    const d = diagnose(kube(500, "InternalError", "etcd is down"), CTX);
    expect(d.code).toBe("unexpected");
    expect(d.cause).toContain("HTTP 500");
  });

  it("never copies credentials from the error into its words", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const e = Object.assign(new Error("denied"), { name: "AccessDenied", secretAccessKey: secret });
    const d = diagnose(awsFailure("AssumeRole into x", e), { ...CTX, step: "assume-role" });
    expect(JSON.stringify(d)).not.toContain(secret);
  });
});
