/** Runs the real kubectl against a sandbox cluster with an explicit KUBECONFIG, cache dir and HOME. */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubeconfig whose user carries a static bearer token (or an exec plugin), mode 0600. */
export function writeTokenKubeconfig(
  file: string,
  server: string,
  caPem: string,
  user: { token: string } | { exec: { command: string; args: string[] } },
): void {
  const userBlock =
    "token" in user
      ? `    token: ${user.token}\n`
      : `    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ${user.exec.command}\n      args: ${JSON.stringify(user.exec.args)}\n      interactiveMode: Never\n`;
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: sandbox
  cluster:
    server: ${server}
    certificate-authority-data: ${Buffer.from(caPem).toString("base64")}
contexts:
- name: sandbox
  context: {cluster: sandbox, user: me}
current-context: sandbox
users:
- name: me
  user:
${userBlock}`,
    { mode: 0o600 },
  );
}

/**
 * The newest kubectl on this machine. Google Cloud SDK's kubectl is a dispatcher that runs the `kubectl.1.N`
 * beside it matching the server's minor version, so a sandbox cluster (v1.31) gets kubectl 1.31; newer ones
 * behave differently on the wire (1.33 sends the auth reviews as protobuf). Without siblings: `kubectl`.
 */
export function newestKubectl(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const found = join(dir, "kubectl");
    if (!existsSync(found)) continue;
    const real = dirname(realpathSync(found));
    const minors = readdirSync(real)
      .map((f) => /^kubectl\.1\.(\d+)$/.exec(f)?.[1])
      .filter((m): m is string => m !== undefined)
      .map(Number);
    return minors.length ? join(real, `kubectl.1.${Math.max(...minors)}`) : found;
  }
  return "kubectl";
}

export function kubectlRunner(home: string, extraEnv: Record<string, string> = {}, bin = "kubectl") {
  mkdirSync(join(home, "cache"), { recursive: true });
  return (kubeconfig: string, args: string[], input?: string): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, args, {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: home,
          KUBECONFIG: kubeconfig,
          KUBECACHEDIR: join(home, "cache"),
          ...extraEnv,
        },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(input ?? "");
    });
}
