/**
 * The plan's vocabulary: a Change is what `xirsa plan` shows (action, kind, id, where, a readable diff) and the
 * operations `apply` performs for it. Changes are plain data, ordered by the step they belong to.
 */
import type {
  AccessEntry,
  AccessPolicyAssociation,
  ClusterRef,
  IamRole,
  Json,
  JsonObject,
  KubeObject,
  OidcProvider,
} from "../state/index.js";

/** The apply order of the issue; `prune` removes what xirsa owns but no longer wants, last. */
export const APPLY_STEPS = [
  "oidc-provider",
  "source-roles",
  "target-roles",
  "inline-policies",
  "access-entries",
  "service-accounts",
  "restarts",
  "appproject",
  "cluster-secrets",
  "available-clusters",
  "target-objects",
  "prune",
] as const;

/** Destroy runs the other way round; ServiceAccounts are restored before the workloads restart. */
export const DESTROY_STEPS = [
  "target-objects",
  "available-clusters",
  "cluster-secrets",
  "appproject",
  "service-accounts",
  "restarts",
  "access-entries",
  "target-roles",
  "source-roles",
  "oidc-provider",
] as const;

export type Step = (typeof APPLY_STEPS)[number];

/**
 * The inventory (inventory.ts) is written around the steps, not in one: recorded before the first step (a crash
 * after it leaves a superset of what exists), removed targets forgotten after the last.
 */
export const INVENTORY_STEPS = ["inventory", "forget"] as const;
export type InventoryStep = (typeof INVENTORY_STEPS)[number];

export const STEP_TITLES: Record<Step, string> = {
  "oidc-provider": "IAM OIDC provider of the source cluster",
  "source-roles": "IAM roles in the source account",
  "target-roles": "IAM roles in the target accounts",
  "inline-policies": "inline policies",
  "access-entries": "EKS access entries and access policies",
  "service-accounts": "ServiceAccount annotations",
  restarts: "restart workloads and wait for the injected environment",
  appproject: "Argo CD AppProject destinations",
  "cluster-secrets": "cluster Secrets",
  "available-clusters": "krci-config (edp-config) available_clusters",
  "target-objects": "Capsule objects and RBAC in the target clusters",
  prune: "remove what xirsa owns and no longer wants",
};

/** A workload whose pods must be recreated after its ServiceAccount's role annotation changes. */
export type Workload =
  | { kind: "deployment"; cluster: ClusterRef; namespace: string; serviceAccount: string; name: string }
  | {
      kind: "pods";
      cluster: ClusterRef;
      namespace: string;
      serviceAccount: string;
      /** The seed's label (kept for the rendered scripts); pods are found by spec.serviceAccountName. */
      selector: Record<string, string>;
    };

export interface ObjectRefData {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type Operation =
  | { type: "oidc.create"; provider: OidcProvider }
  | {
      type: "oidc.addClientId";
      accountId: string;
      arn: string;
      clientId: string;
      tags?: Record<string, string>;
    }
  | { type: "oidc.delete"; accountId: string; arn: string }
  | { type: "role.create"; role: IamRole }
  | {
      type: "role.update";
      role: IamRole;
      trust: boolean;
      boundary: "put" | "delete" | null;
      /** Tags to set (ownership when adopting, or values that drifted). */
      tags: Record<string, string>;
    }
  | { type: "role.delete"; role: IamRole }
  | { type: "inline.put"; accountId: string; roleName: string; policyName: string; document: JsonObject }
  | { type: "inline.delete"; accountId: string; roleName: string; policyName: string }
  | { type: "entry.create"; cluster: ClusterRef; entry: AccessEntry; tags: Record<string, string> }
  | {
      type: "entry.update";
      cluster: ClusterRef;
      entry: AccessEntry;
      /** Tags to add (adopting). */
      tags: Record<string, string>;
    }
  | { type: "entry.delete"; cluster: ClusterRef; principalArn: string }
  | { type: "assoc.put"; cluster: ClusterRef; principalArn: string; association: AccessPolicyAssociation }
  | { type: "assoc.delete"; cluster: ClusterRef; principalArn: string; policyArn: string }
  | { type: "kube.create"; cluster: ClusterRef; object: KubeObject }
  | { type: "kube.patch"; cluster: ClusterRef; ref: ObjectRefData; patch: JsonObject }
  | { type: "kube.delete"; cluster: ClusterRef; ref: ObjectRefData }
  | { type: "restart"; workload: Workload; roleArn: string | null };

export interface Blocked {
  reason: string;
  fix: string;
  /** `--adopt` lifts it (a same-named resource xirsa does not own). */
  adoptable: boolean;
  /** A GitOps tool owns the object (gitops.ts): apply leaves it alone unless --patch-managed. */
  managedBy?: string;
  /** A removed target's account that cannot be reached: the change is what the inventory says is left there. */
  unreachableAccount?: string;
}

export interface Change {
  action: "create" | "update" | "delete";
  kind: string;
  id: string;
  /** IAM resources: the account; EKS and Kubernetes resources: the cluster name. */
  account?: string;
  cluster?: string;
  /**
   * Readable diff, live → desired (`-` live, `+` desired): policies as a semantic diff (policyDiff.ts), a CA
   * bundle as its fingerprint (readable.ts).
   */
  diff: string;
  /** The complete diff of the documents, every line and value (plan --full); absent when `diff` is it. */
  full?: string;
  /** The documents themselves, in full (plan JSON): live, and desired. */
  before?: Json;
  after?: Json;
  step: Step | (typeof DESTROY_STEPS)[number] | InventoryStep;
  blocked?: Blocked;
  ops: Operation[];
}

/** The JSON of `xirsa plan --output json`: the contract fields, plus the step and why a change is blocked. */
export function changeJson(c: Change): Record<string, unknown> {
  return {
    action: c.action,
    kind: c.kind,
    id: c.id,
    ...(c.account ? { account: c.account } : {}),
    ...(c.cluster ? { cluster: c.cluster } : {}),
    diff: c.diff,
    ...(c.before !== undefined ? { before: c.before } : {}),
    ...(c.after !== undefined ? { after: c.after } : {}),
    step: c.step,
    ...(c.blocked ? { blocked: c.blocked } : {}),
  };
}
