/**
 * How AWS names each SigV4 failure, per protocol: the query protocol (IAM, STS) and the JSON services (EKS)
 * use different codes for the same failure (see the "Common Errors" pages of the STS and EKS API references).
 * The one table the endpoint and the EKS-token check read.
 */
import type { SigV4Failure } from "./verify.js";

export type AwsProtocol = "query" | "json";

export const SIGV4_ERRORS: Record<SigV4Failure, Record<AwsProtocol, { code: string; status: number }>> = {
  missing: {
    query: { code: "MissingAuthenticationToken", status: 403 },
    json: { code: "MissingAuthenticationTokenException", status: 403 },
  },
  incomplete: {
    query: { code: "IncompleteSignature", status: 400 },
    json: { code: "IncompleteSignatureException", status: 403 },
  },
  skewed: {
    query: { code: "RequestTimeTooSkewed", status: 403 },
    json: { code: "InvalidSignatureException", status: 403 },
  },
  "presign-expired": {
    query: { code: "AccessDenied", status: 403 },
    json: { code: "AccessDeniedException", status: 403 },
  },
  "unknown-key": {
    query: { code: "InvalidClientTokenId", status: 403 },
    json: { code: "UnrecognizedClientException", status: 403 },
  },
  "bad-token": {
    query: { code: "InvalidClientTokenId", status: 403 },
    json: { code: "UnrecognizedClientException", status: 403 },
  },
  "bad-signature": {
    query: { code: "SignatureDoesNotMatch", status: 403 },
    json: { code: "InvalidSignatureException", status: 403 },
  },
  "expired-token": {
    query: { code: "ExpiredToken", status: 403 },
    json: { code: "ExpiredTokenException", status: 403 },
  },
};
