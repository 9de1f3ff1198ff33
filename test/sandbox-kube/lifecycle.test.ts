/**
 * Lifecycle and update rules through kubectl: undeletable system namespaces, immutable ConfigMaps and Secrets,
 * a pod's fixed service account, the root CA publisher and the default/kubernetes Service.
 */
import { describe, expect, it } from "vitest";
import { requireTools } from "../tools.js";
import { adminCluster } from "./adminCluster.js";
import { ADMIN, call } from "./harness.js";

const skip = requireTools("test/sandbox-kube/lifecycle.test.ts", "kubectl");

describe.skipIf(!!skip)("lifecycle and update rules", () => {
  const sandbox = adminCluster("xirsa-lifecycle-");
  const kubectl = (args: string[], input?: string) => sandbox.kubectl(args, input);

  it("default, kube-system and kube-public may not be deleted", async () => {
    for (const ns of ["default", "kube-system", "kube-public"]) {
      const r = await kubectl(["delete", "namespace", ns]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `Error from server (Forbidden): namespaces "${ns}" is forbidden: this namespace may not be deleted`,
      );
    }
  });

  it("immutable ConfigMaps and Secrets refuse changes to their data", async () => {
    await kubectl(
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen, namespace: default}\nimmutable: true\ndata: {a: '1'}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: frozen, namespace: default}\nimmutable: true\nstringData: {a: '1'}\n",
    );
    const cm = await kubectl(["patch", "configmap", "frozen", "-p", '{"data":{"a":"2"}}']);
    expect(cm.code).toBe(1);
    expect(cm.stderr.trim()).toBe(
      'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
    const sec = await kubectl(["patch", "secret", "frozen", "-p", '{"immutable":false}']);
    expect(sec.code).toBe(1);
    expect(sec.stderr).toContain("immutable: Forbidden: field is immutable when `immutable` is set");
    const type = await kubectl(["patch", "secret", "frozen", "-p", '{"type":"kubernetes.io/tls"}']);
    expect(type.stderr).toContain('type: Invalid value: "kubernetes.io/tls": field is immutable');
    // Labels may still change.
    const label = await kubectl(["label", "configmap", "frozen", "x=y"]);
    expect(label.stdout.trim(), label.stderr).toBe("configmap/frozen labeled");
  });

  it("a pod's serviceAccountName cannot change; its image can", async () => {
    await kubectl(["create", "serviceaccount", "other"]);
    const run = await kubectl(["run", "p", "--image=nginx:1", "--restart=Never"]);
    expect(run.stdout.trim(), run.stderr).toBe("pod/p created");
    const sa = await kubectl(["patch", "pod", "p", "-p", '{"spec":{"serviceAccountName":"other"}}']);
    expect(sa.code).toBe(1);
    expect(sa.stderr).toContain(
      'The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than',
    );
    const image = await kubectl(["set", "image", "pod/p", "p=nginx:2"]);
    expect(image.stdout.trim(), image.stderr).toBe("pod/p image updated");
  });

  it("every namespace has kube-root-ca.crt with the cluster's CA, published again when deleted", async () => {
    const ca = (ns: string) =>
      kubectl(["get", "configmap", "kube-root-ca.crt", "-n", ns, "-o", "jsonpath={.data.ca\\.crt}"]);
    expect((await ca("kube-system")).stdout).toBe(sandbox.tc.caPem);
    await kubectl(["create", "namespace", "team"]);
    expect((await ca("team")).stdout).toBe(sandbox.tc.caPem);
    await kubectl(["delete", "configmap", "kube-root-ca.crt", "-n", "team"]);
    expect((await ca("team")).stdout).toBe(sandbox.tc.caPem);
  });

  it("default/kubernetes is the API server's Service at the first address of the service range", async () => {
    const r = await call(sandbox.tc, "GET", "/api/v1/namespaces/default/services/kubernetes", {
      token: await sandbox.tc.token(ADMIN),
    });
    expect(r.json.spec).toMatchObject({
      clusterIP: "172.20.0.1",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }],
    });
  });
});
