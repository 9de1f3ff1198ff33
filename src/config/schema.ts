/**
 * The xirsa.yaml schema. Every message says what is expected so that the one-line error names the fix.
 */
import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { REGION } from "../names/index.js";

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

// Context names of aws eks update-kubeconfig (ARNs), kind/minikube/gke and user@cluster forms; no blanks, quotes or
// shell syntax, so that a context name is a word in every rendered script.
const KUBE_CONTEXT = /^[A-Za-z0-9][A-Za-z0-9_.:@/+=,~%-]{0,252}$/;
const kubeContext = z.string({ error: "expected the name of a kubeconfig context" }).regex(KUBE_CONTEXT, {
  error:
    "expected a kubeconfig context name: up to 253 letters, digits and _.:@/+=,~%- (no spaces, quotes or $)",
});

// https://<host>[:<port>] and nothing else: no userinfo, path, query or fragment (the endpoint is a Secret's
// server and an AppProject destination, compared as a string by Argo CD).
const DNS_HOST =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_HOST = /^\[[0-9A-Fa-f:.]+\]$/;
function isEndpoint(s: string): boolean {
  const m = /^https:\/\/(\[[^\]]*\]|[^:/]*)(?::(\d{1,5}))?$/.exec(s);
  if (!m) return false;
  const [, host, port] = m;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return host!.length <= 253 && (DNS_HOST.test(host!) || IPV6_HOST.test(host!));
}
const httpsUrl = z.string({ error: "expected an https URL" }).refine(isEndpoint, {
  error:
    "expected the cluster API endpoint as https://<host>[:<port>]: no user, path, query, fragment or trailing slash",
});

/** The PEM certificate blocks of `text` that parse as X.509; false when a block does not parse. */
function pemCertificates(text: string): number | false {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      return false;
    }
  }
  return blocks.length;
}

const caData = z
  .string({ error: "expected the cluster CA as base64-encoded PEM" })
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, {
    error: "expected the cluster CA as base64 (certificateAuthority.data of describe-cluster)",
  })
  .refine((s) => (pemCertificates(Buffer.from(s, "base64").toString("latin1")) || 0) > 0, {
    error:
      "expected base64 of at least one PEM certificate that parses (certificateAuthority.data of describe-cluster)",
  });

// Kubernetes takes any string as a group; xirsa takes the usual identity-provider forms only (ASCII, so that no
// look-alike or invisible character can pass for another group), and never system:*, which Kubernetes gives to
// everyone (system:authenticated, system:unauthenticated) or to cluster admins (system:masters).
// Rules of the names: kubernetes/apiserver pkg/authentication/user/user.go (AllAuthenticated, AllUnauthenticated,
// SystemPrivilegedGroup).
const GROUP = /^[A-Za-z0-9/][A-Za-z0-9._:@/-]{0,252}$/;
export const k8sGroup = z
  .string({ error: "expected a Kubernetes group name" })
  .regex(GROUP, {
    error:
      "expected a group name: up to 253 ASCII letters, digits and ._:@/- (no spaces or control characters)",
  })
  .refine((s) => !s.toLowerCase().startsWith("system:"), {
    error:
      "system:* groups are Kubernetes' own (system:authenticated is everyone); name the identity provider's group",
  });

export const oidcIssuer = z
  .string({ error: "expected the cluster OIDC issuer URL" })
  .refine((s) => !s.endsWith("/"), { error: "remove the trailing slash from the issuer URL" })
  .refine((s) => s.startsWith("https://"), { error: "the issuer URL must start with https://" })
  .refine((s) => ISSUER.test(s), {
    error:
      "expected https://oidc.eks.<region>.amazonaws.com/id/<ID> (identity.oidc.issuer of describe-cluster)",
  });

// IAM's Tag type: key 1-128 and value 0-256 of [\p{L}\p{Z}\p{N}_.:/=+\-@], at most 50 tags per resource, aws: reserved
// (IAM API reference, Tag). xirsa adds two tags of its own (xirsa.io/*), so 48 are left for the config.
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_CONFIG_TAGS = 48;
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const tagKey = z
  .string()
  .min(1, { error: "tag keys are 1-128 characters" })
  .max(128, { error: "tag keys are 1-128 characters" })
  .regex(TAG_TEXT, { error: "tag keys may hold letters, digits, spaces and _.:/=+-@ only (IAM)" })
  .refine((k) => !k.toLowerCase().startsWith("aws:"), { error: "tag keys starting with aws: are AWS's" })
  .refine((k) => !k.startsWith("xirsa.io/"), {
    error: "xirsa.io/* tags are set by xirsa (managed-by, stack); choose another key",
  })
  .refine((k) => !PROTOTYPE_KEYS.has(k), { error: "choose another tag key" });
const tags = z
  .record(
    z.string(),
    z
      .string({ error: "tag values must be strings" })
      .max(256, { error: "tag values are at most 256 characters" })
      .regex(TAG_TEXT, { error: "tag values may hold letters, digits, spaces and _.:/=+-@ only (IAM)" }),
    { error: "expected a map of tag names to string values" },
  )
  .superRefine((t, ctx) => {
    const keys = Object.keys(t);
    if (keys.length > MAX_CONFIG_TAGS) {
      ctx.addIssue({
        code: "custom",
        message: `${keys.length} tags; at most ${MAX_CONFIG_TAGS} (IAM allows 50 per resource and xirsa adds 2)`,
      });
      return;
    }
    for (const k of keys) {
      const r = tagKey.safeParse(k);
      if (!r.success) ctx.addIssue({ code: "custom", path: [k], message: r.error.issues[0]!.message });
    }
  });

/** Namespaces no environment pattern may cover: the cluster's own (kube-*) and default. */
function reservedNamespace(pattern: string): string | undefined {
  const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : undefined;
  if (prefix === undefined) {
    return pattern === "default" || pattern.startsWith("kube-") ? pattern : undefined;
  }
  if (prefix.length < 3) return "namespaces of every team";
  if ("default".startsWith(prefix)) return "default";
  if ("kube-".startsWith(prefix) || prefix.startsWith("kube-")) return "kube-system";
  return undefined;
}

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
    oidcGroups: z.array(k8sGroup).optional(),
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
  group: k8sGroup.default("cd-pipeline-operator"),
  // Capsule >= 0.12 reads spec.users; spec.userGroups is deprecated (src/topology/capsuleConfig.ts).
  usersForm: z
    .enum(["users", "userGroups"], { error: "expected 'users' (Capsule >= 0.12) or 'userGroups' (older)" })
    .default("users"),
});

/** The verbs `admin` has on a kind (kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy). */
export const EXTRA_RESOURCE_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
] as const;
const API_GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z]+)?$/;
/** Custom resources the chains must manage in the environment namespaces (AmazonEKSAdminPolicy grants none). */
const extraResource = z.strictObject({
  apiGroup: z
    .string({ error: "expected an API group such as monitoring.coreos.com" })
    .regex(API_GROUP, { error: "expected the API group of a custom resource, e.g. monitoring.coreos.com" }),
  resources: z
    .array(
      z
        .string()
        .regex(RESOURCE, { error: "expected a resource's plural name in lower case, e.g. servicemonitors" }),
      { error: "expected a list of resource plurals, e.g. [servicemonitors]" },
    )
    .min(1, { error: "name at least one resource" }),
  verbs: z
    .array(z.enum(EXTRA_RESOURCE_VERBS, { error: `expected verbs among ${EXTRA_RESOURCE_VERBS.join(", ")}` }))
    .min(1, { error: "name at least one verb, or leave verbs out for all of admin's" })
    .optional(),
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
    .superRefine((p, ctx) => {
      const hit = reservedNamespace(p);
      if (hit) {
        ctx.addIssue({
          code: "custom",
          message: `'${p}' covers ${hit}; use a name or a prefix of 3 or more characters outside default and kube-*, e.g. krci-*`,
        });
      }
    })
    .default("krci-*"),
  access: z
    .enum(["cluster-admin", "namespaced"], { error: "expected 'cluster-admin' or 'namespaced'" })
    .default("cluster-admin"),
  capsule: capsule.optional(),
  extraResources: z.array(extraResource).default([]),
});

/**
 * A target taken out of `targets` whose resources in its account are still to be removed: where they are and
 * the credentials to reach them (the inventory ConfigMap xirsa-stack-<name> usually knows all but the profile).
 */
export const removedSchema = z.strictObject({
  name: k8sName,
  accountId,
  region,
  cluster: clusterName,
  profile: profile.optional(),
  kubeContext: kubeContext.optional(),
});

/** A finding the team accepts (verify shows it as accepted; SARIF `suppressions`), until a date if given. */
const acceptance = z.strictObject({
  code: z.string().regex(/^XIRSA-[A-Z0-9]+(-[A-Z0-9]+)+$/, {
    error: "expected a finding code, e.g. XIRSA-STS-GLOBAL-ENDPOINT",
  }),
  resource: z.string().min(1).optional(),
  reason: z
    .string({ error: "say why the finding is accepted" })
    .min(1, { error: "say why the finding is accepted" }),
  until: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "expected a date YYYY-MM-DD" })
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), { error: "expected a real date YYYY-MM-DD" })
    .optional(),
});

const policyName = z.string().regex(/^[\w+=,.@-]{1,128}$/, {
  error: "expected an IAM policy name: 1-128 of letters, digits and +=,.@_-",
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
    // A hand-made set-up may name them otherwise; `xirsa import` keeps those names, so plan does not re-create them.
    inlinePolicyNames: z
      .strictObject({ CDPipelineOperator: policyName.optional(), ArgoCDMaster: policyName.optional() })
      .optional(),
    permissionsBoundary: z
      .string()
      .max(2048)
      .regex(
        /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}|aws|\{account\}):policy\/([\x21-\x7e]*\/)?[\w+=,.@-]{1,128}$/,
        {
          error:
            "expected the ARN of an IAM managed policy, arn:aws:iam::<account>:policy/<name> ({account} for each role's own account)",
        },
      )
      .optional(),
    tags: tags.default({}),
    /**
     * Render the Argo CD source role's trust policy as the seed writes it (StringLike with exact subjects,
     * which verify reports as XIRSA-TRUST-STRINGLIKE-NO-WILDCARD); by default it is StringEquals.
     */
    seedCompat: z.boolean({ error: "expected true or false" }).default(false),
    /** Findings the team accepts: `xirsa verify` shows them as accepted and they do not decide its exit code. */
    accept: z.array(acceptance).optional(),
    source: sourceSchema,
    targets: z.array(targetSchema).min(1, { error: "list at least one target cluster under targets" }),
    removed: z.array(removedSchema).optional(),
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
    (cfg.removed ?? []).forEach((r, i) => {
      if (names.has(r.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["removed", i, "name"],
          message: `'${r.name}' is still a target; take it out of targets or out of removed`,
        });
      }
    });
    // A literal 12-digit account (not `aws`, not `{account}`) names a customer-managed policy of that account.
    const boundaryOwner = /^\d{12}$/.test(cfg.permissionsBoundary?.split(":")[4] ?? "")
      ? cfg.permissionsBoundary?.split(":")[4]
      : undefined;
    if (cfg.permissionsBoundary && boundaryOwner) {
      // IAM attaches a customer-managed boundary only to roles of its own account (topology/boundary.ts).
      const others = [cfg.source.accountId, ...cfg.targets.map((t) => t.accountId)].filter(
        (a, i, all) => a !== boundaryOwner && all.indexOf(a) === i,
      );
      if (others.length) {
        ctx.addIssue({
          code: "custom",
          path: ["permissionsBoundary"],
          message: `the policy is in account ${boundaryOwner}, but xirsa also creates roles in ${others.join(", ")}, and IAM attaches a boundary only from the role's own account; write ${cfg.permissionsBoundary.replace(`::${boundaryOwner}:`, "::{account}:")} and create that policy in every account`,
        });
      }
    }
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
export type RemovedConfig = NonNullable<Config["removed"]>[number];
