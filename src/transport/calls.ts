/**
 * A log of every API request xirsa makes to AWS and Kubernetes (each HTTP attempt counts), so that tests can
 * prove a no-op apply mutates nothing and the benchmark can print calls made against the minimum needed.
 */

export type Api = "iam" | "eks" | "sts" | "kube";

export interface ApiCall {
  api: Api;
  /** SDK operation (`CreateRole`) or Kubernetes verb and resource (`PATCH serviceaccounts`). */
  operation: string;
  /** Account id (AWS) or cluster name (Kubernetes). */
  target: string;
  mutating: boolean;
  /** The error name when this attempt failed (a retried attempt shows up once per try). */
  failed?: string;
}

export class CallLog {
  readonly calls: ApiCall[] = [];

  record(call: ApiCall): void {
    this.calls.push(call);
  }

  get total(): number {
    return this.calls.length;
  }

  mutating(): ApiCall[] {
    return this.calls.filter((c) => c.mutating);
  }

  /** Calls since a mark: `const m = log.mark(); …; log.since(m)`. */
  mark(): number {
    return this.calls.length;
  }

  since(mark: number): ApiCall[] {
    return this.calls.slice(mark);
  }
}

/** AWS operations that only read: Get*, List*, Describe*. Everything else changes something. */
export function isMutatingAwsOperation(operation: string): boolean {
  return !/^(Get|List|Describe)/.test(operation);
}

/** Counts by `api operation`, for the benchmark and failure messages. */
export function countByOperation(calls: readonly ApiCall[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) {
    const key = `${c.api} ${c.operation}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
