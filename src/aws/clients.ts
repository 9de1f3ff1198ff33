/**
 * AWS SDK v3 clients for one account: IAM, EKS (per region) and STS (regional), sharing one cached credential
 * source (the account's `profile` from the config, else the default chain). Every attempt is counted in a CallLog
 * and retried with bounded backoff on throttling, 5xx, connection resets and IAM propagation delays, through the
 * SDK's own retry strategy and middleware stack (./instrument.ts).
 */
import { EKSClient } from "@aws-sdk/client-eks";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import {
  type CallLog,
  isMutatingAwsOperation,
  isNetworkError,
  type RetryPolicy,
  type Transience,
} from "../transport/index.js";
import { type CredentialSource, defaultCredentials } from "./credentials.js";
import { endpointOverride, stsEndpoint } from "./endpoints.js";
import { instrumentation } from "./instrument.js";
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
  const calls = instrumentation(
    opts.accountId,
    opts.log,
    opts.retry,
    classifyAwsError,
    limiter(MAX_IN_FLIGHT_PER_ACCOUNT),
  );
  const common = { credentials, ...calls.config };
  const iamEndpoint = endpointOverride("iam", opts.env);
  const iam = calls.attach(
    new IAMClient({ ...common, region: opts.region, ...(iamEndpoint ? { endpoint: iamEndpoint } : {}) }),
    "iam",
  );
  const sts = calls.attach(
    new STSClient({ ...common, region: opts.region, endpoint: stsEndpoint(opts.region, opts.env) }),
    "sts",
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
        c = calls.attach(
          new EKSClient({ ...common, region, ...(eksEndpoint ? { endpoint: eksEndpoint } : {}) }),
          "eks",
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
