import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { configJsonSchema, formatPath, loadConfig, parseConfig, parseConfigText } from "./load.js";

const ok = {
  name: "dev",
  source: { accountId: "111111111111", region: "eu-central-1", cluster: "main" },
  targets: [{ name: "prod", accountId: "222222222222", region: "eu-west-1", cluster: "apps" }],
};

function line(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).oneLine();
  }
  throw new Error("expected a ConfigError");
}

describe("config errors", () => {
  it("formats zod paths as users write them", () => {
    expect(formatPath(["targets", 0, "capsule", "group"])).toBe("targets[0].capsule.group");
    expect(formatPath([])).toBe("(top level)");
  });

  it("fills the defaults", () => {
    const c = parseConfig(ok);
    expect(c.targets[0]).toMatchObject({ namespaces: "krci-*", access: "cluster-admin" });
    expect(c.source.argocd.serviceAccounts).toHaveLength(3);
    expect(c.roleNameTemplate).toBe("AWSIRSA_{name}_{role}");
  });

  it("says 'missing' only for absent fields, and names the type for wrong ones", () => {
    const { cluster: _, ...noCluster } = ok.source;
    expect(line(() => parseConfig({ ...ok, source: noCluster }))).toMatch(
      /^config: source\.cluster: missing; /,
    );
    expect(line(() => parseConfig({ ...ok, source: { ...ok.source, cluster: 5 } }))).toMatch(
      /^config: source\.cluster: expected an EKS cluster name/,
    );
    expect(line(() => parseConfig({ ...ok, targets: {} }))).toBe(
      "config: targets: expected a list, got a mapping",
    );
    expect(line(() => parseConfig({ ...ok, tags: [] }))).toMatch(/^config: tags: /);
  });

  it("lists every problem, unknown fields first with the field they were probably meant to be", () => {
    expect(line(() => parseConfig({ ...ok, name: "a b", source: { ...ok.source, region: "x" } }))).toMatch(
      /^config: 2 problems: \(1\) name: .+; \(2\) source\.region: /,
    );
    const { source, ...noSource } = ok;
    expect(line(() => parseConfig({ ...noSource, sorce: source }))).toMatch(
      /^config: 2 problems: \(1\) unknown field 'sorce' \(did you mean 'source'\?\); .+; \(2\) source: missing; /,
    );
    expect(
      line(() =>
        parseConfig({ ...ok, targets: [{ ...ok.targets[0], acountId: "1", accountId: undefined }] }),
      ),
    ).toContain("targets[0]: unknown field 'acountId' (did you mean 'accountId'?)");
  });

  it("says in words why a config cannot be read", () => {
    expect(line(() => loadConfig(import.meta.dirname))).toMatch(/: it is a directory, not a file; /);
  });

  it("gives the YAML position of a syntax error", () => {
    expect(line(() => parseConfigText("name: dev\nsource:\n  - a\n b: c\n", "f.yaml"))).toMatch(
      /^f\.yaml: invalid YAML at line 4, column \d+: /,
    );
  });
});

describe("configJsonSchema", () => {
  it("describes every field (editor hover)", () => {
    type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; description?: string };
    const missing: string[] = [];
    let fields = 0;
    const walk = (n: Node, path: string) => {
      for (const a of n.anyOf ?? []) walk(a, path);
      if (n.items) walk(n.items, `${path}[]`);
      for (const [k, v] of Object.entries(n.properties ?? {})) {
        const p = path ? `${path}.${k}` : k;
        fields++;
        if (!v.description) missing.push(p);
        walk(v, p);
      }
    };
    walk(configJsonSchema() as Node, "");
    expect(fields).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
