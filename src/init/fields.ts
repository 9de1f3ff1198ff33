/**
 * The values `xirsa init` asks for: one table that ties each flag to its config field, its question, its
 * comment in the written file and the zod schema of src/config that validates it (the same one loadConfig uses).
 */
import type { z } from "zod";
import { configSchema, sourceSchema, targetSchema } from "../config/index.js";

export const FIELD_KEYS = [
  "name",
  "sourceAccount",
  "sourceRegion",
  "sourceCluster",
  "issuer",
  "sourceProfile",
  "targetName",
  "targetAccount",
  "targetRegion",
  "targetCluster",
  "endpoint",
  "caData",
  "targetProfile",
  "namespaces",
  "access",
] as const;
export type FieldKey = (typeof FIELD_KEYS)[number];

/** What init collects: string fields, plus whether the target uses Capsule. */
export type InitValues = Partial<Record<FieldKey, string>> & { capsule?: boolean };

export interface Field {
  key: FieldKey;
  flag: string;
  /** Path in xirsa.yaml. */
  path: readonly (string | number)[];
  question: string;
  /** The comment above the field in the written file. */
  comment: string;
  /** Required by the schema (init cannot write a valid file without it). */
  required: boolean;
  schema: z.ZodType;
}

const S = sourceSchema.shape;
const T = targetSchema.shape;

export const FIELDS: readonly Field[] = [
  {
    key: "name",
    flag: "--name",
    path: ["name"],
    question: "Stack name (the {name} in role names such as AWSIRSA_{name}_CDPipelineOperator)",
    comment:
      "Stack name: the {name} in the IAM role names, e.g. AWSIRSA_dev_CDPipelineOperator (1-40 of letters, digits, - and _).",
    required: true,
    schema: configSchema.shape.name,
  },
  {
    key: "sourceAccount",
    flag: "--source-account",
    path: ["source", "accountId"],
    question: "Source AWS account id (account A, 12 digits)",
    comment: "AWS account id of the source cluster (12 digits, quoted).",
    required: true,
    schema: S.accountId,
  },
  {
    key: "sourceRegion",
    flag: "--source-region",
    path: ["source", "region"],
    question: "Source region",
    comment: "Region of the source cluster.",
    required: true,
    schema: S.region,
  },
  {
    key: "sourceCluster",
    flag: "--source-cluster",
    path: ["source", "cluster"],
    question: "Source EKS cluster name",
    comment: "EKS cluster name of the source cluster (where KubeRocketCI and Argo CD run).",
    required: true,
    schema: S.cluster,
  },
  {
    key: "issuer",
    flag: "--issuer",
    path: ["source", "oidcIssuer"],
    question: "Source OIDC issuer URL (identity.oidc.issuer of describe-cluster; empty to discover later)",
    comment:
      "identity.oidc.issuer of the source cluster (aws eks describe-cluster); the web-identity trust policies name it. Offline commands (render, verify --config) need it; plan/apply discover it when absent.",
    required: false,
    schema: S.oidcIssuer,
  },
  {
    key: "sourceProfile",
    flag: "--source-profile",
    path: ["source", "profile"],
    question: "AWS profile for account A (empty for none)",
    comment: "AWS profile (~/.aws/config) that reaches account A, used by plan, apply and probe.",
    required: false,
    schema: S.profile,
  },
  {
    key: "targetName",
    flag: "--target-name",
    path: ["targets", 0, "name"],
    question: "Target name (Argo CD cluster name; the KubeRocketCI Secret is <name>-cluster)",
    comment:
      "Short name of the target: the Argo CD cluster name and the KubeRocketCI cluster Secret <name>-cluster (a Kubernetes name).",
    required: true,
    schema: T.name,
  },
  {
    key: "targetAccount",
    flag: "--target-account",
    path: ["targets", 0, "accountId"],
    question: "Target AWS account id (account B, 12 digits)",
    comment: "AWS account id of the target cluster (12 digits, quoted).",
    required: true,
    schema: T.accountId,
  },
  {
    key: "targetRegion",
    flag: "--target-region",
    path: ["targets", 0, "region"],
    question: "Target region",
    comment: "Region of the target cluster.",
    required: true,
    schema: T.region,
  },
  {
    key: "targetCluster",
    flag: "--target-cluster",
    path: ["targets", 0, "cluster"],
    question: "Target EKS cluster name",
    comment: "EKS cluster name of the target cluster.",
    required: true,
    schema: T.cluster,
  },
  {
    key: "endpoint",
    flag: "--endpoint",
    path: ["targets", 0, "endpoint"],
    question: "Target API endpoint (https://..., empty to discover later)",
    comment:
      "API server endpoint of the target cluster (endpoint of aws eks describe-cluster): the cluster Secrets and the AppProject name it. plan/apply discover it when absent.",
    required: false,
    schema: T.endpoint,
  },
  {
    key: "caData",
    flag: "--ca-data",
    path: ["targets", 0, "caData"],
    question: "Target cluster CA, base64 PEM (certificateAuthority.data; empty to discover later)",
    comment:
      "CA of the target cluster as base64 PEM (certificateAuthority.data of aws eks describe-cluster).",
    required: false,
    schema: T.caData,
  },
  {
    key: "targetProfile",
    flag: "--target-profile",
    path: ["targets", 0, "profile"],
    question: "AWS profile for the target account (empty for none)",
    comment: "AWS profile that reaches the target account, used by plan, apply and probe.",
    required: false,
    schema: T.profile,
  },
  {
    key: "namespaces",
    flag: "--namespaces",
    path: ["targets", 0, "namespaces"],
    question: "Environment namespaces in the target (a name or a prefix ending in *)",
    comment:
      "The environment namespaces the operator creates and Argo CD deploys to: a name or a prefix with one trailing *.",
    required: false,
    schema: T.namespaces,
  },
  {
    key: "access",
    flag: "--access",
    path: ["targets", 0, "access"],
    question: "Access in the target: cluster-admin (as the seed) or namespaced (least privilege)",
    comment:
      "cluster-admin: AmazonEKSClusterAdminPolicy for both B roles, as the seed does. namespaced: AmazonEKSAdminPolicy scoped to the namespaces above, plus namespace management (or Capsule).",
    required: false,
    schema: T.access,
  },
];

export function fieldOf(key: FieldKey): Field {
  return FIELDS.find((f) => f.key === key)!;
}

/** The field whose config path is the longest prefix of `path` (for naming the flag of a schema error). */
export function fieldAt(path: readonly PropertyKey[]): Field | undefined {
  let best: Field | undefined;
  for (const f of FIELDS) {
    if (f.path.length <= path.length && f.path.every((p, i) => p === path[i])) {
      if (!best || f.path.length > best.path.length) best = f;
    }
  }
  return best;
}
