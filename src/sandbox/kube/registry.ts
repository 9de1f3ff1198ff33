/**
 * The resources one sandbox cluster serves: the built-in type table plus one resource per served version of
 * each established CustomResourceDefinition, as apiextensions-apiserver's customresource_handler.go serves
 * them (kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/customresource_handler.go:
 * crdInfo per CRD, one storage per served version, discovery and OpenAPI updated by its controllers).
 */
import { asArray, asObject, asString, isObject, type JsonObject, nameOf } from "./json.js";
import { apiVersionOf, type PrinterColumn, RESOURCES, type ResourceDef } from "./resources.js";

/** The age column a CRD version without additionalPrinterColumns prints (apiextensions v1 defaulting). */
const AGE_COLUMN: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

const ALL_VERBS = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

/**
 * Kubernetes version priority (apimachinery's version.CompareKubeAwareVersionStrings): GA before beta before
 * alpha, higher numbers first; how discovery orders a CRD group's versions and picks the preferred one.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0] as const;
    return [m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pb[i]! - pa[i]!;
  return a.localeCompare(b);
}

/** kube-apiserver's warning for a deprecated CRD version without its own (customresource_handler.go). */
function defaultDeprecationWarning(
  group: string,
  kind: string,
  version: string,
  versions: JsonObject[],
): string {
  const msg = `${group}/${version} ${kind} is deprecated`;
  const others = versions
    .filter((v) => v.served === true && v.deprecated !== true)
    .map((v) => asString(v.name) ?? "")
    .sort(compareKubeVersions);
  return others.length ? `${msg}; use ${group}/${others[0]} ${kind}` : msg;
}

/** The resources a CRD serves, one per served version (empty for a CRD that serves none). */
export function crdResources(crd: JsonObject): ResourceDef[] {
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const group = asString(spec.group) ?? "";
  const plural = asString(names.plural) ?? "";
  const kind = asString(names.kind) ?? "";
  const versions = asArray(spec.versions).filter(isObject);
  const storage = versions.find((v) => v.storage === true);
  const out: ResourceDef[] = [];
  for (const v of versions) {
    if (v.served !== true) continue;
    const sub = asObject(v.subresources);
    const columns = asArray(v.additionalPrinterColumns)
      .filter(isObject)
      .map(
        (c): PrinterColumn => ({
          name: asString(c.name) ?? "",
          type: asString(c.type) ?? "string",
          ...(asString(c.format) ? { format: asString(c.format)! } : {}),
          ...(asString(c.description) ? { description: asString(c.description)! } : {}),
          priority: typeof c.priority === "number" ? c.priority : 0,
          jsonPath: asString(c.jsonPath) ?? "",
        }),
      );
    const shortNames = asArray(names.shortNames).filter((s): s is string => typeof s === "string");
    const categories = asArray(names.categories).filter((s): s is string => typeof s === "string");
    const schema = asObject(v.schema).openAPIV3Schema;
    out.push({
      group,
      version: asString(v.name) ?? "",
      kind,
      plural,
      singular: asString(names.singular) ?? kind.toLowerCase(),
      namespaced: asString(spec.scope) !== "Cluster",
      verbs: ALL_VERBS,
      ...(shortNames.length ? { shortNames } : {}),
      ...(categories.length ? { categories } : {}),
      ...(isObject(sub.status) || isObject(sub.scale)
        ? {
            subresources: [
              ...(isObject(sub.status) ? (["status"] as const) : []),
              ...(isObject(sub.scale) ? (["scale"] as const) : []),
            ],
          }
        : {}),
      custom: true,
      crd: {
        crdName: nameOf(crd),
        storageVersion: asString(storage?.name) ?? asString(v.name) ?? "",
        ...(isObject(schema) ? { schema } : {}),
        columns: columns.length ? columns : [AGE_COLUMN],
        listKind: asString(names.listKind) ?? `${kind}List`,
        ...(v.deprecated === true ? { deprecated: true } : {}),
        ...(v.deprecated === true
          ? {
              deprecationWarning:
                asString(v.deprecationWarning) ??
                defaultDeprecationWarning(group, kind, asString(v.name) ?? "", versions),
            }
          : {}),
      },
    });
  }
  return out;
}

export class Registry {
  private custom = new Map<string, ResourceDef[]>();
  private list: readonly ResourceDef[] = RESOURCES;
  /** Bumped on every change: discovery and OpenAPI caches key on it. */
  generation = 0;

  all(): readonly ResourceDef[] {
    return this.list;
  }

  /** Serves (or re-serves, after an update) the resources of an established CRD. */
  install(crd: JsonObject): void {
    this.custom.set(nameOf(crd), crdResources(crd));
    this.rebuild();
  }

  /** Stops serving a CRD's resources. */
  remove(crdName: string): void {
    if (this.custom.delete(crdName)) this.rebuild();
  }

  private rebuild(): void {
    const custom = [...this.custom.values()].flat();
    // A CRD may not take a built-in's name (apiextensions-apiserver refuses such names; keep the built-in).
    this.list = [...RESOURCES, ...custom.filter((r) => !RESOURCES.some((b) => b.group === r.group))];
    this.byPath.clear();
    this.generation++;
  }

  private readonly byPath = new Map<string, ResourceDef | null>();

  find(group: string, version: string, plural: string): ResourceDef | undefined {
    const k = `${group}/${version}/${plural}`;
    let r = this.byPath.get(k);
    if (r === undefined) {
      r = this.list.find((x) => x.group === group && x.version === version && x.plural === plural) ?? null;
      this.byPath.set(k, r);
    }
    return r ?? undefined;
  }

  forKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.list.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
  }

  /** The resource of a group and plural, in its storage version for a custom resource. */
  byPlural(group: string, plural: string): ResourceDef | undefined {
    const all = this.list.filter((r) => r.group === group && r.plural === plural);
    return all.find((r) => !r.crd || r.crd.storageVersion === r.version) ?? all[0];
  }

  /** Group versions served, in discovery order (core first). */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Set<string>();
    const out: { group: string; version: string }[] = [];
    for (const r of this.list) {
      const key = `${r.group}/${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ group: r.group, version: r.version });
    }
    return out;
  }
}
