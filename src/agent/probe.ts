/**
 * `xirsa probe`: the real chain, hop by hop, with the identity of the flow (a projected service-account token):
 * AssumeRoleWithWebIdentity → AssumeRole → EKS token accepted by the target cluster → SelfSubjectAccessReview
 * for each permission the flow needs (the list verify proves). The hops that live in cluster A
 * (service-account, registration) are read with the source account's credentials and judged by verify's own
 * hops; when cluster A cannot be read they are reported as not probed, saying why. The result has verify's
 * shape, so the same table and JSON output serve both.
 */
import { readWebIdentityToken, webIdentityClaims } from "../aws/chain.js";
import type { Config } from "../config/schema.js";
import { InputError } from "../errors.js";
import { type KubeClient, KubeStatusError } from "../kube/client.js";
import type { ChainKind, ChainSpec, EksCluster, KubeObject, State } from "../state/types.js";
import { sourceCluster } from "../topology/desired.js";
import { VerifyContext } from "../verify/context.js";
import type { HopEvidence } from "../verify/evidence.js";
import { registrationHop } from "../verify/hops/registration.js";
import { serviceAccountHop } from "../verify/hops/serviceAccount.js";
import { type RequiredPermission, requiredPermissions, sampleNamespace } from "../verify/permissions.js";
import type { Finding, HopId, HopResult, VerifyResult } from "../verify/types.js";
import { type Diagnosis, diagnose, errorText, type FlowStep, permissionDenied } from "./diagnose.js";
import { accessReview, createObject, NAMESPACES, ROLE_BINDINGS, whoAmI } from "./kubeApi.js";
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
    await createObject(
      kube,
      ROLE_BINDINGS,
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
    const created = await createObject(
      kube,
      NAMESPACES,
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
  const chain = session.chain;
  const admin = adminConnections(config, input);
  const sourceChecks = input.sourceChecks ?? true;
  const sourceKube = () => admin.conns.kube(sourceCluster(config));
  const hops: HopResult[] = [];
  const findings: Finding[] = [];
  const ctxOf = (step: FlowStep, endpoint?: string) => ({
    step,
    sourceRoleArn: chain.sourceRoleArn,
    targetRoleArn: chain.targetRoleArn,
    clusterName: chain.targetCluster.name,
    ...(endpoint ? { endpoint } : {}),
    ...(claims?.sub ? { subject: claims.sub } : {}),
  });

  try {
    // 1. service-account (cluster A, source account's credentials)
    const saRead = sourceChecks
      ? await readSource(chain.source.name, sourceKube, (k) => serviceAccountObjects(k, chain))
      : undefined;
    if (!saRead) hops.push(notProbed("service-account", "source checks were turned off (--skip-source)"));
    else if (saRead.error) {
      hops.push(
        notProbed(
          "service-account",
          `cluster ${chain.source.name} could not be read with the source account's credentials: ${saRead.error.diag.cause} (${saRead.error.text})`,
        ),
      );
    } else {
      const outcome = serviceAccountHop(chain, new VerifyContext(miniState(chain, saRead.objects)));
      hops.push(outcome.hop);
      findings.push(...outcome.findings);
    }

    // 2. web-identity
    const tokenDetail: CallEvidence = {
      kind: "token-exchange",
      roleArn: chain.sourceRoleArn,
      tokenFile: input.tokenFile,
      subject: claims?.sub ?? null,
      audience: claims?.aud ?? null,
      issuer: claims?.iss ?? null,
    };
    // The first hop that failed: later hops need its credentials.
    let failedAt: HopId | undefined;
    try {
      await session.credentials.source();
      hops.push(
        ok(
          "web-identity",
          `AssumeRoleWithWebIdentity into ${chain.sourceRoleArn} with the token of ${claims?.sub ?? "the token file"} succeeded`,
          tokenDetail,
        ),
      );
    } catch (e) {
      if (e instanceof InputError) throw e;
      hops.push(broken("web-identity", e, diagnose(e, ctxOf("web-identity")), tokenDetail));
      failedAt = "web-identity";
    }

    // 3. assume-role
    if (failedAt) hops.push(unreached("assume-role", failedAt));
    else {
      const detail: CallEvidence = {
        kind: "assume-role-call",
        roleArn: chain.targetRoleArn,
        from: chain.sourceRoleArn,
        sessionSeconds: 3600,
      };
      try {
        await session.credentials.target();
        hops.push(
          ok(
            "assume-role",
            `${chain.sourceRoleArn} assumed ${chain.targetRoleArn} (chained session, 1 hour)`,
            detail,
          ),
        );
      } catch (e) {
        hops.push(broken("assume-role", e, diagnose(e, ctxOf("assume-role")), detail));
        failedAt = "assume-role";
      }
    }

    // 4. cluster-access: the cluster accepts an EKS token of the target role (an access review needs a mapped caller)
    let endpoint: TargetEndpoint | undefined;
    let endpointError: unknown;
    try {
      endpoint = await targetEndpoint(ref, admin.conns, input.endpointFrom ?? "auto");
      for (const w of endpoint.warnings) input.log?.(w);
    } catch (e) {
      if (e instanceof InputError) throw e;
      endpointError = e;
    }
    const needed = requiredPermissions(kind);
    let kube: KubeClient | undefined;
    if (failedAt) hops.push(unreached("cluster-access", failedAt));
    else if (!endpoint) {
      hops.push(
        broken("cluster-access", endpointError, diagnose(endpointError, ctxOf("describe-cluster")), {
          kind: "cluster-authentication",
          cluster: chain.targetCluster.name,
        }),
      );
      failedAt = "cluster-access";
    } else {
      const detail: CallEvidence = {
        kind: "cluster-authentication",
        cluster: chain.targetCluster.name,
        endpoint: endpoint.endpoint,
        endpointFrom: endpoint.from,
        roleArn: chain.targetRoleArn,
      };
      kube = session.kube(endpoint);
      try {
        // Who the cluster says we are; clusters without SelfSubjectReview still authenticate an access review.
        const user = await whoAmI(kube);
        if (!user)
          await accessReview(kube, { verb: "get", group: "", resource: "namespaces", name: namespace });
        const as = user
          ? ` as ${user.username}${user.groups.length ? ` (groups ${user.groups.join(", ")})` : ""}`
          : "";
        hops.push(
          ok(
            "cluster-access",
            `cluster ${chain.targetCluster.name} (${endpoint.endpoint}) accepts the EKS token of ${chain.targetRoleArn}${as}`,
            { ...detail, ...(user ? { username: user.username, groups: user.groups } : {}) },
          ),
        );
      } catch (e) {
        hops.push(
          broken("cluster-access", e, diagnose(e, ctxOf("cluster-access", endpoint.endpoint)), detail),
        );
        failedAt = "cluster-access";
      }
    }

    // 5. kubernetes-permissions
    if (failedAt || !kube) hops.push(unreached("kubernetes-permissions", failedAt ?? "cluster-access"));
    else {
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
        if (
          capsule &&
          kind === "cd-pipeline-operator" &&
          input.namespace === undefined &&
          patternDenied.length
        ) {
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
          const capsule = detail.capsule
            ? ` (namespace-scoped ones by Capsule tenant ${ref.target.capsule?.tenant}: a dry-run create of ${namespace} was assigned to it)`
            : "";
          hops.push(
            ok(
              "kubernetes-permissions",
              `all ${needed.length} permissions ${kind} needs are granted (cluster scope and namespace ${namespace})${capsule}`,
              detail,
            ),
          );
        } else {
          const ids = refused.map((c) => (c.namespace ? `${c.id} in ${c.namespace}` : c.id));
          hops.push({
            id: "kubernetes-permissions",
            ok: false,
            reason: `${refused.length} of ${needed.length} permissions refused: ${ids.join(", ")}`,
            fix: permissionDenied(ctxOf("kubernetes-permissions")).fix,
            detail: { ...detail, cause: "permission-denied" },
          });
        }
      } catch (e) {
        hops.push(broken("kubernetes-permissions", e, diagnose(e, ctxOf("kubernetes-permissions")), detail));
      }
    }

    // 6. registration (cluster A)
    const regRead = sourceChecks
      ? await readSource(chain.source.name, sourceKube, (k) => registrationObjects(k, config, chain))
      : undefined;
    if (!regRead) hops.push(notProbed("registration", "source checks were turned off (--skip-source)"));
    else if (regRead.error) {
      hops.push(
        notProbed(
          "registration",
          `cluster ${chain.source.name} could not be read with the source account's credentials: ${regRead.error.diag.cause} (${regRead.error.text})`,
        ),
      );
    } else {
      const outcome = registrationHop(
        chain,
        new VerifyContext(miniState(chain, regRead.objects, endpoint), {
          appProject: config.source.argocd.project,
        }),
      );
      hops.push(outcome.hop);
      findings.push(...outcome.findings);
    }
  } finally {
    admin.close();
  }
  const chainOk = hops.every((h) => h.ok);
  return {
    ok: chainOk,
    chains: [{ id: chain.id, kind: chain.kind, target: chain.target, ok: chainOk, hops }],
    findings,
  };
}
