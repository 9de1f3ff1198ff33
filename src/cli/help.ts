/**
 * The help every command and subcommand shares: examples, the global flags, exit codes. The flags of a command
 * are in its own usage text; what is the same everywhere is said here once.
 */

export const GLOBAL_FLAGS = `Global flags (before or after the command):
  --config FILE   the xirsa.yaml (default: $XIRSA_CONFIG, else ./xirsa.yaml)
  -o, --output F  the output format of the command (table|json|sarif|html as it offers them; text = table)
  -y, --yes       do not ask for confirmation (--auto-approve is the same)
  --no-color      no colours (also when NO_COLOR is set, or stdout is not a terminal)
  --debug         add the stack to an error
  -h, --help      this help; xirsa <command> --help for a command's
  --version       xirsa's version (also: xirsa version)`;

export const EXIT_CODES =
  "Exit codes: 0 success (every chain proven), 1 a chain is broken or an operation failed, 2 bad input (config, flags, files); errors are one line on stderr.";

/** Subcommands and their one-line summaries, for `xirsa <command> <subcommand> --help` and completion. */
export const SUBCOMMANDS: Record<string, Record<string, string>> = {
  env: {
    create: "create an environment namespace (and its RoleBinding) in a target through the operator's chain",
    delete: "delete an environment namespace through the operator's chain",
    list: "list the environment namespaces of a target",
  },
  cluster: { register: "register one target in Argo CD and KubeRocketCI in cluster A" },
  sandbox: {
    up: "start the sandbox (foreground, or --detach)",
    down: "stop the sandbox; its state stays",
    status: "endpoints, accounts, profiles and clusters of a sandbox; exit 1 when it is not running",
    reset: "forget every change made to the sandbox",
    token: "print (or --out FILE) a projected service-account token of a sandbox cluster",
    kubeconfig: "write a kubeconfig for a sandbox cluster",
  },
  completion: { bash: "bash completion", zsh: "zsh completion", fish: "fish completion" },
};

/** 2–4 examples per command and subcommand, as a user would type them. */
export const EXAMPLES: Record<string, string[]> = {
  init: [
    "xirsa init                                   # asks on a terminal",
    "xirsa init --discover --source-profile a --target-profile b --name dev --target-name prod",
    "xirsa init --discover --profile platform --region eu-west-1 --name dev --target-name prod",
  ],
  schema: ["xirsa schema > xirsa.schema.json"],
  render: [
    "xirsa render --config xirsa.yaml --out bundle",
    "xirsa render --only aws,terraform --out bundle",
    "xirsa render --only probe-job --target prod",
  ],
  verify: [
    "xirsa verify                                 # ./xirsa.yaml, offline",
    "xirsa verify --from bundle -o sarif > xirsa.sarif",
    "xirsa verify --live -o html --out report.html",
  ],
  plan: ["xirsa plan", "xirsa plan --config xirsa.yaml -o json", "xirsa plan --target staging"],
  apply: [
    "xirsa apply                                  # shows the plan and asks",
    "xirsa apply -y --create-oidc-provider",
    "xirsa apply --target staging                 # staging first; prod untouched",
  ],
  destroy: [
    "xirsa destroy",
    "xirsa destroy -y -o json",
    "xirsa destroy --environments --token-file operator.token   # environments first, through the chain",
    "xirsa destroy --target staging",
  ],
  probe: [
    "xirsa probe --chain argocd --target prod --token-file argocd.token",
    "xirsa probe --chain cd-pipeline-operator --target prod -o json",
  ],
  "env create": ["xirsa env create --target prod --pipeline app --stage dev --token-file operator.token"],
  "env delete": ["xirsa env delete --target prod --pipeline app --stage dev --token-file operator.token"],
  "env list": [
    "xirsa env list --target prod --token-file operator.token",
    "xirsa env list --target prod -o json",
  ],
  "cluster register": [
    "xirsa cluster register --target prod",
    "xirsa cluster register --target prod --adopt",
  ],
  deploy: [
    "xirsa deploy --target prod --namespace krci-app-dev -f examples/app.yaml --token-file argocd.token",
  ],
  token: [
    "xirsa token --cluster-name workloads-prod --region eu-west-1",
    "xirsa token --cluster-name workloads-prod --region eu-west-1 --profile account-b",
    "xirsa token --cluster-name workloads-prod --role-arn arn:aws:iam::222222222222:role/Admin --no-cache",
  ],
  "sandbox up": [
    "xirsa sandbox up --config examples/xirsa.yaml --state-dir .sandbox --detach",
    "xirsa sandbox up --state-dir .sandbox --detach --propagation-delay 20000",
  ],
  "sandbox down": ["xirsa sandbox down --state-dir .sandbox"],
  "sandbox status": [
    "xirsa sandbox status --state-dir .sandbox",
    "xirsa sandbox status --state-dir .sandbox -o json",
  ],
  "sandbox reset": ["xirsa sandbox reset --state-dir .sandbox"],
  "sandbox token": [
    "xirsa sandbox token --state-dir .sandbox --cluster krci-main --namespace argocd \\\n    --service-account argocd-application-controller --out argocd.token",
  ],
  "sandbox kubeconfig": [
    "xirsa sandbox kubeconfig --state-dir .sandbox --cluster workloads-prod",
    "xirsa sandbox kubeconfig --state-dir .sandbox --cluster workloads-prod --command xirsa --out prod.kubeconfig",
    "xirsa sandbox kubeconfig --state-dir .sandbox --cluster workloads-prod --profile sandbox-222222222222 --region eu-central-1",
  ],
  demo: ["xirsa demo", "xirsa demo --state-dir .sandbox/demo --out out/demo"],
  version: ["xirsa version", "xirsa --version"],
  completion: [
    "source <(xirsa completion bash)",
    "xirsa completion zsh > ~/.zfunc/_xirsa",
    "xirsa completion fish > ~/.config/fish/completions/xirsa.fish",
  ],
};

/** `usage` followed by the examples of `key` (a command, or "command sub") and the exit codes. */
export function commandHelp(key: string, usage: string, summary?: string): string {
  const examples = EXAMPLES[key] ?? [];
  return [
    ...(summary ? [`xirsa ${key}: ${summary}`, ""] : []),
    usage.trim(),
    ...(examples.length ? ["", "Examples:", ...examples.map((e) => `  ${e}`)] : []),
    "",
    EXIT_CODES,
  ].join("\n");
}
