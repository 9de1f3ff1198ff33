/**
 * Bounded exponential backoff with full jitter, shared by the AWS and Kubernetes clients. The clock and the
 * randomness are passed in so that tests run instantly and deterministically.
 */

export interface RetryPolicy {
  /** Attempts for throttling, 5xx and connection resets (first try included). */
  maxAttempts: number;
  /** Attempts for IAM eventual consistency (a role just created is not yet visible to EKS or another account). */
  propagationAttempts: number;
  baseMs: number;
  capMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export function defaultRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    maxAttempts: 5,
    propagationAttempts: 12,
    baseMs: 200,
    capMs: 5000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    ...overrides,
  };
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): full jitter over min(cap, base·2^(attempt-1)). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

export type Transience = "throttle" | "server" | "network" | "propagation" | "permanent";

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
]);

export function isNetworkError(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return typeof code === "string" && NETWORK_CODES.has(code);
}

/** Runs `attempt` until it succeeds, the error is permanent, or the attempts for its kind are spent. */
export async function withRetry<T>(
  policy: RetryPolicy,
  classify: (e: unknown) => Transience,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      const kind = classify(e);
      const limit = kind === "propagation" ? policy.propagationAttempts : policy.maxAttempts;
      if (kind === "permanent" || n >= limit) throw e;
      await policy.sleep(backoffDelay(policy, Math.min(n, 10)));
    }
  }
}
