/**
 * The external programs the end-to-end tests drive. A test file asks for the ones it needs with
 * `requireTools(...)`: it gets back why it cannot run here (and the reason is printed), or undefined.
 * Under CI (env `CI` set and not "false"/"0") a missing tool is an error, so a CI run never passes by skipping.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { nativeExchange } from "../src/fs/exchange.js";

export type Tool =
  | "aws"
  | "kubectl"
  | "terraform"
  | "terraform-provider-aws"
  | "chromium"
  | "python3-kubernetes"
  | "native-exchange";

/** Debian's chromium, which playwright-core drives (no browser download). */
export const CHROMIUM = "/usr/bin/chromium";

/** The real hashicorp/aws provider as a local plugin directory (`terraform init -plugin-dir`). */
export const TF_PLUGIN_DIR = process.env.XIRSA_TF_PLUGIN_DIR ?? "/opt/tf-plugins";

/** Debian's python3-kubernetes lives in the system interpreter, which may not be the first python3 on PATH. */
export const PYTHON_K8S = ["/usr/bin/python3", "python3"].find((py) => runs(py, ["-c", "import kubernetes"]));

/** How to tell that each tool is there, and how to get it. */
const TOOLS: Record<Tool, { present: () => boolean; install: string }> = {
  aws: { present: () => runs("aws", ["--version"]), install: "install the AWS CLI v2" },
  kubectl: { present: () => runs("kubectl", ["version", "--client"]), install: "install kubectl" },
  terraform: { present: () => runs("terraform", ["version"]), install: "install terraform" },
  "terraform-provider-aws": {
    present: () => existsSync(join(TF_PLUGIN_DIR, "registry.terraform.io", "hashicorp", "aws")),
    install: `put the hashicorp/aws provider under ${TF_PLUGIN_DIR} (or set XIRSA_TF_PLUGIN_DIR)`,
  },
  "python3-kubernetes": {
    present: () => PYTHON_K8S !== undefined,
    install: "apt-get install -y --no-install-recommends python3-kubernetes (as .ci/run does)",
  },
  "native-exchange": {
    // Built by npm's install script; the env that turns it off is not this test process's business.
    present: () => nativeExchange({}).kind === "native",
    install:
      "npm ci builds it with native/install.js (cc, make, python3 and Node's headers); or run that script",
  },
  chromium: {
    present: () => existsSync(CHROMIUM),
    install: "apt-get install -y --no-install-recommends chromium (as .ci/run does)",
  },
};

const known = new Map<Tool, boolean>();

function runs(bin: string, args: string[]): boolean {
  return spawnSync(bin, args, { stdio: "ignore", timeout: 30_000 }).status === 0;
}

export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== "" && v !== "false" && v !== "0";
}

/** The missing tools among `tools`, each probed once per process. */
export function missingTools(tools: readonly Tool[]): Tool[] {
  return tools.filter((t) => {
    if (!known.has(t)) known.set(t, TOOLS[t].present());
    return !known.get(t);
  });
}

/**
 * Why `what` (a test file or suite) cannot run here, printed, or undefined when every tool is present.
 * Under CI it throws instead, which fails the file. Use as `describe.skipIf(!!requireTools(...))`.
 */
export function requireTools(what: string, ...tools: Tool[]): string | undefined {
  const missing = missingTools(tools);
  if (missing.length === 0) return undefined;
  const reason = `${what}: ${missing.join(", ")} not found (${missing.map((t) => TOOLS[t].install).join("; ")})`;
  if (inCI()) throw new Error(`${reason}; CI requires every tool the end-to-end tests use`);
  console.warn(`skipped ${reason}`);
  return reason;
}
