/**
 * Trust statements that let anyone in (issue 11 item 5) are named, by index and Sid, in every output of verify:
 * table, json and sarif of the built CLI.
 */
import { afterAll, describe, expect, it } from "vitest";
import { editJson, removeDir, renderExample, writeFiles, xirsaAsync } from "./fixtures.js";

const OPERATOR_TRUST = /aws\/111111111111\/roles\/AWSIRSA_dev_CDPipelineOperator\/trust-policy\.json$/;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe("the offending statement is named in every output", () => {
  it("an extra statement allowing AWS * in a source role's trust policy", async () => {
    const files = renderExample("xirsa");
    editJson(files, OPERATOR_TRUST, (d) => {
      d.Statement.push({ Sid: "Anyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
    });
    const dir = writeFiles(files);
    dirs.push(dir);
    const named = 'statement 1 (Sid "Anyone") trusts every principal (AWS: *)';
    for (const output of ["table", "json", "sarif"]) {
      const r = await xirsaAsync(["verify", "--from", dir, "--output", output]);
      expect(r.stderr, output).toBe("");
      // The table wraps long messages under a hanging indent; read it as the words it prints.
      const text = output === "table" ? r.stdout.replace(/\n +/g, " ") : JSON.stringify(JSON.parse(r.stdout));
      expect(text, output).toContain(output === "table" ? named : JSON.stringify(named).slice(1, -1));
      expect(text, output).toContain("Statement[1]");
    }
  });
});
