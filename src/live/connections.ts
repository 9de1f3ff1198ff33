/**
 * Connections to everything a config names: AWS clients per account (its `profile`, else the default chain)
 * and a Kubernetes client per cluster (an EKS token from that account's credentials, or the kubeconfig
 * context named in the config). Also discovery: the values a config may omit (source.oidcIssuer, a target's
 * endpoint and caData) come from DescribeCluster.
 */
import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { type AccountClients, accountClients, awsFailure, stsEndpoint } from "../aws/index.js";
import type { Config } from "../config/index.js";
import { AwsError, ConfigError, InputError } from "../errors.js";
import { eksSession, KubeClient, kubeconfigSession } from "../kube/index.js";
import { type ClusterRef, clusterKey } from "../state/index.js";
import { CallLog, defaultRetryPolicy, type RetryPolicy } from "../transport/index.js";

export interface ClusterInfo {
  ref: ClusterRef;
  endpoint: string;
  caData: string;
  issuer: string;
}

export interface Connections {
  log: CallLog;
  account(accountId: string): AccountClients;
  /** DescribeCluster, once per cluster. */
  describeCluster(ref: ClusterRef, field: string): Promise<ClusterInfo>;
  kube(ref: ClusterRef): Promise<KubeClient>;
  /** GetCallerIdentity per account: the credentials must belong to the account the config names. */
  checkAccounts(): Promise<void>;
  /** Who the credentials are, per account, as checkAccounts found them (the HTML report's header says so). */
  callers(): { accountId: string; arn: string }[];
  /**
   * Makes the accounts and clusters of targets no longer in the config reachable (removed targets, from the
   * inventory or `removed:`); an account the config already names keeps its credentials.
   */
  addRemoved(targets: RemovedAccess[]): void;
  /** Why the credentials for an account cannot be used (undefined: they work and belong to it). */
  credentialProblem(accountId: string): Promise<string | undefined>;
  close(): void;
}

export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  retry?: Partial<RetryPolicy>;
  log?: CallLog;
}

/** Where a removed target is and how to reach it. */
export interface RemovedAccess {
  accountId: string;
  region: string;
  cluster: string;
  profile?: string;
  kubeContext?: string;
  /** Where the values come from, for messages (`removed[0]`, `inventory target prod`). */
  field: string;
}

interface AccountSpec {
  region: string;
  profile?: string;
  /** Config field to name in errors. */
  field: string;
}

function accountsOf(config: Config): Map<string, AccountSpec> {
  const out = new Map<string, AccountSpec>();
  const add = (id: string, region: string, profile: string | undefined, field: string) => {
    const have = out.get(id);
    if (!have) out.set(id, { region, ...(profile ? { profile } : {}), field });
    else if (!have.profile && profile) have.profile = profile;
  };
  add(config.source.accountId, config.source.region, config.source.profile, "source");
  config.targets.forEach((t, i) => {
    add(t.accountId, t.region, t.profile, `targets[${i}]`);
  });
  return out;
}

function kubeContextOf(
  config: Config,
  ref: ClusterRef,
  removed: RemovedAccess[] = [],
): { context: string; field: string } | undefined {
  const s = config.source;
  if (s.accountId === ref.accountId && s.region === ref.region && s.cluster === ref.name) {
    return s.kubeContext ? { context: s.kubeContext, field: "source.kubeContext" } : undefined;
  }
  const i = config.targets.findIndex(
    (t) => t.accountId === ref.accountId && t.region === ref.region && t.cluster === ref.name,
  );
  const t = config.targets[i];
  if (t) return t.kubeContext ? { context: t.kubeContext, field: `targets[${i}].kubeContext` } : undefined;
  const r = removed.find(
    (x) => x.accountId === ref.accountId && x.region === ref.region && x.cluster === ref.name,
  );
  return r?.kubeContext ? { context: r.kubeContext, field: `${r.field}.kubeContext` } : undefined;
}

export function openConnections(config: Config, opts: ConnectOptions): Connections {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? new CallLog();
  const retry = defaultRetryPolicy(opts.retry);
  const specs = accountsOf(config);
  const accounts = new Map<string, AccountClients>();
  const described = new Map<string, Promise<ClusterInfo>>();
  const kubes = new Map<string, KubeClient>();
  const removed: RemovedAccess[] = [];
  const callerArns = new Map<string, string>();

  const account = (accountId: string): AccountClients => {
    let c = accounts.get(accountId);
    if (!c) {
      const spec = specs.get(accountId);
      if (!spec) throw new ConfigError("config.account", `account ${accountId} is not in the config`);
      c = accountClients({
        accountId,
        region: spec.region,
        ...(spec.profile ? { profile: spec.profile } : {}),
        env: opts.env,
        log,
        retry,
      });
      accounts.set(accountId, c);
    }
    return c;
  };

  const describeCluster = (ref: ClusterRef, field: string): Promise<ClusterInfo> => {
    const key = clusterKey(ref);
    let p = described.get(key);
    if (!p) {
      p = (async () => {
        try {
          const out = await account(ref.accountId)
            .eks(ref.region)
            .send(new DescribeClusterCommand({ name: ref.name }));
          const c = out.cluster;
          if (!c?.endpoint || !c.certificateAuthority?.data) {
            throw new AwsError(
              "eks.cluster-not-ready",
              `cluster ${ref.name} in account ${ref.accountId} (${ref.region}) has no endpoint yet (status ${c?.status ?? "unknown"})`,
              "wait until the cluster is ACTIVE, then rerun",
            );
          }
          return {
            ref,
            endpoint: c.endpoint,
            caData: c.certificateAuthority.data,
            issuer: c.identity?.oidc?.issuer ?? "",
          };
        } catch (e) {
          if (e instanceof AwsError) throw e;
          if ((e as { name?: string }).name === "ResourceNotFoundException") {
            throw new AwsError(
              "eks.cluster-missing",
              `EKS cluster ${ref.name} does not exist in account ${ref.accountId}, region ${ref.region}`,
              `check ${field}.cluster, region and the credentials (profile) in xirsa.yaml`,
              { cause: e },
            );
          }
          throw credentialsHint(awsFailure(`DescribeCluster ${ref.name}`, e), field);
        }
      })();
      described.set(key, p);
    }
    return p;
  };

  return {
    log,
    account,
    describeCluster,
    async kube(ref) {
      const key = clusterKey(ref);
      const have = kubes.get(key);
      if (have) return have;
      const ctx = kubeContextOf(config, ref, removed);
      let session: ReturnType<typeof eksSession>;
      if (ctx) session = kubeconfigSession({ context: ctx.context, env: opts.env, field: ctx.field });
      else {
        const info = await describeCluster(ref, "cluster");
        session = eksSession({
          clusterName: ref.name,
          region: ref.region,
          endpoint: info.endpoint,
          caData: info.caData,
          credentials: account(ref.accountId).credentials,
          stsEndpoint: stsEndpoint(ref.region, opts.env),
          now,
        });
      }
      const client = new KubeClient({ cluster: ref.name, session, log, retry, now });
      kubes.set(key, client);
      return client;
    },
    async checkAccounts() {
      await Promise.all(
        [...specs.entries()].map(async ([id, spec]) => {
          let actual: string | undefined;
          try {
            const who = await account(id).sts.send(new GetCallerIdentityCommand({}));
            actual = who.Account;
            if (who.Arn) callerArns.set(id, who.Arn);
          } catch (e) {
            // A profile the shared files do not define is bad input, said as such (aws/profiles.ts).
            if (e instanceof InputError) throw new ConfigError(e.code, `${spec.field}: ${e.message}`, e.hint);
            throw credentialsHint(awsFailure(`GetCallerIdentity for account ${id}`, e), spec.field);
          }
          if (actual !== id) {
            throw new ConfigError(
              "config.account-mismatch",
              `${spec.field}: the credentials ${spec.profile ? `of profile ${spec.profile} ` : ""}belong to account ${actual}, not ${id}`,
              `set ${spec.field}.profile to a profile of account ${id}`,
            );
          }
        }),
      );
    },
    callers() {
      return [...callerArns]
        .map(([accountId, arn]) => ({ accountId, arn }))
        .sort((a, b) => a.accountId.localeCompare(b.accountId));
    },
    addRemoved(targets) {
      for (const t of targets) {
        removed.push(t);
        if (!specs.has(t.accountId)) {
          specs.set(t.accountId, {
            region: t.region,
            ...(t.profile ? { profile: t.profile } : {}),
            field: t.field,
          });
        }
      }
    },
    async credentialProblem(accountId) {
      const spec = specs.get(accountId);
      if (!spec) return `account ${accountId} is not in the config`;
      try {
        const actual = (await account(accountId).sts.send(new GetCallerIdentityCommand({}))).Account;
        if (actual === accountId) return undefined;
        return `the credentials ${spec.profile ? `of profile ${spec.profile} ` : "of the default chain "}belong to account ${actual}`;
      } catch (e) {
        const first = (e instanceof Error ? e.message : String(e)).split("\n")[0];
        return `no working credentials${spec.profile ? ` (profile ${spec.profile})` : " (default chain)"}: ${first}`;
      }
    },
    close() {
      for (const c of accounts.values()) c.destroy();
    },
  };
}

function credentialsHint(e: AwsError, field: string): AwsError {
  if (e.hint) return e;
  const creds = /credential|profile|Could not load|InvalidClientTokenId|SignatureDoesNotMatch/i.test(
    e.message,
  );
  const network = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(e.message);
  return new AwsError(
    e.code,
    e.message,
    creds
      ? `give ${field} working credentials: set ${field}.profile in xirsa.yaml or AWS_PROFILE / AWS_ACCESS_KEY_ID`
      : network
        ? "AWS is not reachable from here: check the network, a proxy, or AWS_ENDPOINT_URL"
        : "check the account, region and permissions of the caller",
    { cause: e.cause },
  );
}

export interface Resolved {
  /** The config with source.oidcIssuer and each target's endpoint and caData from DescribeCluster. */
  config: Config;
  clusters: ClusterInfo[];
  /** Config values that DescribeCluster contradicts (the discovered value wins). */
  warnings: string[];
}

/**
 * Fills the values a live command needs from DescribeCluster. The cluster is the truth: a value in the config
 * that differs is replaced, with a warning naming the field.
 */
export async function resolveConfig(config: Config, conns: Connections): Promise<Resolved> {
  const s = config.source;
  const sourceRef = { accountId: s.accountId, region: s.region, name: s.cluster };
  const [source, ...targets] = await Promise.all([
    conns.describeCluster(sourceRef, "source"),
    ...config.targets.map((t, i) =>
      conns.describeCluster({ accountId: t.accountId, region: t.region, name: t.cluster }, `targets[${i}]`),
    ),
  ]);
  const warnings: string[] = [];
  if (!source!.issuer) {
    throw new AwsError(
      "eks.no-issuer",
      `cluster ${s.cluster} reports no OIDC issuer (identity.oidc.issuer)`,
      "EKS clusters always have one; check that source names the right cluster",
    );
  }
  if (s.oidcIssuer && s.oidcIssuer !== source!.issuer) {
    warnings.push(
      `source.oidcIssuer is ${s.oidcIssuer} but the cluster's issuer is ${source!.issuer}; using the cluster's (fix xirsa.yaml)`,
    );
  }
  const resolvedTargets = config.targets.map((t, i) => {
    const info = targets[i]!;
    if (t.endpoint && t.endpoint !== info.endpoint) {
      warnings.push(
        `targets[${i}].endpoint is ${t.endpoint} but DescribeCluster says ${info.endpoint}; using DescribeCluster's (fix xirsa.yaml)`,
      );
    }
    if (t.caData && t.caData !== info.caData) {
      warnings.push(
        `targets[${i}].caData differs from DescribeCluster's; using DescribeCluster's (fix xirsa.yaml)`,
      );
    }
    return { ...t, endpoint: info.endpoint, caData: info.caData };
  });
  return {
    config: { ...config, source: { ...s, oidcIssuer: source!.issuer }, targets: resolvedTargets },
    clusters: [source!, ...targets],
    warnings,
  };
}
