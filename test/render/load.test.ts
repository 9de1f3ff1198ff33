/**
 * Bundle → State: the round trip, edits made in Git, the resource-id → file map, and faults named with their file.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { InputError } from "../../src/errors.js";
import { renderBundle } from "../../src/render/bundle.js";
import { loadBundle, parseBundle } from "../../src/render/load.js";
import { writeBundle } from "../../src/render/write.js";
import { desiredState } from "../../src/topology/desired.js";

const root = join(import.meta.dirname, "../..");
const examples = ["xirsa", "multi-target"].map((e) => ({
  name: e,
  config: loadConfig(join(root, "examples", `${e}.yaml`)),
}));
const single = examples[0]!.config;
const tmp = mkdtempSync(join(tmpdir(), "xirsa-load-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function edited(
  files: Map<string, string>,
  path: string,
  edit: (text: string) => string,
): Map<string, string> {
  const copy = new Map(files);
  const text = copy.get(path);
  if (text === undefined) throw new Error(`no ${path} in the bundle`);
  copy.set(path, edit(text));
  return copy;
}

function faultOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.exitCode).toBe(2);
    expect(err.oneLine()).not.toContain("\n");
    return err;
  }
  throw new Error("expected an InputError");
}

describe("round trip: load(render(config)).state = desiredState(config).state", () => {
  for (const { name, config } of examples) {
    it(`${name}: in memory`, () => {
      const desired = desiredState(config);
      const loaded = parseBundle(renderBundle(config));
      expect(loaded.state).toEqual(desired.state);
      expect(loaded.chains).toEqual(desired.chains);
      expect(loaded.config).toEqual(config);
      expect(loaded.edited).toEqual([]);
    });

    it(`${name}: through the disk`, async () => {
      const dir = join(tmp, `rt-${name}`);
      await writeBundle(dir, renderBundle(config));
      const loaded = loadBundle(dir);
      expect(loaded.state).toEqual(desiredState(config).state);
    });
  }

  it("Secrets are written readable (stringData) and loaded back as the data the State holds", () => {
    const files = renderBundle(single);
    const yaml = files.get("kubernetes/krci-main/cluster-secrets.yaml")!;
    expect(yaml).toContain("stringData:");
    expect(yaml).toContain('"roleARN":"arn:aws:iam::222222222222:role/AWSIRSA_dev_ArgoCDAgentAccess"');
    const secret = parseBundle(files).state.clusters[0]!.objects.find(
      (o) => o.metadata.name === "cluster-prod",
    )!;
    expect(secret.stringData).toBeUndefined();
    expect(Buffer.from((secret.data as Record<string, string>).server!, "base64").toString()).toBe(
      single.targets[0]!.endpoint,
    );
  });
});

describe("the State comes from the files, not from the config echo", () => {
  const files = renderBundle(single);
  const trustPath = "aws/222222222222/roles/AWSIRSA_dev_CDPipelineAgent/trust-policy.json";

  it("an edited trust policy is what the State holds, and the file is reported as edited", () => {
    const bad = edited(files, trustPath, (t) =>
      t.replace("AWSIRSA_dev_CDPipelineOperator", "AWSIRSA_dev_Typo"),
    );
    const loaded = parseBundle(bad);
    const role = loaded.state.roles.find((r) => r.name === "AWSIRSA_dev_CDPipelineAgent")!;
    expect(JSON.stringify(role.trustPolicy)).toContain("arn:aws:iam::111111111111:role/AWSIRSA_dev_Typo");
    expect(loaded.edited).toEqual([trustPath]);
  });

  it("an edited access entry and manifest show up in the State", () => {
    let bad = edited(files, "aws/222222222222/eks/workloads-prod/access-entries.json", (t) =>
      t.replace('"kubernetesGroups": [],', '"kubernetesGroups": ["edited"],'),
    );
    bad = edited(bad, "kubernetes/krci-main/service-accounts.yaml", (t) =>
      t.replace("AWSIRSA_dev_CDPipelineOperator", "AWSIRSA_dev_Other"),
    );
    const { state } = parseBundle(bad);
    const target = state.clusters[1]!;
    expect(target.accessEntries[0]!.kubernetesGroups).toEqual(["edited"]);
    const sa = state.clusters[0]!.objects.find((o) => o.metadata.name === "edp-cd-pipeline-operator")!;
    expect(sa.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toBe(
      "arn:aws:iam::111111111111:role/AWSIRSA_dev_Other",
    );
  });

  it("a removed permissions policy (and its MANIFEST entry) means no inline policy", () => {
    const path = "aws/111111111111/roles/AWSIRSA_dev_CDPipelineOperator/permissions-policy.json";
    const copy = new Map(files);
    copy.delete(path);
    copy.set(
      "MANIFEST.json",
      JSON.stringify({
        ...JSON.parse(copy.get("MANIFEST.json")!),
        files: JSON.parse(copy.get("MANIFEST.json")!).files.filter((f: { path: string }) => f.path !== path),
      }),
    );
    const role = parseBundle(copy).state.roles.find((r) => r.name === "AWSIRSA_dev_CDPipelineOperator")!;
    expect(role.inlinePolicies).toEqual({});
  });

  it("a role directory added by hand is loaded after the desired roles", () => {
    const copy = new Map(files);
    copy.set(
      "aws/222222222222/roles/Extra/trust-policy.json",
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}',
    );
    const roles = parseBundle(copy).state.roles;
    expect(roles.map((r) => r.name).at(-1)).toBe("Extra");
    expect(roles.at(-1)!.arn).toBe("arn:aws:iam::222222222222:role/Extra");
  });
});

describe("resource ids → bundle files", () => {
  it("points every role, policy, provider, access entry and object at its file", () => {
    const { files } = parseBundle(renderBundle(examples[1]!.config));
    const operator = "arn:aws:iam::111111111111:role/AWSIRSA_platform_CDPipelineOperator";
    const agent = "arn:aws:iam::333333333333:role/AWSIRSA_platform_CDPipelineAgent";
    expect(files.get(operator)).toBe(
      "aws/111111111111/roles/AWSIRSA_platform_CDPipelineOperator/trust-policy.json",
    );
    expect(files.get(`${operator}#trust-policy`)).toBe(files.get(operator));
    expect(files.get(`${operator}#inline/xirsa-assume-agent-roles`)).toBe(
      "aws/111111111111/roles/AWSIRSA_platform_CDPipelineOperator/permissions-policy.json",
    );
    expect(
      files.get(
        "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F",
      ),
    ).toBe("aws/111111111111/oidc-providers.json");
    expect(files.get("eks:workloads-prod/access-entries")).toBe(
      "aws/333333333333/eks/workloads-prod/access-entries.json",
    );
    expect(files.get(`eks:workloads-prod/access-entry/${agent}`)).toBe(
      "aws/333333333333/eks/workloads-prod/access-entries.json",
    );
    expect(files.get("k8s:krci-main/argocd/AppProject/krci")).toBe("kubernetes/krci-main/appproject.yaml");
    expect(files.get("k8s:krci-main/krci/Secret/prod-cluster")).toBe(
      "kubernetes/krci-main/cluster-secrets.yaml",
    );
    expect(files.get("k8s:workloads-prod/Tenant/krci")).toBe("kubernetes/workloads-prod/capsule.yaml");
    expect(files.get("bundle:MANIFEST.json")).toBe("MANIFEST.json");
  });
});

describe("faults name the file and what is wrong", () => {
  const files = renderBundle(single);
  const trustPath = "aws/111111111111/roles/AWSIRSA_dev_ArgoCDMaster/trust-policy.json";

  const cases: { what: string; files: () => Map<string, string>; message: RegExp }[] = [
    {
      what: "no MANIFEST.json",
      files: () => {
        const c = new Map(files);
        c.delete("MANIFEST.json");
        return c;
      },
      message: /^MANIFEST\.json: missing: this is not a xirsa bundle/,
    },
    {
      what: "invalid JSON, with line and column",
      files: () => edited(files, trustPath, (t) => t.replace('"Effect": "Allow",', '"Effect": "Allow"')),
      message: new RegExp(`^${trustPath}: invalid JSON at line 7, column \\d+`),
    },
    {
      what: "a policy without Statement",
      files: () => edited(files, trustPath, () => '{"Version": "2012-10-17"}\n'),
      message: new RegExp(`^${trustPath}: Statement: `),
    },
    {
      what: "a policy that is a list",
      files: () => edited(files, trustPath, () => "[]\n"),
      message: new RegExp(`^${trustPath}: expected an IAM policy document`),
    },
    {
      what: "a bad access scope",
      files: () =>
        edited(files, "aws/222222222222/eks/workloads-prod/access-entries.json", (t) =>
          t.replace('"type": "cluster"', '"type": "cluster-wide"'),
        ),
      message:
        /^aws\/222222222222\/eks\/workloads-prod\/access-entries\.json: \[0\]\.accessPolicies\[0\]\.accessScope/,
    },
    {
      what: "an unknown field in an access entry",
      files: () =>
        edited(files, "aws/222222222222/eks/workloads-prod/access-entries.json", (t) =>
          t.replace('"type": "STANDARD",', '"type": "STANDARD", "kubernetesGroup": [],'),
        ),
      message: /access-entries\.json: \[0\]: unknown field 'kubernetesGroup'/,
    },
    {
      what: "invalid YAML, with line",
      files: () => edited(files, "kubernetes/krci-main/appproject.yaml", (t) => `${t}  bad: [\n`),
      message: /^kubernetes\/krci-main\/appproject\.yaml: invalid YAML at line \d+/,
    },
    {
      what: "a manifest without kind",
      files: () =>
        edited(files, "kubernetes/krci-main/krci-config.yaml", (t) => t.replace("kind: ConfigMap\n", "")),
      message: /^kubernetes\/krci-main\/krci-config\.yaml: document 1: kind: /,
    },
    {
      what: "a listed file that is missing",
      files: () => {
        const c = new Map(files);
        c.delete(trustPath);
        return c;
      },
      message: new RegExp(`^${trustPath}: listed in MANIFEST.json but missing`),
    },
    {
      what: "a role directory without trust policy",
      files: () => {
        const c = new Map(files);
        c.set("aws/111111111111/roles/Extra/permissions-policy.json", '{"Statement": []}');
        return c;
      },
      message: /^aws\/111111111111\/roles\/Extra: trust-policy\.json is missing/,
    },
    {
      what: "an account the config does not have",
      files: () => {
        const c = new Map(files);
        c.set("aws/999999999999/oidc-providers.json", "[]");
        return c;
      },
      message:
        /^aws\/999999999999\/oidc-providers\.json: account 999999999999 is not in the MANIFEST\.json config/,
    },
    {
      what: "a file outside the layout",
      files: () => {
        const c = new Map(files);
        c.set("aws/111111111111/notes.txt", "hello");
        return c;
      },
      message: /^aws\/111111111111\/notes\.txt: not part of the bundle layout/,
    },
    {
      what: "manifests of an unknown cluster",
      files: () => {
        const c = new Map(files);
        c.set("kubernetes/elsewhere/x.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n");
        return c;
      },
      message: /^kubernetes\/elsewhere\/x\.yaml: no cluster elsewhere/,
    },
    {
      what: "an invalid config echo",
      files: () => edited(files, "MANIFEST.json", (t) => t.replace('"name": "dev"', '"name": "dev env"')),
      message: /^MANIFEST\.json: its config echo is invalid: .*name: expected 1-40 letters/,
    },
    {
      what: "chains that disagree with the config echo",
      files: () =>
        edited(files, "MANIFEST.json", (t) =>
          t.replace('"namespacePattern": "krci-*"', '"namespacePattern": "x-*"'),
        ),
      message: /^MANIFEST\.json: its chains do not match its config/,
    },
    {
      what: "a partial bundle",
      files: () => renderBundle(single, { only: ["terraform"] }),
      message: /^MANIFEST\.json: the bundle was rendered without aws and kubernetes/,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const err = faultOf(() => parseBundle(c.files()));
      expect(err.oneLine()).toMatch(c.message);
    });
  }

  it("a directory that does not exist, or is not a bundle", () => {
    expect(faultOf(() => loadBundle(join(tmp, "nope"))).oneLine()).toMatch(/no such directory/);
    expect(faultOf(() => loadBundle(root)).oneLine()).toMatch(/^MANIFEST\.json: missing/);
  });

  it("on disk: an edited file is named relative to the bundle", async () => {
    const dir = join(tmp, "disk-fault");
    await writeBundle(dir, files);
    writeFileSync(join(dir, trustPath), "{");
    expect(faultOf(() => loadBundle(dir)).oneLine()).toMatch(new RegExp(`^${trustPath}: invalid JSON`));
    unlinkSync(join(dir, trustPath));
    expect(faultOf(() => loadBundle(dir)).oneLine()).toMatch(/listed in MANIFEST.json but missing/);
    expect(readFileSync(join(dir, "MANIFEST.json"), "utf8")).toContain('"format": "xirsa.bundle/v1"');
  });
});

describe("a bundle is input too: every fault is one line and exit 2", () => {
  const files = renderBundle(single);
  const trust = [...files.keys()].find((p) => p.endsWith("CDPipelineOperator/trust-policy.json"))!;
  const secrets = "kubernetes/krci-main/cluster-secrets.yaml";

  it("a symbolic link or a FIFO in the bundle is refused naming its path", async () => {
    const { symlinkSync } = await import("node:fs");
    const { execFileSync } = await import("node:child_process");
    const dir = join(tmp, "links");
    await writeBundle(dir, files);
    unlinkSync(join(dir, trust));
    symlinkSync("/etc/passwd", join(dir, trust));
    expect(faultOf(() => loadBundle(dir)).oneLine()).toMatch(
      new RegExp(`^${trust}: a symbolic link; a bundle holds only directories and regular files`),
    );
    unlinkSync(join(dir, trust));
    execFileSync("mkfifo", [join(dir, trust)]);
    expect(faultOf(() => loadBundle(dir)).oneLine()).toMatch(new RegExp(`^${trust}: a FIFO;`));
  });

  it("an oversized file is refused before it is read", async () => {
    const dir = join(tmp, "big");
    await writeBundle(dir, files);
    writeFileSync(join(dir, secrets), `# ${"x".repeat(5 * 1024 * 1024)}\n`);
    expect(faultOf(() => loadBundle(dir)).oneLine()).toMatch(
      new RegExp(`^${secrets}: \\d+ bytes; a bundle file is at most 4194304 bytes`),
    );
  });

  const cases: { what: string; edit: (t: string) => string; message: RegExp }[] = [
    {
      what: "Secret data that is not base64",
      edit: (t) =>
        `${t}---\napiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: argocd}\ndata: {config: "not base64!"}\n`,
      message: /^kubernetes\/krci-main\/cluster-secrets\.yaml: document \d+: data\.config: expected base64/,
    },
    {
      what: "annotations that are not a map of strings",
      edit: (t) =>
        `${t}---\napiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: argocd, annotations: [a, b]}\n`,
      message: /document \d+: metadata\.annotations: expected annotations: a map of strings/,
    },
    {
      what: "labels that are not a map of strings",
      edit: (t) =>
        `${t}---\napiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: argocd, labels: {a: {b: c}}}\n`,
      message: /document \d+: metadata\.labels\.a: /,
    },
    {
      what: "a YAML alias bomb",
      edit: (t) =>
        `${t}---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      message: /document \d+: unusable YAML: Excessive alias count/,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      expect(faultOf(() => parseBundle(edited(files, secrets, c.edit))).oneLine()).toMatch(c.message);
    });
  }

  it("a UTF-8 byte order mark is accepted (JSON and YAML)", () => {
    const bom = edited(
      edited(files, trust, (t) => `\uFEFF${t}`),
      secrets,
      (t) => `\uFEFF${t}`,
    );
    expect(parseBundle(bom).state).toEqual(parseBundle(files).state);
  });

  it("70,000 statements do not overflow the stack: verify answers", async () => {
    const { verify } = await import("../../src/verify/index.js");
    const big = edited(files, trust, (t) => {
      const d = JSON.parse(t);
      d.Statement = Array.from({ length: 70_000 }, () => ({ ...d.Statement[0], Condition: {} }));
      return JSON.stringify(d);
    });
    const b = parseBundle(big);
    const r = verify(b.state, b.chains);
    expect(r.findings.filter((f) => f.code === "XIRSA-TRUST-NO-SUB").length).toBe(70_000);
  });
});
