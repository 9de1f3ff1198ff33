/**
 * More fault cases for the fix test (issue 16 §3): the trust-policy and registration faults a person makes by
 * hand in an xirsa-owned stack. Each one's first printed fix is `xirsa apply --config … --target …`, which puts
 * the owned document back; fixesAppliedTrust.test.ts runs them on a sandbox of their own.
 */
import type { E2ESandbox } from "../live/sandbox.js";
import { A, type LiveCase, patchSecretData, putTrust, role, secretConfig, trustOf } from "./fixCases.js";

type Statement = Record<string, unknown> & { Condition?: Record<string, Record<string, unknown>> };

/** Rewrites the first statement of a source role's trust policy in place. */
function editSourceTrust(sb: E2ESandbox, name: string, edit: (s: Statement) => void) {
  const doc = trustOf(sb, A, name) as { Statement: Statement[] };
  edit(doc.Statement[0]!);
  return putTrust(sb, A, name, doc);
}

/** The StringEquals block of a web-identity statement and its `<issuer>:` key prefix. */
function equalsOf(s: Statement): { eq: Record<string, unknown>; issuer: string } {
  const eq = s.Condition!.StringEquals!;
  const key = Object.keys(eq).find((k) => k.endsWith(":sub"))!;
  return { eq, issuer: key.slice(0, -":sub".length) };
}

const ARGOCD_MASTER = "AWSIRSA_platform_ArgoCDMaster";
const OPERATOR = "AWSIRSA_platform_CDPipelineOperator";

/** Edits the JSON of the `config` key of a cluster Secret in krci-main. */
function editClusterConfig(
  sb: E2ESandbox,
  ns: string,
  name: string,
  edit: (c: Record<string, Record<string, unknown>>) => void,
) {
  const config = secretConfig(sb, ns, name) as Record<string, Record<string, unknown>>;
  edit(config);
  return patchSecretData(sb, ns, name, "config", JSON.stringify(config));
}

export const TRUST_CASES: readonly LiveCase[] = [
  {
    name: "the aud condition removed from the Argo CD trust (apply)",
    code: "XIRSA-TRUST-NO-AUD",
    chain: "prod/argocd",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, ARGOCD_MASTER, (s) => {
          const { eq, issuer } = equalsOf(s);
          delete eq[`${issuer}:aud`];
        }),
      ),
  },
  {
    name: "the sub condition removed from the operator's trust (apply)",
    code: "XIRSA-TRUST-NO-SUB",
    chain: "prod/cd-pipeline-operator",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, OPERATOR, (s) => {
          const { eq, issuer } = equalsOf(s);
          delete eq[`${issuer}:sub`];
        }),
      ),
  },
  {
    name: "sub widened to every service account of the cluster (apply)",
    code: "XIRSA-TRUST-SUB-WILDCARD",
    chain: "prod/cd-pipeline-operator",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, OPERATOR, (s) => {
          const { eq, issuer } = equalsOf(s);
          delete eq[`${issuer}:sub`];
          s.Condition!.StringLike = { [`${issuer}:sub`]: "system:serviceaccount:*" };
        }),
      ),
  },
  {
    name: "aud set to another audience (apply)",
    code: "XIRSA-TRUST-AUD-VALUE",
    chain: "prod/argocd",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, ARGOCD_MASTER, (s) => {
          const { eq, issuer } = equalsOf(s);
          eq[`${issuer}:aud`] = "sts.amazonaws.com.cn";
        }),
      ),
  },
  {
    name: "a wildcard inside StringEquals (apply)",
    code: "XIRSA-TRUST-WILDCARD-EQUALS",
    chain: "prod/cd-pipeline-operator",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, OPERATOR, (s) => {
          const { eq, issuer } = equalsOf(s);
          eq[`${issuer}:sub`] = "system:serviceaccount:krci:*";
        }),
      ),
  },
  {
    name: "https:// in the condition keys (apply)",
    code: "XIRSA-TRUST-HTTPS-KEY",
    chain: "prod/argocd",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, ARGOCD_MASTER, (s) => {
          const { eq } = equalsOf(s);
          s.Condition!.StringEquals = Object.fromEntries(
            Object.entries(eq).map(([k, v]) => [`https://${k}`, v]),
          );
        }),
      ),
  },
  {
    name: "the oidc.<region>.eks typo in the condition keys (apply)",
    code: "XIRSA-TRUST-ISSUER-TYPO",
    chain: "prod/argocd",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, ARGOCD_MASTER, (s) => {
          const { eq } = equalsOf(s);
          s.Condition!.StringEquals = Object.fromEntries(
            Object.entries(eq).map(([k, v]) => [k.replace(/^oidc\.eks\.([a-z0-9-]+)\./, "oidc.$1.eks."), v]),
          );
        }),
      ),
  },
  {
    name: "condition keys of another issuer than the Principal's (apply)",
    code: "XIRSA-TRUST-ISSUER-MISMATCH",
    chain: "prod/cd-pipeline-operator",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, OPERATOR, (s) => {
          const { eq, issuer } = equalsOf(s);
          const other = issuer.replace(/\/id\/[0-9A-F]+$/, "/id/00000000000000000000000000000000");
          s.Condition!.StringEquals = Object.fromEntries(
            Object.entries(eq).map(([k, v]) => [k.replace(issuer, other), v]),
          );
        }),
      ),
  },
  {
    name: "the trust names another account's OIDC provider (apply)",
    code: "XIRSA-TRUST-WRONG-PROVIDER",
    chain: "prod/argocd",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, ARGOCD_MASTER, (s) => {
          const p = s.Principal as { Federated: string };
          p.Federated = p.Federated.replace(`::${A}:`, "::999999999999:");
        }),
      ),
  },
  {
    name: "the web-identity statement turned into a Deny (apply)",
    code: "XIRSA-WEBID-DENIED",
    chain: "prod/cd-pipeline-operator",
    hop: "web-identity",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editSourceTrust(sb, OPERATOR, (s) => {
          s.Effect = "Deny";
        }),
      ),
  },
  {
    name: "the Argo CD cluster Secret points at another server (apply)",
    code: "XIRSA-REG-SERVER",
    chain: "prod/argocd",
    hop: "registration",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(patchSecretData(sb, "argocd", "cluster-prod", "server", "https://example.invalid")),
  },
  {
    name: "roleARN of the operator's cluster Secret names another target's agent role (apply)",
    code: "XIRSA-REG-ROLEARN",
    chain: "prod/cd-pipeline-operator",
    hop: "registration",
    fix: "apply",
    breakIt: (sb, ok) =>
      ok(
        editClusterConfig(sb, "krci", "prod-cluster", (c) => {
          c.awsAuthConfig!.roleARN = role("222222222222", "CDPipelineAgent");
        }),
      ),
  },
  {
    name: "the config of the Argo CD cluster Secret is not JSON (apply)",
    code: "XIRSA-REG-CONFIG-INVALID",
    chain: "prod/argocd",
    hop: "registration",
    fix: "apply",
    breakIt: (sb, ok) => ok(patchSecretData(sb, "argocd", "cluster-prod", "config", "{not json")),
  },
];
