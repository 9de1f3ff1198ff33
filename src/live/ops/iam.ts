/** IAM operations: OIDC providers, roles, inline policies. */
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
import { aws, tagList } from "./aws.js";
import type { Handlers, OperationType } from "./types.js";

export type IamOperationType = Extract<
  OperationType,
  `oidc.${string}` | `role.${string}` | `inline.${string}`
>;

export const IAM_HANDLERS: Handlers<IamOperationType> = {
  "oidc.create": async (op, { conns }) => {
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
  },
  "oidc.addClientId": async (op, { conns }) => {
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
  },
  "oidc.delete": async (op, { conns }) => {
    await aws(
      `DeleteOpenIDConnectProvider ${op.arn}`,
      () =>
        conns
          .account(op.accountId)
          .iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: op.arn })),
      ["NoSuchEntity", "NoSuchEntityException"],
    );
  },
  "role.create": async (op, { conns }) => {
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
  },
  "role.update": async (op, { conns }) => {
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
        iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: r.name, PermissionsBoundary: boundary })),
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
  },
  "role.delete": async (op, { conns }) => {
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
  },
  "inline.put": async (op, { conns }) => {
    await aws(`PutRolePolicy ${op.roleName}/${op.policyName}`, () =>
      conns.account(op.accountId).iam.send(
        new PutRolePolicyCommand({
          RoleName: op.roleName,
          PolicyName: op.policyName,
          PolicyDocument: JSON.stringify(op.document),
        }),
      ),
    );
  },
  "inline.delete": async (op, { conns }) => {
    await aws(
      `DeleteRolePolicy ${op.roleName}/${op.policyName}`,
      () =>
        conns
          .account(op.accountId)
          .iam.send(new DeleteRolePolicyCommand({ RoleName: op.roleName, PolicyName: op.policyName })),
      ["NoSuchEntity", "NoSuchEntityException"],
    );
  },
};
