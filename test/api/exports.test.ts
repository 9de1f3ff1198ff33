import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

describe("public API", () => {
  it("is the package's only entry point (package.json exports)", () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "..", "..", "package.json"), "utf8"));
    expect(pkg.exports).toEqual({
      ".": { types: "./dist/index.d.ts", import: "./dist/index.js" },
      "./package.json": "./package.json",
    });
  });

  it("exports exactly the documented surface", () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        "AwsError",
        "CATALOGUE",
        "ConfigError",
        "InputError",
        "KubeError",
        "OperationError",
        "PolicyError",
        "TOKEN_PREFIX",
        "XirsaError",
        "applyLive",
        "assumeRole",
        "assumeRoleWithWebIdentity",
        "authorize",
        "configJsonSchema",
        "defaultCredentials",
        "desiredState",
        "destroyLive",
        "eksToken",
        "execCredential",
        "explainDecision",
        "loadBundle",
        "loadConfig",
        "loadLive",
        "parseConfig",
        "parseConfigText",
        "parsePolicy",
        "planLive",
        "renderBundle",
        "renderHtmlReport",
        "requiredPermissions",
        "verify",
        "webIdentityChain",
        "writeBundle",
        "writeHtmlReport",
      ].sort(),
    );
  });

  it("goes from a config to a proven chain without I/O", () => {
    const config = api.parseConfigText(
      [
        "name: dev",
        "source: {accountId: '111111111111', region: eu-west-1, cluster: a, oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC'}",
        "targets: [{name: b, accountId: '222222222222', region: eu-west-1, cluster: b, endpoint: 'https://b.example'}]",
      ].join("\n"),
    );
    const { state, chains } = api.desiredState(config);
    const result = api.verify(state, chains);
    expect(result.chains.map((c) => [c.id, c.ok])).toEqual([
      ["b/cd-pipeline-operator", true],
      ["b/argocd", true],
    ]);
  });
});
