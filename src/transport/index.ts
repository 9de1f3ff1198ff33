/** transport/: what other folders use (imports across folders go through each folder's index.ts; src/folders.test.ts). */
export {
  backoffDelay,
  defaultRetryPolicy,
  isNetworkError,
  type RetryPolicy,
  type Transience,
  withRetry,
} from "./backoff.js";
export { type Api, type ApiCall, CallLog, isMutatingAwsOperation } from "./calls.js";
