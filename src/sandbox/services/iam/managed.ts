/**
 * AWS managed policies the sandbox knows. AdministratorAccess is the real document; ReadOnlyAccess is a
 * faithful subset (the real one lists hundreds of services): read-only actions of the services the sandbox
 * emulates (iam, eks, sts).
 */
import type { PolicyRec } from "../../model.js";

const CREATED = "2015-02-06T18:39:46Z";

function managed(name: string, policyId: string, versionId: string, document: object): PolicyRec {
  return {
    accountId: "aws",
    name,
    path: "/",
    arn: `arn:aws:iam::aws:policy/${name}`,
    policyId,
    description: undefined,
    createDate: CREATED,
    updateDate: CREATED,
    defaultVersionId: versionId,
    versions: [{ versionId, document: JSON.stringify(document), createDate: CREATED }],
    nextVersion: 0,
    tags: [],
  };
}

export const AWS_MANAGED: readonly PolicyRec[] = [
  managed("AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK", "v1", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  }),
  managed("ReadOnlyAccess", "ANPAILL3HVNFSB6DCOWYQ", "v1", {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadOnlyActions",
        Effect: "Allow",
        Action: [
          "iam:Generate*",
          "iam:Get*",
          "iam:List*",
          "iam:Simulate*",
          "eks:Describe*",
          "eks:List*",
          "eks:AccessKubernetesApi",
          "sts:GetCallerIdentity",
          "sts:GetSessionToken",
        ],
        Resource: "*",
      },
    ],
  }),
];

export function findManaged(arn: string): PolicyRec | undefined {
  return AWS_MANAGED.find((p) => p.arn === arn);
}
