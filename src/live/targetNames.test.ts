import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, parseConfigText } from "../config/index.js";
import type { KubeObject } from "../state/index.js";
import { targetNameConflict } from "./targetNames.js";

const ROOT = join(import.meta.dirname, "..", "..");
const config = parseConfigText(readFileSync(join(ROOT, "examples", "multi-target.yaml"), "utf8"));

const secret = (name: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "krci", ...extra },
});

describe("target names", () => {
  it("refuses in-cluster in the config itself", () => {
    const doc = parseConfigText(readFileSync(join(ROOT, "examples", "multi-target.yaml"), "utf8"));
    expect(() =>
      parseConfig({ ...doc, targets: [{ ...doc.targets[0]!, name: "in-cluster" }] } as never),
    ).toThrow(/in-cluster.*operator's own cluster/);
  });

  it("refuses a name whose <name> Secret is not the operator's kubeconfig (regcred would be overwritten)", () => {
    expect(targetNameConflict(config, "regcred", { kubeconfig: secret("regcred") })).toMatch(
      /Secret krci\/regcred already exists .* would overwrite it/,
    );
    const operators = secret("prod", {
      ownerReferences: [
        { apiVersion: "v1", kind: "Secret", name: "prod-cluster", uid: "u", controller: true },
      ],
    });
    expect(targetNameConflict(config, "prod", { kubeconfig: operators })).toBeUndefined();
  });

  it("refuses a <name>-cluster Secret that is not a cluster Secret, or another stack's", () => {
    expect(targetNameConflict(config, "prod", { cluster: secret("prod-cluster") })).toMatch(
      /not a KubeRocketCI cluster Secret/,
    );
    const other = secret("prod-cluster", {
      labels: { "app.edp.epam.com/secret-type": "cluster", "xirsa.io/stack": "other" },
    });
    expect(targetNameConflict(config, "prod", { cluster: other })).toMatch(/xirsa stack 'other'/);
    const mine = secret("prod-cluster", {
      labels: { "app.edp.epam.com/secret-type": "cluster", "xirsa.io/stack": config.name },
    });
    expect(targetNameConflict(config, "prod", { cluster: mine })).toBeUndefined();
  });
});
