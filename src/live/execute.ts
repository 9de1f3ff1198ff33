/**
 * Performs the operations of a plan against AWS and Kubernetes. Each operation is safe to repeat after a crash:
 * "already exists" / "already gone" answers for the thing the operation makes or removes count as done.
 */
import { EKS_HANDLERS } from "./ops/eks.js";
import { IAM_HANDLERS } from "./ops/iam.js";
import { KUBERNETES_HANDLERS } from "./ops/kubernetes.js";
import type { ExecContext, Handlers, OperationOf, OperationType } from "./ops/types.js";

export type { ExecContext } from "./ops/types.js";

/** Every operation type has its handler, by service (ops/iam.ts, ops/eks.ts, ops/kubernetes.ts). */
const HANDLERS: Handlers<OperationType> = { ...IAM_HANDLERS, ...EKS_HANDLERS, ...KUBERNETES_HANDLERS };

export async function execute<T extends OperationType>(op: OperationOf<T>, ctx: ExecContext): Promise<void> {
  const handle: Handlers<T>[T] = HANDLERS[op.type as T];
  await handle(op, ctx);
}
