import { describe, expect, it } from "vitest";
import { validValues } from "../../test/init/testdata.js";
import { InputError } from "../errors.js";
import { FIELDS, fieldAt } from "./fields.js";
import { missingRequired, toConfigInput, validateValues } from "./values.js";

function refusal(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(2);
    return e as InputError;
  }
  throw new Error("expected a refusal");
}

describe("init values", () => {
  it("validates a full set into the config with the schema's defaults", () => {
    const config = validateValues({ ...validValues(), capsule: true });
    expect(config.source.oidcIssuer).toBe(validValues().issuer);
    expect(config.targets[0]).toMatchObject({ name: "prod", namespaces: "krci-*", access: "cluster-admin" });
    expect(config.targets[0]!.capsule).toEqual({
      tenant: "krci",
      group: "cd-pipeline-operator",
      usersForm: "users",
    });
    expect(config.roleNameTemplate).toBe("AWSIRSA_{name}_{role}");
  });

  it.each([
    ["sourceAccount", "12345", "--source-account '12345': expected a 12-digit AWS account id"],
    ["targetRegion", "mars-1", "--target-region 'mars-1': expected an AWS region such as eu-central-1"],
    ["issuer", "https://oidc.eks.eu-central-1.amazonaws.com/id/ABC/", "--issuer"],
    ["endpoint", "http://x", "--endpoint 'http://x': expected the cluster API endpoint as https://<host>"],
    [
      "caData",
      "bm90IGEgcGVt",
      "--ca-data 'bm90IGEgcGVt': expected base64 of at least one PEM certificate that parses",
    ],
    ["access", "admin", "--access 'admin': expected 'cluster-admin' or 'namespaced'"],
    ["targetName", "Prod_1", "--target-name 'Prod_1': expected a Kubernetes name"],
    ["namespaces", "krci-*-x", "--namespaces"],
  ] as const)("refuses a bad %s naming its flag", (key, value, message) => {
    const e = refusal(() => validateValues({ ...validValues(), [key]: value }));
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.oneLine()).not.toContain("\n");
  });

  it("names the flag for rules across fields", () => {
    const region = refusal(() => validateValues({ ...validValues(), sourceRegion: "eu-west-1" }));
    expect(region.message).toMatch(
      /^--issuer '.*': the issuer is in region eu-central-1 but source.region is eu-west-1/,
    );
    const same = refusal(() =>
      validateValues({
        ...validValues(),
        targetAccount: "111111111111",
        targetRegion: "eu-central-1",
        targetCluster: "krci-main",
      }),
    );
    expect(same.message).toMatch(
      /^--target-cluster 'krci-main': a target cannot be the source cluster itself/,
    );
  });

  it("reports missing required values by flag", () => {
    const v = validValues();
    delete v.name;
    delete v.targetAccount;
    expect(missingRequired(v).map((f) => f.flag)).toEqual(["--name", "--target-account"]);
    expect(refusal(() => validateValues(v)).message).toBe("missing --name");
  });

  it("maps every field to its config path and back", () => {
    const input = toConfigInput(validValues()) as unknown as Record<string, unknown>;
    for (const f of FIELDS) {
      expect(fieldAt(f.path)).toBe(f);
      const v = validValues()[f.key];
      if (v === undefined) continue;
      let cur: unknown = input;
      for (const p of f.path) cur = (cur as Record<string | number, unknown>)[p];
      expect(cur, f.flag).toBe(v);
    }
  });
});
