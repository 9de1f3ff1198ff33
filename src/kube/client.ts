/**
 * A small JSON client for one Kubernetes cluster. Authentication and TLS come from @kubernetes/client-node's
 * KubeConfig (a bearer token made from AWS credentials, or a kubeconfig context with any auth it supports);
 * requests go through one function that counts them, retries transient failures and maps errors.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeError, XirsaError } from "../errors.js";
import type { JsonObject, KubeObject } from "../state/index.js";
import type { CallLog } from "../transport/index.js";
import { isNetworkError, type RetryPolicy, type Transience, withRetry } from "../transport/index.js";
import { Discovery } from "./discovery.js";
import {
  type KindInfo,
  knownKind,
  type ObjectRef,
  refText,
  resourcePath,
  unservedKind,
} from "./resources.js";

/** A KubeConfig ready to use, and when it must be rebuilt (a bearer token's expiry). */
export interface KubeSession {
  kc: KubeConfig;
  renewAt?: Date;
}

export interface KubeClientOptions {
  /** The cluster name, for the CallLog and messages. */
  cluster: string;
  session: () => Promise<KubeSession>;
  log: CallLog;
  retry: RetryPolicy;
  now: () => Date;
  timeoutMs?: number;
}

export type PatchType = "merge" | "strategic";

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

/** An HTTP status error from the API server, with the Status object's reason and message. */
export class KubeStatusError extends KubeError {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    hint?: string,
  ) {
    super(`kube.${reason || status}`, message, hint);
  }
}

interface Prepared {
  server: string;
  options: https.RequestOptions;
  /** Re-read auth headers after this instant (kubeconfig exec plugins refresh their own tokens). */
  until: number;
}

const KUBECONFIG_REAPPLY_MS = 60_000;

export class KubeClient {
  private prepared: Prepared | undefined;
  /** Per client, as kubectl keeps discovery per cluster: one request per group version at most. */
  private readonly discovery = new Discovery(async (path) => {
    try {
      return await this.request("GET", path, "APIResourceList");
    } catch (e) {
      if (e instanceof KubeStatusError && e.status === 404) return undefined;
      throw e;
    }
  });

  constructor(private readonly opts: KubeClientOptions) {}

  get cluster(): string {
    return this.opts.cluster;
  }

  /** The kind as the cluster serves it (known kinds without a request, others by discovery), or undefined. */
  async resolve(apiVersion: string, kind: string): Promise<KindInfo | undefined> {
    return knownKind(apiVersion, kind) ?? (await this.discovery.find(apiVersion, kind));
  }

  /** resolve, or the error saying the cluster does not serve the kind. */
  async resource(apiVersion: string, kind: string): Promise<KindInfo> {
    const info = await this.resolve(apiVersion, kind);
    if (!info) throw unservedKind(apiVersion, kind, this.opts.cluster);
    return info;
  }

  /** The object; undefined when it does not exist (or its kind is not served, so it cannot). */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const info = await this.resolve(ref.apiVersion, ref.kind);
    if (!info) return undefined;
    try {
      return (await this.request("GET", resourcePath(info, ref), ref.kind)) as KubeObject;
    } catch (e) {
      if (e instanceof KubeStatusError && e.status === 404) return undefined;
      throw e;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    // A custom resource whose CRD is not installed is not served: nothing there.
    const info = await this.resolve(apiVersion, kind);
    if (!info) return [];
    const base = resourcePath(info, opts.namespace ? { namespace: opts.namespace } : {});
    const query = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : "";
    try {
      const body = (await this.request("GET", base + query, kind)) as { items?: KubeObject[] };
      // List items carry no apiVersion/kind; restore them so objects look the same however they were read.
      return (body.items ?? []).map((o) => ({ ...o, apiVersion, kind }));
    } catch (e) {
      // A known custom kind whose CRD is not installed answers 404 on the collection.
      if (e instanceof KubeStatusError && e.status === 404) return [];
      throw e;
    }
  }

  /** Creates; `dryRun` runs admission and authorization without keeping anything. */
  async create(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const info = await this.resource(obj.apiVersion, obj.kind);
    const path = resourcePath(info, obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {});
    return (await this.request(
      "POST",
      path + (opts.dryRun ? "?dryRun=All" : ""),
      obj.kind,
      obj,
    )) as KubeObject;
  }

  /** create, but `undefined` when it already exists (AlreadyExists is fine for idempotent flows). */
  async createIfAbsent(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject | undefined> {
    try {
      return await this.create(obj, opts);
    } catch (e) {
      if (e instanceof KubeStatusError && e.status === 409 && e.reason === "AlreadyExists") return undefined;
      throw e;
    }
  }

  /**
   * Patches with the given type; "auto" is what kubectl would send: strategic merge for built-in kinds, merge
   * patch for custom resources.
   */
  async patch(ref: ObjectRef, patch: JsonObject, type: PatchType | "auto" = "merge"): Promise<KubeObject> {
    const info = await this.resource(ref.apiVersion, ref.kind);
    const t = type === "auto" ? (info.custom ? "merge" : "strategic") : type;
    return (await this.request(
      "PATCH",
      resourcePath(info, ref),
      ref.kind,
      patch,
      PATCH_CONTENT_TYPES[t],
    )) as KubeObject;
  }

  /** Deletes; false when it was already gone (or its kind is not served, so it cannot exist). */
  async delete(ref: ObjectRef): Promise<boolean> {
    const info = await this.resolve(ref.apiVersion, ref.kind);
    if (!info) return false;
    try {
      await this.request("DELETE", resourcePath(info, ref), ref.kind);
      return true;
    } catch (e) {
      if (e instanceof KubeStatusError && e.status === 404) return false;
      throw e;
    }
  }

  describe(ref: ObjectRef): string {
    return `${refText(ref)} in cluster ${this.opts.cluster}`;
  }

  private async prepare(): Promise<Prepared> {
    const now = this.opts.now().getTime();
    if (this.prepared && this.prepared.until > now) return this.prepared;
    const { kc, renewAt } = await this.opts.session();
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new KubeError("kube.config", `no cluster in the kube config for ${this.opts.cluster}`);
    }
    const options: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    const until = renewAt ? renewAt.getTime() : now + KUBECONFIG_REAPPLY_MS;
    this.prepared = { server: cluster.server.replace(/\/+$/, ""), options, until };
    return this.prepared;
  }

  /** One API request: counted, retried on 429/5xx/connection resets, errors mapped to KubeError. */
  async request(
    method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
    path: string,
    kind: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<unknown> {
    const resource = path.split("?")[0]!.split("/");
    const plural = kindPlural(resource);
    try {
      return await this.attempt(method, path, kind, plural, body, contentType);
    } catch (e) {
      if (e instanceof XirsaError) throw e;
      const err = e as { code?: string; message?: string };
      throw new KubeError(
        UNREACHABLE,
        `${method} ${path.split("?")[0]} on cluster ${this.opts.cluster} failed: ${err.code ?? err.message ?? String(e)}`,
        "check that the cluster endpoint is reachable from here (DescribeCluster endpoint or the kubeContext server)",
        { cause: e },
      );
    }
  }

  private attempt(
    method: string,
    path: string,
    kind: string,
    plural: string,
    body: unknown,
    contentType: string,
  ): Promise<unknown> {
    return withRetry(this.opts.retry, classifyKubeError, async () => {
      const prepared = await this.prepare();
      this.opts.log.record({
        api: "kube",
        operation: `${method} ${plural}`,
        target: this.opts.cluster,
        mutating: method !== "GET",
      });
      const res = await send(prepared, method, path, body, contentType, this.opts.timeoutMs ?? 30_000);
      if (res.status >= 200 && res.status < 300) return res.body ? JSON.parse(res.body) : {};
      throw statusError(res.status, res.body, method, path, kind, this.opts.cluster);
    });
  }
}

function kindPlural(segments: string[]): string {
  // /api/v1/namespaces/x/pods/name → pods; /apis/g/v/tenants → tenants; /apis/g/v → discovery
  const core = segments[1] === "api" ? 3 : 4;
  const rest = segments.slice(core);
  if (rest[0] === "namespaces" && rest.length >= 3) return rest[2]!;
  return rest[0] ?? "discovery";
}

const UNREACHABLE = "kube.unreachable";

/**
 * Whether an error means the cluster could not be talked to at all (no answer from it): what `request` makes
 * of a connection failure once its retries are spent.
 */
export function isUnreachable(e: unknown): boolean {
  return e instanceof KubeError && e.code === UNREACHABLE;
}

/** For withRetry: 429 and 5xx are worth another try, connection failures too, any other answer is final. */
export function classifyKubeError(e: unknown): Transience {
  if (e instanceof KubeStatusError) {
    if (e.status === 429) return "throttle";
    if (e.status >= 500 && e.status !== 501) return "server";
    return "permanent";
  }
  if (isNetworkError(e)) return "network";
  return "permanent";
}

function statusError(
  status: number,
  body: string,
  method: string,
  path: string,
  kind: string,
  cluster: string,
): KubeStatusError {
  let reason = "";
  let message = body.slice(0, 300);
  try {
    const s = JSON.parse(body) as { reason?: string; message?: string };
    reason = s.reason ?? "";
    message = s.message ?? message;
  } catch {
    // not a Status object; keep the raw text
  }
  const what = `${method} ${path.split("?")[0]} on cluster ${cluster}: ${status}${reason ? ` ${reason}` : ""}: ${message}`;
  const hint =
    status === 401
      ? `the cluster does not accept xirsa's credentials: check the EKS access entry of the caller (or the kubeContext) for ${cluster}`
      : status === 403
        ? method === "GET"
          ? `the caller may not read ${kind} on ${cluster}: give its access entry AmazonEKSAdminViewPolicy (cluster scope) or equivalent RBAC`
          : `the caller may not change ${kind} on ${cluster}: apply needs an admin identity (access entry with AmazonEKSClusterAdminPolicy)`
        : status === 409
          ? `the ${kind} changed while xirsa was working on it (or was created meanwhile): rerun the command`
          : undefined;
  return new KubeStatusError(status, reason, what, hint);
}

function send(
  prepared: Prepared,
  method: string,
  path: string,
  body: unknown,
  contentType: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const url = new URL(prepared.server + path);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
  const headers: Record<string, string> = {
    ...(prepared.options.headers as Record<string, string> | undefined),
    Accept: "application/json",
  };
  if (payload) {
    headers["Content-Type"] = contentType;
    headers["Content-Length"] = String(payload.length);
  }
  const mod = url.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { ...prepared.options, method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })),
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}
