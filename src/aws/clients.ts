/**
 * AWS SDK v3 clients for one account: IAM, EKS (per region) and STS (regional), sharing one cached credential
 * source (the account's `profile` from the config, else the default chain). Every `send` is counted in a CallLog
 * and retried with bounded backoff on throttling, 5xx, connection resets and IAM propagation delays.
 */
import { EKSClient } from "@aws-sdk/client-eks";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { isNetworkError, type RetryPolicy, type Transience, withRetry } from "../transport/backoff.js";
import { type Api, type ApiCall, type CallLog, isMutatingAwsOperation } from "../transport/calls.js";
import { type CredentialSource, defaultCredentials } from "./credentials.js";
import { endpointOverride, stsEndpoint } from "./endpoints.js";
import { cached } from "./sts.js";

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "PriorRequestNotComplete",
  "BandwidthLimitExceeded",
]);

interface SdkError {
  name?: string;
  message?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

/**
 * IAM is eventually consistent: a role created a moment ago may be refused as a trust principal in another
 * account ("Invalid principal in policy") or as an EKS access entry principal. Only mutating calls retry these.
 */
function isPropagation(operation: string, e: SdkError): boolean {
  const msg = e.message ?? "";
  if (e.name === "MalformedPolicyDocument" || e.name === "MalformedPolicyDocumentException")
    return /invalid principal/i.test(msg);
  if (e.name === "InvalidParameterException" && /AccessEntry|AccessPolicy/.test(operation))
    return /principal|does not exist|not found|is not valid/i.test(msg);
  return false;
}

export function classifyAwsError(operation: string, e: unknown): Transience {
  const err = (e ?? {}) as SdkError;
  const status = err.$metadata?.httpStatusCode;
  if (err.name && THROTTLING.has(err.name)) return "throttle";
  if (status === 429) return "throttle";
  if (err.$fault === "server" || (status !== undefined && status >= 500)) return "server";
  if (isNetworkError(e)) return "network";
  if (isMutatingAwsOperation(operation) && isPropagation(operation, err)) return "propagation";
  return "permanent";
}

type Sendable = { send: (command: unknown, options?: unknown) => Promise<unknown> };

/** At most this many requests in flight per account (IAM, STS and EKS together), so reads made in parallel
 * stay under AWS's per-account request rates instead of provoking throttling. */
export const MAX_IN_FLIGHT_PER_ACCOUNT = 8;

/** A counting semaphore: `run` waits for a free slot. */
export function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= max) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Wraps `client.send` with counting and retries; returns the same client. */
export function instrument<C extends object>(
  client: C,
  api: Api,
  target: string,
  log: CallLog,
  policy: RetryPolicy,
  gate: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): C {
  const sendable = client as unknown as Sendable;
  const send = sendable.send.bind(client);
  sendable.send = (command: unknown, options?: unknown) => {
    const operation = (command as object).constructor.name.replace(/Command$/, "");
    return withRetry(
      policy,
      (e) => classifyAwsError(operation, e),
      () => {
        const call: ApiCall = { api, operation, target, mutating: isMutatingAwsOperation(operation) };
        return gate(() => {
          log.record(call);
          return send(command, options).catch((e: unknown) => {
            call.failed = (e as { name?: string })?.name ?? "Error";
            throw e;
          });
        });
      },
    );
  };
  return client;
}

export interface AccountClients {
  accountId: string;
  credentials: CredentialSource;
  iam: IAMClient;
  sts: STSClient;
  /** EKS is regional; one client per region, made on first use. */
  eks(region: string): EKSClient;
  destroy(): void;
}

export interface AccountClientOptions {
  accountId: string;
  /** The region IAM and STS calls are made in (IAM is global; the region picks the partition). */
  region: string;
  profile?: string;
  env: NodeJS.ProcessEnv;
  log: CallLog;
  retry: RetryPolicy;
  /** Injected credentials (tests); default: the profile or the default chain. */
  credentials?: CredentialSource;
}

export function accountClients(opts: AccountClientOptions): AccountClients {
  const credentials = opts.credentials ?? cached(defaultCredentials(opts.profile, opts.env));
  // Our wrapper retries; the SDK's own retry layer would multiply attempts and hide them from the CallLog.
  const common = { credentials, maxAttempts: 1 };
  const gate = limiter(MAX_IN_FLIGHT_PER_ACCOUNT);
  const iamEndpoint = endpointOverride("iam", opts.env);
  const iam = instrument(
    new IAMClient({ ...common, region: opts.region, ...(iamEndpoint ? { endpoint: iamEndpoint } : {}) }),
    "iam",
    opts.accountId,
    opts.log,
    opts.retry,
    gate,
  );
  const sts = instrument(
    new STSClient({ ...common, region: opts.region, endpoint: stsEndpoint(opts.region, opts.env) }),
    "sts",
    opts.accountId,
    opts.log,
    opts.retry,
    gate,
  );
  const eksByRegion = new Map<string, EKSClient>();
  const eksEndpoint = endpointOverride("eks", opts.env);
  return {
    accountId: opts.accountId,
    credentials,
    iam,
    sts,
    eks(region) {
      let c = eksByRegion.get(region);
      if (!c) {
        c = instrument(
          new EKSClient({ ...common, region, ...(eksEndpoint ? { endpoint: eksEndpoint } : {}) }),
          "eks",
          opts.accountId,
          opts.log,
          opts.retry,
          gate,
        );
        eksByRegion.set(region, c);
      }
      return c;
    },
    destroy() {
      iam.destroy();
      sts.destroy();
      for (const c of eksByRegion.values()) c.destroy();
    },
  };
}
