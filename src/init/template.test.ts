import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validValues } from "../../test/init/testdata.js";
import { loadConfig, parseConfigText } from "../config/index.js";
import { renderInitYaml } from "./template.js";
import { validateValues } from "./values.js";

const dir = mkdtempSync(join(tmpdir(), "xirsa-init-template-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("renderInitYaml", () => {
  it("writes a file that loadConfig loads back to the same config", () => {
    for (const [i, extra] of [{}, { capsule: true, access: "namespaced", namespaces: "team-*" }].entries()) {
      const config = validateValues({ ...validValues(), ...extra });
      const file = join(dir, `xirsa-${i}.yaml`);
      writeFileSync(file, renderInitYaml(config));
      expect(loadConfig(file)).toEqual(config);
    }
  });

  it("keeps the account ids quoted and the long CA on one line", () => {
    const text = renderInitYaml(validateValues(validValues()));
    expect(text).toContain('  accountId: "111111111111"');
    expect(text).toContain('    accountId: "222222222222"');
    expect(text).toContain(`    caData: ${validValues().caData}`);
  });

  it("puts a comment above every field, set or commented out", () => {
    const lines = renderInitYaml(validateValues(validValues())).split("\n");
    const keyLine = /^(\s*)(- )?(# )?[A-Za-z]+:( |$)/;
    let checked = 0;
    lines.forEach((line, i) => {
      if (!keyLine.test(line) || line.trimStart().startsWith("#   ") || /^\s*# {3}/.test(line)) return;
      // Nested lines of a commented block (krci:, argocd:, capsule:, tags:) follow their parent.
      const indent = line.match(/^\s*/)![0].length;
      const prev = lines[i - 1] ?? "";
      const prevIsComment = /^\s*#/.test(prev) && !keyLine.test(prev);
      const isChild =
        keyLine.test(prev) &&
        (prev.match(/^\s*/)![0].length < indent || /^\s*# \S+:$/.test(prev) || /:$/.test(prev));
      expect(prevIsComment || isChild, `no comment above line ${i + 1}: ${line}`).toBe(true);
      checked++;
    });
    expect(checked).toBeGreaterThan(20);
  });

  it("shows the schema's defaults in its commented lines: uncommenting them changes nothing", () => {
    const config = validateValues(validValues());
    const text = renderInitYaml(config);
    const defaults =
      /^(\s*)# ( *(?:roleNameTemplate|path|krci|argocd|namespace|serviceAccount|deployment|serviceAccounts|project):.*)$/;
    const uncommented = text
      .split("\n")
      .map((l) => {
        const m = defaults.exec(l);
        return m ? `${m[1]}${m[2]}` : l;
      })
      .join("\n");
    expect(uncommented).not.toBe(text);
    expect(uncommented).toMatch(/^ {2}krci:\n {4}namespace: krci\n/m);
    expect(parseConfigText(uncommented)).toEqual(config);
  });

  it("comments out values not given, with the cluster's region in the issuer placeholder", () => {
    const v = validValues();
    delete v.issuer;
    delete v.endpoint;
    delete v.caData;
    const text = renderInitYaml(validateValues(v));
    expect(text).toContain("  # oidcIssuer: https://oidc.eks.eu-central-1.amazonaws.com/id/<ID>");
    expect(text).toMatch(/^ {4}# endpoint: https:\/\//m);
    expect(text).toMatch(/^ {4}# capsule:$/m);
    expect(parseConfigText(text).source.oidcIssuer).toBeUndefined();
  });
});

describe("renderInitYaml and the repository's formatter", () => {
  it("writes what `biome format` leaves unchanged", () => {
    const biome = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "biome");
    for (const extra of [{}, { capsule: true, access: "namespaced", namespaces: "team-*" }]) {
      const text = renderInitYaml(validateValues({ ...validValues(), ...extra }));
      const r = spawnSync(biome, ["format", "--stdin-file-path=xirsa.yaml"], {
        input: text,
        encoding: "utf8",
        cwd: dir,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(text);
    }
  });
});
