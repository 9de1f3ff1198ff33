/**
 * config → bundle files (pure): `renderBundle(config)` maps bundle-relative paths to file contents, byte for
 * byte deterministic. The writer (write.ts) puts them on disk; load.ts reads them back into a State.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config/index.js";
import { type ChainSpec, clusterKey, type EksCluster } from "../state/index.js";
import { desiredState } from "../topology/index.js";
import { renderAws } from "./aws.js";
import { jsonText, sortKeysDeep } from "./format.js";
import { renderHelm } from "./helm.js";
import { renderKubernetes } from "./kubernetes.js";
import { BUNDLE_FORMAT, clusterDirs, configAccounts, MANIFEST_FILE, PARTS, type Part } from "./layout.js";
import { renderScripts } from "./scripts.js";
import { renderTerraform } from "./terraform.js";

export interface RenderOptions {
  /** Parts to write (default: all). MANIFEST.json is always written. */
  only?: readonly Part[];
}

export interface Manifest {
  format: string;
  parts: Part[];
  config: Config;
  chains: ChainSpec[];
  files: { path: string; sha256: string }[];
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every file of the bundle, sorted by path. Throws ConfigError (exit 2) when the config lacks what offline
 * rendering needs (source.oidcIssuer, target endpoints).
 */
export function renderBundle(config: Config, options: RenderOptions = {}): Map<string, string> {
  const { state, chains } = desiredState(config);
  const parts = PARTS.filter((p) => !options.only || options.only.includes(p));
  const dirs = clusterDirs(config);
  const dirOf = (c: EksCluster): string => dirs.get(clusterKey(c)) ?? c.name;
  const source = state.clusters[0]!;

  const all = new Map<string, string>();
  const add = (files: Map<string, string>): void => {
    for (const [p, text] of files) all.set(p, text);
  };
  for (const part of parts) {
    if (part === "aws") add(renderAws(state, dirOf));
    if (part === "kubernetes") add(renderKubernetes(state, dirOf));
    if (part === "terraform") add(renderTerraform(config, state));
    if (part === "helm") add(renderHelm(config, source));
    if (part === "scripts") add(renderScripts(config, state, configAccounts(config), dirOf));
  }
  const paths = [...all.keys()].sort(byPath);
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    parts: [...parts],
    config,
    chains,
    files: paths.map((path) => ({ path, sha256: sha256(all.get(path)!) })),
  };
  const out = new Map<string, string>();
  out.set(MANIFEST_FILE, jsonText(sortKeysDeep(manifest)));
  for (const p of paths) out.set(p, all.get(p)!);
  return out;
}

/** What the user should know about a bundle that renders: one line each. */
export function renderWarnings(config: Config, options: RenderOptions = {}): string[] {
  const warnings: string[] = [];
  config.targets.forEach((t, i) => {
    if (!t.caData) {
      warnings.push(
        `targets[${i}] (${t.name}) has no caData: its cluster Secrets cannot verify TLS until it is set (certificateAuthority.data of aws eks describe-cluster)`,
      );
    }
  });
  const only = options.only;
  if (only?.includes("scripts") && !(only.includes("aws") && only.includes("kubernetes"))) {
    warnings.push(
      "scripts/ read the policy documents and manifests from aws/ and kubernetes/: render those too",
    );
  }
  return warnings;
}
