/**
 * The AWS side of the sandbox as plain data (persisted as D/aws.json): accounts with their admin user, IAM
 * roles, managed policies and OIDC providers, EKS clusters with access entries, and STS sessions.
 * Policy documents are kept as the JSON text the caller sent (IAM returns them as given).
 */
import type { SaSigningKey } from "./jwt.js";

export type Tag = { Key: string; Value: string };

export interface AdminUser {
  userName: string;
  userId: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  createDate: string;
}

export interface AccountRec {
  id: string;
  admin: AdminUser;
}

/** A trust policy as written, with the unique ids its role principals resolved to when it was written. */
export interface TrustRec {
  document: string;
  principalIds: Record<string, string>;
}

export interface RoleRec {
  accountId: string;
  name: string;
  path: string;
  arn: string;
  roleId: string;
  createDate: string;
  trust: TrustRec;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  inline: Record<string, string>;
  attached: string[];
  /** ARN of the managed policy set as the role's permissions boundary. */
  permissionsBoundary?: string;
  /** Propagation knob: before this instant the role is not usable by STS. */
  effectiveAt: string;
  /** Propagation knob: the trust policy STS still sees until `until`. */
  previousTrust?: TrustRec & { until: string };
}

export interface PolicyVersionRec {
  versionId: string;
  document: string;
  createDate: string;
}

export interface PolicyRec {
  accountId: string;
  name: string;
  path: string;
  arn: string;
  policyId: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  versions: PolicyVersionRec[];
  nextVersion: number;
  tags: Tag[];
}

export interface OidcProviderRec {
  accountId: string;
  arn: string;
  /** With https:// */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  createDate: string;
}

export type AccessScopeRec = { type: "cluster" } | { type: "namespace"; namespaces: string[] };

export interface AssociatedPolicyRec {
  policyArn: string;
  accessScope: AccessScopeRec;
  associatedAt: string;
  modifiedAt: string;
}

export interface AccessEntryRec {
  principalArn: string;
  /** The principal's unique id when the entry was created (AROA…/AIDA…): a re-created role does not match. */
  principalId: string;
  type: string;
  username?: string;
  kubernetesGroups: string[];
  tags: Record<string, string>;
  createdAt: string;
  modifiedAt: string;
  accessEntryArn: string;
  policies: AssociatedPolicyRec[];
}

export interface ClusterRec {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  issuerId: string;
  issuer: string;
  version: string;
  createdAt: string;
  saKey: SaSigningKey;
  accessEntries: AccessEntryRec[];
  /** Absent in state written before cluster tags were served. */
  tags?: Record<string, string>;
}

export interface SessionRec {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  accountId: string;
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  /** arn:aws:sts::<acct>:assumed-role/<role>/<session> */
  arn: string;
  /** Assumed from another role session: later AssumeRole calls from it are chained too. */
  chained: boolean;
  sessionPolicy?: string;
  sourceIdentity?: string;
  /** Session tags (passed, or inherited as transitive from the calling session): the session's aws:PrincipalTag. */
  sessionTags?: Tag[];
  /** Keys of sessionTags that later AssumeRole calls from this session carry on (role chaining). */
  transitiveTagKeys?: string[];
  /** GetSessionToken: the admin user's own temporary credentials (the role fields then name the user). */
  user?: { name: string; userId: string };
}

export interface AwsState {
  version: 1;
  accounts: AccountRec[];
  roles: RoleRec[];
  policies: PolicyRec[];
  oidcProviders: OidcProviderRec[];
  clusters: ClusterRec[];
  sessions: SessionRec[];
}

/** Who signed a request. */
export type Caller =
  | {
      kind: "user";
      accountId: string;
      arn: string;
      userId: string;
      name: string;
      /** Signed with GetSessionToken credentials (no MFA): IAM calls are refused. */
      viaSessionToken?: boolean;
    }
  | {
      kind: "session";
      accountId: string;
      arn: string;
      userId: string;
      roleArn: string;
      roleId: string;
      roleName: string;
      sessionName: string;
      chained: boolean;
      sessionPolicy?: string;
      sourceIdentity?: string;
      sessionTags?: Tag[];
      transitiveTagKeys?: string[];
    };

export function callerOfSession(s: SessionRec): Caller {
  if (s.user)
    return {
      kind: "user",
      accountId: s.accountId,
      arn: s.arn,
      userId: s.user.userId,
      name: s.user.name,
      viaSessionToken: true,
    };
  return {
    kind: "session",
    accountId: s.accountId,
    arn: s.arn,
    userId: `${s.roleId}:${s.sessionName}`,
    roleArn: s.roleArn,
    roleId: s.roleId,
    roleName: s.roleName,
    sessionName: s.sessionName,
    chained: s.chained,
    sessionPolicy: s.sessionPolicy,
    sourceIdentity: s.sourceIdentity,
    sessionTags: s.sessionTags,
    transitiveTagKeys: s.transitiveTagKeys,
  };
}

export function callerOfAdmin(accountId: string, admin: AdminUser): Caller {
  return { kind: "user", accountId, arn: admin.arn, userId: admin.userId, name: admin.userName };
}
