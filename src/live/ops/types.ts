/** What every operation handler gets, and the handler map typed over `Operation["type"]`. */
import type { Operation } from "../changes.js";
import type { Connections } from "../connections.js";

export interface ExecContext {
  conns: Connections;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** How long to wait for restarted pods to carry the injected environment. */
  waitTimeoutMs: number;
  pollMs: number;
}

export type OperationType = Operation["type"];
export type OperationOf<T extends OperationType> = Extract<Operation, { type: T }>;

/** One handler for each operation type of `T`: a new variant does not compile until it has one. */
export type Handlers<T extends OperationType> = {
  [K in T]: (op: OperationOf<K>, ctx: ExecContext) => Promise<void>;
};
