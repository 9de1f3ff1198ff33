/**
 * API discovery, one group version at a time, as client-go's DiscoveryClient.ServerResourcesForGroupVersion
 * does (kubernetes/client-go discovery/discovery_client.go): `GET /api/v1` for the core group, `GET
 * /apis/<group>/<version>` for the others, each an APIResourceList whose entries with a `/` in their name are
 * subresources (`pods/log`), not kinds. Each answer is kept for the life of the client, as client-go's memory
 * cache does (discovery/cached/memory/memcache.go), so a kind costs at most one request per group version.
 */
import { groupOf, isBuiltinGroup, type KindInfo } from "./resources.js";

/** A GET that resolves to the parsed body, or undefined when the server answers 404. */
export type DiscoveryGet = (path: string) => Promise<unknown | undefined>;

export function discoveryPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The kinds of one APIResourceList (subresources dropped). */
export function kindsOf(apiVersion: string, body: unknown): KindInfo[] {
  const resources = (body as { resources?: { name?: unknown; kind?: unknown; namespaced?: unknown }[] })
    ?.resources;
  const custom = !isBuiltinGroup(groupOf(apiVersion));
  return (Array.isArray(resources) ? resources : [])
    .filter(
      (r): r is { name: string; kind: string; namespaced?: unknown } =>
        typeof r.name === "string" && !r.name.includes("/") && typeof r.kind === "string",
    )
    .map((r) => ({ apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced === true, custom }));
}

export class Discovery {
  private readonly groupVersions = new Map<string, Promise<KindInfo[]>>();

  constructor(private readonly get: DiscoveryGet) {}

  /** The kinds a group version serves; none when the cluster does not serve the group version (404). */
  kinds(apiVersion: string): Promise<KindInfo[]> {
    let p = this.groupVersions.get(apiVersion);
    if (!p) {
      p = this.get(discoveryPath(apiVersion)).then((body) =>
        body === undefined ? [] : kindsOf(apiVersion, body),
      );
      // A failed look (unreachable, refused) is not remembered: the next caller asks again.
      p.catch(() => this.groupVersions.delete(apiVersion));
      this.groupVersions.set(apiVersion, p);
    }
    return p;
  }

  /** The kind as the cluster serves it, or undefined when it does not. */
  async find(apiVersion: string, kind: string): Promise<KindInfo | undefined> {
    return (await this.kinds(apiVersion)).find((r) => r.kind === kind);
  }
}
