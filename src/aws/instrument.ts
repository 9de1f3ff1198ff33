/**
 * xirsa's retry rules and call log, plugged into the AWS SDK v3 through its own extension points instead of
 * wrapping `client.send`:
 *   - a `retryStrategy` (the SDK's `RetryStrategyV2`) that retries what `classify` calls transient, for as many
 *     attempts as the RetryPolicy allows for that kind, sleeping on the policy's clock;
 *   - a `xirsaCallLog` middleware, inside the SDK's retry loop, that records each attempt in the CallLog and
 *     holds a slot of the per-account in-flight gate while the attempt runs.
 *
 * How the SDK drives them (@smithy/core dist-es/submodules/retry/middleware-retry/retryMiddleware.js, the
 * `isRetryStrategyV2` branch): `acquireInitialRetryToken` once per `send`; after each failed attempt
 * `refreshRetryTokenForRetry(token, { error, errorType })` — a throw there ends the loop and the SDK rethrows
 * the attempt's own error; otherwise it sleeps `token.getRetryDelay()` (only when > 0, with a real setTimeout)
 * and runs the next attempt. `getRetryCount()` is 0 for the first attempt.
 */
import type {
  FinalizeRequestMiddleware,
  MetadataBearer,
  MiddlewareStack,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
} from "@smithy/types";
import {
  type Api,
  type ApiCall,
  backoffDelay,
  type CallLog,
  isMutatingAwsOperation,
  type RetryPolicy,
  type Transience,
} from "../transport/index.js";

/** Classifies an SDK error of one operation (`CreateRole`). */
export type AwsClassifier = (operation: string, e: unknown) => Transience;

class Token implements RetryToken {
  /** `$retryLog.acquisitionDelay` is what the SDK adds to `$metadata.totalRetryDelay` for a sleep done inside
   * the strategy (retryMiddleware.js), as its StandardRetryStrategy does. */
  readonly $retryLog: { acquisitionDelay: number };

  constructor(
    private readonly retries: number,
    sleptMs = 0,
  ) {
    this.$retryLog = { acquisitionDelay: sleptMs };
  }

  getRetryCount(): number {
    return this.retries;
  }

  /** Always 0: the strategy has already slept on the policy's clock (fake in tests), which the SDK's own
   * setTimeout would not honour. @smithy/types dist-types/retry.d.ts (RetryToken.getRetryDelay) allows either. */
  getRetryDelay(): number {
    return 0;
  }
}

/**
 * A RetryStrategyV2 applying xirsa's rule: `withRetry` in src/transport/backoff.ts, for the SDK. The SDK's
 * StandardRetryStrategy (@smithy/core dist-es/submodules/retry/util-retry/StandardRetryStrategy.js) is not used
 * because its classification (service-error-classification/constants.js, via the `errorType` the middleware
 * passes) is not xirsa's: it retries `LimitExceededException` (an IAM quota, permanent) and clock-skew
 * corrections as throttling/transient, knows nothing of IAM propagation ("Invalid principal in policy" on a role
 * created a moment ago), shares a retry quota across calls, and sleeps on the real clock. So `errorType` is
 * ignored and the error itself is classified, with the operation the call-log middleware saw it fail in.
 */
export function xirsaRetryStrategy(
  policy: RetryPolicy,
  classify: (e: unknown) => Transience,
): RetryStrategyV2 {
  return {
    async acquireInitialRetryToken() {
      return new Token(0);
    },
    async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo) {
      const attempt = token.getRetryCount() + 1;
      const kind = classify(info.error);
      const limit = kind === "propagation" ? policy.propagationAttempts : policy.maxAttempts;
      // The SDK rethrows the attempt's error, not this one (retryMiddleware.js, catch of refreshError).
      if (kind === "permanent" || attempt >= limit) throw new Error(`no retry after attempt ${attempt}`);
      const ms = backoffDelay(policy, Math.min(attempt, 10));
      await policy.sleep(ms);
      return new Token(attempt, ms);
    },
    recordSuccess() {
      // No retry quota: the per-account in-flight gate bounds the load instead.
    },
  };
}

export interface Instrumentation {
  /** Config for a new client: the retry strategy, and the attempt bound the SDK sends in `amz-sdk-request`. */
  config: { retryStrategy: RetryStrategyV2; maxAttempts: number };
  /** Adds the call-log middleware to a client made with `config`; returns the same client. */
  attach<C extends { middlewareStack: MiddlewareStack<object, MetadataBearer> }>(client: C, api: Api): C;
}

export const CALL_LOG_MIDDLEWARE = "xirsaCallLog";

/** Retries and call log for the clients of one account (`target`), all sharing `gate`. */
export function instrumentation(
  target: string,
  log: CallLog,
  policy: RetryPolicy,
  classify: AwsClassifier,
  gate: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): Instrumentation {
  // The strategy is told only the error; the middleware, which knows the command, notes it here.
  const operationOf = new WeakMap<object, string>();
  const retryStrategy = xirsaRetryStrategy(policy, (e) =>
    classify(typeof e === "object" && e !== null ? (operationOf.get(e) ?? "") : "", e),
  );
  return {
    config: { retryStrategy, maxAttempts: Math.max(policy.maxAttempts, policy.propagationAttempts) },
    attach(client, api) {
      const middleware: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => (args) => {
        const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
        const call: ApiCall = { api, operation, target, mutating: isMutatingAwsOperation(operation) };
        return gate(() => {
          log.record(call);
          return next(args).catch((e: unknown) => {
            call.failed = (e as { name?: string })?.name ?? "Error";
            if (typeof e === "object" && e !== null) operationOf.set(e, operation);
            throw e;
          });
        });
      };
      // Right after the SDK's retry middleware (step finalizeRequest), so it runs once per attempt. Credentials
      // are resolved earlier, once per send (httpAuthSchemeMiddleware, step serialize): a send that fails there
      // made no request and is not counted (the old `send` wrapper logged it as a failed call).
      client.middlewareStack.addRelativeTo(middleware, {
        relation: "after",
        toMiddleware: "retryMiddleware",
        name: CALL_LOG_MIDDLEWARE,
        override: true,
      });
      return client;
    },
  };
}
