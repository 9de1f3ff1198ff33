import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { formatPath, parseConfig, parseConfigText } from "./load.js";

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

  it("counts the further problems", () => {
    expect(line(() => parseConfig({ ...ok, name: "a b", source: { ...ok.source, region: "x" } }))).toMatch(
      /\(\+1 more problem\)$/,
    );
  });

  it("gives the YAML position of a syntax error", () => {
    expect(line(() => parseConfigText("name: dev\nsource:\n  - a\n b: c\n", "f.yaml"))).toMatch(
      /^f\.yaml: invalid YAML at line 4, column \d+: /,
    );
  });
});
