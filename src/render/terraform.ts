/**
 * The `terraform/` part: one root module per account (the seed automates only account A; xirsa does both).
 * Each root has its own provider (profile / assume-role variables, allowed_account_ids as a guard), the roles
 * with their policies as `jsonencode` of the same documents as `aws/`, the OIDC provider of the source cluster
 * (a data source, or created when `create_oidc_provider = true`) and, where target clusters live, the EKS
 * access entries with their policy associations.
 */
import type { Config } from "../config/index.js";
import {
  MANAGED_BY_TAG,
  ROLE_KINDS,
  type RoleKind,
  roleName,
  STACK_TAG,
  TERRAFORM_MANAGED_BY_VALUE,
} from "../names/index.js";
import { type AccessEntry, clusterKey, type EksCluster, type Json, type State } from "../state/index.js";
import { orderPolicy, sortKeysDeep } from "./format.js";
import {
  attr,
  type BodyItem,
  blank,
  block,
  comment,
  Expr,
  expr,
  type HclValue,
  hclFile,
  JsonEncode,
} from "./hcl.js";
import { configAccounts } from "./layout.js";

const AWS_PROVIDER_VERSION = ">= 5.81"; // access entries (5.33), OIDC provider without thumbprints (5.81)
const TERRAFORM_VERSION = ">= 1.5.0";

/** `CDPipelineOperator` → `cd_pipeline_operator`; anything else → a valid Terraform label. */
export function snake(s: string): string {
  const out = s
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z\d])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "")
    .toLowerCase();
  return /^[a-z_]/.test(out) ? out : `_${out}`;
}

function regionLabel(region: string): string {
  return region.replaceAll("-", "_");
}

interface Root {
  accountId: string;
  region: string;
  profile: string | undefined;
  isSource: boolean;
}

function rootsOf(config: Config): Root[] {
  return configAccounts(config).map((accountId) => {
    const isSource = accountId === config.source.accountId;
    const targets = config.targets.filter((t) => t.accountId === accountId);
    return {
      accountId,
      isSource,
      region: isSource ? config.source.region : targets[0]!.region,
      profile: isSource ? config.source.profile : targets.find((t) => t.profile)?.profile,
    };
  });
}

/** Replaces ARNs of resources managed in the same root by references, so Terraform orders the creates. */
function withRefs(value: Json, refs: Map<string, string>): HclValue {
  if (typeof value === "string") {
    const ref = refs.get(value);
    return ref ? expr(ref) : value;
  }
  if (Array.isArray(value)) return value.map((v) => withRefs(v, refs));
  if (value !== null && typeof value === "object") {
    const out: { [k: string]: HclValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = withRefs(v, refs);
    return out;
  }
  return value;
}

/**
 * What this Terraform creates is tagged as Terraform's for the stack (`xirsa.io/managed-by = terraform`), so
 * that `xirsa apply` and `destroy` leave it alone and point at Terraform instead (src/live/ownership.ts).
 */
function tagsValue(tags: Record<string, string>, stack: string): HclValue {
  return sortKeysDeep({ ...tags, [MANAGED_BY_TAG]: TERRAFORM_MANAGED_BY_VALUE, [STACK_TAG]: stack });
}

function versionsTf(): string {
  return hclFile([
    block(
      "terraform",
      [],
      [
        attr("required_version", TERRAFORM_VERSION),
        blank,
        block(
          "required_providers",
          [],
          [attr("aws", { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION })],
        ),
      ],
    ),
  ]);
}

function providerBody(root: Root, region: HclValue, alias?: string): BodyItem[] {
  return [
    ...(alias ? [attr("alias", alias)] : []),
    attr("region", region),
    attr("profile", expr("var.profile")),
    attr("allowed_account_ids", [root.accountId]),
    blank,
    block(
      "dynamic",
      ["assume_role"],
      [
        attr("for_each", expr("var.assume_role_arn == null ? [] : [var.assume_role_arn]")),
        block("content", [], [attr("role_arn", expr("assume_role.value"))]),
      ],
    ),
  ];
}

function providersTf(root: Root, extraRegions: string[]): string {
  const items: BodyItem[] = [
    ...comment(
      `Account ${root.accountId}${root.isSource ? " (source: KubeRocketCI and Argo CD)" : " (target)"}.\nallowed_account_ids refuses to run with credentials of another account.`,
    ),
    block("provider", ["aws"], providerBody(root, expr("var.region"))),
  ];
  for (const r of extraRegions) {
    items.push(blank, block("provider", ["aws"], providerBody(root, r, regionLabel(r))));
  }
  return hclFile(items);
}

function variablesTf(root: Root): string {
  const items: BodyItem[] = [
    block(
      "variable",
      ["profile"],
      [
        attr("description", `AWS profile for account ${root.accountId} (null: the default credential chain)`),
        attr("type", expr("string")),
        attr("default", root.profile ?? null),
      ],
    ),
    blank,
    block(
      "variable",
      ["assume_role_arn"],
      [
        attr(
          "description",
          `Role in account ${root.accountId} to assume for applying (null: use the profile as is)`,
        ),
        attr("type", expr("string")),
        attr("default", null),
      ],
    ),
    blank,
    block(
      "variable",
      ["region"],
      [
        attr("description", "Region of the provider (IAM is global; EKS resources name their region)"),
        attr("type", expr("string")),
        attr("default", root.region),
      ],
    ),
  ];
  if (root.isSource) {
    items.push(
      blank,
      block(
        "variable",
        ["create_oidc_provider"],
        [
          attr(
            "description",
            "Create the IAM OIDC provider of the source cluster (false: it must exist, e.g. created with the cluster)",
          ),
          attr("type", expr("bool")),
          attr("default", false),
        ],
      ),
    );
  }
  return hclFile(items);
}

function roleLabels(config: Config): Map<string, string> {
  const labels = new Map<string, string>();
  for (const kind of ROLE_KINDS) labels.set(roleName(config, kind as RoleKind), snake(kind));
  return labels;
}

function policyLabel(policyArn: string): string {
  const short = policyArn.slice(policyArn.lastIndexOf("/") + 1);
  return snake(short.replace(/^AmazonEKS/, "").replace(/Policy$/, "") || short);
}

export function renderTerraform(config: Config, state: State): Map<string, string> {
  const files = new Map<string, string>();
  const labelsByName = roleLabels(config);
  const targetByCluster = new Map(
    config.targets.map((t) => [clusterKey({ accountId: t.accountId, region: t.region, name: t.cluster }), t]),
  );

  for (const root of rootsOf(config)) {
    const dir = `terraform/${root.accountId}`;
    const roles = state.roles.filter((r) => r.accountId === root.accountId);
    const providers = state.oidcProviders.filter((p) => p.accountId === root.accountId);
    const clusters = state.clusters.filter((c) => c.accountId === root.accountId && c.accessEntries.length);
    const refs = new Map<string, string>();
    const roleLabel = new Map<string, string>();
    for (const r of roles) {
      const label = labelsByName.get(r.name) ?? snake(r.name);
      roleLabel.set(r.arn, label);
      refs.set(r.arn, `aws_iam_role.${label}.arn`);
    }
    const providerLabels = providers.map((_, i) => (i === 0 ? "source" : `source_${i + 1}`));
    providers.forEach((p, i) => {
      refs.set(p.arn, `local.${providerLabels[i]}_oidc_provider_arn`);
    });

    const extraRegions = [...new Set(clusters.map((c) => c.region))].filter((r) => r !== root.region).sort();
    files.set(`${dir}/versions.tf`, versionsTf());
    files.set(`${dir}/providers.tf`, providersTf(root, extraRegions));
    files.set(`${dir}/variables.tf`, variablesTf(root));

    const iam: BodyItem[] = [];
    if (!root.isSource) {
      iam.push(
        ...comment(
          `Apply terraform/${config.source.accountId} first: IAM refuses a trust policy that names a role which does not exist yet.`,
        ),
      );
    }
    providers.forEach((p, i) => {
      const label = providerLabels[i]!;
      iam.push(
        ...comment(
          `IAM OIDC provider of the source cluster's issuer: the web-identity hop needs it, with ${p.clientIds.join(", ")} as client id.`,
        ),
        block(
          "resource",
          ["aws_iam_openid_connect_provider", label],
          [
            attr("count", expr("var.create_oidc_provider ? 1 : 0")),
            blank,
            attr("url", p.url),
            attr("client_id_list", p.clientIds),
            attr("tags", tagsValue({ ...config.tags, ...p.tags }, config.name)),
          ],
        ),
        blank,
        block(
          "data",
          ["aws_iam_openid_connect_provider", label],
          [attr("count", expr("var.create_oidc_provider ? 0 : 1")), attr("url", p.url)],
        ),
        blank,
        block(
          "locals",
          [],
          [
            attr(
              `${label}_oidc_provider_arn`,
              expr(
                `var.create_oidc_provider ? aws_iam_openid_connect_provider.${label}[0].arn : data.aws_iam_openid_connect_provider.${label}[0].arn`,
              ),
            ),
          ],
        ),
        blank,
      );
    });
    for (const r of roles) {
      const label = roleLabel.get(r.arn)!;
      iam.push(
        block(
          "resource",
          ["aws_iam_role", label],
          [
            attr("name", r.name),
            attr("path", r.path),
            ...(r.permissionsBoundary ? [attr("permissions_boundary", r.permissionsBoundary)] : []),
            ...(r.maxSessionDuration ? [attr("max_session_duration", r.maxSessionDuration)] : []),
            attr("assume_role_policy", new JsonEncode(withRefs(orderPolicy(r.trustPolicy), refs))),
            attr("tags", tagsValue(r.tags, config.name)),
          ],
        ),
        blank,
      );
      r.attachedPolicyArns.forEach((arn, i) => {
        iam.push(
          block(
            "resource",
            ["aws_iam_role_policy_attachment", `${label}_${i + 1}`],
            [attr("role", expr(`aws_iam_role.${label}.name`)), attr("policy_arn", arn)],
          ),
          blank,
        );
      });
      for (const [name, doc] of Object.entries(r.inlinePolicies).sort(([a], [b]) => (a < b ? -1 : 1))) {
        iam.push(
          block(
            "resource",
            ["aws_iam_role_policy", label],
            [
              attr("name", name),
              attr("role", expr(`aws_iam_role.${label}.id`)),
              attr("policy", new JsonEncode(withRefs(orderPolicy(doc), refs))),
            ],
          ),
          blank,
        );
      }
    }
    if (roles.length || providers.length) files.set(`${dir}/iam.tf`, hclFile(iam.slice(0, -1)));

    const eks: BodyItem[] = [];
    for (const c of clusters) {
      const target = targetByCluster.get(clusterKey(c));
      const prefix = snake(target?.name ?? c.name);
      const provider =
        c.region === root.region ? [] : [attr("provider", expr(`aws.${regionLabel(c.region)}`))];
      eks.push(...comment(`Cluster ${c.name} (${c.region})${target ? `, target ${target.name}` : ""}.`));
      const tags = tagsValue(config.tags, config.name);
      for (const e of c.accessEntries)
        eks.push(...accessEntryBlocks(c, e, prefix, provider, roleLabel, tags), blank);
    }
    if (eks.length) files.set(`${dir}/eks.tf`, hclFile(eks.slice(0, -1)));

    const outputs: BodyItem[] = [];
    for (const r of roles) {
      const label = roleLabel.get(r.arn)!;
      outputs.push(
        block(
          "output",
          [`${label}_role_arn`],
          [attr("description", `ARN of ${r.name}`), attr("value", expr(`aws_iam_role.${label}.arn`))],
        ),
        blank,
      );
    }
    if (outputs.length) files.set(`${dir}/outputs.tf`, hclFile(outputs.slice(0, -1)));
  }
  return files;
}

function accessEntryBlocks(
  cluster: EksCluster,
  e: AccessEntry,
  prefix: string,
  provider: BodyItem[],
  roleLabel: Map<string, string>,
  tags: HclValue,
): BodyItem[] {
  const managed = roleLabel.get(e.principalArn);
  const label = `${prefix}_${managed ?? snake(e.principalArn.slice(e.principalArn.lastIndexOf("/") + 1))}`;
  const principal: HclValue = managed ? new Expr(`aws_iam_role.${managed}.arn`) : e.principalArn;
  const items: BodyItem[] = [
    block(
      "resource",
      ["aws_eks_access_entry", label],
      [
        ...provider,
        attr("cluster_name", cluster.name),
        attr("principal_arn", principal),
        attr("type", e.type),
        ...(e.kubernetesGroups.length ? [attr("kubernetes_groups", e.kubernetesGroups)] : []),
        ...(e.username ? [attr("user_name", e.username)] : []),
        attr("tags", tags),
      ],
    ),
  ];
  for (const p of e.accessPolicies) {
    const scope: BodyItem[] =
      p.accessScope.type === "namespace"
        ? [attr("type", "namespace"), attr("namespaces", p.accessScope.namespaces)]
        : [attr("type", p.accessScope.type)];
    items.push(
      blank,
      block(
        "resource",
        ["aws_eks_access_policy_association", `${label}_${policyLabel(p.policyArn)}`],
        [
          ...provider,
          attr("cluster_name", expr(`aws_eks_access_entry.${label}.cluster_name`)),
          attr("principal_arn", expr(`aws_eks_access_entry.${label}.principal_arn`)),
          attr("policy_arn", p.policyArn),
          blank,
          block("access_scope", [], scope),
        ],
      ),
    );
  }
  return items;
}

/**
 * Hand-over from xirsa to Terraform: per account, Terraform `import` blocks (Terraform ≥ 1.5) that take the
 * resources `xirsa apply` created into this root's state under the addresses `renderTerraform` gives them. The
 * next `terraform apply` imports them and retags them as Terraform's. Import ids as the provider documents them
 * (terraform-provider-aws website/docs/r/: iam_role, iam_role_policy `role:policy`, iam_role_policy_attachment
 * `role/arn`, iam_openid_connect_provider the ARN, eks_access_entry `cluster:principal`,
 * eks_access_policy_association `cluster#principal#policy`).
 */
export function renderTerraformImports(config: Config, state: State): Map<string, string> {
  const files = new Map<string, string>();
  const labelsByName = roleLabels(config);
  const targetByCluster = new Map(
    config.targets.map((t) => [clusterKey({ accountId: t.accountId, region: t.region, name: t.cluster }), t]),
  );
  for (const root of rootsOf(config)) {
    const items: BodyItem[] = [];
    const imp = (to: string, id: string, provider?: string) =>
      items.push(
        block(
          "import",
          [],
          [...(provider ? [attr("provider", expr(provider))] : []), attr("to", expr(to)), attr("id", id)],
        ),
        blank,
      );
    const roles = state.roles.filter((r) => r.accountId === root.accountId);
    const roleLabel = new Map<string, string>();
    for (const r of roles) roleLabel.set(r.arn, labelsByName.get(r.name) ?? snake(r.name));
    state.oidcProviders
      .filter((p) => p.accountId === root.accountId)
      .forEach((p, i) => {
        items.push(
          ...comment(
            "If xirsa made it (apply --create-oidc-provider): apply with create_oidc_provider = true; else drop this block.",
          ),
        );
        imp(`aws_iam_openid_connect_provider.${i === 0 ? "source" : `source_${i + 1}`}[0]`, p.arn);
      });
    for (const r of roles) {
      const label = roleLabel.get(r.arn)!;
      imp(`aws_iam_role.${label}`, r.name);
      r.attachedPolicyArns.forEach((arn, i) => {
        imp(`aws_iam_role_policy_attachment.${label}_${i + 1}`, `${r.name}/${arn}`);
      });
      for (const name of Object.keys(r.inlinePolicies).sort())
        imp(`aws_iam_role_policy.${label}`, `${r.name}:${name}`);
    }
    for (const c of state.clusters.filter((x) => x.accountId === root.accountId && x.accessEntries.length)) {
      const target = targetByCluster.get(clusterKey(c));
      const prefix = snake(target?.name ?? c.name);
      const provider = c.region === root.region ? undefined : `aws.${regionLabel(c.region)}`;
      for (const e of c.accessEntries) {
        const managed = roleLabel.get(e.principalArn);
        const label = `${prefix}_${managed ?? snake(e.principalArn.slice(e.principalArn.lastIndexOf("/") + 1))}`;
        imp(`aws_eks_access_entry.${label}`, `${c.name}:${e.principalArn}`, provider);
        for (const p of e.accessPolicies)
          imp(
            `aws_eks_access_policy_association.${label}_${policyLabel(p.policyArn)}`,
            `${c.name}#${e.principalArn}#${p.policyArn}`,
            provider,
          );
      }
    }
    if (items.length) {
      files.set(
        `terraform/${root.accountId}/imports.tf`,
        hclFile([
          ...comment(
            `Hand-over of account ${root.accountId} from xirsa to Terraform: save as terraform/${root.accountId}/imports.tf,\nthen terraform apply (it imports what xirsa created and retags it as Terraform's); delete the file after.`,
          ),
          ...items.slice(0, -1),
        ]),
      );
    }
  }
  return files;
}
