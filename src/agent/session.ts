/**
 * A flow's session: the identity of the pod that runs it (a projected token file → source role → target role)
 * and a Kubernetes client of the target cluster made from the target role's credentials, as the CD pipeline
 * operator and Argo CD (argocd-k8s-auth) do it. The admin-side connections (DescribeCluster, cluster A) are
 * the live part's Connections, opened from the config's profiles.
 */
import { type FlowChain, flowChain, stsEndpoint } from "../aws/index.js";
import type { Config } from "../config/index.js";
import { InputError, OperationError } from "../errors.js";
import { eksSession, KubeClient } from "../kube/index.js";
import { type Connections, openConnections } from "../live/index.js";
import type { ChainKind, ChainSpec } from "../state/index.js";
import { CallLog, defaultRetryPolicy, type RetryPolicy } from "../transport/index.js";
import { diagnose, errorText } from "./diagnose.js";
import {
  type EndpointFrom,
  findTarget,
  flowChainSpec,
  type TargetEndpoint,
  type TargetRef,
} from "./targets.js";

/** What every flow function takes besides its own arguments. */
export interface AgentOptions {
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Admin-side connections (DescribeCluster, cluster A); opened from the config when absent. */
  conns?: Connections;
  /** Where the target's endpoint and CA come from (default auto). */
  endpointFrom?: EndpointFrom;
  retry?: Partial<RetryPolicy>;
  /** Progress lines (warnings, what is happening); nothing secret is ever passed. */
  log?: (line: string) => void;
}

/** The token file: --token-file, else AWS_WEB_IDENTITY_TOKEN_FILE (as the pod identity webhook sets it). */
export function resolveTokenFile(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const file = flag || env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (!file) {
    throw new InputError(
      "cli.token-file",
      "no web identity token: pass --token-file or set AWS_WEB_IDENTITY_TOKEN_FILE",
      "on the sandbox: xirsa sandbox token --state-dir D --cluster <source cluster> --namespace N --service-account S > token",
    );
  }
  return file;
}

export interface FlowSession {
  chain: ChainSpec;
  target: TargetRef;
  credentials: FlowChain;
  /** The target cluster through the chain. */
  kube(endpoint: TargetEndpoint): KubeClient;
  log: CallLog;
}

export function openFlowSession(args: {
  config: Config;
  kind: ChainKind;
  target: string;
  tokenFile: string;
  sessionName: string;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  retry?: Partial<RetryPolicy>;
  log?: CallLog;
}): FlowSession {
  const chain = flowChainSpec(args.config, args.kind, args.target);
  const target = findTarget(args.config, args.target);
  const now = args.now ?? (() => new Date());
  const credentials = flowChain({
    tokenFile: args.tokenFile,
    sourceRoleArn: chain.sourceRoleArn,
    targetRoleArn: chain.targetRoleArn,
    sessionName: args.sessionName,
    region: args.config.source.region,
    env: args.env,
    now: () => now().getTime(),
  });
  const log = args.log ?? new CallLog();
  const retry = defaultRetryPolicy(args.retry);
  let client: KubeClient | undefined;
  return {
    chain,
    target,
    credentials,
    log,
    kube(endpoint) {
      client ??= new KubeClient({
        cluster: target.cluster.name,
        session: eksSession({
          clusterName: target.cluster.name,
          region: target.cluster.region,
          endpoint: endpoint.endpoint,
          caData: endpoint.caData,
          credentials: credentials.target,
          stsEndpoint: stsEndpoint(target.cluster.region, args.env),
          now,
        }),
        log,
        retry,
        now,
        timeoutMs: 15_000,
      });
      return client;
    },
  };
}

/** The given admin-side connections, or new ones the caller must close. */
export function adminConnections(config: Config, opts: AgentOptions): { conns: Connections; close(): void } {
  if (opts.conns) return { conns: opts.conns, close() {} };
  const conns = openConnections(config, {
    env: opts.env,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  });
  return { conns, close: () => conns.close() };
}

/**
 * Makes the two STS hops now, so that a refusal is reported as the hop it is (web-identity or assume-role)
 * with its cause, not as a failed Kubernetes request.
 */
export async function establish(session: FlowSession): Promise<void> {
  const { chain } = session;
  const ctx = {
    sourceRoleArn: chain.sourceRoleArn,
    targetRoleArn: chain.targetRoleArn,
    clusterName: chain.targetCluster.name,
  };
  for (const [step, get] of [
    ["web-identity", session.credentials.source],
    ["assume-role", session.credentials.target],
  ] as const) {
    try {
      await get();
    } catch (e) {
      if (e instanceof InputError) throw e;
      const d = diagnose(e, { ...ctx, step });
      throw new OperationError(
        `chain.${step}`,
        `the ${chain.kind} chain failed at ${step}: ${d.cause} (${errorText(e)})`,
        d.fix,
        { cause: e },
      );
    }
  }
}
