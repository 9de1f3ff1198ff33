/**
 * Reads a set-up xirsa did not make, read-only, starting from cluster A: its Argo CD and KubeRocketCI cluster
 * Secrets name the agent roles (roleARN) and the target clusters; each agent role's account is read with the
 * credentials given for it (--profile-for, else the default chain); the agent roles' trust policies and the
 * ServiceAccount annotations name the source roles; the target clusters' access entries and Capsule tenants
 * say how access was granted. The result is plain data for model.ts, which turns it into a config.
 */
import {
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  ListAccessEntriesCommand,
  ListAssociatedAccessPoliciesCommand,
  ListClustersCommand,
} from "@aws-sdk/client-eks";
import { GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { type AccountClients, accountClients, awsFailure, stsEndpoint } from "../aws/index.js";
import { AwsError, InputError } from "../errors.js";
import { parseRoleArn } from "../iam/index.js";
import { discoverCluster, type EksPort } from "../init/index.js";
import { eksSession, KubeClient, kubeconfigSession } from "../kube/index.js";
import { decodePolicyDocument } from "../live/index.js";
import type { AccessEntry, AccessScope, IamRole, KubeObject } from "../state/index.js";
import { CallLog, defaultRetryPolicy } from "../transport/index.js";
import {
  ARGOCD_SECRET_TYPE_LABEL,
  KRCI_SECRET_TYPE_LABEL,
  parseClusterSecret,
  type RegisteredCluster,
  regionOfEndpoint,
} from "./secrets.js";

export interface DiscoverOptions {
  env: NodeJS.ProcessEnv;
  sourceProfile: string;
  sourceContext?: string;
  sourceCluster?: string;
  sourceRegion?: string;
  /** Account id → AWS profile. */
  profileFor: Record<string, string>;
  krciNamespace: string;
  argocdNamespace: string;
}

export interface FoundSource {
  accountId: string;
  region: string;
  cluster: string;
  issuer: string;
}

export interface FoundTarget {
  name: string;
  argocd?: RegisteredCluster;
  krci?: RegisteredCluster;
  accountId: string;
  region: string;
  cluster: string;
  endpoint: string;
  /** Access entries of the agent roles named by the Secrets. */
  entries: AccessEntry[];
  /** Capsule Tenants in the target cluster (empty when Capsule is not installed or not readable). */
  tenants: KubeObject[];
}

export interface Found {
  source: FoundSource;
  serviceAccounts: KubeObject[];
  appProjects: KubeObject[];
  targets: FoundTarget[];
  /** Roles read, by ARN; a role named somewhere that does not exist is absent. */
  roles: Map<string, IamRole>;
  /** What was skipped while reading, one sentence each. */
  notes: string[];
}

/** `--profile-for 222222222222=prod-admin` (repeatable) → a map; bad input is exit 2. */
export function parseProfileFor(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const m = /^(\d{12})=([A-Za-z0-9_.@+=,-]+)$/.exec(v);
    if (!m) {
      throw new InputError(
        "cli.flags",
        `--profile-for '${v}' is not ACCOUNT=PROFILE`,
        "e.g. --profile-for 222222222222=workloads-admin",
      );
    }
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** The region a profile is configured with (AWS_REGION first, as the SDK does). */
async function regionOfProfile(profile: string | undefined): Promise<string | undefined> {
  const client = new STSClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

function isNotFound(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === "NoSuchEntity" || name === "NoSuchEntityException" || name === "ResourceNotFoundException";
}

function eksPort(clients: AccountClients, region: string): EksPort {
  const eks = clients.eks(region);
  return {
    listClusters: (input) => eks.send(new ListClustersCommand(input)),
    describeCluster: (input) => eks.send(new DescribeClusterCommand(input)),
  };
}

export async function readSetUp(opts: DiscoverOptions): Promise<Found> {
  const log = new CallLog();
  const retry = defaultRetryPolicy({});
  const notes: string[] = [];
  const sourceRegion = opts.sourceRegion ?? (await regionOfProfile(opts.sourceProfile));
  if (!sourceRegion) {
    throw new InputError(
      "discover.region",
      `profile ${opts.sourceProfile} has no region`,
      "pass --source-region or set region in the profile",
    );
  }
  const clients = new Map<string, AccountClients>();
  const sourceClients = accountClients({
    accountId: "source",
    region: sourceRegion,
    profile: opts.sourceProfile,
    env: opts.env,
    log,
    retry,
  });
  let sourceAccount: string;
  try {
    sourceAccount = (await sourceClients.sts.send(new GetCallerIdentityCommand({}))).Account ?? "";
  } catch (e) {
    throw awsFailure(
      `GetCallerIdentity with profile ${opts.sourceProfile}`,
      e,
      "give --source-profile a profile with working credentials for account A",
    );
  }
  clients.set(sourceAccount, sourceClients);
  const account = (accountId: string): AccountClients => {
    let c = clients.get(accountId);
    if (!c) {
      const profile = opts.profileFor[accountId];
      c = accountClients({
        accountId,
        region: sourceRegion,
        ...(profile ? { profile } : {}),
        env: opts.env,
        log,
        retry,
      });
      clients.set(accountId, c);
    }
    return c;
  };
  try {
    const sourceSession = opts.sourceContext
      ? kubeconfigSession({ context: opts.sourceContext, env: opts.env, field: "--source-context" })
      : undefined;
    const contextServer = sourceSession
      ? (await sourceSession()).kc.getCurrentCluster()?.server?.replace(/\/+$/, "")
      : undefined;
    const source = await discoverCluster(eksPort(sourceClients, sourceRegion), {
      profile: opts.sourceProfile,
      ...(opts.sourceCluster ? { cluster: opts.sourceCluster } : {}),
      side: "source cluster (A)",
      flag: "--source-cluster",
      // Several clusters: the one the kubeconfig context points at.
      choose: async (names) => {
        if (!contextServer) return undefined;
        for (const name of names) {
          const d = await eksPort(sourceClients, sourceRegion).describeCluster({ name });
          if (d.cluster?.endpoint?.replace(/\/+$/, "") === contextServer) return name;
        }
        return undefined;
      },
    });
    if (!source.endpoint || !source.caData || !source.issuer) {
      throw new AwsError("discover.source", `cluster ${source.name} has no endpoint or OIDC issuer yet`);
    }
    const kube = new KubeClient({
      cluster: source.name,
      session:
        sourceSession ??
        eksSession({
          clusterName: source.name,
          region: source.region,
          endpoint: source.endpoint,
          caData: source.caData,
          credentials: sourceClients.credentials,
          stsEndpoint: stsEndpoint(source.region, opts.env),
          now: () => new Date(),
        }),
      log,
      retry,
      now: () => new Date(),
    });
    const [argoSecrets, krciSecrets, serviceAccounts, appProjects] = await Promise.all([
      kube.list("v1", "Secret", {
        namespace: opts.argocdNamespace,
        labelSelector: `${ARGOCD_SECRET_TYPE_LABEL}=cluster`,
      }),
      kube.list("v1", "Secret", {
        namespace: opts.krciNamespace,
        labelSelector: `${KRCI_SECRET_TYPE_LABEL}=cluster`,
      }),
      Promise.all(
        [opts.krciNamespace, opts.argocdNamespace].map((namespace) =>
          kube.list("v1", "ServiceAccount", { namespace }),
        ),
      ).then((l) => l.flat()),
      kube.list("argoproj.io/v1alpha1", "AppProject", { namespace: opts.argocdNamespace }),
    ]);
    const registered: RegisteredCluster[] = [];
    for (const [list, registrar] of [
      [argoSecrets, "argocd"],
      [krciSecrets, "krci"],
    ] as const) {
      for (const s of list) {
        const p = parseClusterSecret(s, registrar);
        if (p.ok) registered.push(p.cluster);
        else notes.push(`Secret ${p.secret} skipped: ${p.why}`);
      }
    }
    if (!registered.length) {
      throw new InputError(
        "discover.none",
        `no IRSA cluster Secret in ${opts.argocdNamespace} (label ${ARGOCD_SECRET_TYPE_LABEL}=cluster) or ${opts.krciNamespace} (label ${KRCI_SECRET_TYPE_LABEL}=cluster) of cluster ${source.name}`,
        "register a target first, or name the namespaces with --argocd-namespace / --krci-namespace",
      );
    }

    const roles = new Map<string, IamRole>();
    const readRoleOnce = async (arn: string): Promise<void> => {
      const parsed = parseRoleArn(arn);
      if (!parsed || roles.has(arn)) return;
      const role = await readRole(account(parsed.account), parsed.account, parsed.name);
      if (role) roles.set(arn, role);
    };

    const names = [...new Set(registered.map((r) => r.name))].sort();
    const targets: FoundTarget[] = [];
    for (const name of names) {
      const argocd = registered.find((r) => r.name === name && r.registrar === "argocd");
      const krci = registered.find((r) => r.name === name && r.registrar === "krci");
      const ref = argocd ?? krci!;
      // The doc trap: roleARN naming the A role leaves only the other Secret to say which account B is.
      const accountOf = (r?: RegisteredCluster) => {
        const a = r?.roleArn ? parseRoleArn(r.roleArn)?.account : undefined;
        return a && a !== sourceAccount ? a : undefined;
      };
      const accountId = accountOf(argocd) ?? accountOf(krci);
      if (!accountId) {
        notes.push(
          `cluster ${name} skipped: the roleARN of its Secrets is not a role in another account (${ref.roleArn})`,
        );
        continue;
      }
      const region =
        regionOfEndpoint(ref.server) ?? (await regionOfProfile(opts.profileFor[accountId])) ?? source.region;
      let described: Awaited<ReturnType<EksPort["describeCluster"]>>["cluster"];
      try {
        described = (await eksPort(account(accountId), region).describeCluster({ name: ref.clusterName! }))
          .cluster;
      } catch (e) {
        if (!isNotFound(e)) {
          throw awsFailure(
            `DescribeCluster ${ref.clusterName} in account ${accountId} (${region})`,
            e,
            `give account ${accountId} credentials with --profile-for ${accountId}=PROFILE`,
          );
        }
      }
      if (!described?.endpoint || !described.certificateAuthority?.data) {
        notes.push(
          `cluster ${name} skipped: EKS cluster ${ref.clusterName} (awsAuthConfig.clusterName) not found in account ${accountId}, region ${region}`,
        );
        continue;
      }
      for (const r of [argocd, krci]) if (r?.roleArn) await readRoleOnce(r.roleArn);
      const agentArns = [argocd?.roleArn, krci?.roleArn].filter(
        (a): a is string => !!a && parseRoleArn(a)?.account === accountId,
      );
      const ref2 = { accountId, region, name: ref.clusterName! };
      const entries = await readEntries(account(accountId), ref2, agentArns);
      const tenants = await readTenants(account(accountId), ref2, described, opts.env, log, retry).catch(
        (e: unknown) => {
          notes.push(
            `cluster ${name}: Capsule Tenants not readable (${(e as Error).message.split("\n")[0]})`,
          );
          return [] as KubeObject[];
        },
      );
      targets.push({
        name,
        ...(argocd ? { argocd } : {}),
        ...(krci ? { krci } : {}),
        accountId,
        region,
        cluster: ref.clusterName!,
        endpoint: described.endpoint,
        entries,
        tenants,
      });
    }
    // The source roles: the annotations on the ServiceAccounts and the principals the agent roles trust.
    const sourceArns = new Set<string>();
    for (const sa of serviceAccounts) {
      const arn = sa.metadata.annotations?.["eks.amazonaws.com/role-arn"];
      if (arn && parseRoleArn(arn)?.account === sourceAccount) sourceArns.add(arn);
    }
    for (const role of [...roles.values()]) {
      for (const p of trustedRolePrincipals(role)) {
        if (parseRoleArn(p)?.account === sourceAccount) sourceArns.add(p);
      }
    }
    for (const arn of sourceArns) await readRoleOnce(arn);
    return {
      source: {
        accountId: sourceAccount,
        region: source.region,
        cluster: source.name,
        issuer: source.issuer,
      },
      serviceAccounts,
      appProjects,
      targets,
      roles,
      notes,
    };
  } finally {
    for (const c of clients.values()) c.destroy();
  }
}

/** Role ARNs named as `Principal.AWS` of Allow statements in a trust policy. */
export function trustedRolePrincipals(role: IamRole): string[] {
  const statements = role.trustPolicy.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const out: string[] = [];
  for (const s of list) {
    if (!s || typeof s !== "object" || Array.isArray(s) || s.Effect !== "Allow") continue;
    const p = s.Principal;
    if (!p || typeof p !== "object" || Array.isArray(p)) continue;
    const aws = p.AWS;
    for (const v of Array.isArray(aws) ? aws : [aws])
      if (typeof v === "string" && parseRoleArn(v)) out.push(v);
  }
  return out;
}

async function readRole(
  clients: AccountClients,
  accountId: string,
  name: string,
): Promise<IamRole | undefined> {
  try {
    const r = (await clients.iam.send(new GetRoleCommand({ RoleName: name }))).Role;
    if (!r?.Arn || !r.AssumeRolePolicyDocument) return undefined;
    const inlinePolicies: IamRole["inlinePolicies"] = {};
    let marker: string | undefined;
    do {
      const page = await clients.iam.send(
        new ListRolePoliciesCommand({ RoleName: name, ...(marker ? { Marker: marker } : {}) }),
      );
      for (const policyName of page.PolicyNames ?? []) {
        const doc = await clients.iam.send(
          new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }),
        );
        if (doc.PolicyDocument) inlinePolicies[policyName] = decodePolicyDocument(doc.PolicyDocument);
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return {
      accountId,
      name,
      path: r.Path ?? "/",
      arn: r.Arn,
      trustPolicy: decodePolicyDocument(r.AssumeRolePolicyDocument),
      inlinePolicies,
      attachedPolicyArns: [],
      tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
    };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw awsFailure(`reading role ${name} in account ${accountId}`, e);
  }
}

async function readEntries(
  clients: AccountClients,
  ref: { accountId: string; region: string; name: string },
  principals: string[],
): Promise<AccessEntry[]> {
  const eks = clients.eks(ref.region);
  const listed: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eks.send(
      new ListAccessEntriesCommand({ clusterName: ref.name, ...(nextToken ? { nextToken } : {}) }),
    );
    listed.push(...(page.accessEntries ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const out: AccessEntry[] = [];
  for (const principalArn of principals.filter((p) => listed.includes(p))) {
    const e = (await eks.send(new DescribeAccessEntryCommand({ clusterName: ref.name, principalArn })))
      .accessEntry;
    const accessPolicies: AccessEntry["accessPolicies"] = [];
    let token: string | undefined;
    do {
      const page = await eks.send(
        new ListAssociatedAccessPoliciesCommand({
          clusterName: ref.name,
          principalArn,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      for (const a of page.associatedAccessPolicies ?? []) {
        if (!a.policyArn) continue;
        const accessScope: AccessScope =
          a.accessScope?.type === "namespace"
            ? { type: "namespace", namespaces: a.accessScope.namespaces ?? [] }
            : { type: "cluster" };
        accessPolicies.push({ policyArn: a.policyArn, accessScope });
      }
      token = page.nextToken;
    } while (token);
    out.push({
      principalArn,
      type: e?.type ?? "STANDARD",
      kubernetesGroups: e?.kubernetesGroups ?? [],
      accessPolicies,
    });
  }
  return out;
}

async function readTenants(
  clients: AccountClients,
  ref: { accountId: string; region: string; name: string },
  described: { endpoint?: string; certificateAuthority?: { data?: string } },
  env: NodeJS.ProcessEnv,
  log: CallLog,
  retry: ReturnType<typeof defaultRetryPolicy>,
): Promise<KubeObject[]> {
  const kube = new KubeClient({
    cluster: ref.name,
    session: eksSession({
      clusterName: ref.name,
      region: ref.region,
      endpoint: described.endpoint!,
      caData: described.certificateAuthority!.data!,
      credentials: clients.credentials,
      stsEndpoint: stsEndpoint(ref.region, env),
      now: () => new Date(),
    }),
    log,
    retry,
    now: () => new Date(),
  });
  return kube.list("capsule.clastix.io/v1beta2", "Tenant");
}
