/**
 * Every finding code and how the fix test covers its printed fix (issue 16 §3). Typed over FindingCode: a new
 * code does not compile until it says how its fix is proven, or why no printed command can be.
 * - `live`: fault cases (by name) in fixCases.ts / fixCasesTrust.ts; the printed fix is run on a sandbox and
 *   the chain is proven afterwards (fixesApplied*.test.ts);
 * - `none`: no printed command can be proven here, and why.
 */
import type { FindingCode } from "../../src/verify/catalogue.js";

export type Coverage = { by: "live" } | { by: "none"; why: string };

const LIVE: Coverage = { by: "live" };
const none = (why: string): Coverage => ({ by: "none", why });

export const FIX_COVERAGE: Record<FindingCode, Coverage> = {
  "XIRSA-SA-MISSING": LIVE,
  "XIRSA-SA-NOT-ANNOTATED": LIVE,
  "XIRSA-SA-WRONG-ROLE": LIVE,
  "XIRSA-SA-NOT-RESTARTED": LIVE,
  "XIRSA-SA-WEBHOOK": none("the EKS Pod Identity webhook is not emulated: pods get no injected token env"),
  "XIRSA-STS-GLOBAL-ENDPOINT": LIVE,
  "XIRSA-SOURCE-ISSUER-UNKNOWN": none(
    "raised only offline, when the config names no issuer: the fix edits xirsa.yaml",
  ),
  "XIRSA-OIDC-PROVIDER-MISSING": LIVE,
  "XIRSA-OIDC-CLIENT-ID": LIVE,
  "XIRSA-ROLE-MISSING": LIVE,
  "XIRSA-IAM-POLICY-INVALID": none(
    "IAM (and the sandbox) refuse a malformed document: it exists only in a bundle",
  ),
  "XIRSA-WEBID-DENIED": LIVE,
  "XIRSA-TRUST-DENY-UNSETTLED": LIVE,
  "XIRSA-TRUST-WRONG-PROVIDER": LIVE,
  "XIRSA-TRUST-ISSUER-TYPO": LIVE,
  "XIRSA-TRUST-HTTPS-KEY": LIVE,
  "XIRSA-TRUST-ISSUER-MISMATCH": LIVE,
  "XIRSA-TRUST-WILDCARD-EQUALS": LIVE,
  "XIRSA-TRUST-LIKE-NO-WILDCARD": none(
    "info on the seed's own StringLike (seedCompat: true): nothing to fix",
  ),
  "XIRSA-TRUST-SUB-MISMATCH": LIVE,
  "XIRSA-TRUST-NO-AUD": LIVE,
  "XIRSA-TRUST-NO-SUB": LIVE,
  "XIRSA-TRUST-SUB-WILDCARD": LIVE,
  "XIRSA-TRUST-AUD-VALUE": LIVE,
  "XIRSA-TRUST-BROAD-PRINCIPAL": none(
    "which principals to trust is the user's decision; the text names the statement",
  ),
  "XIRSA-TRUST-PRINCIPAL-NO-ROLE": none(
    "IAM refuses the principal (invalid principal): it exists only in a bundle",
  ),
  "XIRSA-ASSUME-IDENTITY-DENIED": LIVE,
  "XIRSA-ASSUME-TRUST-DENIED": LIVE,
  "XIRSA-ASSUME-BOUNDARY-DENIED": none(
    "the boundary is the organisation's policy: xirsa names it, the owner widens it",
  ),
  "XIRSA-IAM-ATTACHED-UNKNOWN": none("warning about documents the State lacks: read access is the fix"),
  "XIRSA-IAM-ASSUME-ANY": none("warning on a hand-written policy: narrowing it is the user's decision"),
  "XIRSA-STS-CHAIN-DURATION": none("info: a property of role chaining, nothing to fix"),
  "XIRSA-CLUSTER-MISSING": none(
    "the target cluster itself is absent: creating a cluster is out of xirsa's scope",
  ),
  "XIRSA-EKS-NO-ACCESS-ENTRY": LIVE,
  "XIRSA-EKS-ENTRY-STALE": LIVE,
  "XIRSA-EKS-ENTRY-TYPE": none(
    "an entry's type cannot be changed; the fix deletes it, which the entry's owner decides",
  ),
  "XIRSA-EKS-TOKEN-EXPIRED": none(
    "raised by probe for a stale token: the fix is a new token, nothing in the stack",
  ),
  "XIRSA-K8S-PERMISSION-MISSING": LIVE,
  "XIRSA-K8S-RBAC-ESCALATION": none(
    "a config choice (admin RoleBinding without the right to grant it): the fix edits xirsa.yaml",
  ),
  "XIRSA-K8S-SYSTEM-GROUP-BINDING": none(
    "the binding is someone's: xirsa names it, deleting it is their decision",
  ),
  "XIRSA-K8S-NS-CREATE": none("info: namespace creation cannot be limited by name in RBAC"),
  "XIRSA-EKS-NO-CUSTOM-RESOURCES": none(
    "warning on a config choice (access: namespaced with custom resources)",
  ),
  "XIRSA-K8S-EXTRA-RESOURCE-DENIED": none("a config choice: the fix lists the resource in xirsa.yaml"),
  "XIRSA-EKS-CLUSTER-ADMIN": none(
    "warning on a config choice (access: cluster-admin): the fix edits xirsa.yaml",
  ),
  "XIRSA-CAPSULE-NOT-USER": LIVE,
  "XIRSA-CAPSULE-NO-TENANT": LIVE,
  "XIRSA-CAPSULE-SEVERAL-TENANTS": none("which tenant the agent keeps is the Capsule admin's decision"),
  "XIRSA-REG-SECRET-MISSING": LIVE,
  "XIRSA-REG-KRCI-NAME": none(
    "a Secret under a wrong name is someone's object: xirsa creates its own, the other stays",
  ),
  "XIRSA-REG-LABELS": LIVE,
  "XIRSA-REG-DATA-NOT-BASE64": none(
    "the API server refuses non-base64 Secret data: it exists only in a bundle",
  ),
  "XIRSA-REG-CONFIG-INVALID": LIVE,
  "XIRSA-REG-SERVER": LIVE,
  "XIRSA-REG-CLUSTER-NAME": LIVE,
  "XIRSA-REG-ROLEARN-SOURCE": LIVE,
  "XIRSA-REG-ROLEARN": LIVE,
  "XIRSA-REG-NAME": none("warning: the name key is a display name the user may have chosen"),
  "XIRSA-REG-TLS": none("warning: TLS off in a Secret the user may have chosen; xirsa renders it on"),
  "XIRSA-REG-APPPROJECT": LIVE,
  "XIRSA-REG-AVAILABLE-CLUSTERS": LIVE,
  "XIRSA-ARGOCD-NAMESPACED-CACHE": LIVE,
  "XIRSA-ARGOCD-NAMESPACES-SCOPE": none(
    "a namespace outside the pattern is the user's: widen the pattern or remove it",
  ),
  "XIRSA-ARGOCD-NAMESPACES-EMPTY": none("warning until the first environment exists: env create is the fix"),
  "XIRSA-GITOPS-MANAGED": none(
    "the fix is in the GitOps source (values, templates), which is not on this machine",
  ),
  "XIRSA-REG-OPERATOR-ERROR": none("the text is the operator's own; the fix is whatever it names"),
};
