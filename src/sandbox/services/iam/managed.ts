/**
 * AWS managed policies the sandbox knows, the ones platform teams attach or use as boundaries, written from
 * AWS's published documents (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html).
 * AdministratorAccess, IAMReadOnlyAccess, PowerUserAccess and AmazonEKSWorkerNodePolicy follow the published
 * documents; ReadOnlyAccess and AmazonEKSClusterPolicy are faithful subsets (the real ones list hundreds of
 * actions of services the sandbox does not emulate).
 */
import type { PolicyRec } from "../../model.js";

const CREATED = "2015-02-06T18:39:46Z";

function managed(
  name: string,
  policyId: string,
  versionId: string,
  document: object,
  description?: string,
  path = "/",
): PolicyRec {
  return {
    accountId: "aws",
    name,
    path,
    arn: `arn:aws:iam::aws:policy${path}${name}`,
    policyId,
    description,
    createDate: CREATED,
    updateDate: CREATED,
    defaultVersionId: versionId,
    versions: [{ versionId, document: JSON.stringify(document), createDate: CREATED }],
    nextVersion: 0,
    tags: [],
  };
}

export const AWS_MANAGED: readonly PolicyRec[] = [
  managed(
    "AdministratorAccess",
    "ANPAIWMBCKSKIEE64ZLYK",
    "v1",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    "Provides full access to AWS services and resources.",
  ),
  managed(
    "IAMReadOnlyAccess",
    "ANPAJKSO7NDY4T57MWDSQ",
    "v4",
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            "iam:GenerateCredentialReport",
            "iam:GenerateServiceLastAccessedDetails",
            "iam:Get*",
            "iam:List*",
            "iam:SimulateCustomPolicy",
            "iam:SimulatePrincipalPolicy",
          ],
          Resource: "*",
        },
      ],
    },
    "Provides read only access to IAM via the AWS Management Console.",
  ),
  managed(
    "PowerUserAccess",
    "ANPAJYRXTHIB4FOVS3ZXS",
    "v5",
    {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
        {
          Effect: "Allow",
          Action: [
            "account:GetAccountInformation",
            "account:GetPrimaryEmail",
            "account:ListRegions",
            "iam:CreateServiceLinkedRole",
            "iam:DeleteServiceLinkedRole",
            "iam:ListRoles",
            "organizations:DescribeOrganization",
          ],
          Resource: "*",
        },
      ],
    },
    "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
  ),
  managed(
    "AmazonEKSClusterPolicy",
    "ANPAIBTLDQMIXQVKQPJFA",
    "v6",
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:UpdateAutoScalingGroup",
            "ec2:AttachVolume",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateRoute",
            "ec2:CreateSecurityGroup",
            "ec2:CreateTags",
            "ec2:CreateVolume",
            "ec2:DeleteRoute",
            "ec2:DeleteSecurityGroup",
            "ec2:DeleteVolume",
            "ec2:Describe*",
            "ec2:DetachVolume",
            "ec2:ModifyInstanceAttribute",
            "ec2:ModifyVolume",
            "ec2:RevokeSecurityGroupIngress",
            "elasticloadbalancing:*",
            "kms:DescribeKey",
          ],
          Resource: "*",
        },
        {
          Effect: "Allow",
          Action: "iam:CreateServiceLinkedRole",
          Resource: "*",
          Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        },
      ],
    },
    "This policy provides Kubernetes the permissions it requires to manage resources on your behalf. Kubernetes requires Ec2:CreateTags permissions to place identifying information on EC2 resources including but not limited to Instances, Security Groups, and Elastic Network Interfaces.",
  ),
  managed(
    "AmazonEKSWorkerNodePolicy",
    "ANPAIBVMOY52IPQ6HD3PO",
    "v3",
    {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WorkerNodePermissions",
          Effect: "Allow",
          Action: [
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeRouteTables",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVolumes",
            "ec2:DescribeVolumesModifications",
            "ec2:DescribeVpcs",
            "eks:DescribeCluster",
            "eks-auth:AssumeRoleForPodIdentity",
          ],
          Resource: "*",
        },
      ],
    },
    "This policy allows Amazon EKS worker nodes to connect to Amazon EKS Clusters.",
  ),
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
