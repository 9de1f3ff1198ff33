// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are bash, where ${...} is bash syntax
/**
 * The `scripts/` part: the seed's console and kubectl procedure as numbered bash scripts (AWS in the source
 * account, AWS in each target account, the target clusters, then the source cluster with the restarts). They
 * read the reviewed documents from the bundle (aws/, kubernetes/), check they talk to the right account, and
 * are safe to re-run: they create what is missing and update what exists.
 */
import type { Config } from "../config/index.js";
import { isPlatformConfigMap, partitionOf, ROLE_ARN_ANNOTATION } from "../names/index.js";
import {
  type AccessEntry,
  clusterKey,
  type EksCluster,
  type KubeObject,
  type State,
} from "../state/index.js";
import { concernOf } from "./kubernetes.js";
import { type Part, PERMISSIONS_POLICY_FILE, roleDir, TRUST_POLICY_FILE } from "./layout.js";

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A shell word for `s`: bare when it has no special characters, else single-quoted. */
export function sh(s: string): string {
  return SAFE.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

// Line breaks, other control characters and bidi overrides: a value in a `#` comment must stay on its line
// and read as what it is.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text for a `#` comment: one line whatever the values in it hold. */
export function commentText(s: string): string {
  return s.replace(UNPRINTABLE, "?");
}

/**
 * `NAME` from the environment if set (even empty), else `value`. The default is a quoted word of its own: in
 * `"${NAME-value}"` bash would expand `$(...)` and backticks inside value.
 */
function defaultVar(name: string, value: string): string {
  return `[[ -n "\${${name}+set}" ]] || ${name}=${value === "" ? "''" : sh(value)}`;
}

/** `echo` of a fixed message (no expansion of what it quotes). */
function say(message: string): string {
  return `printf '%s\\n' ${sh(message)}`;
}

const BUNDLE_LINE = 'BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"';

const NEED_FILE = [
  "# The path of a bundle file, refusing to go on without it.",
  "bundle_file() {",
  '  if [[ ! -f "$BUNDLE/$1" ]]; then',
  '    echo "$BUNDLE/$1 is missing: render the whole bundle (xirsa render without --only)" >&2',
  "    exit 2",
  "  fi",
  "  printf '%s' \"$BUNDLE/$1\"",
  "}",
];

// The list read from the cluster goes into a JSON patch: escaped as a JSON string (RFC 8259 section 7), so
// whatever the cluster holds stays one string value.
const JSON_STRING = [
  "json_string() {",
  '  local s="$1" out="" c',
  '  s="${s//\\\\/\\\\\\\\}"',
  '  s="${s//\\"/\\\\\\"}"',
  "  while [[ $s =~ ^([^[:cntrl:]]*)([[:cntrl:]])(.*)$ ]]; do",
  "    printf -v c '\\\\u%04x' \"'${BASH_REMATCH[2]}\"",
  '    out+="${BASH_REMATCH[1]}$c"',
  '    s="${BASH_REMATCH[3]}"',
  "  done",
  '  printf \'"%s"\' "$out$s"',
  "}",
];

interface Script {
  name: string;
  lines: (step: number, total: number) => string[];
}

function header(config: Config, step: number, total: number, what: string, more: string[]): string[] {
  return [
    "#!/usr/bin/env bash",
    `# ${commentText(`xirsa (stack ${config.name}), step ${step} of ${total}: ${what}.`)}`,
    ...more.map((l) => `# ${commentText(l)}`),
    "set -euo pipefail",
    "",
  ];
}

function awsScript(config: Config, state: State, accountId: string): Script {
  const isSource = accountId === config.source.accountId;
  const targets = config.targets.filter((t) => t.accountId === accountId);
  const region = isSource ? config.source.region : targets[0]!.region;
  const profile = isSource ? config.source.profile : targets.find((t) => t.profile)?.profile;
  const roles = state.roles.filter((r) => r.accountId === accountId);
  const providers = state.oidcProviders.filter((p) => p.accountId === accountId);
  const clusters = state.clusters.filter((c) => c.accountId === accountId && c.accessEntries.length);
  const targetOf = new Map(
    config.targets.map((t) => [clusterKey({ accountId: t.accountId, region: t.region, name: t.cluster }), t]),
  );
  return {
    name: `aws-${accountId}`,
    lines: (step, total) => {
      const out = header(
        config,
        step,
        total,
        `AWS in account ${accountId}${isSource ? ` (source: cluster ${config.source.cluster})` : " (target)"}`,
        [
          "The aws CLI steps of the seed's console procedure. Safe to re-run: creates what is missing and",
          `updates trust and inline policies from ../aws/${accountId}/ (edit those, not this script).`,
        ],
      );
      out.push(
        `# ${commentText(`AWS profile of account ${accountId} (empty: the default credential chain); override: PROFILE=<name> $0`)}`,
        defaultVar("PROFILE", profile ?? ""),
        defaultVar("REGION", region),
        BUNDLE_LINE,
        "",
        "# aws with the profile, in the region given first.",
        "aws_() {",
        '  local region="$1"',
        "  shift",
        '  if [[ -n "$PROFILE" ]]; then aws --profile "$PROFILE" --region "$region" "$@"; else aws --region "$region" "$@"; fi',
        "}",
        "",
        ...NEED_FILE,
        "",
        'account="$(aws_ "$REGION" sts get-caller-identity --query Account --output text)"',
        `if [[ "$account" != ${sh(accountId)} ]]; then`,
        `  printf 'these credentials are for account %s, not %s: set PROFILE\\n' "$account" ${sh(accountId)} >&2`,
        "  exit 1",
        "fi",
        "",
      );
      for (const p of providers) {
        out.push(
          "# The IAM OIDC provider of the source cluster's issuer (needed by the web-identity hop).",
          `if aws_ "$REGION" iam get-open-id-connect-provider --open-id-connect-provider-arn ${sh(p.arn)} >/dev/null 2>&1; then`,
          ...p.clientIds.map(
            (c) =>
              `  aws_ "$REGION" iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${sh(p.arn)} --client-id ${sh(c)}`,
          ),
          "else",
          `  aws_ "$REGION" iam create-open-id-connect-provider --url ${sh(p.url)} --client-id-list ${p.clientIds.map(sh).join(" ")} >/dev/null`,
          `  ${say(`created the IAM OIDC provider for ${p.url}`)}`,
          "fi",
          "",
        );
      }
      if (roles.length) {
        out.push(
          "# A role with its trust policy and tags: created, or updated in place.",
          "ensure_role() { # name path trust-policy-file tags-json [permissions-boundary]",
          '  local name="$1" path="$2" trust="$3" tags="$4" boundary="${5-}"',
          '  if aws_ "$REGION" iam get-role --role-name "$name" >/dev/null 2>&1; then',
          '    aws_ "$REGION" iam update-assume-role-policy --role-name "$name" --policy-document "file://$trust"',
          '    aws_ "$REGION" iam tag-role --role-name "$name" --tags "$tags"',
          "  else",
          '    local args=(--role-name "$name" --path "$path" --assume-role-policy-document "file://$trust" --tags "$tags")',
          '    if [[ -n "$boundary" ]]; then args+=(--permissions-boundary "$boundary"); fi',
          '    aws_ "$REGION" iam create-role "${args[@]}" >/dev/null',
          '    echo "created role $name"',
          "  fi",
          "}",
          "",
        );
      }
      for (const r of roles) {
        const dir = roleDir(r.accountId, r.name);
        const tags = JSON.stringify(
          Object.keys(r.tags)
            .sort()
            .map((k) => ({ Key: k, Value: r.tags[k] })),
        );
        out.push(
          `# ${commentText(r.name)}`,
          `trust="$(bundle_file ${sh(`${dir}/${TRUST_POLICY_FILE}`)})"`,
          `ensure_role ${sh(r.name)} ${sh(r.path)} "$trust" ${sh(tags)}${r.permissionsBoundary ? ` ${sh(r.permissionsBoundary)}` : ""}`,
        );
        for (const name of Object.keys(r.inlinePolicies).sort()) {
          out.push(
            `permissions="$(bundle_file ${sh(`${dir}/${PERMISSIONS_POLICY_FILE}`)})"`,
            `aws_ "$REGION" iam put-role-policy --role-name ${sh(r.name)} --policy-name ${sh(name)} --policy-document "file://$permissions"`,
          );
        }
        out.push("");
      }
      if (clusters.length) {
        out.push(
          "# An EKS access entry: created, or its Kubernetes groups updated.",
          "ensure_access_entry() { # region cluster principal-arn type [kubernetes-group...]",
          '  local region="$1" cluster="$2" principal="$3" type="$4"',
          "  shift 4",
          '  if aws_ "$region" eks describe-access-entry --cluster-name "$cluster" --principal-arn "$principal" >/dev/null 2>&1; then',
          "    if [[ $# -gt 0 ]]; then",
          '      aws_ "$region" eks update-access-entry --cluster-name "$cluster" --principal-arn "$principal" --kubernetes-groups "$@" >/dev/null',
          "    fi",
          "  elif [[ $# -gt 0 ]]; then",
          '    create_access_entry "$region" --cluster-name "$cluster" --principal-arn "$principal" --type "$type" --kubernetes-groups "$@"',
          "  else",
          '    create_access_entry "$region" --cluster-name "$cluster" --principal-arn "$principal" --type "$type"',
          "  fi",
          "}",
          "",
          '# IAM is eventually consistent: EKS refuses a role created a moment ago with "invalid principal".',
          "# Retried with the bounds xirsa apply uses (12 attempts, backoff up to 5 s); any other error stops.",
          "create_access_entry() { # region create-access-entry-arguments...",
          '  local region="$1" attempt err',
          "  shift",
          "  for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do",
          '    if err="$(aws_ "$region" eks create-access-entry "$@" 2>&1 >/dev/null)"; then return 0; fi',
          '    if [[ "$err" != *"invalid principal"* || $attempt -eq 12 ]]; then',
          "      printf '%s\\n' \"$err\" >&2",
          "      return 1",
          "    fi",
          "    local wait=$((attempt < 4 ? 1 << (attempt - 1) : 5))",
          "    printf 'EKS does not see the role yet (IAM propagation), retrying in %ss\\n' \"$wait\" >&2",
          '    sleep "$wait"',
          "  done",
          "}",
          "",
        );
      }
      for (const c of clusters) {
        const t = targetOf.get(clusterKey(c));
        out.push(
          `# ${commentText(`Access to cluster ${c.name} (${c.region})${t ? ` for target ${t.name}` : ""}.`)}`,
        );
        for (const e of c.accessEntries) out.push(...accessEntryLines(c, e));
        out.push("");
      }
      out.push(say(`account ${accountId}: done`));
      return out;
    },
  };
}

function accessEntryLines(c: EksCluster, e: AccessEntry): string[] {
  const base = `--cluster-name ${sh(c.name)} --principal-arn ${sh(e.principalArn)}`;
  const groups = e.kubernetesGroups.map((g) => ` ${sh(g)}`).join("");
  const lines = [
    `ensure_access_entry ${sh(c.region)} ${sh(c.name)} ${sh(e.principalArn)} ${sh(e.type)}${groups}`,
  ];
  for (const p of e.accessPolicies) {
    const scope = JSON.stringify(p.accessScope);
    lines.push(
      `aws_ ${sh(c.region)} eks associate-access-policy ${base} --policy-arn ${sh(p.policyArn)} --access-scope ${sh(scope)} >/dev/null`,
    );
  }
  if (e.accessPolicies.length === 0) {
    lines.push(
      `# ${commentText(`${e.principalArn}: no access policy (its Kubernetes groups grant access).`)}`,
    );
  }
  return lines;
}

/**
 * Restarts what runs as a service account, as xirsa apply does (src/live/controllers.ts): pods found by the
 * field selector spec.serviceAccountName (kubernetes.io docs, "Field Selectors": a Pod field), not by a label
 * a nameOverride changes; their controller through ownerReferences
 * (Deployment via ReplicaSet, StatefulSet — Argo CD's application controller is one in install.yaml and
 * argo-helm —, DaemonSet); `kubectl rollout restart`, then `rollout status`. Stops when no pod uses the account
 * or a pod has no controller: the role would silently not reach it.
 */
const RESTART_USERS_OF = [
  "restart_users_of() { # namespace serviceaccount",
  '  local ns="$1" sa="$2" pods line kind name owner refs=()',
  '  pods="$(kubectl get pods -n "$ns" --context "$CONTEXT" --field-selector "spec.serviceAccountName=$sa" -o jsonpath=\'{range .items[*]}{.metadata.ownerReferences[?(@.controller==true)].kind}{"|"}{.metadata.ownerReferences[?(@.controller==true)].name}{"\\n"}{end}\')"',
  "  while IFS= read -r line; do",
  '    [[ -n "$line" ]] || continue # no pods: an empty answer; a pod without owner is the line "|"',
  '    kind="${line%%|*}" name="${line#*|}"',
  '    case "$kind" in',
  "      ReplicaSet)",
  '        owner="$(kubectl get replicaset "$name" -n "$ns" --context "$CONTEXT" -o jsonpath=\'{.metadata.ownerReferences[?(@.controller==true)].kind}/{.metadata.ownerReferences[?(@.controller==true)].name}\')"',
  '        [[ "$owner" == Deployment/?* ]] || { printf \'replicaset %s/%s (pods of %s) has no Deployment: restart it by hand\\n\' "$ns" "$name" "$sa" >&2; exit 1; }',
  '        owner="deployment/${owner#Deployment/}" ;;',
  '      StatefulSet) owner="statefulset/$name" ;;',
  '      DaemonSet) owner="daemonset/$name" ;;',
  "      *)",
  '        printf \'a pod of service account %s/%s has no Deployment, StatefulSet or DaemonSet (%s): delete it by hand once it can be re-created\\n\' "$ns" "$sa" "${kind:-no controller}" >&2',
  "        exit 1 ;;",
  "    esac",
  '    [[ " ${refs[*]-} " == *" $owner "* ]] || refs+=("$owner")',
  '  done <<<"$pods"',
  "  if [[ ${#refs[@]} -eq 0 ]]; then",
  '    printf \'no pod in namespace %s runs as service account %s: nothing would pick up the role (check source.argocd.serviceAccounts)\\n\' "$ns" "$sa" >&2',
  "    exit 1",
  "  fi",
  '  for owner in "${refs[@]}"; do',
  '    kubectl rollout restart "$owner" -n "$ns" --context "$CONTEXT"',
  '    kubectl rollout status "$owner" -n "$ns" --context "$CONTEXT" --timeout=300s',
  "  done",
  "}",
];

function contextLines(c: EksCluster, context: string | undefined): string[] {
  const fallback = context ?? `arn:${partitionOf(c.region)}:eks:${c.region}:${c.accountId}:cluster/${c.name}`;
  return [
    `# ${commentText(`kubeconfig context of ${c.name}; the default is ${context ? "from xirsa.yaml" : "the name aws eks update-kubeconfig gives it"}. Override: CONTEXT=<name> $0`)}`,
    defaultVar("CONTEXT", fallback),
    BUNDLE_LINE,
    "",
    ...NEED_FILE,
    "",
  ];
}

function targetKubeScript(config: Config, c: EksCluster, dir: string, context: string | undefined): Script {
  return {
    name: `kubernetes-${dir}`,
    lines: (step, total) => {
      const out = header(config, step, total, `cluster ${c.name} (account ${c.accountId}, ${c.region})`, [
        `Applies the manifests of ../kubernetes/${dir}/ (edit those, not this script).`,
      ]);
      out.push(...contextLines(c, context));
      const files = [...new Set(c.objects.map(concernOf))];
      for (const f of files) {
        out.push(
          `manifest="$(bundle_file ${sh(`kubernetes/${dir}/${f}`)})"`,
          'kubectl apply -f "$manifest" --context "$CONTEXT"',
        );
      }
      out.push("", say(`cluster ${c.name}: done`));
      return out;
    },
  };
}

function sourceKubeScript(config: Config, c: EksCluster, dir: string): Script {
  const { krci, argocd } = config.source;
  const find = (kind: string, name: string, ns?: string): KubeObject | undefined =>
    c.objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);
  return {
    name: `kubernetes-${dir}`,
    lines: (step, total) => {
      const out = header(
        config,
        step,
        total,
        `source cluster ${c.name} (account ${c.accountId}, ${c.region})`,
        [
          "Annotates the service accounts and re-creates their pods, adds the targets to the AppProject, registers",
          "the target clusters and lists them in krci-config (edp-config). Run it after the AWS steps. Safe to re-run.",
        ],
      );
      out.push(...contextLines(c, config.source.kubeContext));
      const annotate = (ns: string, name: string): string | undefined => {
        const arn = find("ServiceAccount", name, ns)?.metadata.annotations?.[ROLE_ARN_ANNOTATION];
        return arn
          ? `kubectl annotate serviceaccount ${sh(name)} -n ${sh(ns)} --overwrite ${sh(`${ROLE_ARN_ANNOTATION}=${arn}`)} --context "$CONTEXT"`
          : undefined;
      };
      const op = annotate(krci.namespace, krci.serviceAccount);
      if (op) {
        out.push(
          "# CD pipeline operator: annotate, then restart (only pods created after the annotation get the role).",
          op,
          `kubectl rollout restart deployment ${sh(krci.deployment)} -n ${sh(krci.namespace)} --context "$CONTEXT"`,
          "",
        );
      }
      const argo = argocd.serviceAccounts.map((sa) => [sa, annotate(argocd.namespace, sa)] as const);
      if (argo.some(([, l]) => l)) {
        out.push(
          "# Argo CD: annotate, then restart the controllers of the pods that run as each service account.",
          ...RESTART_USERS_OF,
        );
        for (const [, l] of argo) if (l) out.push(l);
        for (const [sa, l] of argo) {
          if (l) out.push(`restart_users_of ${sh(argocd.namespace)} ${sh(sa)}`);
        }
        out.push("");
      }
      const project = find("AppProject", argocd.project, argocd.namespace);
      const destinations = (project?.spec as { destinations?: { namespace: string; server: string }[] })
        ?.destinations;
      if (project && destinations) {
        const p = `appproject ${sh(argocd.project)} -n ${sh(argocd.namespace)} --context "$CONTEXT"`;
        out.push(
          `# ${commentText(`Argo CD AppProject ${argocd.project}: a destination per target (kept: the destinations it already has).`)}`,
          `manifest="$(bundle_file ${sh(`kubernetes/${dir}/appproject.yaml`)})"`,
          `if ! kubectl get ${p} >/dev/null 2>&1; then`,
          '  kubectl apply -f "$manifest" --context "$CONTEXT"',
          "fi",
          "# The JSON of the patches is rendered by xirsa (a JSON encoder), never pasted together from values here.",
          "# Whether the destination is there: an exact comparison per line (grep would read patterns).",
          "has_destination() { # have namespace server",
          "  local line",
          '  while IFS= read -r line; do [[ "$line" == "$2 $3" ]] && return 0; done <<<"$1"',
          "  return 1",
          "}",
          "add_destination() { # namespace server merge-patch json-patch",
          "  local have",
          `  have="$(kubectl get ${p} -o jsonpath='{range .spec.destinations[*]}{.namespace}{" "}{.server}{"\\n"}{end}')"`,
          '  if [[ -z "$have" ]]; then',
          `    kubectl patch ${p} --type merge -p "$3"`,
          '  elif ! has_destination "$have" "$1" "$2"; then',
          `    kubectl patch ${p} --type json -p "$4"`,
          "  fi",
          "}",
          ...destinations.map((d) => {
            const value = { namespace: d.namespace, server: d.server };
            const merge = JSON.stringify({ spec: { destinations: [value] } });
            const add = JSON.stringify([{ op: "add", path: "/spec/destinations/-", value }]);
            return `add_destination ${sh(d.namespace)} ${sh(d.server)} ${sh(merge)} ${sh(add)}`;
          }),
          "",
        );
      }
      if (c.objects.some((o) => o.kind === "Secret")) {
        out.push(
          "# Cluster registration Secrets for Argo CD and KubeRocketCI (no credentials: they name the agent roles).",
          `manifest="$(bundle_file ${sh(`kubernetes/${dir}/cluster-secrets.yaml`)})"`,
          'kubectl apply -f "$manifest" --context "$CONTEXT"',
          "",
        );
      }
      const edp = c.objects.find((o) => isPlatformConfigMap(o) && o.metadata.namespace === krci.namespace);
      const listed = (edp?.data as Record<string, string> | undefined)?.available_clusters;
      if (edp && listed !== undefined) {
        const names = listed
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        const cm = `configmap "$platform_cm" -n ${sh(krci.namespace)} --context "$CONTEXT"`;
        out.push(
          `# KubeRocketCI: list the targets in ${edp.metadata.name} available_clusters (kept: the clusters already listed).`,
          `platform_cm=${sh(edp.metadata.name)}`,
          // Not configured: use the one the installation has, as the operator does (krci-config, else edp-config).
          ...(config.source.krci.configMap
            ? []
            : [
                `if ! kubectl get configmap krci-config -n ${sh(krci.namespace)} --context "$CONTEXT" >/dev/null 2>&1; then platform_cm=edp-config; fi`,
              ]),
          `clusters="$(kubectl get ${cm} -o jsonpath='{.data.available_clusters}')"`,
          `for name in ${names.map(sh).join(" ")}; do`,
          '  case ", $clusters, " in',
          '    *", $name, "*) ;;',
          '    *) clusters="${clusters:+$clusters, }$name" ;;',
          "  esac",
          "done",
          ...JSON_STRING,
          `kubectl patch ${cm} --type merge -p "{\\"data\\":{\\"available_clusters\\":$(json_string "$clusters")}}"`,
          "",
        );
      }
      out.push(say(`cluster ${c.name}: done`));
      return out;
    },
  };
}

export function renderScripts(
  config: Config,
  state: State,
  accounts: string[],
  clusterDir: (c: EksCluster) => string,
): Map<string, string> {
  const scripts: Script[] = accounts.map((a) => awsScript(config, state, a));
  const [source, ...targets] = state.clusters;
  const contextOf = new Map(
    config.targets.map((t) => [
      clusterKey({ accountId: t.accountId, region: t.region, name: t.cluster }),
      t.kubeContext,
    ]),
  );
  for (const c of targets) {
    if (c.objects.length)
      scripts.push(targetKubeScript(config, c, clusterDir(c), contextOf.get(clusterKey(c))));
  }
  if (source) scripts.push(sourceKubeScript(config, source, clusterDir(source)));
  const files = new Map<string, string>();
  scripts.forEach((s, i) => {
    const n = String(i + 1).padStart(2, "0");
    files.set(`scripts/${n}-${s.name}.sh`, `${s.lines(i + 1, scripts.length).join("\n")}\n`);
  });
  return files;
}

export const SCRIPTS_NEED: Part[] = ["aws", "kubernetes"];
