/**
 * What every service handler gets: the store, the caller (already authenticated), the request's region,
 * clock and randomness, the realism knobs, and `authorize` that throws AWS's AccessDenied.
 */
import type { Random } from "../ids.js";
import type { Caller } from "../model.js";
import type { AwsStore } from "../store.js";

export interface Knobs {
  /** A new role or a changed trust policy is not seen by STS for this many ms. */
  propagationDelayMs: number;
  /** Probability (0..1) of a throttling error per request. */
  throttleRate: number;
  /** Probability (0..1) of a 5xx error per request. */
  errorRate: number;
  /** Mean added latency per AWS request in ms (uniform jitter: 0.5× to 1.5×), as real AWS answers in tens of ms. */
  latencyMs?: number;
  /** ms after a namespace is created until Capsule's tenant owners are bound in it (0: at once). */
  capsuleBindDelayMs?: number;
}

export const NO_KNOBS: Knobs = { propagationDelayMs: 0, throttleRate: 0, errorRate: 0 };

export interface Ports {
  now: () => Date;
  random: Random;
}

/** What the EKS API reports about the running sandbox. */
export interface SandboxFacts {
  /** https URL of the cluster's Kubernetes API, when it is running. */
  kubeEndpoint(cluster: { accountId: string; region: string; name: string }): string | undefined;
  caPem: string;
}

export interface ServiceContext {
  store: AwsStore;
  ports: Ports;
  knobs: Knobs;
  /** Region of the SigV4 credential scope. */
  region: string;
  /** undefined only for STS's unsigned AssumeRoleWithWebIdentity. */
  caller: Caller | undefined;
  requestId: string;
  facts: SandboxFacts;
}
