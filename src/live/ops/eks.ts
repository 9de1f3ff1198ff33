/** EKS operations: access entries and their access policy associations. */
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DisassociateAccessPolicyCommand,
  TagResourceCommand,
  UpdateAccessEntryCommand,
} from "@aws-sdk/client-eks";
import { AwsError } from "../../errors.js";
import { aws } from "./aws.js";
import type { Handlers, OperationType } from "./types.js";

export type EksOperationType = Extract<OperationType, `entry.${string}` | `assoc.${string}`>;

export const EKS_HANDLERS: Handlers<EksOperationType> = {
  "entry.create": async (op, { conns }) => {
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
  },
  "entry.update": async (op, { conns }) => {
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
  },
  "entry.delete": async (op, { conns }) => {
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
  },
  "assoc.put": async (op, { conns }) => {
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
  },
  "assoc.delete": async (op, { conns }) => {
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
  },
};
