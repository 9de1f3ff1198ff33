/** Starts a sandbox cluster's Kubernetes API: HTTPS on the loopback address, state in its data file. */
import { randomUUID } from "node:crypto";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { KubeApi } from "./api.js";
import { NODES } from "./context.js";
import { Registry } from "./registry.js";
import { seedCrds, seedNodes, seedObjects } from "./seed.js";
import { ObjectStore } from "./store.js";
import type { KubeApiOptions, RunningKubeApi } from "./types.js";

export async function startKubeApi(opts: KubeApiOptions): Promise<RunningKubeApi> {
  const now = () => (opts.now ? opts.now() : new Date());
  const ts = () =>
    now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  const store = await ObjectStore.open(
    opts.dataFile,
    () => seedObjects(randomUUID, ts(), opts.caPem),
    new Registry(),
    // A state from before the CRDs were bootstrapped held these kinds as built-ins: install their CRDs.
    () => seedCrds(randomUUID, ts()),
  );
  if (store.list(NODES).length === 0) {
    for (const n of seedNodes(randomUUID, ts(), opts.cluster.region)) store.put(NODES, n);
    await store.flush();
  }
  let url = "";
  const api = new KubeApi(opts, store, () => url);
  const server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
    void api.handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://${opts.host}:${port}`;
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.flush();
    },
  };
}
