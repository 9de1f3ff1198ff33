/**
 * Hop evidence as data: each hop of verify gives its own variant of the tagged union (detail.kind), with what
 * decided it (the IAM statement and failed conditions, the access-entry lookup, the missing RBAC rule, Capsule
 * tenancy, the registration objects), and a hop that fails because of an earlier one says so (`blockedBy`) in
 * every output: json, sarif, table and html.
 */
import { describe, expect, it } from "vitest";
import { renderHtmlReport } from "../../src/report/index.js";
import type { ChainSpec, JsonObject, State } from "../../src/state/types.js";
import type { HopEvidence } from "../../src/verify/evidence.js";
import { verify } from "../../src/verify/index.js";
import { toJson } from "../../src/verify/output/json.js";
import { toSarif } from "../../src/verify/output/sarif.js";
import { formatTable } from "../../src/verify/output/table.js";
import type { ChainResult, HopId, HopResult, VerifyResult } from "../../src/verify/types.js";
import { rootCauses } from "../../src/verify/verify.js";
import { desired } from "./stateScenarios.js";

function hopOf(r: VerifyResult, chain: string, id: HopId): HopResult {
  return r.chains.find((c) => c.id === chain)!.hops.find((h) => h.id === id)!;
}

function evidence<K extends HopEvidence["kind"]>(h: HopResult, kind: K): Extract<HopEvidence, { kind: K }> {
  expect(h.detail.kind, `${h.id}: ${h.reason}`).toBe(kind);
  return h.detail as Extract<HopEvidence, { kind: K }>;
}

function example(): { state: State; chains: ChainSpec[]; project: string } {
  return desired("multi-target");
}

function verifyOf(ex: { state: State; chains: ChainSpec[]; project: string }): VerifyResult {
  return verify(ex.state, ex.chains, { appProject: ex.project });
}

const chainOf = (ex: { chains: ChainSpec[] }, id: string) => ex.chains.find((c) => c.id === id)!;

describe("hop evidence is a tagged union, one variant per hop", () => {
  it("every hop of a proven chain has its own kind", () => {
    const r = verifyOf(example());
    const kinds: Record<HopId, HopEvidence["kind"]> = {
      "service-account": "service-accounts",
      "web-identity": "web-identity",
      "assume-role": "assume-role",
      "cluster-access": "access-entry",
      "kubernetes-permissions": "kubernetes-permissions",
      registration: "registration",
    };
    for (const c of r.chains) {
      for (const h of c.hops) expect(h.detail.kind, `${c.id} ${h.id}`).toBe(kinds[h.id]);
      const sa = evidence(hopOf(r, c.id, "service-account"), "service-accounts");
      expect(sa.serviceAccounts.every((s) => s.exists && s.roleArn === sa.roleArn)).toBe(true);
      const web = evidence(hopOf(r, c.id, "web-identity"), "web-identity");
      for (const d of Object.values(web.decisions!)) {
        expect(d.decision).toBe("Allowed");
        expect(d.decidedBy).toEqual([]);
        expect(d.allowedBy!.length).toBeGreaterThan(0);
      }
      expect(evidence(hopOf(r, c.id, "cluster-access"), "access-entry").found).toBe(true);
      const reg = evidence(hopOf(r, c.id, "registration"), "registration");
      expect(reg.objects.length).toBeGreaterThan(0);
      // Every object is there; a warning raised on one is listed with it (prod's Secret lists no namespace yet).
      expect(reg.objects.every((o) => o.exists)).toBe(true);
      const codes = reg.objects.flatMap((o) => o.codes);
      expect(codes).toEqual(c.id === "prod/argocd" ? ["XIRSA-ARGOCD-NAMESPACES-EMPTY"] : []);
    }
  });

  it("web-identity: the deciding trust statement and the failed aud condition", () => {
    const ex = example();
    const spec = chainOf(ex, "staging/argocd");
    const role = ex.state.roles.find((x) => x.arn === spec.sourceRoleArn)!;
    const stmt = (role.trustPolicy.Statement as JsonObject[])[0]!;
    const block = Object.values(stmt.Condition as Record<string, JsonObject>)[0]!;
    const aud = Object.keys(block).find((k) => k.endsWith(":aud"))!;
    block[aud] = "sts.amazon.com";
    const web = evidence(hopOf(verifyOf(ex), spec.id, "web-identity"), "web-identity");
    const [d] = Object.values(web.decisions!);
    expect(d!.decision).toBe("ImplicitlyDenied");
    expect(d!.decidedBy).toEqual([
      expect.objectContaining({ policy: `trust:${role.arn}`, index: 0, roleArn: role.arn, effect: "Allow" }),
    ]);
    expect(d!.failedConditions).toEqual([
      expect.objectContaining({
        key: aud,
        expected: ["sts.amazon.com"],
        actual: ["sts.amazonaws.com"],
        policy: `trust:${role.arn}`,
        index: 0,
        roleArn: role.arn,
      }),
    ]);
  });

  it("assume-role: the source role's closest identity statement, on the source role", () => {
    const ex = example();
    const spec = chainOf(ex, "staging/argocd");
    const source = ex.state.roles.find((x) => x.arn === spec.sourceRoleArn)!;
    const [name] = Object.keys(source.inlinePolicies);
    const stmt = (source.inlinePolicies[name!]!.Statement as JsonObject[])[0]!;
    stmt.Resource = "arn:aws:iam::222222222222:role/Other";
    const h = hopOf(verifyOf(ex), spec.id, "assume-role");
    const e = evidence(h, "assume-role");
    expect(e.refusedBy).toEqual(["identity"]);
    expect(e.decision!.decidedBy).toEqual([
      expect.objectContaining({ policy: `inline:${name}`, index: 0, roleArn: source.arn }),
    ]);
    expect(e.decision!.decidedBy[0]!.mismatch?.on).toBe("resource");
    expect(e.decision!.failedConditions).toEqual([]);
  });

  it("cluster-access: the lookup with the entries and the near miss EKS does not match", () => {
    const ex = example();
    const spec = chainOf(ex, "staging/argocd");
    const cluster = ex.state.clusters.find((c) => c.name === spec.targetCluster.name)!;
    const entry = cluster.accessEntries.find((x) => x.principalArn === spec.targetRoleArn)!;
    entry.principalArn = spec.targetRoleArn.replace(":role/", ":role/team/");
    const e = evidence(hopOf(verifyOf(ex), spec.id, "cluster-access"), "access-entry");
    expect(e.found).toBe(false);
    expect(e.entries).toContain(entry.principalArn);
    expect(e.nearMisses).toEqual([entry.principalArn]);
  });

  it("kubernetes-permissions: a miss names the RBAC rule it needs; Capsule tenancy is evidence", () => {
    const ex = example();
    const spec = chainOf(ex, "prod/cd-pipeline-operator");
    const ok = evidence(hopOf(verifyOf(ex), spec.id, "kubernetes-permissions"), "kubernetes-permissions");
    expect(ok.capsule).toMatchObject({ installed: true, user: true });
    expect(ok.capsule!.tenants.map((t) => t.name)).toEqual(["krci"]);

    const cluster = ex.state.clusters.find((c) => c.name === spec.targetCluster.name)!;
    cluster.objects = cluster.objects.filter((o) => o.kind !== "Tenant");
    const h = hopOf(verifyOf(ex), spec.id, "kubernetes-permissions");
    expect(h.ok).toBe(false);
    const e = evidence(h, "kubernetes-permissions");
    expect(e.capsule!.tenants).toEqual([]);
    const create = e.permissions!.find((p) => p.id === "namespaces:create")!;
    expect(create).toEqual({
      id: "namespaces:create",
      allowed: false,
      rule: { apiGroups: [""], resources: ["namespaces"], verbs: ["create"], scope: "cluster" },
    });
  });

  it("registration: the objects it read, with the codes each raised", () => {
    const ex = example();
    const spec = chainOf(ex, "staging/cd-pipeline-operator");
    const source = ex.state.clusters.find((c) => c.name === spec.source.name)!;
    source.objects = source.objects.filter(
      (o) => !(o.kind === "Secret" && o.metadata.name === "staging-cluster"),
    );
    const e = evidence(hopOf(verifyOf(ex), spec.id, "registration"), "registration");
    expect(e.objects).toContainEqual({
      kind: "Secret",
      namespace: "krci",
      name: "staging-cluster",
      exists: false,
      codes: ["XIRSA-REG-SECRET-MISSING"],
    });
    expect(e.objects.find((o) => o.kind === "ConfigMap")).toMatchObject({ exists: true, codes: [] });
  });
});

/** staging/argocd with its access entry removed: kubernetes-permissions fails because of cluster-access. */
function blockedExample(): { ex: ReturnType<typeof example>; r: VerifyResult } {
  const ex = example();
  const spec = chainOf(ex, "staging/argocd");
  const cluster = ex.state.clusters.find((c) => c.name === spec.targetCluster.name)!;
  cluster.accessEntries = cluster.accessEntries.filter((e) => e.principalArn !== spec.targetRoleArn);
  return { ex, r: verifyOf(ex) };
}

describe("blockedBy: the root cause apart from the hops that fail because of it", () => {
  it("verify marks the hop that follows from a failed one, not the root cause", () => {
    const { r } = blockedExample();
    const access = hopOf(r, "staging/argocd", "cluster-access");
    const perms = hopOf(r, "staging/argocd", "kubernetes-permissions");
    expect(access.ok).toBe(false);
    expect(access.blockedBy).toBeUndefined();
    expect(perms.ok).toBe(false);
    expect(perms.blockedBy).toBe("cluster-access");
    expect(evidence(perms, "kubernetes-permissions").unmapped).toBe(true);
    // Chains whose access entry is there have no blocked hop.
    expect(
      r.chains.filter((c) => c.id !== "staging/argocd").flatMap((c) => c.hops.filter((h) => h.blockedBy)),
    ).toEqual([]);
  });

  it("a missing source cluster fails service-account; web-identity and registration are blocked by it", () => {
    const ex = example();
    ex.state.clusters = ex.state.clusters.filter((c) => c.name !== "krci-main");
    const r = verifyOf(ex);
    const chain = r.chains.find((c) => c.id === "prod/argocd")!;
    const by = Object.fromEntries(chain.hops.map((h) => [h.id, h.ok ? "ok" : (h.blockedBy ?? "root")]));
    expect(by).toMatchObject({
      "service-account": "root",
      "web-identity": "service-account",
      registration: "service-account",
    });
  });

  it("names the root cause through a chain of blocked hops, and drops a blocker that passed", () => {
    const h = (id: HopId, ok: boolean, blockedBy?: HopId): HopResult => ({
      id,
      ok,
      reason: "r",
      detail: { kind: "not-probed", probed: false, why: "test" },
      ...(blockedBy ? { blockedBy } : {}),
    });
    const out = rootCauses([
      h("service-account", false),
      h("web-identity", false, "service-account"),
      h("assume-role", false, "web-identity"),
      h("cluster-access", true),
      h("kubernetes-permissions", false, "cluster-access"),
    ]);
    expect(out.map((x) => x.blockedBy)).toEqual([
      undefined,
      "service-account",
      "service-account",
      undefined,
      undefined,
    ]);
  });

  it("json: blockedBy on the hop, after the contract's fields; detail is the typed evidence", () => {
    const { r } = blockedExample();
    // biome-ignore lint/suspicious/noExplicitAny: the JSON as a consumer reads it
    const json = JSON.parse(JSON.stringify(toJson(r))) as any;
    const chain = json.chains.find((c: ChainResult) => c.id === "staging/argocd");
    const perms = chain.hops.find((x: HopResult) => x.id === "kubernetes-permissions");
    expect(Object.keys(perms).slice(0, 4)).toEqual(["id", "ok", "reason", "detail"]);
    expect(perms.blockedBy).toBe("cluster-access");
    expect(perms.detail.kind).toBe("kubernetes-permissions");
    expect(chain.hops.find((x: HopResult) => x.id === "cluster-access").blockedBy).toBeUndefined();
  });

  it("sarif: a blocked hop's findings and the run's chains say blockedBy", () => {
    const { ex, r } = blockedExample();
    const spec = chainOf(ex, "staging/argocd");
    // biome-ignore lint/suspicious/noExplicitAny: parsed SARIF
    const sarif = toSarif(r, () => undefined) as any;
    const chain = sarif.runs[0].properties.chains.find((c: { id: string }) => c.id === spec.id);
    expect(chain.hops.find((x: { id: string }) => x.id === "kubernetes-permissions")).toEqual({
      id: "kubernetes-permissions",
      ok: false,
      blockedBy: "cluster-access",
    });
    expect(chain.hops.find((x: { id: string }) => x.id === "cluster-access")).toEqual({
      id: "cluster-access",
      ok: false,
    });
    // A finding on the blocked hop carries it; the root cause's own finding does not.
    const withHop = structuredClone(r);
    withHop.findings.push({
      code: "XIRSA-K8S-PERMISSION-MISSING",
      severity: "error",
      message: "m",
      resource: "x",
      remediation: "f",
      chain: spec.id,
      hop: "kubernetes-permissions",
    });
    // biome-ignore lint/suspicious/noExplicitAny: parsed SARIF
    const results = (toSarif(withHop, () => undefined) as any).runs[0].results;
    const blocked = results.find((x: { ruleId: string }) => x.ruleId === "XIRSA-K8S-PERMISSION-MISSING");
    expect(blocked.properties.blockedBy).toBe("cluster-access");
    const root = results.find((x: { ruleId: string }) => x.ruleId === "XIRSA-EKS-NO-ACCESS-ENTRY");
    expect(root.properties).toEqual({ chain: spec.id, hop: "cluster-access" });
  });

  it("table: a blocked hop is neutral and names its root cause instead of a fix; the root cause keeps its fix", () => {
    const { r } = blockedExample();
    const lines = formatTable(r).split("\n");
    const start = lines.findIndex((l) => l.includes("staging/argocd"));
    const at = lines.findIndex((l, i) => i > start && /^ {2}. kubernetes-permissions/.test(l));
    expect(lines[at]).toMatch(/^ {2}– kubernetes-permissions +not checked because cluster-access failed$/);
    expect(lines[at + 1]).toMatch(/^ {2}\S/); // no fix of its own under it
    const access = lines.findIndex((l, i) => i > start && /^ {2}✗ cluster-access/.test(l));
    expect(lines.slice(access + 1, at).join(" ")).toContain("fix: aws eks create-access-entry");
  });

  it("html: a blocked hop is drawn as blocked and links to its root cause", () => {
    const { ex, r } = blockedExample();
    const html = renderHtmlReport({ result: r, state: ex.state, chains: ex.chains });
    const ci = r.chains.findIndex((c) => c.id === "staging/argocd");
    expect(html).toMatch(
      new RegExp(
        `<g class="hop hop-blocked" id="hop-c${ci}-4" data-chain="c${ci}" data-hop="kubernetes-permissions"[^>]*aria-label="[^"]*: blocked by cluster-access\\.`,
      ),
    );
    expect(html).toMatch(
      new RegExp(`<g class="hop hop-broken" id="hop-c${ci}-3" [^>]*data-hop="cluster-access"`),
    );
    const panel = html.slice(html.indexOf(`id="panel-c${ci}-4"`));
    expect(panel.slice(0, panel.indexOf("</section>"))).toContain(
      `<p class="blocked" data-blocked-by="cluster-access"><strong>Blocked by:</strong> <a href="#panel-c${ci}-3" data-select="hop-c${ci}-3">`,
    );
  });
});

describe("blockedBy follows what the earlier hop reported", () => {
  it("a missing source role: web-identity reports it, assume-role is blocked by it", () => {
    const ex = example();
    const spec = chainOf(ex, "prod/argocd");
    ex.state.roles = ex.state.roles.filter((r) => r.arn !== spec.sourceRoleArn);
    const r = verifyOf(ex);
    expect(hopOf(r, spec.id, "web-identity").codes?.[0]).toBe("XIRSA-ROLE-MISSING");
    expect(hopOf(r, spec.id, "web-identity").blockedBy).toBeUndefined();
    expect(hopOf(r, spec.id, "assume-role").blockedBy).toBe("web-identity");
    expect(evidence(hopOf(r, spec.id, "assume-role"), "assume-role").missingRoles).toEqual([
      spec.sourceRoleArn,
    ]);
  });

  it("a missing target role is assume-role's own failure", () => {
    const ex = example();
    const spec = chainOf(ex, "prod/argocd");
    ex.state.roles = ex.state.roles.filter((r) => r.arn !== spec.targetRoleArn);
    const h = hopOf(verifyOf(ex), spec.id, "assume-role");
    expect(h.ok).toBe(false);
    expect(h.blockedBy).toBeUndefined();
  });
});
