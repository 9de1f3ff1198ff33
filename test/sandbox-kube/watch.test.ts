/**
 * LIST paging and WATCH semantics through raw HTTP, kubectl (`get -w`, `--chunk-size`), @kubernetes/client-node's
 * informer and Debian's python3-kubernetes (watch=True, _continue).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PYTHON_K8S, requireTools } from "../tools.js";
import { ADMIN, call, startTestCluster, type TestCluster } from "./harness.js";
import { kubectlRunner, type Run, writeTokenKubeconfig } from "./kubectlHelper.js";

const PYTHON = PYTHON_K8S;
const skipKubectl = requireTools("test/sandbox-kube/watch.test.ts", "kubectl");
const skipPython = requireTools("test/sandbox-kube/watch.test.ts", "python3-kubernetes");

let tc: TestCluster;
let token: string;
let home: string;
let kubeconfig: string;

beforeAll(async () => {
  tc = await startTestCluster();
  token = await tc.token(ADMIN);
  home = mkdtempSync(join(tmpdir(), "xirsa-watch-"));
  kubeconfig = join(home, "admin.kubeconfig");
  writeTokenKubeconfig(kubeconfig, tc.url, tc.caPem, { token });
  await call(tc, "POST", "/api/v1/namespaces", { token, body: { metadata: { name: "w" } } });
});
afterAll(async () => {
  await tc?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const cm = (name: string, ns = "w") =>
  call(tc, "POST", `/api/v1/namespaces/${ns}/configmaps`, { token, body: { metadata: { name } } });

interface Ev {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    message?: string;
    metadata?: { name?: string; resourceVersion?: string };
  };
}

/** Reads a watch stream until `done` says so or the server ends it. */
function watch(
  path: string,
  done: (evs: Ev[]) => boolean = () => false,
  during?: () => Promise<void>,
): Promise<Ev[]> {
  const u = new URL(path, tc.url);
  return new Promise((resolve, reject) => {
    const evs: Ev[] = [];
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        ca: tc.caPem,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        let buf = "";
        res.on("data", (c: Buffer) => {
          buf += c.toString();
          const parts = buf.split("\n");
          buf = parts.pop()!;
          for (const p of parts) if (p.trim()) evs.push(JSON.parse(p) as Ev);
          if (done(evs)) {
            req.destroy();
            resolve(evs);
          }
        });
        res.on("end", () => resolve(evs));
        if (during) void during().catch(reject);
      },
    );
    req.on("error", (e) => (evs.length ? resolve(evs) : reject(e)));
    req.end();
  });
}

const names = (evs: Ev[]) => evs.map((e) => `${e.type}:${e.object.metadata?.name ?? ""}`);

describe("LIST paging", () => {
  it("limit and continue walk the list in pages with remainingItemCount", async () => {
    for (const n of ["p1", "p2", "p3", "p4", "p5"]) await cm(n, "default");
    const first = await call(tc, "GET", "/api/v1/namespaces/default/configmaps?limit=2", { token });
    expect(first.json.items).toHaveLength(2);
    expect(first.json.metadata.continue).toMatch(/^[A-Za-z0-9_-]+$/);
    const all: string[] = [];
    let cont = "";
    let pages = 0;
    do {
      const r = await call(
        tc,
        "GET",
        `/api/v1/namespaces/default/configmaps?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`,
        { token },
      );
      expect(r.status).toBe(200);
      all.push(...r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      cont = r.json.metadata.continue ?? "";
      if (cont) expect(r.json.metadata.remainingItemCount).toBeGreaterThan(0);
      pages++;
    } while (cont);
    const whole = await call(tc, "GET", "/api/v1/namespaces/default/configmaps", { token });
    expect(all).toEqual(whole.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
    expect(pages).toBe(Math.ceil(all.length / 2));
    const bad = await call(tc, "GET", "/api/v1/namespaces/default/configmaps?limit=2&continue=garbage", {
      token,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain("continue key is not valid");
  });

  it("resourceVersionMatch=Exact on an older version is 410 Expired; a future version is refused", async () => {
    const r = await call(
      tc,
      "GET",
      "/api/v1/namespaces/default/configmaps?resourceVersion=1&resourceVersionMatch=Exact",
      { token },
    );
    expect(r.status).toBe(410);
    expect(r.json.reason).toBe("Expired");
    const notOlder = await call(
      tc,
      "GET",
      "/api/v1/namespaces/default/configmaps?resourceVersion=1&resourceVersionMatch=NotOlderThan",
      { token },
    );
    expect(notOlder.status).toBe(200);
    const future = await call(tc, "GET", "/api/v1/namespaces/default/configmaps?resourceVersion=999999999", {
      token,
    });
    expect(future.status).toBe(504);
    expect(future.json.message).toContain("Too large resource version");
  });
});

describe("WATCH", () => {
  it("accepts watch=true, True and 1 (strconv.ParseBool, as the Python client sends it)", async () => {
    await cm("seen");
    for (const v of ["true", "True", "1"]) {
      const evs = await watch(`/api/v1/namespaces/w/configmaps?watch=${v}&timeoutSeconds=5`, (e) =>
        e.some((x) => x.object.metadata?.name === "seen"),
      );
      expect(names(evs), v).toContain("ADDED:seen");
    }
  });

  it("resumes from a resourceVersion: the changes after it are replayed, nothing before", async () => {
    const a = await cm("resume-a");
    const rv = a.json.metadata.resourceVersion as string;
    await cm("resume-b");
    await call(tc, "PATCH", "/api/v1/namespaces/w/configmaps/resume-a", {
      token,
      body: { data: { x: "1" } },
      contentType: "application/merge-patch+json",
    });
    await call(tc, "DELETE", "/api/v1/namespaces/w/configmaps/resume-b", { token });
    const evs = await watch(
      `/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=5`,
      (e) => e.length >= 3,
    );
    expect(names(evs)).toEqual(["ADDED:resume-b", "MODIFIED:resume-a", "DELETED:resume-b"]);
    const rvs = evs.map((e) => Number(e.object.metadata?.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    expect(rvs[0]).toBeGreaterThan(Number(rv));
  });

  it("sends BOOKMARK events when allowed, before the watch's timeout", async () => {
    const evs = await watch(
      "/api/v1/namespaces/w/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=0&timeoutSeconds=3",
    );
    const bookmark = evs.find((e) => e.type === "BOOKMARK");
    expect(bookmark?.object).toEqual({
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    const without = await watch(
      "/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=0&timeoutSeconds=3",
    );
    expect(without.some((e) => e.type === "BOOKMARK")).toBe(false);
  });

  it("a resourceVersion older than the server's window is an ERROR event with 410 Expired", async () => {
    const before = await cm("pre-restart");
    const rv = Number(before.json.metadata.resourceVersion);
    await cm("pre-restart-2");
    await tc.restart();
    const evs = await watch(
      `/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=5`,
    );
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      type: "ERROR",
      object: {
        kind: "Status",
        code: 410,
        reason: "Expired",
        message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
      },
    });
    // kubeconfig tokens stay valid: the restarted server has the same URL only if the port was kept.
    writeTokenKubeconfig(kubeconfig, tc.url, tc.caPem, { token });
  });
});

describe.skipIf(!!skipKubectl)("kubectl", () => {
  it("get --chunk-size pages with limit/continue", async () => {
    const run = kubectlRunner(home);
    const r: Run = await run(kubeconfig, [
      "get",
      "configmaps",
      "-n",
      "default",
      "--chunk-size=2",
      "-o",
      "name",
      "-v=6",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("configmap/p5");
    expect(r.stderr).toMatch(/configmaps\?continue=[^&\s]+&limit=2 200 OK/);
  });

  it("get -w prints objects created after it started", async () => {
    const child = spawn("kubectl", ["get", "configmaps", "-n", "w", "-w", "-o", "name"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        KUBECONFIG: kubeconfig,
        KUBECACHEDIR: join(home, "cache"),
      },
    });
    let out = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no watch event; saw: ${out}`)), 20_000);
        let created = false;
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          if (!created && out.includes("configmap/seen")) {
            created = true;
            void cm("late-arrival");
          }
          if (out.includes("configmap/late-arrival")) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      child.kill();
    }
    expect(out.split("\n")).toContain("configmap/late-arrival");
  });
});

describe("client-node informer", () => {
  it("lists, then sees adds, updates and deletes through its watch", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "s", server: tc.url, caData: Buffer.from(tc.caPem).toString("base64") }],
      users: [{ name: "a", token }],
      contexts: [{ name: "s", cluster: "s", user: "a" }],
      currentContext: "s",
    });
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, "/api/v1/namespaces/w/configmaps", () =>
      core.listNamespacedConfigMap({ namespace: "w" }),
    );
    const seen: string[] = [];
    const until = (what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`informer did not see ${what}: ${seen.join(" ")}`)),
          15_000,
        );
        const check = setInterval(() => {
          if (seen.includes(what)) {
            clearTimeout(timer);
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
    informer.on("add", (o) => seen.push(`add:${o.metadata?.name}`));
    informer.on("update", (o) => seen.push(`update:${o.metadata?.name}`));
    informer.on("delete", (o) => seen.push(`delete:${o.metadata?.name}`));
    informer.on("error", () => {});
    await informer.start();
    try {
      await until("add:seen");
      await cm("inf");
      await until("add:inf");
      await core.patchNamespacedConfigMap({
        name: "inf",
        namespace: "w",
        body: [{ op: "add", path: "/data", value: { k: "v" } }],
      });
      await until("update:inf");
      await core.deleteNamespacedConfigMap({ name: "inf", namespace: "w" });
      await until("delete:inf");
      expect(informer.get("seen", "w")?.metadata?.name).toBe("seen");
      expect(informer.get("inf", "w")).toBeUndefined();
    } finally {
      await informer.stop();
    }
  });
});

describe.skipIf(!!skipPython)("python3-kubernetes", () => {
  it("pages with limit/_continue and watches with watch=True", async () => {
    await cm("py-pre");
    const script = join(home, "client.py");
    writeFileSync(
      script,
      `import json, sys, threading, time
from kubernetes import client, config, watch
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
names, cont = [], None
while True:
    page = v1.list_namespaced_config_map("default", limit=2, _continue=cont)
    names += [i.metadata.name for i in page.items]
    cont = page.metadata._continue
    if not cont:
        break
seen = []
def later():
    time.sleep(0.5)
    v1.create_namespaced_config_map("w", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="from-python")))
threading.Thread(target=later).start()
w = watch.Watch()
for ev in w.stream(v1.list_namespaced_config_map, "w", timeout_seconds=10):
    seen.append(ev["type"] + ":" + ev["object"].metadata.name)
    if ev["object"].metadata.name == "from-python":
        w.stop()
print(json.dumps({"names": names, "seen": seen}))
`,
    );
    // Asynchronously: the server under test runs in this process.
    const r = await new Promise<Run>((resolve) => {
      const child = spawn(PYTHON!, [script, kubeconfig], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { names: string[]; seen: string[] };
    const whole = await call(tc, "GET", "/api/v1/namespaces/default/configmaps", { token });
    expect(out.names).toEqual(whole.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
    expect(out.seen).toContain("ADDED:py-pre");
    expect(out.seen).toContain("ADDED:from-python");
  });
});
