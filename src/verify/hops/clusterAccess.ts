/**
 * Hop 4, `cluster-access`: the target cluster maps the target role: an EKS access entry for exactly its ARN
 * (path included; EKS matches the assumed-role session's role ARN to the entry's principal).
 */
import { parseRoleArn } from "../../iam/index.js";
import {
  type AccessEntry,
  type AccessPolicyAssociation,
  type ChainSpec,
  type ClusterRef,
  type EksCluster,
  findCluster,
} from "../../state/index.js";
import { failed, type HopOutcome, passed, type VerifyContext } from "../context.js";
import type { HopEvidence } from "../evidence.js";
import { accessEntryResourceId, clusterResourceId, finding } from "../findings.js";
import { accessPolicyName } from "../k8s/accessPolicies.js";

const HOP = "cluster-access";

type AccessEntryEvidence = Extract<HopEvidence, { kind: "access-entry" }>;

export function findAccessEntry(cluster: EksCluster, principalArn: string): AccessEntry | undefined {
  return cluster.accessEntries.find((e) => e.principalArn === principalArn);
}

function describeEntry(e: AccessEntry): string {
  const policies = e.accessPolicies.map((a) => {
    const name = accessPolicyName(a.policyArn) ?? a.policyArn;
    return a.accessScope.type === "cluster"
      ? `${name} (cluster)`
      : `${name} on ${a.accessScope.namespaces.join(", ")}`;
  });
  const parts = [e.type];
  if (e.kubernetesGroups.length) parts.push(`groups ${e.kubernetesGroups.join(", ")}`);
  parts.push(policies.length ? `policies ${policies.join(", ")}` : "no access policies");
  return parts.join("; ");
}

/** ` --region R [--profile P]` for the account's AWS CLI calls. */
export function awsTarget(ctx: VerifyContext, ref: ClusterRef): string {
  const profile = ctx.profiles[ref.accountId];
  return ` --region ${ref.region}${profile ? ` --profile ${profile}` : ""}`;
}

/**
 * The commands that create the access entry this config renders for the role (its Kubernetes groups for
 * Capsule, its cluster or namespace-scoped access policy), or the bare entry when the desired State is not
 * known. EKS API: CreateAccessEntry (--kubernetes-groups), AssociateAccessPolicy (--access-scope
 * type=cluster|namespace,namespaces=…).
 */
function accessEntryFix(ctx: VerifyContext, ref: ClusterRef, arn: string): string {
  const where = awsTarget(ctx, ref);
  const desiredCluster = ctx.desired ? findCluster(ctx.desired, ref) : undefined;
  const want = desiredCluster ? findAccessEntry(desiredCluster, arn) : undefined;
  const create = `aws eks create-access-entry --cluster-name ${ref.name} --principal-arn ${arn} --type STANDARD`;
  if (!want) return `${create}${where} (then associate its access policy)`;
  const groups = want.kubernetesGroups.length
    ? ` --kubernetes-groups ${want.kubernetesGroups.join(" ")}`
    : "";
  return [
    `${create}${groups}${where}`,
    ...want.accessPolicies.map((p) => associate(ref, arn, p, where)),
  ].join(" && ");
}

function associate(ref: ClusterRef, arn: string, p: AccessPolicyAssociation, where: string): string {
  // Quoted when it holds a * (krci-*): pasted into a shell, an unquoted glob could expand to file names.
  const scope =
    p.accessScope.type === "cluster"
      ? "type=cluster"
      : shellWord(`type=namespace,namespaces=${p.accessScope.namespaces.join(",")}`);
  return `aws eks associate-access-policy --cluster-name ${ref.name} --principal-arn ${arn} --policy-arn ${p.policyArn} --access-scope ${scope}${where}`;
}

/**
 * The commands that make an existing access entry what the config renders: the Kubernetes groups it lacks
 * (UpdateAccessEntry replaces the list: the ones it has stay in it) and the access policies it lacks or holds
 * with another scope (AssociateAccessPolicy again updates the scope). Undefined when the desired State is not
 * known or the entry already is as rendered.
 */
export function accessEntryRepair(
  ctx: VerifyContext,
  ref: ClusterRef,
  entry: AccessEntry,
): string | undefined {
  const desiredCluster = ctx.desired ? findCluster(ctx.desired, ref) : undefined;
  const want = desiredCluster ? findAccessEntry(desiredCluster, entry.principalArn) : undefined;
  if (!want) return undefined;
  const where = awsTarget(ctx, ref);
  const steps: string[] = [];
  const lacking = want.kubernetesGroups.filter((g) => !entry.kubernetesGroups.includes(g));
  if (lacking.length) {
    steps.push(
      `aws eks update-access-entry --cluster-name ${ref.name} --principal-arn ${entry.principalArn} --kubernetes-groups ${[...entry.kubernetesGroups, ...lacking].join(" ")}${where}`,
    );
  }
  for (const p of want.accessPolicies) {
    const has = entry.accessPolicies.find((a) => a.policyArn === p.policyArn);
    if (has && JSON.stringify(has.accessScope) === JSON.stringify(p.accessScope)) continue;
    steps.push(associate(ref, entry.principalArn, p, where));
  }
  return steps.length ? steps.join(" && ") : undefined;
}

function shellWord(s: string): string {
  return /[*?[\]]/.test(s) ? `'${s}'` : s;
}

export function clusterAccessHop(chain: ChainSpec, ctx: VerifyContext): HopOutcome {
  const target = ctx.cluster(chain.targetCluster);
  const ref = chain.targetCluster;
  if (!target) {
    const f = finding(
      "XIRSA-CLUSTER-MISSING",
      `target cluster ${ref.name} (${ref.accountId}, ${ref.region}) is not in the State`,
      clusterResourceId(ref),
      { chain: chain.id },
    );
    const absent: AccessEntryEvidence = {
      kind: "access-entry",
      cluster: ref.name,
      principalArn: chain.targetRoleArn,
      found: false,
      absent: "target-cluster",
    };
    return failed(HOP, f.message, f.remediation, absent, [f]);
  }
  const cluster = target.cluster;
  const arn = chain.targetRoleArn;
  const entry = findAccessEntry(cluster, arn);
  const resource = accessEntryResourceId(ref, arn);
  const detail: AccessEntryEvidence = {
    kind: "access-entry",
    cluster: ref.name,
    principalArn: arn,
    found: !!entry,
  };
  if (!entry) {
    // Near misses: same role name with another path or case, which EKS does not match.
    const name = parseRoleArn(arn)?.name.toLowerCase();
    const near = cluster.accessEntries
      .map((e) => e.principalArn)
      .filter((p) => p !== arn && name !== undefined && parseRoleArn(p)?.name.toLowerCase() === name);
    detail.entries = cluster.accessEntries.map((e) => e.principalArn);
    if (near.length) detail.nearMisses = near;
    const hint = near.length ? ` (an entry exists for ${near.join(", ")}, which EKS does not match)` : "";
    const f = finding(
      "XIRSA-EKS-NO-ACCESS-ENTRY",
      `cluster ${ref.name} has no access entry for ${arn}${hint}: kubectl would answer Unauthorized`,
      resource,
      {
        chain: chain.id,
        remediation: accessEntryFix(ctx, ref, arn),
      },
    );
    return failed(HOP, f.message, f.remediation, detail, [f]);
  }
  detail.entry = entry;
  const notes = [];
  if (entry.type !== "STANDARD") {
    notes.push(
      finding(
        "XIRSA-EKS-ENTRY-TYPE",
        `access entry for ${arn} on ${ref.name} has type ${entry.type}`,
        resource,
      ),
    );
  }
  const role = ctx.role(arn);
  if (entry.principalId && role?.uniqueId && entry.principalId !== role.uniqueId) {
    detail.stalePrincipalId = entry.principalId;
    const f = finding(
      "XIRSA-EKS-ENTRY-STALE",
      `access entry for ${arn} on ${ref.name} is bound to principal id ${entry.principalId}, but the role's id is now ${role.uniqueId} (the role was re-created)`,
      resource,
      {
        chain: chain.id,
        // The entry must be deleted and made again (EKS binds the principal id at creation).
        remediation: `aws eks delete-access-entry --cluster-name ${ref.name} --principal-arn ${arn}${awsTarget(ctx, ref)} && ${accessEntryFix(ctx, ref, arn)}`,
      },
    );
    return failed(HOP, f.message, f.remediation, detail, [f, ...notes]);
  }
  return passed(
    HOP,
    `cluster ${ref.name} has an access entry for ${arn} (${describeEntry(entry)})`,
    detail,
    notes,
  );
}
