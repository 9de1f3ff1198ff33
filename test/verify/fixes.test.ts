/**
 * Fixes that are right for this config (issue 16 §3): the printed fix, applied to the failing State, makes the
 * chain proven; no placeholder is printed when verify knows the value.
 */
import { afterAll, describe, expect, it } from "vitest";
import { verify } from "../../src/verify/index.js";
import { removeDir, renderExample, verifyBundle, writeFiles } from "./fixtures.js";
import { SCENARIOS } from "./scenarios.js";
import { desired } from "./stateScenarios.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

// biome-ignore lint/suspicious/noExplicitAny: free-form policy JSON
type Any = any;

describe("web-identity fixes", () => {
  it("another chain's service account in the trust: 'wrong service account', and the printed subjects fix it", () => {
    const { state, chains, project } = desired("xirsa");
    const argo = chains.find((c) => c.kind === "argocd")!;
    const op = chains.find((c) => c.kind === "cd-pipeline-operator")!;
    const master = state.roles.find((r) => r.arn === argo.sourceRoleArn)!;
    const operator = state.roles.find((r) => r.arn === op.sourceRoleArn)!;
    // The operator's trust pasted onto the Argo CD role.
    master.trustPolicy = structuredClone(operator.trustPolicy);

    const r = verify(state, chains, { appProject: project });
    const hop = r.chains.find((c) => c.id === argo.id)!.hops.find((h) => h.id === "web-identity")!;
    expect(hop.ok).toBe(false);
    const f = r.findings.find((x) => x.chain === argo.id && x.code === "XIRSA-TRUST-SUB-MISMATCH")!;
    expect(f.message).toMatch(
      /^wrong service account: trust policy of \S+ArgoCDMaster accepts the token of krci\/edp-cd-pipeline-operator; the argocd chain needs argocd\/argocd-application-controller, .*argocd\/argocd-server$/,
    );
    expect(f.message).not.toMatch(/let the role trust/);
    expect(f.remediation).not.toMatch(/<[a-z ]+>/);

    // Apply the fix as printed: "set <key> to [<subjects>] in trust policy of <role> (at <path>)".
    const m =
      /^set (\S+) to (\[.*\]) in trust policy of (\S+) \(at Statement\[(\d+)\]\.Condition\.(\w+)\[/.exec(
        f.remediation,
      );
    expect(m, f.remediation).not.toBeNull();
    const [, key, subjects, roleArn, index, operatorName] = m!;
    expect(roleArn).toBe(master.arn);
    // A new document (compiled policies are cached per document object).
    const edited = structuredClone(master.trustPolicy) as Any;
    const statement = [edited.Statement].flat()[Number(index)];
    statement.Condition[operatorName!][key!] = JSON.parse(subjects!);
    master.trustPolicy = edited;
    const fixed = verify(state, chains, { appProject: project });
    expect(fixed.chains.find((c) => c.id === argo.id)!.ok).toBe(true);
  });

  it("no <issuer> placeholder in any fix of the web-identity scenarios", () => {
    for (const sc of SCENARIOS.filter((s) => s.hop === "web-identity" || s.code.startsWith("XIRSA-TRUST"))) {
      const files = typeof sc.base === "string" ? renderExample(sc.base) : sc.base();
      sc.tamper(files);
      const dir = writeFiles(files);
      dirs.push(dir);
      const r = verifyBundle(dir);
      for (const f of r.findings) expect(f.remediation, `${sc.name}: ${f.code}`).not.toContain("<issuer>");
      for (const c of r.chains)
        for (const h of c.hops) expect(h.fix ?? "", sc.name).not.toContain("<issuer>");
    }
  });
});
