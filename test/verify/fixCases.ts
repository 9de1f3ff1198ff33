/**
 * Fault cases for the fix test (issue 16 §3): each breaks a stack that `xirsa apply` made on the sandbox the way
 * a person would (the real aws CLI and kubectl), names the finding and hop verify must report, and says which
 * printed fix the test applies: the raw aws/kubectl command (`raw`), or the first fix of an xirsa-owned stack,
 * `xirsa apply --config … --target …` (`apply`). Data plus the breaking step; fixesApplied.test.ts runs them in
 * sequence on one sandbox.
 */

import type { FindingCode } from "../../src/verify/catalogue.js";
import type { HopId } from "../../src/verify/types.js";
import { A, B, C, type E2ESandbox, platformRole } from "../live/sandbox.js";

export { A, B, C };
export const role = platformRole;
const profile = (account: string) => ["--profile", `sandbox-${account}`];

export interface LiveCase {
  name: string;
  code: FindingCode;
  /** The chain that reports it. */
  chain: string;
  /** The hop that fails; absent for a warning that leaves the chain proven (its remediation is applied). */
  hop?: HopId;
  fix: "raw" | "apply";
  /** Breaks the stack; asserts each step worked. */
  breakIt(sb: E2ESandbox, ok: (r: { code: number | null; stderr: string }) => void): void;
}

export function json(r: { stdout: string }): Record<string, unknown> {
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function deleteEntry(sb: E2ESandbox, cluster: string, account: string, arn: string) {
  return sb.aws([
    "eks",
    "delete-access-entry",
    "--cluster-name",
    cluster,
    "--principal-arn",
    arn,
    ...profile(account),
  ]);
}

export function trustOf(
  sb: E2ESandbox,
  account: string,
  name: string,
): { Statement: Record<string, unknown>[] } {
  const doc = (
    json(sb.aws(["iam", "get-role", "--role-name", name, ...profile(account)])).Role as {
      AssumeRolePolicyDocument: unknown;
    }
  ).AssumeRolePolicyDocument;
  return (typeof doc === "string" ? JSON.parse(decodeURIComponent(doc)) : doc) as {
    Statement: Record<string, unknown>[];
  };
}

export function putTrust(sb: E2ESandbox, account: string, name: string, doc: unknown) {
  return sb.aws([
    "iam",
    "update-assume-role-policy",
    "--role-name",
    name,
    "--policy-document",
    JSON.stringify(doc),
    ...profile(account),
  ]);
}

/** Replaces a key of a Secret's data (base64) with kubectl. */
export function patchSecretData(sb: E2ESandbox, ns: string, name: string, key: string, value: string | null) {
  return sb.kubectl("krci-main", [
    "patch",
    "secret",
    "-n",
    ns,
    name,
    "--type",
    "json",
    "-p",
    JSON.stringify([
      value === null
        ? { op: "remove", path: `/data/${key}` }
        : { op: "replace", path: `/data/${key}`, value: Buffer.from(value).toString("base64") },
    ]),
  ]);
}

export function secretConfig(sb: E2ESandbox, ns: string, name: string): Record<string, unknown> {
  const s = json(sb.kubectl("krci-main", ["get", "secret", "-n", ns, name, "-o", "json"])) as {
    data: Record<string, string>;
  };
  return JSON.parse(Buffer.from(s.data.config!, "base64").toString("utf8")) as Record<string, unknown>;
}

const OPERATOR_SA = ["-n", "krci", "edp-cd-pipeline-operator"];

export const LIVE_CASES: readonly LiveCase[] = [
  {
    name: "Capsule target without its access entry (raw: the entry with --kubernetes-groups, no policy)",
    code: "XIRSA-EKS-NO-ACCESS-ENTRY",
    chain: "prod/cd-pipeline-operator",
    hop: "cluster-access",
    fix: "raw",
    breakIt: (sb, ok) => ok(deleteEntry(sb, "workloads-prod", C, role(C, "CDPipelineAgent"))),
  },
  {
    name: "namespaced target without its access entry (raw: the entry and the scoped association)",
    code: "XIRSA-EKS-NO-ACCESS-ENTRY",
    chain: "prod/argocd",
    hop: "cluster-access",
    fix: "raw",
    breakIt: (sb, ok) => ok(deleteEntry(sb, "workloads-prod", C, role(C, "ArgoCDAgentAccess"))),
  },
  {
    name: "cluster-admin target without its access entry (apply)",
    code: "XIRSA-EKS-NO-ACCESS-ENTRY",
    chain: "staging/argocd",
    hop: "cluster-access",
    fix: "apply",
    breakIt: (sb, ok) => ok(deleteEntry(sb, "workloads-staging", B, role(B, "ArgoCDAgentAccess"))),
  },
  {
    name: "Capsule target whose access entry lacks the group (raw: update-access-entry)",
    code: "XIRSA-K8S-PERMISSION-MISSING",
    chain: "prod/cd-pipeline-operator",
    hop: "kubernetes-permissions",
    fix: "raw",
    breakIt: (sb, ok) => {
      ok(deleteEntry(sb, "workloads-prod", C, role(C, "CDPipelineAgent")));
      ok(
        sb.aws([
          "eks",
          "create-access-entry",
          "--cluster-name",
          "workloads-prod",
          "--principal-arn",
          role(C, "CDPipelineAgent"),
          ...profile(C),
        ]),
      );
    },
  },
  {
    name: "namespaced target without the scoped association (raw: associate-access-policy)",
    code: "XIRSA-K8S-PERMISSION-MISSING",
    chain: "prod/argocd",
    hop: "kubernetes-permissions",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.aws([
          "eks",
          "disassociate-access-policy",
          "--cluster-name",
          "workloads-prod",
          "--principal-arn",
          role(C, "ArgoCDAgentAccess"),
          "--policy-arn",
          "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
          ...profile(C),
        ]),
      ),
  },
  {
    name: "the operator's group taken out of CapsuleConfiguration spec.users (raw: kubectl patch)",
    code: "XIRSA-CAPSULE-NOT-USER",
    chain: "prod/cd-pipeline-operator",
    hop: "kubernetes-permissions",
    fix: "raw",
    breakIt: (sb, ok) => {
      const cfg = json(
        sb.kubectl("workloads-prod", ["get", "capsuleconfiguration", "default", "-o", "json"]),
      ) as {
        spec: { users: { name: string }[] };
      };
      const users = cfg.spec.users.filter((u) => u.name !== "cd-pipeline-operator");
      ok(
        sb.kubectl("workloads-prod", [
          "patch",
          "capsuleconfiguration",
          "default",
          "--type",
          "merge",
          "-p",
          JSON.stringify({ spec: { users } }),
        ]),
      );
    },
  },
  {
    name: "the Tenant's owners emptied (raw: kubectl patch)",
    code: "XIRSA-CAPSULE-NO-TENANT",
    chain: "prod/cd-pipeline-operator",
    hop: "kubernetes-permissions",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.kubectl("workloads-prod", [
          "patch",
          "tenant",
          "krci",
          "--type",
          "merge",
          "-p",
          '{"spec":{"owners":[]}}',
        ]),
      ),
  },
  {
    name: "the role annotation dropped from argocd-server (raw: annotate, rollout restart)",
    code: "XIRSA-SA-NOT-ANNOTATED",
    chain: "staging/argocd",
    hop: "service-account",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.kubectl("krci-main", [
          "annotate",
          "sa",
          "-n",
          "argocd",
          "argocd-server",
          "eks.amazonaws.com/role-arn-",
        ]),
      ),
  },
  {
    name: "the operator's ServiceAccount annotated with the target role (raw)",
    code: "XIRSA-SA-WRONG-ROLE",
    chain: "staging/cd-pipeline-operator",
    hop: "service-account",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.kubectl("krci-main", [
          "annotate",
          "sa",
          ...OPERATOR_SA,
          `eks.amazonaws.com/role-arn=${role(B, "CDPipelineAgent")}`,
          "--overwrite",
        ]),
      ),
  },
  {
    name: "annotated right, but the pods predate it (raw: rollout restart)",
    code: "XIRSA-SA-NOT-RESTARTED",
    chain: "staging/cd-pipeline-operator",
    hop: "service-account",
    fix: "raw",
    breakIt: (sb, ok) => {
      ok(sb.kubectl("krci-main", ["annotate", "sa", ...OPERATOR_SA, "eks.amazonaws.com/role-arn-"]));
      ok(sb.kubectl("krci-main", ["rollout", "restart", "-n", "krci", "deployment/cd-pipeline-operator"]));
      waitFor(() => {
        const pods = json(sb.kubectl("krci-main", ["get", "pods", "-n", "krci", "-o", "json"])) as {
          items: {
            metadata: { deletionTimestamp?: string };
            spec: { containers: { env?: { name: string }[] }[] };
          }[];
        };
        const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
        return (
          live.length > 0 &&
          live.every((p) => !p.spec.containers[0]!.env?.some((e) => e.name === "AWS_ROLE_ARN"))
        );
      });
      ok(
        sb.kubectl("krci-main", [
          "annotate",
          "sa",
          ...OPERATOR_SA,
          `eks.amazonaws.com/role-arn=${role(A, "CDPipelineOperator")}`,
        ]),
      );
    },
  },
  {
    name: "an Argo CD ServiceAccount deleted (raw: create, annotate, rollout restart)",
    code: "XIRSA-SA-MISSING",
    chain: "staging/argocd",
    hop: "service-account",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(sb.kubectl("krci-main", ["delete", "sa", "-n", "argocd", "argocd-applicationset-controller"])),
  },
  {
    name: "the global STS endpoint asked for (raw: annotate regional, a warning)",
    code: "XIRSA-STS-GLOBAL-ENDPOINT",
    chain: "staging/cd-pipeline-operator",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.kubectl("krci-main", [
          "annotate",
          "sa",
          ...OPERATOR_SA,
          "eks.amazonaws.com/sts-regional-endpoints=false",
          "--overwrite",
        ]),
      ),
  },
  {
    name: "sts.amazonaws.com removed from the OIDC provider's client ids (raw, with --profile)",
    code: "XIRSA-OIDC-CLIENT-ID",
    chain: "staging/argocd",
    hop: "web-identity",
    fix: "raw",
    breakIt: (sb, ok) => {
      const arn = oidcProvider(sb);
      ok(
        sb.aws([
          "iam",
          "add-client-id-to-open-id-connect-provider",
          "--open-id-connect-provider-arn",
          arn,
          "--client-id",
          "other-audience",
          ...profile(A),
        ]),
      );
      ok(
        sb.aws([
          "iam",
          "remove-client-id-from-open-id-connect-provider",
          "--open-id-connect-provider-arn",
          arn,
          "--client-id",
          "sts.amazonaws.com",
          ...profile(A),
        ]),
      );
    },
  },
  {
    name: "the OIDC provider deleted (raw: create-open-id-connect-provider)",
    code: "XIRSA-OIDC-PROVIDER-MISSING",
    chain: "staging/argocd",
    hop: "web-identity",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.aws([
          "iam",
          "delete-open-id-connect-provider",
          "--open-id-connect-provider-arn",
          oidcProvider(sb),
          ...profile(A),
        ]),
      ),
  },
  {
    name: "the OIDC provider deleted (apply --create-oidc-provider)",
    code: "XIRSA-OIDC-PROVIDER-MISSING",
    chain: "prod/cd-pipeline-operator",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        sb.aws([
          "iam",
          "delete-open-id-connect-provider",
          "--open-id-connect-provider-arn",
          oidcProvider(sb),
          ...profile(A),
        ]),
      ),
  },
  {
    name: "the Argo CD trust's sub changed to the operator's service account (apply)",
    code: "XIRSA-TRUST-SUB-MISMATCH",
    chain: "staging/argocd",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) => {
      const trust = trustOf(sb, A, "AWSIRSA_platform_ArgoCDMaster");
      const op = trustOf(sb, A, "AWSIRSA_platform_CDPipelineOperator");
      ok(putTrust(sb, A, "AWSIRSA_platform_ArgoCDMaster", { ...trust, Statement: op.Statement }));
    },
  },
  {
    name: "a Deny naming the source account in the Argo CD trust (apply)",
    code: "XIRSA-TRUST-DENY-UNSETTLED",
    chain: "prod/argocd",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) => {
      const trust = trustOf(sb, A, "AWSIRSA_platform_ArgoCDMaster");
      const deny = {
        Effect: "Deny",
        Principal: { AWS: `arn:aws:iam::${A}:root` },
        Action: "sts:AssumeRoleWithWebIdentity",
      };
      ok(
        putTrust(sb, A, "AWSIRSA_platform_ArgoCDMaster", { ...trust, Statement: [...trust.Statement, deny] }),
      );
    },
  },
  {
    name: "the target role trusts another principal (apply)",
    code: "XIRSA-ASSUME-TRUST-DENIED",
    chain: "prod/argocd",
    hop: "assume-role",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        putTrust(sb, C, "AWSIRSA_platform_ArgoCDAgentAccess", {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: role(A, "CDPipelineOperator") },
              Action: "sts:AssumeRole",
            },
          ],
        }),
      ),
  },
  {
    name: "the source role's permission policy deleted (apply)",
    code: "XIRSA-ASSUME-IDENTITY-DENIED",
    chain: "staging/cd-pipeline-operator",
    hop: "assume-role",
    fix: "apply",
    breakIt: (sb, ok) => {
      const names = json(
        sb.aws([
          "iam",
          "list-role-policies",
          "--role-name",
          "AWSIRSA_platform_CDPipelineOperator",
          ...profile(A),
        ]),
      ).PolicyNames as string[];
      for (const n of names)
        ok(
          sb.aws([
            "iam",
            "delete-role-policy",
            "--role-name",
            "AWSIRSA_platform_CDPipelineOperator",
            "--policy-name",
            n,
            ...profile(A),
          ]),
        );
    },
  },
  {
    name: "the target role deleted (apply)",
    code: "XIRSA-ROLE-MISSING",
    chain: "staging/cd-pipeline-operator",
    hop: "assume-role",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(sb.aws(["iam", "delete-role", "--role-name", "AWSIRSA_platform_CDPipelineAgent", ...profile(B)])),
  },
  {
    name: "the target role re-created by hand: stale access entry (raw: delete and create again)",
    code: "XIRSA-EKS-ENTRY-STALE",
    chain: "prod/cd-pipeline-operator",
    hop: "cluster-access",
    fix: "raw",
    breakIt: (sb, ok) => {
      const name = "AWSIRSA_platform_CDPipelineAgent";
      const got = json(sb.aws(["iam", "get-role", "--role-name", name, ...profile(C)])).Role as {
        AssumeRolePolicyDocument: unknown;
        Tags: { Key: string; Value: string }[];
      };
      const trust = trustOf(sb, C, name);
      ok(sb.aws(["iam", "delete-role", "--role-name", name, ...profile(C)]));
      ok(
        sb.aws([
          "iam",
          "create-role",
          "--role-name",
          name,
          "--assume-role-policy-document",
          JSON.stringify(trust),
          "--tags",
          ...got.Tags.map((t) => `Key=${t.Key},Value=${t.Value}`),
          ...profile(C),
        ]),
      );
    },
  },
  {
    name: "staging missing from available_clusters (raw: kubectl patch)",
    code: "XIRSA-REG-AVAILABLE-CLUSTERS",
    chain: "staging/cd-pipeline-operator",
    hop: "registration",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.kubectl("krci-main", [
          "patch",
          "configmap",
          "-n",
          "krci",
          "krci-config",
          "--type",
          "merge",
          "-p",
          '{"data":{"available_clusters":"in-cluster, prod"}}',
        ]),
      ),
  },
  {
    name: "staging's destination removed from the AppProject (raw: kubectl patch)",
    code: "XIRSA-REG-APPPROJECT",
    chain: "staging/argocd",
    hop: "registration",
    fix: "raw",
    breakIt: (sb, ok) => {
      const p = json(
        sb.kubectl("krci-main", ["get", "appproject", "-n", "argocd", "krci", "-o", "json"]),
      ) as {
        spec: { destinations: { server: string; namespace: string }[] };
      };
      const staging = JSON.parse(
        sb.aws([
          "eks",
          "describe-cluster",
          "--name",
          "workloads-staging",
          "--region",
          "eu-west-1",
          ...profile(B),
        ]).stdout,
      ).cluster.endpoint as string;
      const destinations = p.spec.destinations.filter((d) => d.server !== staging);
      ok(
        sb.kubectl("krci-main", [
          "patch",
          "appproject",
          "-n",
          "argocd",
          "krci",
          "--type",
          "merge",
          "-p",
          JSON.stringify({ spec: { destinations } }),
        ]),
      );
    },
  },
  {
    name: "a label taken off the KubeRocketCI cluster Secret (raw: kubectl label)",
    code: "XIRSA-REG-LABELS",
    chain: "staging/cd-pipeline-operator",
    hop: "registration",
    fix: "raw",
    breakIt: (sb, ok) =>
      ok(
        sb.kubectl("krci-main", [
          "label",
          "secret",
          "-n",
          "krci",
          "staging-cluster",
          "app.edp.epam.com/cluster-type-",
        ]),
      ),
  },
  {
    name: "a wrong awsAuthConfig.clusterName in the Argo CD cluster Secret (apply)",
    code: "XIRSA-REG-CLUSTER-NAME",
    chain: "prod/argocd",
    hop: "registration",
    fix: "apply",
    breakIt: (sb, ok) => {
      const config = secretConfig(sb, "argocd", "cluster-prod");
      const aws = config.awsAuthConfig as Record<string, unknown>;
      ok(
        patchSecretData(
          sb,
          "argocd",
          "cluster-prod",
          "config",
          JSON.stringify({ ...config, awsAuthConfig: { ...aws, clusterName: "workloads-staging" } }),
        ),
      );
    },
  },
  {
    name: "the source role as roleARN in the KubeRocketCI cluster Secret (apply)",
    code: "XIRSA-REG-ROLEARN-SOURCE",
    chain: "staging/cd-pipeline-operator",
    hop: "registration",
    fix: "apply",
    breakIt: (sb, ok) => {
      const config = secretConfig(sb, "krci", "staging-cluster");
      const aws = config.awsAuthConfig as Record<string, unknown>;
      ok(
        patchSecretData(
          sb,
          "krci",
          "staging-cluster",
          "config",
          JSON.stringify({ ...config, awsAuthConfig: { ...aws, roleARN: role(A, "CDPipelineOperator") } }),
        ),
      );
    },
  },
  {
    name: "the KubeRocketCI cluster Secret deleted (apply)",
    code: "XIRSA-REG-SECRET-MISSING",
    chain: "prod/cd-pipeline-operator",
    hop: "registration",
    fix: "apply",
    breakIt: (sb, ok) => ok(sb.kubectl("krci-main", ["delete", "secret", "-n", "krci", "prod-cluster"])),
  },
  {
    name: "the namespaces key dropped from a namespaced target's Argo CD Secret (apply)",
    code: "XIRSA-ARGOCD-NAMESPACED-CACHE",
    chain: "prod/argocd",
    hop: "registration",
    fix: "apply",
    breakIt: (sb, ok) => ok(patchSecretData(sb, "argocd", "cluster-prod", "namespaces", null)),
  },
];

function oidcProvider(sb: E2ESandbox): string {
  const list = json(sb.aws(["iam", "list-open-id-connect-providers", ...profile(A)]))
    .OpenIDConnectProviderList as { Arn: string }[];
  return list[0]!.Arn;
}

/** Polls `done` (pods are re-created by the sandbox's controllers in the background). */
export function waitFor(done: () => boolean, tries = 100): void {
  for (let i = 0; i < tries; i++) {
    if (done()) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error("timed out waiting");
}
