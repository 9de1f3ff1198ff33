/**
 * Where a finding is in the files a reviewer edits: for `verify --from`, the bundle file (and line) of the
 * document that holds its resource; for `verify --config`, the target's entry in xirsa.yaml. Pure: it is given
 * the files' texts (the CLI reads them); what it returns is what SARIF and the table print.
 */
import type { Finding } from "../types.js";
import { lineOfPath, lineOfText } from "./locate.js";
import type { Locate, SarifLocation } from "./sarif.js";

/** `k8s:<cluster>/<ns>/<kind>/<name>` or `k8s:<cluster>/<kind>/<name>` → kind and name. */
function kubeSelector(id: string): { kind: string; name: string } | undefined {
  if (!id.startsWith("k8s:")) return undefined;
  const parts = id.slice(4).split("/");
  if (parts.length < 3) return undefined;
  return { kind: parts[parts.length - 2]!, name: parts[parts.length - 1]! };
}

export interface BundleFiles {
  /** Resource id → the bundle file (relative to the bundle) that holds it: loadBundle's `files`. */
  files: ReadonlyMap<string, string>;
  /** A bundle file's text by its relative path; undefined when it could not be read (then no line). */
  text: (rel: string) => string | undefined;
  /** How a bundle file is named in the output (e.g. relative to the working directory, with `/`). */
  uri: (rel: string) => string;
}

/** Locates findings in the bundle file that holds their resource, at the line of the field or document. */
export function bundleLocator({ files, text, uri }: BundleFiles): Locate {
  return (f: Finding): SarifLocation | undefined => {
    const id = f.location?.resource ?? f.resource;
    const entry = /^eks:([^/]+)\/access-entry\//.exec(f.resource);
    const rel =
      files.get(id) ??
      files.get(f.resource) ??
      (entry ? files.get(`eks:${entry[1]}/access-entries`) : undefined) ??
      files.get("bundle:MANIFEST.json");
    if (!rel) return undefined;
    const loc: SarifLocation = { uri: uri(rel) };
    const body = text(rel);
    if (body === undefined) return loc;
    const select = kubeSelector(id);
    let line: number | undefined;
    const path = f.location?.jsonPath;
    // Bundles write Secrets with stringData (readable); the State has them as data.
    if (path) line = lineOfPath(body, [path, path.replace(/^data\./, "stringData.")], select ?? {});
    else if (select) line = lineOfPath(body, "metadata.name", select);
    else if (entry) line = lineOfText(body, f.resource.slice(`eks:${entry[1]}/access-entry/`.length));
    loc.startLine = line ?? 1;
    return loc;
  };
}

/** Locates findings in the config: a chain's finding at its target's `name:`, others at the top. */
export function configLocator(text: string, uri: string): Locate {
  return (f: Finding): SarifLocation => {
    const target = f.chain?.split("/")[0];
    const line = target
      ? (lineOfText(text, `name: ${target}\n`) ?? lineOfText(text, `name: "${target}"`))
      : undefined;
    return { uri, startLine: line ?? 1 };
  };
}
