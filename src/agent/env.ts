/**
 * Environments in the target cluster, as the CD pipeline operator makes them (REFERENCE §5), through its
 * chain: namespace `<krci-ns>-<pipeline>-<stage>` labelled with the tenant, RoleBinding tenant-admin →
 * ClusterRole admin for the OIDC groups, an optional copy of Secret regcred from cluster A. Idempotent. Unlike
 * the operator, delete never orphans a namespace silently: if the cluster cannot be told, it fails and says so.
 */
import type { Config } from "../config/index.js";
import { AwsError, InputError, KubeError, OperationError, XirsaError } from "../errors.js";
import type { KubeClient } from "../kube/index.js";
import { KubeStatusError } from "../kube/index.js";
import { jsonEqual } from "../live/index.js";
import { argocdClusterSecretName, K8S_STACK_LABEL } from "../names/index.js";
import type { JsonObject, KubeObject } from "../state/index.js";
import { extraResourcesBinding, needsExtraResources, sourceCluster } from "../topology/index.js";
import { updateArgocdNamespaces } from "./argocdNamespaces.js";
import { diagnose, errorText } from "./diagnose.js";
import { type AgentOptions, adminConnections, establish, openFlowSession } from "./session.js";
import { findTarget, matchesPattern, type TargetEndpoint, targetEndpoint } from "./targets.js";

export const TENANT_LABEL = "app.edp.epam.com/tenant";
export const CAPSULE_TENANT_LABEL = "capsule.clastix.io/tenant";
export const TENANT_ADMIN_BINDING = "tenant-admin";
export const REGISTRY_SECRET = "regcred";
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const namespaceRef = (name: string) => ({ apiVersion: "v1", kind: "Namespace", name });

export interface EnvName {
  pipeline: string;
  stage: string;
}

/** `<krci-ns>-<pipeline>-<stage>`, checked as a Kubernetes namespace name (bad input otherwise). */
export function envNamespace(config: Config, name: EnvName): string {
  for (const [flag, value] of [
    ["--pipeline", name.pipeline],
    ["--stage", name.stage],
  ] as const) {
    if (!DNS_LABEL.test(value)) {
      throw new InputError(
        "env.name",
        `${flag} '${value}' is not a valid part of a namespace name`,
        "use lower-case letters, digits and '-', starting and ending with a letter or digit",
      );
    }
  }
  const ns = `${config.source.krci.namespace}-${name.pipeline}-${name.stage}`;
  if (ns.length > 63) {
    throw new InputError(
      "env.too-long",
      `the environment namespace '${ns}' is ${ns.length} characters; Kubernetes allows at most 63`,
      `shorten the pipeline or stage name by ${ns.length - 63} characters`,
    );
  }
  return ns;
}

/** The operator's OIDC groups bound to ClusterRole admin (source.krci.oidcGroups overrides). */
export function tenantGroups(config: Config): string[] {
  const ns = config.source.krci.namespace;
  return config.source.krci.oidcGroups ?? [`${ns}-oidc-admins`, `${ns}-oidc-developers`];
}

/** The objects of an environment (pure). */
export function envObjects(
  config: Config,
  namespace: string,
): { namespace: KubeObject; binding: KubeObject } {
  return {
    namespace: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: namespace,
        labels: { [TENANT_LABEL]: config.source.krci.namespace, [K8S_STACK_LABEL]: config.name },
      },
    },
    binding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: TENANT_ADMIN_BINDING, namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: tenantGroups(config).map((name) => ({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Group",
        name,
      })),
    },
  };
}

/** A copy of a Secret into another namespace: name, type and data; nothing cluster-specific. */
export function secretCopy(secret: KubeObject, namespace: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: secret.metadata.name,
      namespace,
      labels: { "app.kubernetes.io/managed-by": "xirsa" },
      annotations: {
        "xirsa.io/copied-from": `${secret.metadata.namespace ?? ""}/${secret.metadata.name}`,
      },
    },
    ...(secret.type !== undefined ? { type: secret.type } : {}),
    ...(secret.data !== undefined ? { data: secret.data } : {}),
  };
}

export interface EnvInput extends AgentOptions {
  config: Config;
  target: string;
  pipeline: string;
  stage: string;
  tokenFile: string;
  /** Secret in the krci namespace of cluster A to copy (e.g. regcred). */
  copySecret?: string;
  sessionName?: string;
  /**
   * list/delete: skip the operator's chain and use the target account's own credentials (its profile): the
   * way out when the chain is gone (destroyed, or broken) and environments remain.
   */
  asAdmin?: boolean;
  /** How long to wait for Capsule to bind the tenant owners in a new namespace (default 60 s). */
  capsuleBindWaitMs?: number;
}

export type StepResult = "created" | "exists" | "updated" | "unchanged" | "deleted" | "absent";

export interface EnvStep {
  object: string;
  result: StepResult;
}

export interface EnvResult {
  namespace: string;
  cluster: string;
  steps: EnvStep[];
  /** Capsule tenant that owns the namespace, when the target uses Capsule. */
  tenant?: string;
}

async function operatorClient(input: Omit<EnvInput, "pipeline" | "stage">) {
  const ref = findTarget(input.config, input.target);
  const session = openFlowSession({
    config: input.config,
    kind: "cd-pipeline-operator",
    target: input.target,
    tokenFile: input.tokenFile,
    sessionName: input.sessionName ?? "xirsa-env",
    env: input.env,
    ...(input.now ? { now: input.now } : {}),
    ...(input.retry ? { retry: input.retry } : {}),
  });
  const admin = adminConnections(input.config, input);
  let endpoint: TargetEndpoint;
  try {
    endpoint = await targetEndpoint(ref, admin.conns, input.endpointFrom ?? "auto");
    for (const w of endpoint.warnings) input.log?.(w);
    await establish(session);
  } catch (e) {
    admin.close();
    throw e;
  }
  return { ref, session, admin, endpoint, kube: session.kube(endpoint) };
}

function checkPattern(config: Config, target: string, namespace: string): void {
  const { target: t } = findTarget(config, target);
  if (!matchesPattern(t.namespaces, namespace)) {
    throw new InputError(
      "env.pattern",
      `the environment namespace ${namespace} is outside target ${t.name}'s namespaces ${t.namespaces}`,
      `make targets[].namespaces cover ${config.source.krci.namespace}-* (the operator's prefix)`,
    );
  }
}

/** Fails with the chain's diagnosis, naming the step and what the cluster said. */
function stepFailure(what: string, e: unknown, ctx: Parameters<typeof diagnose>[1]): XirsaError {
  if (e instanceof XirsaError && !(e instanceof KubeError) && !(e instanceof AwsError)) return e;
  const d = diagnose(e, ctx);
  return new OperationError(`env.${d.code}`, `${what} failed: ${d.cause} (${errorText(e)})`, d.fix, {
    cause: e,
  });
}

/** A namespace-scoped target: the Argo CD cluster Secret's `namespaces` follows the environment (as a step). */
async function argocdNamespacesStep(
  input: Omit<EnvInput, "pipeline" | "stage">,
  ref: Awaited<ReturnType<typeof operatorClient>>["ref"],
  admin: Awaited<ReturnType<typeof operatorClient>>["admin"],
  change: { add?: string; remove?: string },
): Promise<EnvStep | undefined> {
  if (ref.target.access !== "namespaced") return undefined;
  const result = await updateArgocdNamespaces({
    config: input.config,
    target: ref.target,
    source: await admin.conns.kube(sourceCluster(input.config)),
    change,
  });
  return { object: `argocd secret/${argocdClusterSecretName(ref.target.name)} namespaces`, result };
}

/** How long env create waits for Capsule to bind the tenant owners in a new namespace. */
export const CAPSULE_BIND_WAIT_MS = 60_000;

/**
 * Runs `attempt` until it is not refused with 403: Capsule's tenant controller creates the owners' RoleBindings
 * in a namespace only after it joined the tenant (projectcapsule/capsule
 * internal/controllers/tenant/rolebindings.go), so the operator's first writes there may be forbidden for a
 * moment. Bounded by `capsuleBindWaitMs` (default CAPSULE_BIND_WAIT_MS); progress goes to `log`.
 */
async function untilCapsuleBinds<T>(
  input: EnvInput,
  namespace: string,
  tenant: string,
  attempt: () => Promise<T>,
): Promise<T> {
  const now = input.now ?? (() => new Date());
  const sleep = input.retry?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limit = input.capsuleBindWaitMs ?? CAPSULE_BIND_WAIT_MS;
  const start = now().getTime();
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      const waited = now().getTime() - start;
      if (!(e instanceof KubeStatusError && e.status === 403) || waited >= limit) throw e;
      const pause = Math.min(2000, 250 * 2 ** (n - 1), Math.max(1, limit - waited));
      input.log?.(
        `namespace ${namespace}: forbidden so far, waiting for Capsule to bind tenant ${tenant}'s owners there (${(waited / 1000).toFixed(1)} s of at most ${Math.round(limit / 1000)} s)`,
      );
      await sleep(pause);
    }
  }
}

export async function createEnv(input: EnvInput): Promise<EnvResult> {
  const namespace = envNamespace(input.config, input);
  checkPattern(input.config, input.target, namespace);
  const { ref, session, admin, kube, endpoint } = await operatorClient(input);
  const ctx = {
    step: "kubernetes" as const,
    targetRoleArn: session.chain.targetRoleArn,
    sourceRoleArn: session.chain.sourceRoleArn,
    clusterName: ref.cluster.name,
    endpoint: endpoint.endpoint,
  };
  const steps: EnvStep[] = [];
  const objects = envObjects(input.config, namespace);
  try {
    // Read the secret to copy first: a missing source secret stops before anything is written.
    let copy: KubeObject | undefined;
    if (input.copySecret) {
      const ns = input.config.source.krci.namespace;
      let secret: KubeObject | undefined;
      try {
        const source = await admin.conns.kube(sourceCluster(input.config));
        secret = await source.get({
          apiVersion: "v1",
          kind: "Secret",
          name: input.copySecret,
          namespace: ns,
        });
      } catch (e) {
        throw stepFailure(
          `reading Secret ${ns}/${input.copySecret} in cluster ${input.config.source.cluster}`,
          e,
          {
            step: "kubernetes",
            clusterName: input.config.source.cluster,
          },
        );
      }
      if (!secret) {
        throw new OperationError(
          "env.secret-missing",
          `Secret ${ns}/${input.copySecret} does not exist in cluster ${input.config.source.cluster}`,
          `create it there (kubectl create secret docker-registry ${input.copySecret} -n ${ns} …) or drop --copy-secret`,
        );
      }
      copy = secretCopy(secret, namespace);
    }

    let ns: KubeObject | undefined;
    try {
      ns = await kube.createIfAbsent(objects.namespace);
      steps.push({ object: `namespace/${namespace}`, result: ns ? "created" : "exists" });
      ns ??= await kube.get(namespaceRef(namespace));
    } catch (e) {
      throw stepFailure(`creating namespace ${namespace} in cluster ${ref.cluster.name}`, e, ctx);
    }

    let tenant: string | undefined;
    const capsule = ref.target.capsule;
    if (capsule) {
      tenant = ns?.metadata.labels?.[CAPSULE_TENANT_LABEL];
      if (tenant !== capsule.tenant) {
        throw new OperationError(
          "env.capsule-tenant",
          `namespace ${namespace} is ${tenant ? `owned by Capsule tenant ${tenant}` : "not owned by any Capsule tenant"}, not ${capsule.tenant}`,
          `make group ${capsule.group} an owner of Tenant ${capsule.tenant} only, and a Capsule user group (CapsuleConfiguration spec.users, or userGroups before Capsule 0.12): xirsa apply`,
        );
      }
    }

    try {
      const create = () => kube.createIfAbsent(objects.binding);
      const rb = capsule ? await untilCapsuleBinds(input, namespace, capsule.tenant, create) : await create();
      steps.push({ object: `rolebinding/${TENANT_ADMIN_BINDING}`, result: rb ? "created" : "exists" });
    } catch (e) {
      throw stepFailure(`creating RoleBinding ${namespace}/${TENANT_ADMIN_BINDING}`, e, ctx);
    }

    // Custom resources the access policies do not grant (targets[].extraResources): their RoleBinding here too.
    if (needsExtraResources(ref.target)) {
      const binding = extraResourcesBinding(input.config, namespace);
      try {
        const rb = await kube.createIfAbsent(binding);
        steps.push({ object: `rolebinding/${binding.metadata.name}`, result: rb ? "created" : "exists" });
      } catch (e) {
        throw stepFailure(`creating RoleBinding ${namespace}/${binding.metadata.name}`, e, ctx);
      }
    }

    if (copy) {
      try {
        const made = await kube.createIfAbsent(copy);
        if (made) steps.push({ object: `secret/${copy.metadata.name}`, result: "created" });
        else {
          const ref = { apiVersion: "v1", kind: "Secret", name: copy.metadata.name, namespace };
          const have = await kube.get(ref);
          const data = (copy.data ?? {}) as JsonObject;
          const same = jsonEqual((have?.data ?? {}) as JsonObject, data);
          if (!same) await kube.patch(ref, { data }, "strategic");
          steps.push({ object: `secret/${copy.metadata.name}`, result: same ? "unchanged" : "updated" });
        }
      } catch (e) {
        throw stepFailure(`copying Secret ${copy.metadata.name} into ${namespace}`, e, ctx);
      }
    }
    const listed = await argocdNamespacesStep(input, ref, admin, { add: namespace });
    if (listed) steps.push(listed);
    return { namespace, cluster: ref.cluster.name, steps, ...(tenant ? { tenant } : {}) };
  } finally {
    admin.close();
  }
}

/**
 * Deletes the environment namespace. Any failure to get the cluster to delete it (unreachable, refused) is an
 * error saying the namespace may be orphaned: never skipped silently as the operator does.
 */
export async function deleteEnv(input: EnvInput): Promise<EnvResult> {
  return deleteEnvNamespace(input, envNamespace(input.config, input));
}

/** deleteEnv for a namespace known by name (destroy --environments: the namespaces a target still has). */
export async function deleteEnvNamespace(
  input: Omit<EnvInput, "pipeline" | "stage">,
  namespace: string,
): Promise<EnvResult> {
  checkPattern(input.config, input.target, namespace);
  const ref = findTarget(input.config, input.target);
  const orphaned = (e: unknown, ctx: Parameters<typeof diagnose>[1]) => {
    if (e instanceof InputError) return e;
    if (e instanceof OperationError && e.code.startsWith("chain.")) {
      return new OperationError(
        "env.orphaned",
        `could not delete namespace ${namespace} in cluster ${ref.cluster.name}: ${e.message}; the namespace may be orphaned there`,
        `${e.hint ?? "fix the chain"}; then rerun xirsa env delete (it is idempotent)`,
        { cause: e },
      );
    }
    const d = diagnose(e, ctx);
    return new OperationError(
      "env.orphaned",
      `could not delete namespace ${namespace} in cluster ${ref.cluster.name}: ${d.cause} (${errorText(e)}); the namespace may be orphaned there`,
      `${d.fix}; then rerun xirsa env delete (it is idempotent)`,
      { cause: e },
    );
  };
  let client: {
    admin: ReturnType<typeof adminConnections>;
    kube: KubeClient;
    ctx: Parameters<typeof diagnose>[1];
  };
  try {
    if (input.asAdmin) {
      const admin = adminConnections(input.config, input);
      client = {
        admin,
        kube: await admin.conns.kube(ref.cluster).catch((e: unknown) => {
          admin.close();
          throw e;
        }),
        ctx: { step: "kubernetes", clusterName: ref.cluster.name },
      };
    } else {
      const { session, admin, kube, endpoint } = await operatorClient(input);
      client = {
        admin,
        kube,
        ctx: {
          step: "kubernetes",
          targetRoleArn: session.chain.targetRoleArn,
          sourceRoleArn: session.chain.sourceRoleArn,
          clusterName: ref.cluster.name,
          endpoint: endpoint.endpoint,
        },
      };
    }
  } catch (e) {
    throw orphaned(e, { step: "describe-cluster", clusterName: ref.cluster.name });
  }
  const { admin, kube, ctx } = client;
  try {
    let have: KubeObject | undefined;
    try {
      have = await kube.get(namespaceRef(namespace));
    } catch (e) {
      throw orphaned(e, ctx);
    }
    if (!have) {
      const steps: EnvStep[] = [{ object: `namespace/${namespace}`, result: "absent" }];
      // A rerun after a failed Secret update still takes the name out of Argo CD's list.
      if (ref.target.access === "namespaced") {
        const result = await updateArgocdNamespaces({
          config: input.config,
          target: ref.target,
          source: await admin.conns.kube(sourceCluster(input.config)),
          change: { remove: namespace },
        });
        steps.push({
          object: `argocd secret/${argocdClusterSecretName(ref.target.name)} namespaces`,
          result,
        });
      }
      return { namespace, cluster: ref.cluster.name, steps };
    }
    const tenant = have.metadata.labels?.[TENANT_LABEL];
    if (tenant !== input.config.source.krci.namespace) {
      throw new OperationError(
        "env.not-environment",
        `namespace ${namespace} in cluster ${ref.cluster.name} has no label ${TENANT_LABEL}=${input.config.source.krci.namespace}, so it is not an environment of this KubeRocketCI`,
        "delete it by hand if it really is one (kubectl delete namespace)",
      );
    }
    let deleted: boolean;
    try {
      deleted = await kube.delete(namespaceRef(namespace));
    } catch (e) {
      throw orphaned(e, ctx);
    }
    if (!deleted) {
      return {
        namespace,
        cluster: ref.cluster.name,
        steps: [{ object: `namespace/${namespace}`, result: "absent" }],
      };
    }
    const steps: EnvStep[] = [{ object: `namespace/${namespace}`, result: "deleted" }];
    const listed = await argocdNamespacesStep(input, ref, admin, { remove: namespace });
    if (listed) steps.push(listed);
    return { namespace, cluster: ref.cluster.name, steps };
  } finally {
    admin.close();
  }
}

export interface EnvListEntry {
  namespace: string;
  created?: string;
  phase?: string;
  /** Capsule tenant, when assigned. */
  tenant?: string;
  /** Whether xirsa of this stack created it (label xirsa.io/stack). */
  stack?: string;
}

export interface EnvListResult {
  cluster: string;
  /** Whose credentials listed them: the operator's chain, or the target account's own (the agent may not list). */
  via: "chain" | "target-account";
  environments: EnvListEntry[];
}

function listEntries(items: KubeObject[], config: Config, pattern: string): EnvListEntry[] {
  const prefix = `${config.source.krci.namespace}-`;
  return items
    .filter((n) => n.metadata.name.startsWith(prefix) && matchesPattern(pattern, n.metadata.name))
    .map((n) => {
      const labels = n.metadata.labels ?? {};
      const status = n.status as { phase?: string } | undefined;
      return {
        namespace: n.metadata.name,
        ...(n.metadata.creationTimestamp ? { created: n.metadata.creationTimestamp } : {}),
        ...(status?.phase ? { phase: status.phase } : {}),
        ...(labels[CAPSULE_TENANT_LABEL] ? { tenant: labels[CAPSULE_TENANT_LABEL] } : {}),
        ...(labels[K8S_STACK_LABEL] ? { stack: labels[K8S_STACK_LABEL] } : {}),
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace));
}

/**
 * The environment namespaces of this KubeRocketCI in the target (label app.edp.epam.com/tenant). Listed
 * through the operator's chain; when the agent role may not list namespaces (namespace-scoped access or
 * Capsule), with the target account's own credentials instead, saying so.
 */
export async function listEnvs(input: Omit<EnvInput, "pipeline" | "stage">): Promise<EnvListResult> {
  const ref = findTarget(input.config, input.target);
  const selector = `${TENANT_LABEL}=${input.config.source.krci.namespace}`;
  const list = (k: KubeClient) => k.list("v1", "Namespace", { labelSelector: selector });
  if (input.asAdmin) return listAsAdmin(input, ref, list);
  const { admin, kube, session, endpoint } = await operatorClient(input);
  try {
    try {
      const items = await list(kube);
      return {
        cluster: ref.cluster.name,
        via: "chain",
        environments: listEntries(items, input.config, ref.target.namespaces),
      };
    } catch (e) {
      if (!(e instanceof KubeStatusError && e.status === 403)) {
        throw stepFailure(`listing namespaces of cluster ${ref.cluster.name}`, e, {
          step: "kubernetes",
          targetRoleArn: session.chain.targetRoleArn,
          clusterName: ref.cluster.name,
          endpoint: endpoint.endpoint,
        });
      }
    }
    const adminKube = await admin.conns.kube(ref.cluster);
    let items: KubeObject[];
    try {
      items = await list(adminKube);
    } catch (e) {
      throw stepFailure(
        `listing namespaces of cluster ${ref.cluster.name} with the target account's credentials`,
        e,
        {
          step: "kubernetes",
          clusterName: ref.cluster.name,
        },
      );
    }
    return {
      cluster: ref.cluster.name,
      via: "target-account",
      environments: listEntries(items, input.config, ref.target.namespaces),
    };
  } finally {
    admin.close();
  }
}

async function listAsAdmin(
  input: Omit<EnvInput, "pipeline" | "stage">,
  ref: ReturnType<typeof findTarget>,
  list: (k: KubeClient) => Promise<KubeObject[]>,
): Promise<EnvListResult> {
  const admin = adminConnections(input.config, input);
  try {
    let items: KubeObject[];
    try {
      items = await list(await admin.conns.kube(ref.cluster));
    } catch (e) {
      throw stepFailure(
        `listing namespaces of cluster ${ref.cluster.name} with the target account's credentials`,
        e,
        { step: "kubernetes", clusterName: ref.cluster.name },
      );
    }
    return {
      cluster: ref.cluster.name,
      via: "target-account",
      environments: listEntries(items, input.config, ref.target.namespaces),
    };
  } finally {
    admin.close();
  }
}
