/**
 * The IAM policy documents of the seed, built from names. Shapes follow the seed so that a reviewer can compare
 * them side by side (StringEquals for the operator, StringLike with a list of subjects for Argo CD).
 */

import { issuerHostPath, STS_AUDIENCE, serviceAccountSubject } from "../names/index.js";
import type { JsonObject } from "../state/index.js";

export function webIdentityTrustPolicy(args: {
  providerArn: string;
  issuer: string;
  operator: "StringEquals" | "StringLike";
  serviceAccounts: { namespace: string; name: string }[];
}): JsonObject {
  const key = issuerHostPath(args.issuer);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "",
        Effect: "Allow",
        Principal: { Federated: args.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          [args.operator]: {
            [`${key}:sub`]: args.serviceAccounts.map((sa) => serviceAccountSubject(sa.namespace, sa.name)),
            [`${key}:aud`]: STS_AUDIENCE,
          },
        },
      },
    ],
  };
}

export function assumeRolesPolicy(targetRoleArns: string[]): JsonObject {
  const unique = [...new Set(targetRoleArns)];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Action: "sts:AssumeRole",
        Effect: "Allow",
        Resource: unique.length === 1 ? unique[0]! : unique,
      },
    ],
  };
}

export function crossAccountTrustPolicy(sourceRoleArn: string): JsonObject {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: sourceRoleArn }, Action: "sts:AssumeRole" }],
  };
}
