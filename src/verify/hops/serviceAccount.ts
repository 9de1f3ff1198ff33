/**
 * Hop 1, `service-account`: each ServiceAccount of the chain carries eks.amazonaws.com/role-arn = the source
 * role, and (when the State carries pods, i.e. a live State) its pods were created after the annotation.
 */

import { ROLE_ARN_ANNOTATION } from "../../names/index.js";
import type { ChainSpec, KubeObject } from "../../state/index.js";
import { restartTargets } from "../../state/index.js";
import {
  type ClusterIndex,
  failed,
  type HopOutcome,
  joinWords,
  passed,
  type VerifyContext,
} from "../context.js";
import type { HopEvidence, ServiceAccountCheck } from "../evidence.js";
import { clusterResourceId, finding, kubeResourceId } from "../findings.js";
import { isObject } from "../json.js";
import type { Finding } from "../types.js";

const REGIONAL_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints";

/** Env values of every container (and init container) of a pod, by variable name. */
function podEnv(pod: KubeObject): Map<string, string[]> {
  const env = new Map<string, string[]>();
  const spec = pod.spec;
  if (!isObject(spec)) return env;
  for (const key of ["containers", "initContainers"]) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObject(c) || !Array.isArray(c.env)) continue;
      for (const e of c.env) {
        if (!isObject(e) || typeof e.name !== "string") continue;
        const values = env.get(e.name) ?? [];
        values.push(typeof e.value === "string" ? e.value : "");
        env.set(e.name, values);
      }
    }
  }
  return env;
}

function podServiceAccount(pod: KubeObject): string {
  const spec = pod.spec;
  if (!isObject(spec)) return "default";
  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  return typeof sa === "string" && sa ? sa : "default";
}

function podsOf(source: ClusterIndex, namespace: string, sa: string): KubeObject[] {
  return source.list("Pod", namespace).filter((p) => podServiceAccount(p) === sa);
}

/**
 * The commands that restart the pods of a ServiceAccount, from a live State's pods and their controllers
 * (`kubectl rollout restart` per Deployment/StatefulSet/DaemonSet, as apply's restarts step does); undefined when
 * the State has no pods of it, or a pod that no controller re-creates (then the words say what to do).
 */
function restartCommands(source: ClusterIndex, namespace: string, sa: string): string | undefined {
  const pods = podsOf(source, namespace, sa);
  if (!pods.length) return undefined;
  const { controllers, stranded } = restartTargets(pods, source.cluster.objects);
  if (stranded.length || !controllers.length) return undefined;
  return controllers
    .map((c) => `kubectl rollout restart -n ${namespace} ${c.kind.toLowerCase()}/${c.name}`)
    .join(" && ");
}

export function serviceAccountHop(chain: ChainSpec, ctx: VerifyContext): HopOutcome {
  const id = "service-account";
  const source = ctx.cluster(chain.source);
  const role = chain.sourceRoleArn;
  if (!source) {
    const f = finding(
      "XIRSA-CLUSTER-MISSING",
      `source cluster ${chain.source.name} (${chain.source.accountId}, ${chain.source.region}) is not in the State`,
      clusterResourceId(chain.source),
      { chain: chain.id, hop: id },
    );
    const absent: HopEvidence = {
      kind: "service-accounts",
      roleArn: role,
      serviceAccounts: [],
      absent: "source-cluster",
    };
    return failed(id, f.message, "check the source account, region and cluster name", absent, [f]);
  }

  const problems: Finding[] = [];
  const notes: Finding[] = [];
  const checked: ServiceAccountCheck[] = [];
  for (const sa of chain.serviceAccounts) {
    const ref = `${sa.namespace}/${sa.name}`;
    const resource = kubeResourceId(chain.source, "ServiceAccount", sa.name, sa.namespace);
    const obj = source.get("ServiceAccount", sa.name, sa.namespace);
    if (!obj) {
      problems.push(
        finding(
          "XIRSA-SA-MISSING",
          `ServiceAccount ${ref} does not exist in cluster ${chain.source.name}`,
          resource,
          {
            chain: chain.id,
            remediation: [
              `kubectl create serviceaccount -n ${sa.namespace} ${sa.name}`,
              `kubectl annotate serviceaccount -n ${sa.namespace} ${sa.name} ${ROLE_ARN_ANNOTATION}=${role}`,
              ...[restartCommands(source, sa.namespace, sa.name) ?? []].flat(),
            ].join(" && "),
          },
        ),
      );
      checked.push({ serviceAccount: ref, exists: false });
      continue;
    }
    const annotations = obj.metadata.annotations ?? {};
    const actual = annotations[ROLE_ARN_ANNOTATION];
    checked.push({ serviceAccount: ref, exists: true, roleArn: actual ?? null });
    const restart = restartCommands(source, sa.namespace, sa.name);
    const annotate = `kubectl annotate serviceaccount -n ${sa.namespace} ${sa.name} ${ROLE_ARN_ANNOTATION}=${role} --overwrite${restart ? ` && ${restart}` : ", then restart its pods"}`;
    if (actual === undefined) {
      problems.push(
        finding(
          "XIRSA-SA-NOT-ANNOTATED",
          `ServiceAccount ${ref} has no ${ROLE_ARN_ANNOTATION} annotation, so its pods use the node role`,
          resource,
          { chain: chain.id, remediation: annotate, jsonPath: "metadata.annotations" },
        ),
      );
    } else if (actual !== role) {
      const which =
        actual === chain.targetRoleArn ? " (the target role, which only the source role may assume)" : "";
      problems.push(
        finding(
          "XIRSA-SA-WRONG-ROLE",
          `ServiceAccount ${ref} is annotated with ${actual}${which}, not ${role}`,
          resource,
          {
            chain: chain.id,
            remediation: annotate,
            jsonPath: `metadata.annotations["${ROLE_ARN_ANNOTATION}"]`,
          },
        ),
      );
    }
    if (annotations[REGIONAL_ANNOTATION] === "false") {
      notes.push(
        finding(
          "XIRSA-STS-GLOBAL-ENDPOINT",
          `ServiceAccount ${ref} sets ${REGIONAL_ANNOTATION}: "false" (global STS endpoint)`,
          resource,
          {
            jsonPath: `metadata.annotations["${REGIONAL_ANNOTATION}"]`,
            remediation: `kubectl annotate serviceaccount -n ${sa.namespace} ${sa.name} ${REGIONAL_ANNOTATION}=true --overwrite${restart ? ` && ${restart}` : ", then restart its pods"}`,
          },
        ),
      );
    }
    // Live States carry pods: a pod without the injected AWS_ROLE_ARN predates the annotation.
    for (const pod of podsOf(source, sa.namespace, sa.name)) {
      const env = podEnv(pod);
      const podRef = `${sa.namespace}/${pod.metadata.name}`;
      const podResource = kubeResourceId(chain.source, pod);
      const injected = env.get("AWS_ROLE_ARN") ?? [];
      if (actual === role && !injected.includes(role)) {
        const what = injected.length ? `AWS_ROLE_ARN=${injected[0]}` : "no AWS_ROLE_ARN";
        problems.push(
          finding(
            "XIRSA-SA-NOT-RESTARTED",
            `pod ${podRef} of ServiceAccount ${ref} runs with ${what}: it was created before the annotation`,
            podResource,
            {
              chain: chain.id,
              // The pods are known here: the restart is runnable (new pods get AWS_ROLE_ARN=<role>).
              remediation:
                restart ?? `restart the pods of ServiceAccount ${ref} so they get AWS_ROLE_ARN=${role}`,
            },
          ),
        );
      }
      if ((env.get("AWS_STS_REGIONAL_ENDPOINTS") ?? []).includes("legacy")) {
        notes.push(
          finding(
            "XIRSA-STS-GLOBAL-ENDPOINT",
            `pod ${podRef} sets AWS_STS_REGIONAL_ENDPOINTS=legacy (global STS endpoint)`,
            podResource,
          ),
        );
      }
    }
  }

  const refs = chain.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`);
  const detail: HopEvidence = { kind: "service-accounts", roleArn: role, serviceAccounts: checked };
  if (problems.length === 0) {
    const subject =
      refs.length === 1 ? `ServiceAccount ${refs[0]} is` : `ServiceAccounts ${joinWords(refs)} are`;
    return passed(id, `${subject} annotated with ${ROLE_ARN_ANNOTATION} = ${role}`, detail, notes);
  }
  const first = problems[0]!;
  const more =
    problems.length > 1 ? ` (+${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  return failed(id, `${first.message}${more}`, first.remediation, detail, [...problems, ...notes]);
}
