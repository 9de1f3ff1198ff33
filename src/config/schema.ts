/**
 * The xirsa.yaml schema. Every message says what is expected so that the one-line error names the fix.
 */
import { z } from "zod";
import { REGION } from "../topology/names.js";

const ACCOUNT_ID = /^\d{12}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ISSUER = /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._-]+)*\/id\/[A-Za-z0-9]+$/;
const PROFILE = /^[A-Za-z0-9_.@+=,-]+$/;
// Role-name template placeholders are substituted before IAM's own rules are checked (topology).
const ROLE_TEMPLATE = /^[\w+=,.@{}-]+$/;
const IAM_PATH = /^\/([\x21-\x7e]*\/)?$/;
const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$|^[a-z0-9][-a-z0-9]*\*$/;

export const accountId = z
  .string({ error: "expected a 12-digit AWS account id in quotes, e.g. '123456789012'" })
  .regex(ACCOUNT_ID, { error: "expected a 12-digit AWS account id, e.g. '123456789012'" });

export const region = z
  .string({ error: "expected an AWS region such as eu-central-1" })
  .regex(REGION, { error: "expected an AWS region such as eu-central-1" });

export const k8sName = z
  .string({ error: "expected a Kubernetes name" })
  .max(63, { error: "must be at most 63 characters (a Kubernetes DNS label)" })
  .regex(DNS_LABEL, {
    error: "expected a Kubernetes name: lower-case letters, digits and '-', starting and ending alphanumeric",
  });

const clusterName = z
  .string({ error: "expected an EKS cluster name" })
  .regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, {
    error: "expected an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
  });

const profile = z
  .string({ error: "expected the name of an AWS profile" })
  .regex(PROFILE, { error: "expected the name of an AWS profile (letters, digits, _.-@+=,)" });

const kubeContext = z.string({ error: "expected the name of a kubeconfig context" }).min(1);

const httpsUrl = z.string({ error: "expected an https URL" }).regex(/^https:\/\/[^\s/]+$/, {
  error: "expected the cluster API endpoint as https://<host> with no path or trailing slash",
});

const caData = z
  .string({ error: "expected the cluster CA as base64-encoded PEM" })
  .refine((s) => Buffer.from(s, "base64").toString("latin1").includes("-----BEGIN CERTIFICATE-----"), {
    error: "expected the cluster CA as base64-encoded PEM (certificateAuthority.data of describe-cluster)",
  });

export const oidcIssuer = z
  .string({ error: "expected the cluster OIDC issuer URL" })
  .refine((s) => !s.endsWith("/"), { error: "remove the trailing slash from the issuer URL" })
  .refine((s) => s.startsWith("https://"), { error: "the issuer URL must start with https://" })
  .refine((s) => ISSUER.test(s), {
    error:
      "expected https://oidc.eks.<region>.amazonaws.com/id/<ID> (identity.oidc.issuer of describe-cluster)",
  });

const tags = z.record(
  z.string().min(1).max(128),
  z
    .string({ error: "tag values must be strings" })
    .max(256, { error: "tag values are at most 256 characters" }),
  { error: "expected a map of tag names to string values" },
);

const krci = z
  .strictObject({
    namespace: k8sName.default("krci"),
    serviceAccount: k8sName.default("edp-cd-pipeline-operator"),
    deployment: k8sName.default("cd-pipeline-operator"),
    /** The platform ConfigMap with available_clusters; absent: discovered (krci-config, then edp-config). */
    configMap: z
      .enum(["krci-config", "edp-config"], {
        error: "expected krci-config (edp-install ≥ 3.12) or edp-config (older releases)",
      })
      .optional(),
    /** Groups bound to ClusterRole admin in every environment namespace (RoleBinding tenant-admin). */
    oidcGroups: z.array(z.string().min(1)).optional(),
  })
  .prefault({});

const argocd = z
  .strictObject({
    namespace: k8sName.default("argocd"),
    serviceAccounts: z
      .array(k8sName)
      .min(1, { error: "list at least one Argo CD service account" })
      .default(["argocd-application-controller", "argocd-applicationset-controller", "argocd-server"]),
    project: k8sName.default("krci"),
  })
  .prefault({});

export const sourceSchema = z.strictObject({
  accountId,
  region,
  cluster: clusterName,
  oidcIssuer: oidcIssuer.optional(),
  profile: profile.optional(),
  kubeContext: kubeContext.optional(),
  krci,
  argocd,
});

const capsule = z.strictObject({
  tenant: k8sName.default("krci"),
  group: z.string().min(1).default("cd-pipeline-operator"),
});

export const targetSchema = z.strictObject({
  // The CD pipeline operator treats `in-cluster` as its own cluster (edp-cd-pipeline-operator api/v1/stage_types.go).
  name: k8sName.refine((n) => n !== "in-cluster", {
    error: "'in-cluster' is the operator's own cluster; give the target another name",
  }),
  accountId,
  region,
  cluster: clusterName,
  endpoint: httpsUrl.optional(),
  caData: caData.optional(),
  profile: profile.optional(),
  kubeContext: kubeContext.optional(),
  namespaces: z
    .string({ error: "expected a namespace pattern such as krci-*" })
    .max(63, { error: "a namespace pattern is at most 63 characters" })
    .regex(NAMESPACE_PATTERN, {
      error: "expected a namespace name or prefix with one trailing '*', e.g. krci-*",
    })
    .default("krci-*"),
  access: z
    .enum(["cluster-admin", "namespaced"], { error: "expected 'cluster-admin' or 'namespaced'" })
    .default("cluster-admin"),
  capsule: capsule.optional(),
});

export const configSchema = z
  .strictObject({
    name: z
      .string({ error: "expected the stack name used in role names, e.g. 'dev'" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, {
        error: "expected 1-40 letters, digits, '-' or '_' (it becomes part of IAM role names)",
      }),
    roleNameTemplate: z
      .string()
      .regex(ROLE_TEMPLATE, {
        error: "expected IAM role-name characters and the placeholders {name} and {role}",
      })
      .refine((s) => s.includes("{role}"), { error: "the template must contain {role}" })
      .default("AWSIRSA_{name}_{role}"),
    path: z
      .string()
      .max(512)
      .regex(IAM_PATH, { error: "expected an IAM path that starts and ends with '/', e.g. /xirsa/" })
      .default("/"),
    permissionsBoundary: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/, {
        error: "expected the ARN of an IAM managed policy, arn:aws:iam::<account>:policy/<name>",
      })
      .optional(),
    tags: tags.default({}),
    source: sourceSchema,
    targets: z.array(targetSchema).min(1, { error: "list at least one target cluster under targets" }),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    const clusters = new Set<string>();
    cfg.targets.forEach((t, i) => {
      if (names.has(t.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "name"],
          message: `duplicate target name '${t.name}'; give each target a unique name`,
        });
      }
      names.add(t.name);
      const key = `${t.accountId}/${t.region}/${t.cluster}`;
      if (clusters.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "cluster"],
          message: `cluster ${t.cluster} in ${t.accountId} ${t.region} is listed twice; keep one target per cluster`,
        });
      }
      clusters.add(key);
      if (
        t.accountId === cfg.source.accountId &&
        t.region === cfg.source.region &&
        t.cluster === cfg.source.cluster
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "cluster"],
          message:
            "a target cannot be the source cluster itself; name a cluster in another account or region",
        });
      }
    });
    const issuer = cfg.source.oidcIssuer;
    if (issuer?.startsWith("https://oidc.eks.")) {
      const issuerRegion = issuer.slice("https://oidc.eks.".length).split(".")[0];
      if (issuerRegion !== cfg.source.region) {
        ctx.addIssue({
          code: "custom",
          path: ["source", "oidcIssuer"],
          message: `the issuer is in region ${issuerRegion} but source.region is ${cfg.source.region}; copy identity.oidc.issuer of the source cluster`,
        });
      }
    }
  });

/** The validated config with every default filled in. */
export type Config = z.output<typeof configSchema>;
/** What a user may write. */
export type ConfigInput = z.input<typeof configSchema>;
export type TargetConfig = Config["targets"][number];
export type SourceConfig = Config["source"];
