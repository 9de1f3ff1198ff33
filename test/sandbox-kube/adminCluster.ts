/** A test cluster with kubectl as its admin, started before a file's tests and stopped after them. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { ADMIN, type ClusterOptions, startTestCluster, type TestCluster } from "./harness.js";
import { kubectlRunner, type Run, writeTokenKubeconfig } from "./kubectlHelper.js";

export interface AdminCluster {
  tc: TestCluster;
  /** A temporary directory for the file's kubeconfigs and kubectl's cache; removed after the tests. */
  home: string;
  kubectl(args: string[], input?: string): Promise<Run>;
}

/** Registers the set-up in the calling describe; read the fields inside tests (they are set by beforeAll). */
export function adminCluster(prefix: string, opts: ClusterOptions = {}): AdminCluster {
  const admin = {} as AdminCluster;
  beforeAll(async () => {
    admin.home = mkdtempSync(join(tmpdir(), prefix));
    admin.tc = await startTestCluster(opts);
    const file = join(admin.home, "admin.kubeconfig");
    writeTokenKubeconfig(file, admin.tc.url, admin.tc.caPem, { token: await admin.tc.token(ADMIN) });
    const run = kubectlRunner(admin.home);
    admin.kubectl = (args, input) => run(file, args, input);
  });
  afterAll(async () => {
    await admin.tc?.stop();
    if (admin.home) rmSync(admin.home, { recursive: true, force: true });
  });
  return admin;
}
