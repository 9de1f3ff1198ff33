/**
 * The commented xirsa.yaml that `xirsa init` writes: the values given, every other field commented out with
 * its default (taken from the validated config, so from the schema) or a placeholder, and a comment on each
 * field saying what it is and where its value comes from.
 */
import { stringify } from "yaml";
import type { Config } from "../config/index.js";
import { targetSchema } from "../config/index.js";
import { type FieldKey, fieldOf } from "./fields.js";

const WIDTH = 110;

function comment(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + 2 + line.length + 1 + word.length > WIDTH) {
      lines.push(`${indent}# ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}# ${line}`);
  return lines;
}

function scalar(v: string): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

/** Account ids are quoted always: unquoted, YAML reads them as numbers. */
function quoted(v: string): string {
  return JSON.stringify(v);
}

export function renderInitYaml(config: Config): string {
  const src = config.source;
  const t = config.targets[0]!;
  const capsuleDefaults = targetSchema.shape.capsule.unwrap().parse({});
  const out: string[] = [];
  const field = (
    key: FieldKey,
    indent: string,
    yamlKey: string,
    value: string | undefined,
    placeholder: string,
  ) => {
    out.push(...comment(fieldOf(key).comment, indent));
    out.push(value === undefined ? `${indent}# ${yamlKey}: ${placeholder}` : `${indent}${yamlKey}: ${value}`);
  };

  out.push(
    "# xirsa.yaml, written by `xirsa init`.",
    ...comment(
      "One source cluster (account A: KubeRocketCI and Argo CD) deploys into target clusters in other accounts (B, C, ...) through IRSA role chains. Next: `xirsa render --config xirsa.yaml --out bundle` to review the IAM policies, Terraform and manifests, then `xirsa verify --config xirsa.yaml`. Every field and its rules: `xirsa schema`.",
      "",
    ),
    "",
  );
  field("name", "", "name", scalar(config.name), "<name>");
  out.push(
    ...comment(
      "IAM role names: {name} is the stack name, {role} one of CDPipelineOperator, ArgoCDMaster, CDPipelineAgent, ArgoCDAgentAccess. Default:",
      "",
    ),
    `# roleNameTemplate: ${scalar(config.roleNameTemplate)}`,
    ...comment("IAM path of the roles (starts and ends with /). Default:", ""),
    `# path: ${scalar(config.path)}`,
    ...comment("ARN of a managed policy set as the permissions boundary of every role xirsa creates.", ""),
    "# permissionsBoundary: arn:aws:iam::{account}:policy/<name>   # {account}: each role's own account",
    ...comment("Tags on every IAM role (xirsa adds xirsa.io/managed-by and xirsa.io/stack).", ""),
    "# tags:",
    "#   <key>: <value>",
    "",
    ...comment("Account A: the cluster that runs KubeRocketCI and Argo CD.", ""),
    "source:",
  );
  field("sourceAccount", "  ", "accountId", quoted(src.accountId), '"<12 digits>"');
  field("sourceRegion", "  ", "region", scalar(src.region), "<region>");
  field("sourceCluster", "  ", "cluster", scalar(src.cluster), "<cluster>");
  field(
    "issuer",
    "  ",
    "oidcIssuer",
    src.oidcIssuer && scalar(src.oidcIssuer),
    `https://oidc.eks.${src.region}.amazonaws.com/id/<ID>`,
  );
  field("sourceProfile", "  ", "profile", src.profile && scalar(src.profile), "<profile>");
  out.push(
    ...comment("kubeconfig context of the source cluster, for the commands that talk to it.", "  "),
    "  # kubeContext: <context>",
    ...comment(
      "KubeRocketCI in the source cluster: the cd-pipeline-operator's namespace, service account and Deployment. Defaults:",
      "  ",
    ),
    "  # krci:",
    `  #   namespace: ${scalar(src.krci.namespace)}`,
    `  #   serviceAccount: ${scalar(src.krci.serviceAccount)}`,
    `  #   deployment: ${scalar(src.krci.deployment)}`,
    ...comment(
      "Argo CD in the source cluster: its namespace, the service accounts that assume the Argo CD role and the AppProject. Defaults:",
      "  ",
    ),
    "  # argocd:",
    `  #   namespace: ${scalar(src.argocd.namespace)}`,
    `  #   serviceAccounts: [${src.argocd.serviceAccounts.map(scalar).join(", ")}]`,
    `  #   project: ${scalar(src.argocd.project)}`,
    // No blank line here: Biome's YAML formatter (the repository's) removes one after an indented comment.
    ...comment(
      "The target clusters (accounts B, C, ...), one entry each: copy the entry below to add another.",
      "",
    ),
    "targets:",
  );
  out.push(...comment(fieldOf("targetName").comment, "  "), `  - name: ${scalar(t.name)}`);
  field("targetAccount", "    ", "accountId", quoted(t.accountId), '"<12 digits>"');
  field("targetRegion", "    ", "region", scalar(t.region), "<region>");
  field("targetCluster", "    ", "cluster", scalar(t.cluster), "<cluster>");
  field(
    "endpoint",
    "    ",
    "endpoint",
    t.endpoint && scalar(t.endpoint),
    "https://<id>.<zone>.<region>.eks.amazonaws.com",
  );
  field("caData", "    ", "caData", t.caData && scalar(t.caData), "<base64 PEM>");
  field("targetProfile", "    ", "profile", t.profile && scalar(t.profile), "<profile>");
  out.push(
    ...comment("kubeconfig context of the target cluster, for the commands that talk to it.", "    "),
    "    # kubeContext: <context>",
  );
  field("namespaces", "    ", "namespaces", scalar(t.namespaces), "krci-*");
  field("access", "    ", "access", scalar(t.access), "cluster-admin");
  out.push(
    ...comment(
      "Capsule multi-tenancy in the target: the operator's B role becomes a member of the group, owner of the tenant, and gets no cluster-wide access policy.",
      "    ",
    ),
  );
  const capsule = t.capsule ?? capsuleDefaults;
  const c = t.capsule ? "" : "# ";
  out.push(
    `    ${c}capsule:`,
    `    ${c}  tenant: ${scalar(capsule.tenant)}`,
    `    ${c}  group: ${scalar(capsule.group)}`,
    "",
  );
  return out.join("\n");
}
