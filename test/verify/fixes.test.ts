/**
 * Fixes that are right for this config (issue 16 §3): the printed fix, applied to the failing State, makes the
 * chain proven; no placeholder is printed when verify knows the value.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { State } from "../../src/state/types.js";
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

/** Applies `aws eks create-access-entry … && aws eks associate-access-policy …` to the State. */
function applyEksCommands(state: State, fix: string): void {
  for (const command of fix.split(" && ")) {
    const words = command.trim().split(/\s+/);
    const flag = (name: string) => {
      const i = words.indexOf(`--${name}`);
      return i >= 0 ? words[i + 1] : undefined;
    };
    const cluster = state.clusters.find(
      (c) => c.name === flag("cluster-name") && c.region === flag("region"),
    )!;
    expect(cluster, command).toBeDefined();
    const arn = flag("principal-arn")!;
    if (words[2] === "create-access-entry") {
      const gi = words.indexOf("--kubernetes-groups");
      const rest = gi >= 0 ? words.slice(gi + 1) : [];
      const next = rest.findIndex((w) => w.startsWith("--"));
      const groups = next >= 0 ? rest.slice(0, next) : rest;
      cluster.accessEntries.push({
        principalArn: arn,
        type: flag("type")!,
        kubernetesGroups: groups,
        accessPolicies: [],
      });
    } else if (words[2] === "associate-access-policy") {
      // Quoted for a shell when it holds a * (krci-*).
      const scope = flag("access-scope")!.replace(/^'(.*)'$/, "$1");
      const entry = cluster.accessEntries.find((e) => e.principalArn === arn)!;
      entry.accessPolicies.push({
        policyArn: flag("policy-arn")!,
        accessScope:
          scope === "type=cluster"
            ? { type: "cluster" }
            : { type: "namespace", namespaces: scope.replace("type=namespace,namespaces=", "").split(",") },
      });
    } else {
      throw new Error(`not an EKS command this test interprets: ${command}`);
    }
  }
}

describe("cluster-access fixes", () => {
  for (const target of ["staging", "prod"]) {
    for (const kind of ["cd-pipeline-operator", "argocd"]) {
      it(`a missing access entry on ${target} (${kind}): the printed commands recreate what the config renders`, () => {
        const { state, chains, project } = desired("multi-target");
        const pristine = structuredClone(state);
        const chain = chains.find((c) => c.id === `${target}/${kind}`)!;
        const cluster = state.clusters.find(
          (c) => c.name === chain.targetCluster.name && c.accountId === chain.targetCluster.accountId,
        )!;
        const before = cluster.accessEntries.find((e) => e.principalArn === chain.targetRoleArn)!;
        cluster.accessEntries = cluster.accessEntries.filter((e) => e !== before);
        const profiles = { [chain.targetCluster.accountId]: "prod-admin" };
        const r = verify(state, chains, { appProject: project, desired: pristine, profiles });
        const hop = r.chains.find((c) => c.id === chain.id)!.hops.find((h) => h.id === "cluster-access")!;
        expect(hop.ok).toBe(false);
        const fix = hop.fix!;
        expect(fix).toContain(`--region ${chain.targetCluster.region} --profile prod-admin`);
        expect(fix).not.toMatch(/<[a-z]+>|then associate/);
        if (before.kubernetesGroups.length)
          expect(fix).toContain(`--kubernetes-groups ${before.kubernetesGroups.join(" ")}`);
        if (before.accessPolicies.length === 0) expect(fix).not.toContain("associate-access-policy");
        for (const p of before.accessPolicies.filter((x) => x.accessScope.type === "namespace")) {
          expect(fix).toContain(`--policy-arn ${p.policyArn} --access-scope 'type=namespace,namespaces=`);
        }
        applyEksCommands(state, fix);
        const fixed = verify(state, chains, { appProject: project });
        expect(fixed.chains.find((c) => c.id === chain.id)!.ok).toBe(true);
      });
    }
  }
});

describe("fixes for a stack xirsa owns", () => {
  it("a failed hop of an xirsa-owned chain names xirsa apply first, the raw command second", () => {
    const { state, chains, project } = desired("multi-target");
    const chain = chains.find((c) => c.id === "staging/argocd")!;
    const cluster = state.clusters.find((c) => c.name === chain.targetCluster.name)!;
    cluster.accessEntries = cluster.accessEntries.filter((e) => e.principalArn !== chain.targetRoleArn);
    const applyCommand = "xirsa apply --config xirsa.yaml";
    const fixOf = (s: State) =>
      verify(s, chains, { appProject: project, applyCommand })
        .chains.find((c) => c.id === chain.id)!
        .hops.find((h) => h.id === "cluster-access")!.fix!;
    expect(fixOf(state)).toMatch(
      /^xirsa apply --config xirsa\.yaml --target staging \(xirsa owns this stack.*\); or by hand: aws eks create-access-entry /,
    );
    // Roles xirsa does not own (no xirsa.io/managed-by tag): only the raw command.
    for (const r of state.roles) r.tags = {};
    expect(fixOf(state)).toMatch(/^aws eks create-access-entry /);
  });
});
