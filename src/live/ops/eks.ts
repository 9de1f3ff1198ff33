/** EKS operations: access entries and their access policy associations. */
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DisassociateAccessPolicyCommand,
  type EKSClient,
  TagResourceCommand,
  UpdateAccessEntryCommand,
} from "@aws-sdk/client-eks";
import { AwsError } from "../../errors.js";
import type { ClusterRef } from "../../state/index.js";
import type { Connections } from "../connections.js";
import { aws } from "./aws.js";
import type { Handlers, OperationType } from "./types.js";

export type EksOperationType = Extract<OperationType, `entry.${string}` | `assoc.${string}`>;

interface ClusterOp {
  cluster: ClusterRef;
}

/** The EKS client of the account and region that own the op's cluster. */
function eksOf(op: ClusterOp, conns: Connections): EKSClient {
  return conns.account(op.cluster.accountId).eks(op.cluster.region);
}

/** The two fields every access-entry request names: which cluster, which principal. */
function entryKey(op: ClusterOp, principalArn: string): { clusterName: string; principalArn: string } {
  return { clusterName: op.cluster.name, principalArn };
}

export const EKS_HANDLERS: Handlers<EksOperationType> = {
  "entry.create": async (op, { conns }) => {
    const e = op.entry;
    await aws(`CreateAccessEntry ${e.principalArn} on ${op.cluster.name}`, () =>
      eksOf(op, conns).send(
        new CreateAccessEntryCommand({
          ...entryKey(op, e.principalArn),
          type: e.type,
          ...(e.kubernetesGroups.length ? { kubernetesGroups: e.kubernetesGroups } : {}),
          ...(e.username ? { username: e.username } : {}),
          tags: op.tags,
        }),
      ),
    );
  },
  "entry.update": async (op, { conns }) => {
    const e = op.entry;
    const eks = eksOf(op, conns);
    const key = entryKey(op, e.principalArn);
    await aws(`UpdateAccessEntry ${e.principalArn} on ${op.cluster.name}`, () =>
      eks.send(
        new UpdateAccessEntryCommand({
          ...key,
          kubernetesGroups: e.kubernetesGroups,
          ...(e.username ? { username: e.username } : {}),
        }),
      ),
    );
    if (Object.keys(op.tags).length) {
      const arn = (
        await aws(`DescribeAccessEntry ${e.principalArn}`, () =>
          eks.send(new DescribeAccessEntryCommand(key)),
        )
      )?.accessEntry?.accessEntryArn;
      if (!arn) throw new AwsError("eks.entry-arn", `access entry ${e.principalArn} has no ARN`);
      await aws(`TagResource ${arn}`, () =>
        eks.send(new TagResourceCommand({ resourceArn: arn, tags: op.tags })),
      );
    }
  },
  "entry.delete": async (op, { conns }) => {
    await aws(
      `DeleteAccessEntry ${op.principalArn} on ${op.cluster.name}`,
      () => eksOf(op, conns).send(new DeleteAccessEntryCommand(entryKey(op, op.principalArn))),
      ["ResourceNotFoundException"],
    );
  },
  "assoc.put": async (op, { conns }) => {
    const a = op.association;
    await aws(`AssociateAccessPolicy ${a.policyArn} to ${op.principalArn} on ${op.cluster.name}`, () =>
      eksOf(op, conns).send(
        new AssociateAccessPolicyCommand({
          ...entryKey(op, op.principalArn),
          policyArn: a.policyArn,
          accessScope:
            a.accessScope.type === "cluster"
              ? { type: "cluster" }
              : { type: "namespace", namespaces: a.accessScope.namespaces },
        }),
      ),
    );
  },
  "assoc.delete": async (op, { conns }) => {
    await aws(
      `DisassociateAccessPolicy ${op.policyArn} from ${op.principalArn} on ${op.cluster.name}`,
      () =>
        eksOf(op, conns).send(
          new DisassociateAccessPolicyCommand({ ...entryKey(op, op.principalArn), policyArn: op.policyArn }),
        ),
      ["ResourceNotFoundException"],
    );
  },
};
