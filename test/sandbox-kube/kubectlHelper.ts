/** Runs the real kubectl against a sandbox cluster with an explicit KUBECONFIG, cache dir and HOME. */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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

export function kubectlRunner(home: string, extraEnv: Record<string, string> = {}) {
  mkdirSync(join(home, "cache"), { recursive: true });
  return (kubeconfig: string, args: string[], input?: string): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn("kubectl", args, {
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
