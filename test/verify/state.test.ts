/**
 * verify() as a pure function over States: the good desired States of both examples, the live-only failure
 * modes, determinism, and that a hop after a failed one is still evaluated.
 */
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { desiredState } from "../../src/topology/desired.js";
import { verify } from "../../src/verify/index.js";
import { HOP_IDS, type VerifyResult } from "../../src/verify/types.js";
import { exampleConfig } from "./fixtures.js";
import { desired, STATE_SCENARIOS, type StateScenario } from "./stateScenarios.js";

function expectScenario(r: VerifyResult, sc: StateScenario): void {
  const chain = r.chains.find((c) => c.id === sc.chain)!;
  const failing = chain.hops.filter((h) => !h.ok).map((h) => h.id);
  if (sc.hop) {
    expect(failing).toEqual(HOP_IDS.filter((id) => id === sc.hop || sc.alsoFails?.includes(id)));
    const hop = chain.hops.find((h) => h.id === sc.hop)!;
    expect(hop.codes?.[0], hop.reason).toBe(sc.code);
    if (sc.reason) expect(hop.reason).toMatch(sc.reason);
    expect(r.findings.some((f) => f.code === sc.code && f.chain === sc.chain && f.hop === sc.hop)).toBe(true);
    expect(r.ok).toBe(false);
  } else {
    expect(failing).toEqual([]);
    expect(r.findings.map((f) => f.code)).toContain(sc.code);
  }
}

describe("verify over States", () => {
  for (const example of ["xirsa", "multi-target"] as const) {
    it(`proves every chain of the desired State of examples/${example}.yaml`, () => {
      const { state, chains, project } = desired(example);
      const r = verify(state, chains, { appProject: project });
      expect(r.ok).toBe(true);
      expect(r.chains).toHaveLength(chains.length);
      for (const c of r.chains) {
        expect(c.hops.map((h) => h.id)).toEqual([...HOP_IDS]);
        for (const h of c.hops) {
          expect(h.ok, `${c.id} ${h.id}: ${h.reason}`).toBe(true);
          expect(h.reason.length).toBeGreaterThan(20);
          expect(h.fix).toBeUndefined();
        }
      }
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    });
  }

  it("quotes the deciding statement in the reasons", () => {
    const { state, chains, project } = desired("xirsa");
    const r = verify(state, chains, { appProject: project });
    const hop = (id: string) => r.chains[0]!.hops.find((h) => h.id === id)!;
    expect(hop("web-identity").reason).toMatch(
      /allowed by trust policy of arn:aws:iam::111111111111:role\/\S+ statement 0/,
    );
    expect(hop("assume-role").reason).toMatch(
      /allowed by inline policy xirsa-assume-agent-roles statement 0 and trust policy of arn:aws:iam::222222222222:role/,
    );
  });

  for (const sc of STATE_SCENARIOS) {
    it(`${sc.name} → ${sc.hop ?? "still proven"}: ${sc.code}`, () => {
      const { state, chains, project } = desired(sc.example);
      sc.mutate(state, chains);
      expectScenario(verify(state, chains, { appProject: project }), sc);
    });
  }

  it("custom resources: a warning under AmazonEKSAdminPolicy until extraResources lists them; then granted per environment", () => {
    const codes = (config: Config, envs?: string[]) => {
      const { state, chains } = desiredState(config, envs ? { envNamespaces: { prod: envs } } : {});
      // Each environment has tenant-admin (the operator makes it), which is how verify sees environments.
      for (const ns of envs ?? []) {
        state.clusters
          .find((c) => c.name === "workloads-prod")!
          .objects.push({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "tenant-admin", namespace: ns },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "krci-oidc-admins" }],
          });
      }
      return verify(state, chains, { appProject: config.source.argocd.project }).findings.map(
        (f) => `${f.code} ${f.chain ?? ""}`,
      );
    };
    const plain = exampleConfig("multi-target");
    expect(codes(plain)).toContain("XIRSA-EKS-NO-CUSTOM-RESOURCES prod/argocd");
    // staging has cluster-admin access: nothing to say there.
    expect(codes(plain).filter((c) => c.includes("staging/") && c.includes("CUSTOM"))).toEqual([]);
    const listed: Config = {
      ...plain,
      targets: plain.targets.map((t) =>
        t.name === "prod"
          ? { ...t, extraResources: [{ apiGroup: "monitoring.coreos.com", resources: ["servicemonitors"] }] }
          : t,
      ),
    };
    const ok = codes(listed, ["krci-app-dev", "krci-app-qa"]);
    expect(ok.filter((c) => c.includes("CUSTOM") || c.includes("EXTRA-RESOURCE"))).toEqual([]);
  });

  it("a pod created after the annotation passes", () => {
    const { state, chains, project } = desired("xirsa");
    state.clusters[0]!.objects.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "op-1", namespace: "krci" },
      spec: {
        serviceAccountName: "edp-cd-pipeline-operator",
        containers: [{ name: "m", env: [{ name: "AWS_ROLE_ARN", value: chains[0]!.sourceRoleArn }] }],
      },
    });
    const r = verify(state, chains, { appProject: project });
    expect(r.chains[0]!.hops[0]!.ok).toBe(true);
  });

  it("is deterministic and does not change its input", () => {
    const { state, chains, project } = desired("multi-target");
    const before = structuredClone(state);
    const a = verify(state, chains, { appProject: project });
    const b = verify(state, chains, { appProject: project });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(state).toEqual(before);
  });

  it("reports a shared role's mistake once, not once per chain", () => {
    // The seed's Argo CD trust (seedCompat) uses StringLike without wildcards (an info finding); two chains
    // use the role.
    const { state, chains, project } = desired("multi-target", { seedCompat: true });
    const master = state.roles.find((r) => r.name.endsWith("ArgoCDMaster"))!;
    expect(chains.filter((c) => c.sourceRoleArn === master.arn)).toHaveLength(2);
    const r = verify(state, chains, { appProject: project });
    const like = r.findings.filter((f) => f.code === "XIRSA-TRUST-LIKE-NO-WILDCARD");
    // one per condition key (sub, aud), not one per chain
    expect(like).toHaveLength(2);
    expect(new Set(like.map((f) => f.resource))).toEqual(new Set([master.arn]));
  });

  it("xirsa's defaults leave no StringLike-without-wildcard finding (the Argo CD trust is StringEquals)", () => {
    const { state, chains, project } = desired("multi-target");
    const r = verify(state, chains, { appProject: project });
    expect(r.findings.filter((f) => f.code === "XIRSA-TRUST-LIKE-NO-WILDCARD")).toEqual([]);
  });

  describe("a permissions boundary on the source role", () => {
    const PB = "arn:aws:iam::111111111111:policy/platform-boundary";
    const bounded = (document?: Record<string, never> | object) => {
      const d = desired("xirsa");
      const role = d.state.roles.find((r) => r.arn === d.chains[0]!.sourceRoleArn)!;
      role.permissionsBoundary = PB;
      if (document) role.permissionsBoundaryDocument = document as never;
      return { ...d, r: () => verify(d.state, d.chains, { appProject: d.project }) };
    };
    const assumeHop = (r: VerifyResult) => r.chains[0]!.hops.find((h) => h.id === "assume-role")!;

    it("that allows sts:AssumeRole: proven through it, no unknown-document warning", () => {
      const { r } = bounded({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
      });
      const res = r();
      expect(assumeHop(res).ok, assumeHop(res).reason).toBe(true);
      expect(assumeHop(res).reason).toContain(`within permissions boundary ${PB}`);
      expect(res.findings.map((f) => f.code)).not.toContain("XIRSA-IAM-ATTACHED-UNKNOWN");
    });

    it("that explicitly denies sts:AssumeRole: refused at assume-role though identity and trust allow", () => {
      const { r } = bounded({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "*", Resource: "*" },
          { Sid: "NoChaining", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" },
        ],
      });
      const hop = assumeHop(r());
      expect(hop.ok).toBe(false);
      expect(hop.codes).toEqual(["XIRSA-ASSUME-BOUNDARY-DENIED"]);
      expect(hop.reason).toContain(`${PB} of arn:aws:iam::111111111111:role/`);
      expect(hop.reason).toContain("explicitly denies sts:AssumeRole");
    });

    it("whose document is not known (offline): still proven by the identity policies, with a truthful warning", () => {
      const res = bounded().r();
      expect(assumeHop(res).ok).toBe(true);
      const w = res.findings.find((f) => f.code === "XIRSA-IAM-ATTACHED-UNKNOWN")!;
      expect(w.message).toContain(`permissions boundary ${PB} (known by ARN only; verify --live reads it)`);
    });
  });
});
