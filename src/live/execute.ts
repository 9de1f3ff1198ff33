/**
 * Performs the operations of a plan against AWS and Kubernetes. Each operation is safe to repeat after a crash:
 * "already exists" / "already gone" answers for the thing the operation makes or removes count as done.
 */
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DisassociateAccessPolicyCommand,
  TagResourceCommand,
  UpdateAccessEntryCommand,
} from "@aws-sdk/client-eks";
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagOpenIDConnectProviderCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { awsFailure } from "../aws/sts.js";
import { AwsError, OperationError } from "../errors.js";
import type { KubeClient } from "../kube/client.js";
import type { KubeObject } from "../state/types.js";
import type { Operation, Workload } from "./changes.js";
import type { Connections } from "./connections.js";
import { podsUsing, restartTargets } from "./controllers.js";
import {
  deploymentSelector,
  labelSelector,
  podRoleArn,
  RESTARTED_AT_ANNOTATION,
  workloadId,
} from "./workloads.js";

export interface ExecContext {
  conns: Connections;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** How long to wait for restarted pods to carry the injected environment. */
  waitTimeoutMs: number;
  pollMs: number;
}

function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function errName(e: unknown): string {
  return (e as { name?: string })?.name ?? "";
}

async function aws<T>(what: string, fn: () => Promise<T>, ok: string[] = []): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (ok.includes(errName(e))) return undefined;
    throw awsFailure(what, e, hintFor(e));
  }
}

function hintFor(e: unknown): string | undefined {
  const name = errName(e);
  if (/AccessDenied|UnauthorizedOperation|AccessDeniedException/.test(name)) {
    return "the caller lacks this permission in that account: use an admin profile for xirsa apply (xirsa render --only verifier-policy shows what read-only needs)";
  }
  if (name === "LimitExceeded" || name === "LimitExceededException") {
    return "an account quota is reached: remove unused resources or request a quota increase";
  }
  if (name === "MalformedPolicyDocument" || name === "MalformedPolicyDocumentException") {
    return "IAM refused the document; if it names a role that was just created, rerun in a minute (IAM propagation)";
  }
  return "fix the cause above and rerun xirsa apply: it continues from where it stopped";
}

export async function execute(op: Operation, ctx: ExecContext): Promise<void> {
  const { conns } = ctx;
  switch (op.type) {
    case "oidc.create": {
      const p = op.provider;
      await aws(
        `CreateOpenIDConnectProvider ${p.url}`,
        () =>
          conns.account(p.accountId).iam.send(
            new CreateOpenIDConnectProviderCommand({
              Url: p.url,
              ClientIDList: p.clientIds,
              ...(p.thumbprints.length ? { ThumbprintList: p.thumbprints } : {}),
              Tags: tagList(p.tags),
            }),
          ),
        ["EntityAlreadyExists", "EntityAlreadyExistsException"],
      );
      return;
    }
    case "oidc.addClientId": {
      const iam = conns.account(op.accountId).iam;
      await aws(`AddClientIDToOpenIDConnectProvider ${op.arn}`, () =>
        iam.send(
          new AddClientIDToOpenIDConnectProviderCommand({
            OpenIDConnectProviderArn: op.arn,
            ClientID: op.clientId,
          }),
        ),
      );
      if (op.tags) {
        const tags = op.tags;
        await aws(`TagOpenIDConnectProvider ${op.arn}`, () =>
          iam.send(
            new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: op.arn, Tags: tagList(tags) }),
          ),
        );
      }
      return;
    }
    case "oidc.delete": {
      await aws(
        `DeleteOpenIDConnectProvider ${op.arn}`,
        () =>
          conns
            .account(op.accountId)
            .iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: op.arn })),
        ["NoSuchEntity", "NoSuchEntityException"],
      );
      return;
    }
    case "role.create": {
      const r = op.role;
      await aws(`CreateRole ${r.arn}`, () =>
        conns.account(r.accountId).iam.send(
          new CreateRoleCommand({
            RoleName: r.name,
            Path: r.path,
            AssumeRolePolicyDocument: JSON.stringify(r.trustPolicy),
            Tags: tagList(r.tags),
            ...(r.permissionsBoundary ? { PermissionsBoundary: r.permissionsBoundary } : {}),
            ...(r.description ? { Description: r.description } : {}),
          }),
        ),
      );
      return;
    }
    case "role.update": {
      const r = op.role;
      const iam = conns.account(r.accountId).iam;
      if (op.trust) {
        await aws(`UpdateAssumeRolePolicy ${r.arn}`, () =>
          iam.send(
            new UpdateAssumeRolePolicyCommand({
              RoleName: r.name,
              PolicyDocument: JSON.stringify(r.trustPolicy),
            }),
          ),
        );
      }
      if (op.boundary === "put" && r.permissionsBoundary) {
        const boundary = r.permissionsBoundary;
        await aws(`PutRolePermissionsBoundary ${r.arn}`, () =>
          iam.send(
            new PutRolePermissionsBoundaryCommand({ RoleName: r.name, PermissionsBoundary: boundary }),
          ),
        );
      } else if (op.boundary === "delete") {
        await aws(`DeleteRolePermissionsBoundary ${r.arn}`, () =>
          iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: r.name })),
        );
      }
      if (Object.keys(op.tags).length) {
        await aws(`TagRole ${r.arn}`, () =>
          iam.send(new TagRoleCommand({ RoleName: r.name, Tags: tagList(op.tags) })),
        );
      }
      return;
    }
    case "role.delete": {
      const r = op.role;
      const iam = conns.account(r.accountId).iam;
      const gone = ["NoSuchEntity", "NoSuchEntityException"];
      for (const name of Object.keys(r.inlinePolicies)) {
        await aws(
          `DeleteRolePolicy ${r.name}/${name}`,
          () => iam.send(new DeleteRolePolicyCommand({ RoleName: r.name, PolicyName: name })),
          gone,
        );
      }
      for (const arn of r.attachedPolicyArns) {
        await aws(
          `DetachRolePolicy ${r.name} ${arn}`,
          () => iam.send(new DetachRolePolicyCommand({ RoleName: r.name, PolicyArn: arn })),
          gone,
        );
      }
      await aws(`DeleteRole ${r.arn}`, () => iam.send(new DeleteRoleCommand({ RoleName: r.name })), gone);
      return;
    }
    case "inline.put": {
      await aws(`PutRolePolicy ${op.roleName}/${op.policyName}`, () =>
        conns.account(op.accountId).iam.send(
          new PutRolePolicyCommand({
            RoleName: op.roleName,
            PolicyName: op.policyName,
            PolicyDocument: JSON.stringify(op.document),
          }),
        ),
      );
      return;
    }
    case "inline.delete": {
      await aws(
        `DeleteRolePolicy ${op.roleName}/${op.policyName}`,
        () =>
          conns
            .account(op.accountId)
            .iam.send(new DeleteRolePolicyCommand({ RoleName: op.roleName, PolicyName: op.policyName })),
        ["NoSuchEntity", "NoSuchEntityException"],
      );
      return;
    }
    case "entry.create": {
      const e = op.entry;
      await aws(`CreateAccessEntry ${e.principalArn} on ${op.cluster.name}`, () =>
        conns
          .account(op.cluster.accountId)
          .eks(op.cluster.region)
          .send(
            new CreateAccessEntryCommand({
              clusterName: op.cluster.name,
              principalArn: e.principalArn,
              type: e.type,
              ...(e.kubernetesGroups.length ? { kubernetesGroups: e.kubernetesGroups } : {}),
              ...(e.username ? { username: e.username } : {}),
              tags: op.tags,
            }),
          ),
      );
      return;
    }
    case "entry.update": {
      const e = op.entry;
      const eks = conns.account(op.cluster.accountId).eks(op.cluster.region);
      await aws(`UpdateAccessEntry ${e.principalArn} on ${op.cluster.name}`, () =>
        eks.send(
          new UpdateAccessEntryCommand({
            clusterName: op.cluster.name,
            principalArn: e.principalArn,
            kubernetesGroups: e.kubernetesGroups,
            ...(e.username ? { username: e.username } : {}),
          }),
        ),
      );
      if (Object.keys(op.tags).length) {
        const arn = (
          await aws(`DescribeAccessEntry ${e.principalArn}`, () =>
            eks.send(
              new DescribeAccessEntryCommand({ clusterName: op.cluster.name, principalArn: e.principalArn }),
            ),
          )
        )?.accessEntry?.accessEntryArn;
        if (!arn) throw new AwsError("eks.entry-arn", `access entry ${e.principalArn} has no ARN`);
        await aws(`TagResource ${arn}`, () =>
          eks.send(new TagResourceCommand({ resourceArn: arn, tags: op.tags })),
        );
      }
      return;
    }
    case "entry.delete": {
      await aws(
        `DeleteAccessEntry ${op.principalArn} on ${op.cluster.name}`,
        () =>
          conns
            .account(op.cluster.accountId)
            .eks(op.cluster.region)
            .send(
              new DeleteAccessEntryCommand({ clusterName: op.cluster.name, principalArn: op.principalArn }),
            ),
        ["ResourceNotFoundException"],
      );
      return;
    }
    case "assoc.put": {
      const a = op.association;
      await aws(`AssociateAccessPolicy ${a.policyArn} to ${op.principalArn} on ${op.cluster.name}`, () =>
        conns
          .account(op.cluster.accountId)
          .eks(op.cluster.region)
          .send(
            new AssociateAccessPolicyCommand({
              clusterName: op.cluster.name,
              principalArn: op.principalArn,
              policyArn: a.policyArn,
              accessScope:
                a.accessScope.type === "cluster"
                  ? { type: "cluster" }
                  : { type: "namespace", namespaces: a.accessScope.namespaces },
            }),
          ),
      );
      return;
    }
    case "assoc.delete": {
      await aws(
        `DisassociateAccessPolicy ${op.policyArn} from ${op.principalArn} on ${op.cluster.name}`,
        () =>
          conns
            .account(op.cluster.accountId)
            .eks(op.cluster.region)
            .send(
              new DisassociateAccessPolicyCommand({
                clusterName: op.cluster.name,
                principalArn: op.principalArn,
                policyArn: op.policyArn,
              }),
            ),
        ["ResourceNotFoundException"],
      );
      return;
    }
    case "kube.create": {
      const kube = await conns.kube(op.cluster);
      await kube.create(op.object);
      return;
    }
    case "kube.patch": {
      const kube = await conns.kube(op.cluster);
      await kube.patch(op.ref, op.patch, "merge");
      return;
    }
    case "kube.delete": {
      const kube = await conns.kube(op.cluster);
      await kube.delete(op.ref);
      return;
    }
    case "restart": {
      await restart(op.workload, op.roleArn, ctx);
      return;
    }
  }
}

async function podsOf(kube: KubeClient, w: Workload): Promise<KubeObject[] | undefined> {
  if (w.kind === "pods") {
    // By spec.serviceAccountName: labels change with a nameOverride or a renamed release.
    return podsUsing(await kube.list("v1", "Pod", { namespace: w.namespace }), w.namespace, w.serviceAccount);
  }
  let selector: Record<string, string>;
  {
    const d = await kube.get({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: w.name,
      namespace: w.namespace,
    });
    if (!d) return undefined;
    selector = deploymentSelector(d);
  }
  const pods = await kube.list("v1", "Pod", {
    namespace: w.namespace,
    labelSelector: labelSelector(selector),
  });
  return pods.filter((p) => !p.metadata.deletionTimestamp);
}

/**
 * The seed's restarts: `kubectl rollout restart` for the operator Deployment, restarting the controllers of the
 * Argo CD pods. Then wait until every pod is new and carries the injected AWS_ROLE_ARN.
 */
async function restart(w: Workload, roleArn: string | null, ctx: ExecContext): Promise<void> {
  const kube = await ctx.conns.kube(w.cluster);
  const before = (await podsOf(kube, w)) ?? [];
  const old = new Set(before.map((p) => p.metadata.uid ?? p.metadata.name));
  if (w.kind === "deployment") {
    await kube.patch(
      { apiVersion: "apps/v1", kind: "Deployment", name: w.name, namespace: w.namespace },
      {
        spec: {
          template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: ctx.now().toISOString() } } },
        },
      },
      "strategic",
    );
  } else {
    // Restart the controllers of the ServiceAccount's pods (found through ownerReferences), as
    // `kubectl rollout restart` does; fail loudly when there is nothing to restart.
    if (!before.length) {
      throw new OperationError(
        "restart.no-pods",
        `no pod in ${w.namespace} runs as ServiceAccount ${w.serviceAccount} in cluster ${w.cluster.name}, so nothing picks up the role`,
        `check source.argocd.serviceAccounts against the pods (kubectl get pods -n ${w.namespace} -o custom-columns=NAME:.metadata.name,SA:.spec.serviceAccountName)`,
      );
    }
    const replicaSets = await kube
      .list("apps/v1", "ReplicaSet", { namespace: w.namespace })
      .catch(() => [] as KubeObject[]);
    const targets = restartTargets(
      before,
      replicaSets.map((r) => ({ ...r, kind: "ReplicaSet" })),
    );
    if (targets.stranded.length) {
      const s = targets.stranded[0]!;
      throw new OperationError(
        "restart.no-controller",
        `pod ${w.namespace}/${s.pod} (ServiceAccount ${w.serviceAccount}) ${s.why}, so xirsa cannot restart it`,
        "recreate the pod yourself after the annotation, or run it under a Deployment/StatefulSet/DaemonSet",
      );
    }
    for (const c of targets.controllers) {
      await kube.patch(
        { apiVersion: "apps/v1", kind: c.kind, name: c.name, namespace: w.namespace },
        {
          spec: {
            template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: ctx.now().toISOString() } } },
          },
        },
        "strategic",
      );
    }
  }
  const deadline = ctx.now().getTime() + ctx.waitTimeoutMs;
  let last = "";
  for (;;) {
    const pods = (await podsOf(kube, w)) ?? [];
    const fresh = pods.filter((p) => !old.has(p.metadata.uid ?? p.metadata.name));
    const right = fresh.filter((p) => podRoleArn(p) === roleArn);
    if (pods.length > 0 && right.length === pods.length) return;
    last = `${pods.length} pod(s), ${fresh.length} new, ${right.length} with AWS_ROLE_ARN=${roleArn ?? "(none)"}`;
    if (ctx.now().getTime() >= deadline) {
      throw new OperationError(
        "restart.timeout",
        `the pods of ${workloadId(w)} in ${w.cluster.name} did not come back with AWS_ROLE_ARN=${roleArn ?? "(none)"} within ${Math.round(ctx.waitTimeoutMs / 1000)} s (${last})`,
        `check the workload and the pod identity webhook (kubectl get pods -n ${w.namespace}), then rerun xirsa apply`,
      );
    }
    await ctx.sleep(ctx.pollMs);
  }
}
