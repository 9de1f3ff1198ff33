/**
 * What every hop looks things up in: the State indexed once (roles by ARN, clusters by ref, Kubernetes objects
 * by kind/namespace/name), and the options. Building it is linear in the State; lookups are O(1), so verify
 * over hundreds of targets stays linear too.
 */
import {
  type ChainSpec,
  type ClusterRef,
  clusterKey,
  type EksCluster,
  type IamRole,
  type KubeObject,
  type State,
} from "../state/index.js";
import type { HopEvidence } from "./evidence.js";
import type { Finding, HopId, HopResult } from "./types.js";

export interface VerifyOptions {
  /** The Argo CD AppProject that must allow the targets (xirsa.yaml source.argocd.project); default `krci`. */
  appProject?: string;
  /** Role session name used for the source role's session in the assume-role proof; default `xirsa-verify`. */
  sessionName?: string;
  /**
   * What the config renders (its desired State) and the AWS profile of each account, so that fixes print the
   * exact commands for this config (e.g. the access entry with its groups or scoped policy, with --region and
   * --profile) instead of generic ones.
   */
  desired?: State;
  profiles?: Record<string, string>;
  /**
   * For a live State: the command that restores what the config renders (`xirsa apply --config …`). A failed
   * hop of a chain whose roles xirsa owns (tagged xirsa.io/managed-by) then names it first, limited to the
   * chain's target (`--target`), the raw fix second.
   */
  applyCommand?: string;
}

export class ClusterIndex {
  private readonly byKey = new Map<string, KubeObject>();
  private readonly byKind = new Map<string, KubeObject[]>();

  constructor(readonly cluster: EksCluster) {
    for (const o of cluster.objects) {
      const key = `${o.kind}\u0000${o.metadata.namespace ?? ""}\u0000${o.metadata.name}`;
      if (!this.byKey.has(key)) this.byKey.set(key, o);
      const list = this.byKind.get(o.kind);
      if (list) list.push(o);
      else this.byKind.set(o.kind, [o]);
    }
  }

  get(kind: string, name: string, namespace?: string): KubeObject | undefined {
    return this.byKey.get(`${kind}\u0000${namespace ?? ""}\u0000${name}`);
  }

  /** Objects of a kind, optionally in one namespace. */
  list(kind: string, namespace?: string): KubeObject[] {
    const all = this.byKind.get(kind) ?? [];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }
}

export class VerifyContext {
  readonly appProject: string;
  readonly sessionName: string;
  /** See VerifyOptions. */
  readonly desired: State | undefined;
  readonly profiles: Readonly<Record<string, string>>;
  private readonly roles = new Map<string, IamRole>();
  private readonly clusters = new Map<string, ClusterIndex>();
  /** Per-chain results memoised by key (e.g. the A role's trust proof is shared by all its chains). */
  readonly memo = new Map<string, unknown>();

  constructor(
    readonly state: State,
    opts: VerifyOptions = {},
  ) {
    this.appProject = opts.appProject ?? "krci";
    this.sessionName = opts.sessionName ?? "xirsa-verify";
    this.desired = opts.desired;
    this.profiles = opts.profiles ?? {};
    for (const r of state.roles) if (!this.roles.has(r.arn)) this.roles.set(r.arn, r);
    for (const c of state.clusters) {
      const key = clusterKey(c);
      if (!this.clusters.has(key)) this.clusters.set(key, new ClusterIndex(c));
    }
  }

  role(arn: string): IamRole | undefined {
    return this.roles.get(arn);
  }

  cluster(ref: ClusterRef): ClusterIndex | undefined {
    return this.clusters.get(clusterKey(ref));
  }

  memoise<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const v = compute();
    this.memo.set(key, v);
    return v;
  }
}

/** ` --profile P` for an account's AWS CLI calls when the config names its profile, else nothing. */
export function profileFlag(ctx: VerifyContext, accountId: string): string {
  const profile = ctx.profiles[accountId];
  return profile ? ` --profile ${profile}` : "";
}

/** A hop's verdict and the findings it raised. */
export interface HopOutcome {
  hop: HopResult;
  findings: Finding[];
}

export type Hop = (chain: ChainSpec, ctx: VerifyContext) => HopOutcome;

export function passed(id: HopId, reason: string, detail: HopEvidence, findings: Finding[] = []): HopOutcome {
  const hop: HopResult = { id, ok: true, reason, detail };
  const codes = unique(findings.map((f) => f.code));
  if (codes.length) hop.codes = codes;
  return { hop, findings };
}

export function failed(
  id: HopId,
  reason: string,
  fix: string,
  detail: HopEvidence,
  findings: Finding[],
  /** The earlier hop whose failure this one follows from (verify keeps it only when that hop failed). */
  blockedBy?: HopId,
): HopOutcome {
  const hop: HopResult = { id, ok: false, reason, fix, detail };
  if (blockedBy) hop.blockedBy = blockedBy;
  const codes = unique(findings.map((f) => f.code));
  if (codes.length) hop.codes = codes;
  return { hop, findings };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** `a, b and c`. */
export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
