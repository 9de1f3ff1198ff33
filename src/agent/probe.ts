/**
 * `xirsa probe`: the real chain, hop by hop, with the identity of the flow (a projected service-account token):
 * AssumeRoleWithWebIdentity → AssumeRole → EKS token accepted by the target cluster → SelfSubjectAccessReview
 * for each permission the flow needs (the list verify proves). The hops that live in cluster A
 * (service-account, registration) are read with the source account's credentials and judged by verify's own
 * hops; when cluster A cannot be read they are reported as not probed, saying why. The result has verify's
 * shape, so the same table and JSON output serve both.
 */
import { readWebIdentityToken, webIdentityClaims } from "../aws/index.js";
import type { Config } from "../config/index.js";
import { InputError } from "../errors.js";
import { accessReview, type KubeClient, KubeStatusError, whoAmI } from "../kube/index.js";
import type { ChainKind, ChainSpec, EksCluster, KubeObject, State } from "../state/index.js";
import { sourceCluster } from "../topology/index.js";
import type { Finding, HopEvidence, HopId, HopResult, VerifyResult } from "../verify/index.js";
import {
  type RequiredPermission,
  registrationHop,
  requiredPermissions,
  sampleNamespace,
  serviceAccountHop,
  VerifyContext,
} from "../verify/index.js";
import { type Diagnosis, diagnose, errorText, type FlowStep, permissionDenied } from "./diagnose.js";
import { type AgentOptions, adminConnections, openFlowSession } from "./session.js";
import { registrationObjects, serviceAccountObjects } from "./sourceView.js";
import { findTarget, matchesPattern, type TargetEndpoint, targetEndpoint } from "./targets.js";

export interface ProbeInput extends AgentOptions {
  config: Config;
  kind: ChainKind;
  target: string;
  tokenFile: string;
  /** Namespace for the pattern-scoped checks (default: a sample name of the pattern, e.g. krci-xirsa-probe). */
  namespace?: string;
  /** Read cluster A for the service-account and registration hops (default true). */
  sourceChecks?: boolean;
  sessionName?: string;
}

const CAPSULE_TENANT_LABEL = "capsule.clastix.io/tenant";

/** The evidence of probe's own calls (the other hops are verify's). */
type CallEvidence = Extract<
  HopEvidence,
  { kind: "token-exchange" | "assume-role-call" | "cluster-authentication" | "access-reviews" }
>;

function ok(id: HopId, reason: string, detail: CallEvidence): HopResult {
  return { id, ok: true, reason, detail };
}

function broken(id: HopId, e: unknown, diag: Diagnosis, detail: CallEvidence): HopResult {
  return {
    id,
    ok: false,
    reason: `${diag.cause} (${errorText(e)})`,
    fix: diag.fix,
    detail: { ...detail, cause: diag.code, error: errorText(e) },
  };
}

/** A hop after a failed one: it cannot be tried without the earlier hop's credentials, so it is blocked by it. */
function unreached(id: HopId, after: HopId): HopResult {
  return {
    id,
    ok: false,
    reason: `not probed: it needs the ${after} hop, which failed`,
    fix: `fix ${after} first`,
    blockedBy: after,
    detail: { kind: "blocked", probed: false, by: after },
  };
}

/** A hop probe cannot check from here (not a failure of the chain). */
function notProbed(id: HopId, why: string): HopResult {
  return { id, ok: true, reason: `not probed: ${why}`, detail: { kind: "not-probed", probed: false, why } };
}

interface SourceRead {
  objects: KubeObject[];
  error?: { text: string; diag: Diagnosis };
}

async function readSource(
  cluster: string,
  kube: () => Promise<KubeClient>,
  read: (k: KubeClient) => Promise<KubeObject[]>,
): Promise<SourceRead> {
  try {
    return { objects: await read(await kube()) };
  } catch (e) {
    return {
      objects: [],
      error: { text: errorText(e), diag: diagnose(e, { step: "kubernetes", clusterName: cluster }) },
    };
  }
}

function miniState(chain: ChainSpec, sourceObjects: KubeObject[], endpoint?: TargetEndpoint): State {
  const clusters: EksCluster[] = [{ ...chain.source, accessEntries: [], objects: sourceObjects }];
  if (endpoint) {
    clusters.push({
      ...chain.targetCluster,
      endpoint: endpoint.endpoint,
      caData: endpoint.caData,
      accessEntries: [],
      objects: [],
    });
  }
  return { roles: [], oidcProviders: [], clusters };
}

interface PermissionCheck {
  id: string;
  allowed: boolean;
  namespace?: string;
  via?: string;
}

function reviewNamespace(p: RequiredPermission, namespace: string): { name?: string; namespace?: string } {
  if (p.scope === "cluster") return p.name ? { name: p.name } : {};
  // A namespace's own namespace is its name (kube-apiserver's RequestInfo does the same).
  if (p.resource === "namespaces" && p.group === "") return { name: namespace, namespace };
  return { ...(p.name ? { name: p.name } : {}), namespace };
}

/**
 * Kubernetes lets a caller bind a ClusterRole without `bind` when it already holds the role's permissions in
 * the namespace (RBAC escalation check), which an access review of `bind` does not show. A dry-run create of
 * such a RoleBinding runs that check (and admission) without keeping anything.
 */
async function canBindByHolding(kube: KubeClient, namespace: string, clusterRole: string): Promise<boolean> {
  try {
    await kube.createIfAbsent(
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "xirsa-probe-bind-check", namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "xirsa-probe" }],
      },
      { dryRun: true },
    );
    return true;
  } catch (e) {
    if (e instanceof KubeStatusError && (e.status === 403 || e.status === 404)) return false;
    throw e;
  }
}

async function checkPermissions(
  kube: KubeClient,
  needed: readonly RequiredPermission[],
  namespace: string,
): Promise<PermissionCheck[]> {
  return Promise.all(
    needed.map(async (p) => {
      const where = reviewNamespace(p, namespace);
      const d = await accessReview(kube, { verb: p.verb, group: p.group, resource: p.resource, ...where });
      let allowed = d.allowed;
      let via = d.reason;
      if (!allowed && p.orHoldsClusterRole && where.namespace) {
        allowed = await canBindByHolding(kube, where.namespace, p.orHoldsClusterRole);
        if (allowed)
          via = `holds ClusterRole ${p.orHoldsClusterRole}'s permissions in ${where.namespace} (a dry-run RoleBinding was accepted)`;
      }
      return {
        id: p.id,
        allowed,
        ...(where.namespace ? { namespace: where.namespace } : {}),
        ...(via ? { via } : {}),
      };
    }),
  );
}

/**
 * With Capsule, the operator's rights in an environment namespace come from the Tenant's owner bindings that
 * Capsule creates with the namespace: a namespace that does not exist yet shows none. A dry-run create shows
 * whether Capsule would assign it to the tenant (and so bind the owner's ClusterRoles there).
 */
async function capsuleDryRun(
  kube: KubeClient,
  namespace: string,
  tenant: string,
): Promise<{ assigned: boolean; detail: string }> {
  try {
    const created = await kube.createIfAbsent(
      { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
      { dryRun: true },
    );
    if (!created) return { assigned: false, detail: `namespace ${namespace} already exists` };
    const got = created.metadata.labels?.[CAPSULE_TENANT_LABEL];
    return got === tenant
      ? {
          assigned: true,
          detail: `a dry-run create of ${namespace} was assigned to Capsule tenant ${tenant}`,
        }
      : {
          assigned: false,
          detail: `a dry-run create of ${namespace} was ${got ? `assigned to tenant ${got}` : "not assigned to any tenant"}, not ${tenant}`,
        };
  } catch (e) {
    return { assigned: false, detail: `a dry-run create of ${namespace} failed: ${errorText(e)}` };
  }
}

/** What the hops of one probe share: the flow's session, the admin connections, and what earlier hops found. */
interface ProbeRun {
  input: ProbeInput;
  ref: ReturnType<typeof findTarget>;
  pattern: string;
  namespace: string;
  claims: ReturnType<typeof webIdentityClaims>;
  session: ReturnType<typeof openFlowSession>;
  chain: ChainSpec;
  admin: ReturnType<typeof adminConnections>;
  findings: Finding[];
  /** The first hop that failed: later hops need its credentials. */
  failedAt?: HopId;
  /** The target's endpoint (cluster-access looks it up; registration shows it). */
  endpoint?: TargetEndpoint;
  /** A client of the target cluster with the flow's credentials, once cluster-access accepted them. */
  kube?: KubeClient;
}

type ProbeHop = (run: ProbeRun) => Promise<HopResult>;

function ctxOf(run: ProbeRun, step: FlowStep, endpoint?: string) {
  return {
    step,
    sourceRoleArn: run.chain.sourceRoleArn,
    targetRoleArn: run.chain.targetRoleArn,
    clusterName: run.chain.targetCluster.name,
    ...(endpoint ? { endpoint } : {}),
    ...(run.claims?.sub ? { subject: run.claims.sub } : {}),
  };
}

/** A hop of cluster A, read with the source account's credentials and judged by verify's own hop. */
async function sourceHop(
  run: ProbeRun,
  id: "service-account" | "registration",
  read: (k: KubeClient) => Promise<KubeObject[]>,
  judge: (objects: KubeObject[]) => { hop: HopResult; findings: Finding[] },
): Promise<HopResult> {
  const { chain } = run;
  if (!(run.input.sourceChecks ?? true))
    return notProbed(id, "source checks were turned off (--skip-source)");
  const got = await readSource(
    chain.source.name,
    () => run.admin.conns.kube(sourceCluster(run.input.config)),
    read,
  );
  if (got.error) {
    return notProbed(
      id,
      `cluster ${chain.source.name} could not be read with the source account's credentials: ${got.error.diag.cause} (${got.error.text})`,
    );
  }
  const outcome = judge(got.objects);
  run.findings.push(...outcome.findings);
  return outcome.hop;
}

const serviceAccountProbe: ProbeHop = (run) =>
  sourceHop(
    run,
    "service-account",
    (k) => serviceAccountObjects(k, run.chain),
    (objects) => serviceAccountHop(run.chain, new VerifyContext(miniState(run.chain, objects))),
  );

const webIdentityProbe: ProbeHop = async (run) => {
  const { chain, claims } = run;
  const detail: CallEvidence = {
    kind: "token-exchange",
    roleArn: chain.sourceRoleArn,
    tokenFile: run.input.tokenFile,
    subject: claims?.sub ?? null,
    audience: claims?.aud ?? null,
    issuer: claims?.iss ?? null,
  };
  try {
    await run.session.credentials.source();
    return ok(
      "web-identity",
      `AssumeRoleWithWebIdentity into ${chain.sourceRoleArn} with the token of ${claims?.sub ?? "the token file"} succeeded`,
      detail,
    );
  } catch (e) {
    if (e instanceof InputError) throw e;
    run.failedAt = "web-identity";
    return broken("web-identity", e, diagnose(e, ctxOf(run, "web-identity")), detail);
  }
};

const assumeRoleProbe: ProbeHop = async (run) => {
  const { chain } = run;
  if (run.failedAt) return unreached("assume-role", run.failedAt);
  const detail: CallEvidence = {
    kind: "assume-role-call",
    roleArn: chain.targetRoleArn,
    from: chain.sourceRoleArn,
    sessionSeconds: 3600,
  };
  try {
    await run.session.credentials.target();
    return ok(
      "assume-role",
      `${chain.sourceRoleArn} assumed ${chain.targetRoleArn} (chained session, 1 hour)`,
      detail,
    );
  } catch (e) {
    run.failedAt = "assume-role";
    return broken("assume-role", e, diagnose(e, ctxOf(run, "assume-role")), detail);
  }
};

/** The cluster accepts an EKS token of the target role (an access review needs a mapped caller). */
const clusterAccessProbe: ProbeHop = async (run) => {
  const { chain, input } = run;
  // The endpoint is looked up even after a failed hop: registration shows it, and its warnings are logged.
  let endpointError: unknown;
  try {
    run.endpoint = await targetEndpoint(run.ref, run.admin.conns, input.endpointFrom ?? "auto");
    for (const w of run.endpoint.warnings) input.log?.(w);
  } catch (e) {
    if (e instanceof InputError) throw e;
    endpointError = e;
  }
  const { endpoint } = run;
  if (run.failedAt) return unreached("cluster-access", run.failedAt);
  if (!endpoint) {
    run.failedAt = "cluster-access";
    return broken("cluster-access", endpointError, diagnose(endpointError, ctxOf(run, "describe-cluster")), {
      kind: "cluster-authentication",
      cluster: chain.targetCluster.name,
    });
  }
  const detail: CallEvidence = {
    kind: "cluster-authentication",
    cluster: chain.targetCluster.name,
    endpoint: endpoint.endpoint,
    endpointFrom: endpoint.from,
    roleArn: chain.targetRoleArn,
  };
  const kube = run.session.kube(endpoint);
  run.kube = kube;
  try {
    // Who the cluster says we are; clusters without SelfSubjectReview still authenticate an access review.
    const user = await whoAmI(kube);
    if (!user)
      await accessReview(kube, { verb: "get", group: "", resource: "namespaces", name: run.namespace });
    const as = user
      ? ` as ${user.username}${user.groups.length ? ` (groups ${user.groups.join(", ")})` : ""}`
      : "";
    return ok(
      "cluster-access",
      `cluster ${chain.targetCluster.name} (${endpoint.endpoint}) accepts the EKS token of ${chain.targetRoleArn}${as}`,
      { ...detail, ...(user ? { username: user.username, groups: user.groups } : {}) },
    );
  } catch (e) {
    run.failedAt = "cluster-access";
    return broken("cluster-access", e, diagnose(e, ctxOf(run, "cluster-access", endpoint.endpoint)), detail);
  }
};

const kubernetesPermissionsProbe: ProbeHop = async (run) => {
  const { input, namespace, pattern, ref, kube } = run;
  const { kind } = input;
  if (run.failedAt || !kube) return unreached("kubernetes-permissions", run.failedAt ?? "cluster-access");
  const needed = requiredPermissions(kind);
  const detail: Extract<HopEvidence, { kind: "access-reviews" }> = {
    kind: "access-reviews",
    pattern,
    namespace,
    needed: needed.map((p) => p.id),
  };
  try {
    const checks = await checkPermissions(kube, needed, namespace);
    const capsule = ref.target.capsule;
    const patternDenied = checks.filter((c) => !c.allowed && c.namespace !== undefined);
    if (capsule && kind === "cd-pipeline-operator" && input.namespace === undefined && patternDenied.length) {
      const create = checks.find((c) => c.id === "namespaces:create");
      const dry = create?.allowed ? await capsuleDryRun(kube, namespace, capsule.tenant) : undefined;
      detail.capsule = {
        tenant: capsule.tenant,
        dryRun: dry?.detail ?? "not tried: namespaces:create refused",
        assigned: dry?.assigned ?? false,
      };
      if (dry?.assigned) {
        for (const c of patternDenied) {
          c.allowed = true;
          c.via = `Capsule tenant ${capsule.tenant} owner (bound when the namespace is created; pass --namespace <an existing environment> to check the binding itself)`;
        }
      }
    }
    detail.permissions = checks;
    const refused = checks.filter((c) => !c.allowed);
    if (refused.length === 0) {
      const by = detail.capsule
        ? ` (namespace-scoped ones by Capsule tenant ${ref.target.capsule?.tenant}: a dry-run create of ${namespace} was assigned to it)`
        : "";
      return ok(
        "kubernetes-permissions",
        `all ${needed.length} permissions ${kind} needs are granted (cluster scope and namespace ${namespace})${by}`,
        detail,
      );
    }
    const ids = refused.map((c) => (c.namespace ? `${c.id} in ${c.namespace}` : c.id));
    return {
      id: "kubernetes-permissions",
      ok: false,
      reason: `${refused.length} of ${needed.length} permissions refused: ${ids.join(", ")}`,
      fix: permissionDenied(ctxOf(run, "kubernetes-permissions")).fix,
      detail: { ...detail, cause: "permission-denied" },
    };
  } catch (e) {
    return broken("kubernetes-permissions", e, diagnose(e, ctxOf(run, "kubernetes-permissions")), detail);
  }
};

const registrationProbe: ProbeHop = (run) =>
  sourceHop(
    run,
    "registration",
    (k) => registrationObjects(k, run.input.config, run.chain),
    (objects) =>
      registrationHop(
        run.chain,
        new VerifyContext(miniState(run.chain, objects, run.endpoint), {
          appProject: run.input.config.source.argocd.project,
        }),
      ),
  );

/** The hops in the order of the contract, as verify's HOPS: each one runs after the ones before it. */
export const PROBE_HOPS: ReadonlyArray<readonly [HopId, ProbeHop]> = [
  ["service-account", serviceAccountProbe],
  ["web-identity", webIdentityProbe],
  ["assume-role", assumeRoleProbe],
  ["cluster-access", clusterAccessProbe],
  ["kubernetes-permissions", kubernetesPermissionsProbe],
  ["registration", registrationProbe],
];

export async function probe(input: ProbeInput): Promise<VerifyResult> {
  const { config, kind } = input;
  const ref = findTarget(config, input.target);
  const pattern = ref.target.namespaces;
  const namespace = input.namespace ?? sampleNamespace(pattern);
  if (input.namespace !== undefined && !matchesPattern(pattern, input.namespace)) {
    throw new InputError(
      "cli.namespace",
      `namespace ${input.namespace} is outside target ${ref.target.name}'s pattern ${pattern}`,
      `pass a namespace matching ${pattern}`,
    );
  }
  const token = await readWebIdentityToken(input.tokenFile);
  const claims = webIdentityClaims(token);
  const session = openFlowSession({
    config,
    kind,
    target: input.target,
    tokenFile: input.tokenFile,
    sessionName: input.sessionName ?? "xirsa-probe",
    env: input.env,
    ...(input.now ? { now: input.now } : {}),
    retry: { maxAttempts: 2, ...input.retry },
  });
  const run: ProbeRun = {
    input,
    ref,
    pattern,
    namespace,
    claims,
    session,
    chain: session.chain,
    admin: adminConnections(config, input),
    findings: [],
  };
  const hops: HopResult[] = [];
  try {
    for (const [, hop] of PROBE_HOPS) hops.push(await hop(run));
  } finally {
    run.admin.close();
  }
  const chainOk = hops.every((h) => h.ok);
  const { chain } = run;
  return {
    ok: chainOk,
    chains: [{ id: chain.id, kind: chain.kind, target: chain.target, ok: chainOk, hops }],
    findings: run.findings,
  };
}
