/**
 * A bundle on disk → State. The State comes from the files a user reviews and may edit in Git (trust and
 * permissions policies, OIDC providers, access entries, manifests); MANIFEST.json's config echo gives what the
 * files do not hold (role paths and tags, cluster endpoints and CAs, the chains). Terraform, Helm values and
 * scripts are derived artifacts and are not read.
 *
 * `files` maps resource ids (see ids.ts) to bundle-relative paths, for findings that point at a file (SARIF):
 *   <role ARN> and <role ARN>#trust-policy        → aws/<acct>/roles/<Role>/trust-policy.json
 *   <role ARN>#inline/<policy name>               → aws/<acct>/roles/<Role>/permissions-policy.json
 *   <OIDC provider ARN>                           → aws/<acct>/oidc-providers.json
 *   eks:<cluster>/access-entries                  → aws/<acct>/eks/<dir>/access-entries.json
 *   eks:<cluster>/access-entry/<principal ARN>    → the same file
 *   k8s:<cluster>/<namespace>/<kind>/<name>       → kubernetes/<dir>/<concern>.yaml
 *   k8s:<cluster>/<kind>/<name>                   → (cluster-scoped objects) the same
 *   bundle:MANIFEST.json                          → MANIFEST.json
 * `<cluster>` is the EKS cluster name; `<dir>` is normally the same (see layout.ts clusterDirs).
 *
 * Faults (missing or unreadable files, invalid JSON/YAML, wrong shapes, files outside the layout, a manifest
 * that disagrees with its config) are InputErrors naming the file and the fault.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { LineCounter, parseAllDocuments } from "yaml";
import { z } from "zod";
import type { Config } from "../config/index.js";
import { duplicateKey, formatPath, parseConfig } from "../config/index.js";
import { InputError, isXirsaError } from "../errors.js";
import { INLINE_POLICY_NAME, oidcProviderArn, roleArn } from "../names/index.js";
import {
  type AccessEntry,
  type ChainSpec,
  clusterKey,
  type EksCluster,
  type IamRole,
  type JsonObject,
  type KubeObject,
  type OidcProvider,
  type State,
} from "../state/index.js";
import { boundaryArnFor, desiredState, roleNames } from "../topology/index.js";
import { sha256 } from "./bundle.js";
import {
  accessEntriesId,
  accessEntryId,
  inlinePolicyId,
  kubeObjectId,
  MANIFEST_ID,
  oidcProviderId,
  roleId,
  trustPolicyId,
} from "./ids.js";
import { rank, secretData } from "./kubernetes.js";
import {
  ACCESS_ENTRIES_FILE,
  BUNDLE_FORMAT,
  clusterDirs,
  configAccounts,
  configClusters,
  MANIFEST_FILE,
  OIDC_PROVIDERS_FILE,
  PARTS,
  type Part,
  PERMISSIONS_POLICY_FILE,
  TRUST_POLICY_FILE,
} from "./layout.js";

export interface LoadedBundle {
  config: Config;
  state: State;
  chains: ChainSpec[];
  /** Resource id → bundle-relative path (see the top of this file). */
  files: Map<string, string>;
  /** The parts the bundle was rendered with. */
  parts: Part[];
  /** Files whose content differs from the sha256 MANIFEST.json recorded (edited since rendering). */
  edited: string[];
}

function fault(path: string, what: string, hint: string): InputError {
  return new InputError("bundle.invalid", `${path}: ${what}`, hint);
}

const REREN = "re-render the bundle with xirsa render, or fix the file";

/** JSON.parse with the fault's line and column. */
function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(withoutBom(text));
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    let where = "";
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split("\n").length;
      const col = Number(pos[1]) - before.lastIndexOf("\n");
      where = ` at line ${line}, column ${col}`;
    }
    const what = msg.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
    throw fault(path, `invalid JSON${where}: ${what}`, "fix the JSON syntax");
  }
}

function parseWith<T>(path: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? `${formatPath(issue.path)}: ` : "";
  const msg =
    issue.code === "unrecognized_keys"
      ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`
      : issue.message;
  throw fault(path, `${at}${msg}`, REREN);
}

const policyDocument = z.looseObject(
  {
    Statement: z.union([z.array(z.record(z.string(), z.unknown())), z.record(z.string(), z.unknown())], {
      error: "expected Statement: a list of statements",
    }),
  },
  { error: "expected an IAM policy document (an object with Version and Statement)" },
);

const oidcProviders = z.array(
  z.strictObject({
    url: z.string().regex(/^https:\/\/[^\s]+$/, { error: "expected the issuer URL, https://…" }),
    clientIds: z.array(z.string().min(1), { error: "expected a list of client ids" }),
  }),
  { error: "expected a list of {url, clientIds}" },
);

const accessScope = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("cluster") }),
    z.strictObject({
      type: z.literal("namespace"),
      namespaces: z.array(z.string().min(1)).min(1, { error: "list at least one namespace" }),
    }),
  ],
  { error: "expected accessScope {type: cluster} or {type: namespace, namespaces: [...]}" },
);

const accessEntries = z.array(
  z.strictObject({
    principalArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/, { error: "expected an IAM principal ARN" }),
    type: z.string().min(1),
    kubernetesGroups: z.array(z.string().min(1)),
    username: z.string().min(1).optional(),
    accessPolicies: z.array(
      z.strictObject({
        policyArn: z.string().regex(/^arn:aws[a-z-]*:eks::aws:cluster-access-policy\/.+$/, {
          error: "expected an EKS access policy ARN",
        }),
        accessScope,
      }),
    ),
  }),
  { error: "expected a list of access entries" },
);

const kubeObject = z.looseObject(
  {
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.looseObject({
      name: z.string().min(1),
      namespace: z.string().min(1).optional(),
      labels: z.record(z.string(), z.string(), { error: "expected labels: a map of strings" }).optional(),
      annotations: z
        .record(z.string(), z.string(), { error: "expected annotations: a map of strings" })
        .optional(),
    }),
  },
  { error: "expected a Kubernetes object with apiVersion, kind and metadata.name" },
);

const manifestSchema = z.looseObject({
  format: z.literal(BUNDLE_FORMAT, { error: `expected format ${BUNDLE_FORMAT}` }),
  parts: z.array(z.enum(PARTS)),
  config: z.record(z.string(), z.unknown(), { error: "expected the config echo" }),
  chains: z.array(z.unknown()),
  files: z.array(z.strictObject({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});

/** Per file and in all: a bundle is a few hundred KB; more is a mistake or an attack (parse cost, memory). */
export const MAX_BUNDLE_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** A file's text without the UTF-8 byte order mark some editors write (JSON.parse refuses it). */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads every regular file of a bundle directory (paths relative, with `/`); dot-files are skipped. Symbolic
 * links, FIFOs, sockets and devices are refused naming the path: a bundle is plain files, and reading a FIFO
 * would block, a link could point anywhere.
 */
export function readBundleFiles(dir: string): Map<string, string> {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch {
    throw new InputError(
      "bundle.read",
      `bundle ${dir}: no such directory`,
      "render one with xirsa render --out",
    );
  }
  if (!st.isDirectory())
    throw new InputError(
      "bundle.read",
      `bundle ${dir}: not a directory`,
      "pass the --out directory of xirsa render",
    );
  // Not a bundle at all: say so before walking what may be a whole checkout.
  if (!lstatSync(join(dir, MANIFEST_FILE), { throwIfNoEntry: false })) {
    throw fault(MANIFEST_FILE, "missing: this is not a xirsa bundle", "render one with xirsa render --out");
  }
  const files = new Map<string, string>();
  let total = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const full = join(d, e.name);
      const rel = relative(dir, full).split(sep).join("/");
      if (e.isDirectory()) {
        walk(full);
        continue;
      }
      if (!e.isFile()) {
        const kind = e.isSymbolicLink() ? "a symbolic link" : e.isFIFO() ? "a FIFO" : "not a regular file";
        throw fault(
          rel,
          `${kind}; a bundle holds only directories and regular files`,
          "replace it by the file itself or remove it",
        );
      }
      // Only what the State is made of; terraform/, helm/ and scripts/ are derived.
      if (rel !== MANIFEST_FILE && !rel.startsWith("aws/") && !rel.startsWith("kubernetes/")) continue;
      const size = lstatSync(full).size;
      total += size;
      if (size > MAX_BUNDLE_FILE_BYTES || total > MAX_BUNDLE_BYTES) {
        throw fault(
          rel,
          size > MAX_BUNDLE_FILE_BYTES
            ? `${size} bytes; a bundle file is at most ${MAX_BUNDLE_FILE_BYTES} bytes`
            : `the bundle's files exceed ${MAX_BUNDLE_BYTES} bytes in all`,
          REREN,
        );
      }
      try {
        files.set(rel, withoutBom(readFileSync(full, "utf8")));
      } catch (err) {
        throw fault(rel, `cannot read: ${(err as NodeJS.ErrnoException).code}`, "check its permissions");
      }
    }
  };
  walk(dir);
  return files;
}

/** Reads a bundle directory into a State. */
export function loadBundle(dir: string): LoadedBundle {
  return parseBundle(readBundleFiles(dir));
}

function readManifest(files: Map<string, string>): {
  config: Config;
  parts: Part[];
  listed: Map<string, string>;
  chains: unknown[];
} {
  const text = files.get(MANIFEST_FILE);
  if (text === undefined) {
    throw fault(MANIFEST_FILE, "missing: this is not a xirsa bundle", "render one with xirsa render --out");
  }
  const m = parseWith(MANIFEST_FILE, manifestSchema, parseJson(MANIFEST_FILE, text));
  let config: Config;
  try {
    config = parseConfig(m.config, `${MANIFEST_FILE} config`);
  } catch (e) {
    if (isXirsaError(e)) throw fault(MANIFEST_FILE, `its config echo is invalid: ${e.message}`, REREN);
    throw e;
  }
  return {
    config,
    parts: m.parts,
    listed: new Map(m.files.map((f) => [f.path, f.sha256])),
    chains: m.chains,
  };
}

/** A bundle's files (bundle-relative path → text) → State. Pure. */
export function parseBundle(files: Map<string, string>): LoadedBundle {
  const { config, parts, listed, chains: manifestChains } = readManifest(files);
  const missingParts = (["aws", "kubernetes"] as const).filter((p) => !parts.includes(p));
  if (missingParts.length) {
    throw fault(
      MANIFEST_FILE,
      `the bundle was rendered without ${missingParts.join(" and ")}, which a State is made of`,
      "re-render it without --only",
    );
  }
  let desired: ReturnType<typeof desiredState>;
  try {
    desired = desiredState(config);
  } catch (e) {
    if (isXirsaError(e)) throw fault(MANIFEST_FILE, `its config echo is incomplete: ${e.message}`, REREN);
    throw e;
  }
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(desired.chains)), manifestChains)) {
    throw fault(MANIFEST_FILE, "its chains do not match its config", REREN);
  }
  for (const path of listed.keys()) {
    if ((path.startsWith("aws/") || path.startsWith("kubernetes/")) && !files.has(path)) {
      throw fault(
        path,
        "listed in MANIFEST.json but missing",
        "restore it (git checkout) or re-render the bundle",
      );
    }
  }
  const edited = [...listed].filter(([p, h]) => files.has(p) && sha256(files.get(p)!) !== h).map(([p]) => p);

  const names = roleNames(config);
  const accounts = configAccounts(config);
  const clustersByDir = new Map<string, EksCluster>();
  const dirs = clusterDirs(config);
  const desiredClusters = new Map(desired.state.clusters.map((c) => [clusterKey(c), c]));
  const loadedClusters = configClusters(config).map((ref): EksCluster => {
    const d = desiredClusters.get(clusterKey(ref))!;
    const c: EksCluster = { ...d, accessEntries: [], objects: [] };
    clustersByDir.set(`${ref.accountId}/${dirs.get(clusterKey(ref))}`, c);
    clustersByDir.set(`*/${dirs.get(clusterKey(ref))}`, c);
    return c;
  });
  const stackTags = desired.state.roles[0]?.tags ?? {};
  const roleFiles = new Map<
    string,
    { account: string; name: string; trust?: string; permissions?: string }
  >();
  const providers: OidcProvider[] = [];
  const index = new Map<string, string>([[MANIFEST_ID, MANIFEST_FILE]]);

  const paths = [...files.keys()].filter((p) => p !== MANIFEST_FILE).sort();
  const kubeFiles: { path: string; cluster: EksCluster; file: string }[] = [];
  for (const path of paths) {
    const seg = path.split("/");
    if (seg[0] === "aws") {
      const account = seg[1]!;
      if (!accounts.includes(account)) {
        throw fault(
          path,
          `account ${account} is not in the MANIFEST.json config`,
          "remove it or re-render the bundle",
        );
      }
      if (
        seg.length === 5 &&
        seg[2] === "roles" &&
        (seg[4] === TRUST_POLICY_FILE || seg[4] === PERMISSIONS_POLICY_FILE)
      ) {
        const key = `${account}/${seg[3]}`;
        const r = roleFiles.get(key) ?? { account, name: seg[3]! };
        if (seg[4] === TRUST_POLICY_FILE) r.trust = path;
        else r.permissions = path;
        roleFiles.set(key, r);
        continue;
      }
      if (seg.length === 3 && seg[2] === OIDC_PROVIDERS_FILE) {
        for (const p of parseWith(path, oidcProviders, parseJson(path, files.get(path)!))) {
          const arn = oidcProviderArn(names.partition, account, p.url);
          providers.push({
            accountId: account,
            arn,
            url: p.url,
            clientIds: p.clientIds,
            thumbprints: [],
            tags: {},
          });
          index.set(oidcProviderId(arn), path);
        }
        continue;
      }
      if (seg.length === 5 && seg[2] === "eks" && seg[4] === ACCESS_ENTRIES_FILE) {
        const cluster = clustersByDir.get(`${account}/${seg[3]}`);
        if (!cluster) {
          throw fault(
            path,
            `no cluster ${seg[3]} in account ${account} in the MANIFEST.json config`,
            "remove it or re-render the bundle",
          );
        }
        const entries = parseWith(path, accessEntries, parseJson(path, files.get(path)!));
        cluster.accessEntries = entries.map((e): AccessEntry => {
          const out: AccessEntry = {
            principalArn: e.principalArn,
            type: e.type,
            kubernetesGroups: e.kubernetesGroups,
            accessPolicies: e.accessPolicies,
          };
          if (e.username) out.username = e.username;
          index.set(accessEntryId(cluster.name, e.principalArn), path);
          return out;
        });
        index.set(accessEntriesId(cluster.name), path);
        continue;
      }
      throw fault(
        path,
        "not part of the bundle layout",
        "move or remove it (xirsa render --help shows the layout)",
      );
    }
    if (seg[0] === "kubernetes") {
      const cluster = clustersByDir.get(`*/${seg[1]}`);
      if (seg.length !== 3 || !/\.ya?ml$/.test(seg[2]!)) {
        throw fault(
          path,
          "not part of the bundle layout",
          "put manifests in kubernetes/<cluster>/<name>.yaml",
        );
      }
      if (!cluster)
        throw fault(
          path,
          `no cluster ${seg[1]} in the MANIFEST.json config`,
          "remove it or re-render the bundle",
        );
      kubeFiles.push({ path, cluster, file: seg[2]! });
    }
    // terraform/, helm/, scripts/ and anything else: derived or not ours, not part of the State.
  }

  // Roles: the desired ones in their order (metadata from the config), then any added by hand.
  const desiredByArn = new Map(desired.state.roles.map((r) => [r.arn, r]));
  const loadedRoles: IamRole[] = [];
  for (const r of roleFiles.values()) {
    const dirPath = `aws/${r.account}/roles/${r.name}`;
    if (!r.trust)
      throw fault(dirPath, `${TRUST_POLICY_FILE} is missing`, "every role directory needs its trust policy");
    const arn = roleArn(names.partition, r.account, config.path, r.name);
    const base: IamRole = desiredByArn.get(arn) ?? {
      accountId: r.account,
      name: r.name,
      path: config.path,
      arn,
      trustPolicy: {},
      inlinePolicies: {},
      attachedPolicyArns: [],
      tags: stackTags,
      ...(config.permissionsBoundary
        ? { permissionsBoundary: boundaryArnFor(config.permissionsBoundary, r.account) }
        : {}),
    };
    // The bundle's permissions-policy.json is the one inline policy of a source role, under its configured name.
    const policyName = Object.keys(base.inlinePolicies)[0] ?? INLINE_POLICY_NAME;
    const role: IamRole = {
      ...base,
      trustPolicy: policy(r.trust, files),
      inlinePolicies: r.permissions ? { [policyName]: policy(r.permissions, files) } : {},
    };
    loadedRoles.push(role);
    index.set(roleId(arn), r.trust);
    index.set(trustPolicyId(arn), r.trust);
    if (r.permissions) index.set(inlinePolicyId(arn, policyName), r.permissions);
  }
  const order = new Map(desired.state.roles.map((r, i) => [r.arn, i]));
  loadedRoles.sort((a, b) => {
    const ia = order.get(a.arn) ?? Number.MAX_SAFE_INTEGER;
    const ib = order.get(b.arn) ?? Number.MAX_SAFE_INTEGER;
    if (ia !== ib) return ia - ib;
    const aa = accounts.indexOf(a.accountId) - accounts.indexOf(b.accountId);
    return aa || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });

  // Manifests: the concern files in apply order, then others by name; objects in file order.
  kubeFiles.sort((a, b) => rank(a.file) - rank(b.file) || (a.path < b.path ? -1 : 1));
  for (const { path, cluster } of kubeFiles) {
    for (const obj of parseManifests(path, files.get(path)!)) {
      cluster.objects.push(obj);
      index.set(kubeObjectId(cluster.name, obj), path);
    }
  }
  providers.sort((a, b) => accounts.indexOf(a.accountId) - accounts.indexOf(b.accountId));

  return {
    config,
    state: { roles: loadedRoles, oidcProviders: providers, clusters: loadedClusters },
    chains: desired.chains,
    files: index,
    parts,
    edited,
  };
}

function policy(path: string, files: Map<string, string>): JsonObject {
  const doc = parseJson(path, files.get(path)!);
  parseWith(path, policyDocument, doc);
  return doc as JsonObject;
}

function parseManifests(path: string, text: string): KubeObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: false, lineCounter, prettyErrors: false });
  if (!Array.isArray(docs)) {
    throw fault(path, "invalid YAML", "fix the YAML syntax");
  }
  const out: KubeObject[] = [];
  docs.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      throw fault(
        path,
        `invalid YAML at line ${line}, column ${col}: ${err.message.split("\n")[0]}`,
        "fix the YAML syntax",
      );
    }
    const dup = duplicateKey(doc);
    if (dup) {
      const { line, col } = lineCounter.linePos(dup.offset);
      throw fault(
        path,
        `invalid YAML at line ${line}, column ${col}: Map keys must be unique (${dup.key} is repeated)`,
        "fix the YAML syntax",
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // e.g. alias bombs ("Excessive alias count"): bad input, not a crash.
      throw fault(
        path,
        `document ${i + 1}: unusable YAML: ${(e as Error).message}`,
        "remove the YAML aliases",
      );
    }
    if (value === null || value === undefined) return;
    const r = kubeObject.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const at = issue.path.length ? `${formatPath(issue.path)}: ` : "";
      throw fault(path, `document ${i + 1}: ${at}${issue.message}`, "fix the manifest");
    }
    const obj = value as KubeObject;
    if (obj.kind === "Secret") checkSecretData(path, i, obj);
    out.push(secretData(obj));
  });
  return out;
}

// RFC 4648 base64 as the API server decodes Secret data (standard alphabet, padded).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Secret `data` is a map of base64 strings, `stringData` a map of strings, as the API server requires. */
function checkSecretData(path: string, i: number, obj: KubeObject): void {
  for (const field of ["data", "stringData"] as const) {
    const v = obj[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== "object" || Array.isArray(v)) {
      throw fault(path, `document ${i + 1}: ${field}: expected a map of strings`, "fix the manifest");
    }
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== "string" || (field === "data" && !BASE64.test(x))) {
        throw fault(
          path,
          `document ${i + 1}: ${field}.${k}: ${field === "data" ? "expected base64 (use stringData for plain text)" : "expected a string"}`,
          "fix the manifest",
        );
      }
    }
  }
}
