/**
 * Application manifests for `xirsa deploy`: YAML documents (and `kind: List`), checked before anything is
 * sent — each object has apiVersion, kind and a name, and lives in the namespace it is deployed to.
 */
import { parseAllDocuments } from "yaml";
import { InputError } from "../errors.js";
import type { KubeObject } from "../state/index.js";

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkObject(v: unknown, where: string): KubeObject {
  if (!isMap(v)) throw new InputError("manifest.shape", `${where}: expected a Kubernetes object (a mapping)`);
  const meta = v.metadata;
  if (typeof v.apiVersion !== "string" || !v.apiVersion) {
    throw new InputError(
      "manifest.apiVersion",
      `${where}: missing apiVersion`,
      "every object needs apiVersion and kind",
    );
  }
  if (typeof v.kind !== "string" || !v.kind) {
    throw new InputError("manifest.kind", `${where}: missing kind`, "every object needs apiVersion and kind");
  }
  if (!isMap(meta) || typeof meta.name !== "string" || !meta.name) {
    throw new InputError(
      "manifest.name",
      `${where} (${v.kind}): missing metadata.name`,
      "name every object (generateName is not supported: deploy must be repeatable)",
    );
  }
  return v as unknown as KubeObject;
}

export function parseManifests(text: string, source: string): KubeObject[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(docs)) throw new InputError("manifest.yaml", `${source}: not YAML`);
  const out: KubeObject[] = [];
  docs.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err) {
      throw new InputError(
        "manifest.yaml",
        `${source}: invalid YAML in document ${i + 1}: ${err.message.split("\n")[0]?.replace(/:$/, "")}`,
        "fix the YAML syntax",
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new InputError(
        "manifest.yaml",
        `${source}: unusable YAML in document ${i + 1}: ${(e as Error).message}`,
        "remove the YAML aliases",
      );
    }
    if (value === null || value === undefined) return;
    const where = `${source} document ${i + 1}`;
    if (isMap(value) && value.kind === "List" && Array.isArray(value.items)) {
      value.items.forEach((item, j) => {
        out.push(checkObject(item, `${where} item ${j + 1}`));
      });
      return;
    }
    out.push(checkObject(value, where));
  });
  if (out.length === 0) {
    throw new InputError(
      "manifest.empty",
      `${source} holds no Kubernetes objects`,
      "pass a file with manifests",
    );
  }
  const seen = new Set<string>();
  for (const o of out) {
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) {
      throw new InputError("manifest.duplicate", `${source}: ${o.kind} ${o.metadata.name} appears twice`);
    }
    seen.add(key);
  }
  return out;
}

/** Puts every object in `namespace`; an object that names another namespace is bad input. */
export function inNamespace(objects: KubeObject[], namespace: string, source: string): KubeObject[] {
  return objects.map((o) => {
    const ns = o.metadata.namespace;
    if (ns !== undefined && ns !== namespace) {
      throw new InputError(
        "manifest.namespace",
        `${source}: ${o.kind} ${o.metadata.name} names namespace ${ns}, but --namespace is ${namespace}`,
        "remove metadata.namespace from the manifests or deploy to that namespace",
      );
    }
    return { ...o, metadata: { ...o.metadata, namespace } };
  });
}
