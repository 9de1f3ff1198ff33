import { describe, expect, it } from "vitest";
import { esc } from "../../src/report/escape.js";
import { REPORT_CSP, renderHtmlReport } from "../../src/report/index.js";
import type { VerifyResult } from "../../src/verify/types.js";
import { brokenExample } from "./fixture.js";

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;

const ALLOWED_TAGS = new Set(
  "html head meta title style body header h1 h2 h3 h4 p span nav ul li a main section article figure figcaption svg desc defs marker path g rect text div strong details summary pre table caption colgroup col thead tbody tr th td code mark footer script br dl dt dd time".split(
    " ",
  ),
);

function tags(html: string, name: string): number {
  return html.match(new RegExp(`<${name}[\\s>]`, "gi"))?.length ?? 0;
}

describe("renderHtmlReport", () => {
  it("is one self-contained page with a strict CSP and no external reference", () => {
    const ex = brokenExample();
    const html = renderHtmlReport({ ...ex, generatedFrom: "--config examples/multi-target.yaml" });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'");
    expect(tags(html, "script")).toBe(1);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toContain("@import");
    // Links stay inside the page; url() only points at the SVG's own markers.
    for (const [, href] of html.matchAll(/\shref="([^"]*)"/g)) expect(href).toMatch(/^#/);
    for (const [, u] of html.matchAll(/url\(([^)]*)\)/g)) expect(u).toMatch(/^#arrow-c\d+$/);
  });

  it("draws every hop of every chain with its state in words, its reason and fix", () => {
    const ex = brokenExample();
    const html = renderHtmlReport(ex);
    for (const [ci, chain] of ex.result.chains.entries()) {
      for (const hop of chain.hops) {
        const node = new RegExp(
          `<g class="hop hop-(ok|broken|blocked)" id="hop-c${ci}-\\d+" data-chain="c${ci}" data-hop="${hop.id}"[^>]*aria-label="([^"]*)"`,
        ).exec(html);
        expect(node, `${chain.id} ${hop.id}`).not.toBeNull();
        const state = hop.ok ? "ok" : hop.blockedBy ? "blocked" : "broken";
        expect(node![1]).toBe(state);
        expect(node![2]).toContain(
          hop.blockedBy
            ? `: blocked by ${hop.blockedBy}.`
            : state === "broken"
              ? ": broken (root cause)."
              : `: ${state}.`,
        );
        expect(node![2]).toContain(esc(hop.reason));
        if (hop.fix && !hop.blockedBy) expect(node![2]).toContain(esc(`Fix: ${hop.fix}`));
      }
    }
    // Text alternatives for the pictures.
    expect(tags(html, "figure")).toBe(ex.result.chains.length);
    expect(tags(html, "figcaption")).toBe(ex.result.chains.length);
    expect(html).toContain(
      "Argo CD chain staging/argocd: broken at web-identity, cluster-access; blocked: kubernetes-permissions (by cluster-access).",
    );
  });

  it("draws a hop that verify did not report as 'not reported'", () => {
    const ex = brokenExample();
    const result: VerifyResult = structuredClone(ex.result);
    result.chains[0]!.hops = result.chains[0]!.hops.filter((h) => h.id !== "registration");
    const html = renderHtmlReport({ result });
    expect(html).toMatch(
      /<g class="hop hop-unknown"[^>]*data-hop="registration"[^>]*aria-label="[^"]*not reported/,
    );
  });

  it("marks the trust statement and condition that refused the web identity", () => {
    const ex = brokenExample();
    const html = renderHtmlReport(ex);
    const role = ex.state.roles.find((r) => r.arn === ex.brokenTrustRoleArn)!;
    const article = html.slice(html.indexOf(`data-role-arn="${role.arn}"`));
    const trust = article.slice(0, article.indexOf("</pre>"));
    expect(trust).toMatch(/<mark class="decided" id="pol-[a-z0-9-]+-trust-s0"/);
    expect(trust).toMatch(
      /<mark class="decided-cond">.*:aud&quot;<\/span>: <span class="j-s">&quot;sts\.amazon\.com&quot;/,
    );
    expect(trust).not.toMatch(/<mark class="decided-cond">[^\n]*:sub/);
    // Exactly the A role's trust policy is marked: the roles of the proven chains are not.
    expect(html.match(/<mark class="decided"/g)).toHaveLength(1);
    // The hop panel links to the marked statement.
    const id = /<mark class="decided" id="([^"]+)"/.exec(trust)![1]!;
    expect(html).toContain(`href="#${id}"`);
  });

  it("marks nothing when the evidence names no deciding statement", () => {
    const ex = brokenExample();
    const result: VerifyResult = structuredClone(ex.result);
    for (const c of result.chains)
      for (const h of c.hops) {
        if (h.detail.kind !== "web-identity") continue;
        for (const d of Object.values(h.detail.decisions ?? {})) {
          d.decidedBy = [];
          d.failedConditions = [];
        }
      }
    expect(renderHtmlReport({ ...ex, result })).not.toMatch(/<mark[\s>]/);
  });

  it("reads the typed evidence: marks the statement and condition decidedBy names, nothing else", () => {
    const ex = brokenExample();
    const result: VerifyResult = structuredClone(ex.result);
    const ci = result.chains.findIndex((c) => c.id === "staging/argocd");
    const spec = ex.chains.find((c) => c.id === "staging/argocd")!;
    const target = ex.state.roles.find((r) => r.arn === spec.targetRoleArn)!;
    // Point every web-identity decision (both Argo CD chains share the broken A role) at statement 0 of the
    // B role's trust policy, with a made-up failed condition: only the typed fields say so, no trace is left.
    const policy = `trust:${target.arn}`;
    for (const h of result.chains.flatMap((c) => c.hops)) {
      if (h.detail.kind !== "web-identity") continue;
      for (const d of Object.values(h.detail.decisions ?? {})) {
        if (d.decision === "Allowed") continue;
        delete d.trace;
        d.decidedBy = [{ policy, index: 0, roleArn: target.arn, effect: "Allow" }];
        d.failedConditions = [
          {
            policy,
            index: 0,
            roleArn: target.arn,
            operator: "StringEquals",
            key: "aws:PrincipalArn",
            expected: ["x"],
            actual: ["y"],
          },
        ];
      }
    }
    const html = renderHtmlReport({ ...ex, result });
    const article = html.slice(html.indexOf(`data-role-arn="${target.arn}"`));
    const trust = article.slice(0, article.indexOf("</pre>"));
    expect(trust).toMatch(/<mark class="decided" id="pol-[a-z0-9-]+-trust-s0"/);
    // The A role's trust policy, which the evidence no longer names, is not marked.
    const source = html.slice(html.indexOf(`data-role-arn="${spec.sourceRoleArn}"`));
    expect(source.slice(0, source.indexOf("</pre>"))).not.toContain("<mark");
    // The panel lists the evidence in words, from the same fields.
    const panel = html.slice(html.indexOf(`id="panel-c${ci}-1"`));
    const body = panel.slice(0, panel.indexOf("</section>"));
    expect(body).toContain('<ul class="evidence" data-kind="web-identity">');
    expect(body).toContain(
      `condition StringEquals aws:PrincipalArn of ${esc(policy)} statement 0: expected [x], got [y]`,
    );
  });

  it("lists the findings, errors first, with severity in words", () => {
    const ex = brokenExample();
    const result: VerifyResult = structuredClone(ex.result);
    result.findings.unshift({
      code: "XIRSA-INFO-TEST",
      severity: "info",
      message: "an informational finding",
      resource: "arn:aws:iam::1:role/X",
      remediation: "nothing to do",
    });
    const html = renderHtmlReport({ ...ex, result });
    const rows = [...html.matchAll(/<tr id="finding-(\d+)" data-code="([^"]+)" data-severity="([^"]+)">/g)];
    expect(rows).toHaveLength(result.findings.length);
    const rank = { error: 0, warning: 1, info: 2 } as Record<string, number>;
    const ranks = rows.map((r) => rank[r[3]!]!);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBeGreaterThan(1);
    expect(rows.find((r) => r[2] === "XIRSA-INFO-TEST")![3]).toBe("info");
    expect(html).toContain("ℹ info</span>");
    expect(html).toContain("✗ error</span>");
  });

  it("escapes every value: names, reasons, findings, title", () => {
    const ex = brokenExample();
    const state = structuredClone(ex.state);
    const chains = structuredClone(ex.chains);
    const result: VerifyResult = structuredClone(ex.result);
    const role = state.roles.find((r) => r.arn === ex.brokenTrustRoleArn)!;
    role.name = HOSTILE;
    role.inlinePolicies[HOSTILE] = { Version: "2012-10-17", Statement: [{ Sid: HOSTILE, Effect: "Allow" }] };
    chains[0]!.serviceAccounts = [{ namespace: HOSTILE, name: HOSTILE }];
    const hop = result.chains[1]!.hops[1]!;
    hop.reason = HOSTILE;
    hop.fix = HOSTILE;
    hop.detail = { kind: "not-probed", probed: false, why: HOSTILE };
    result.chains[0]!.id = HOSTILE;
    result.chains[0]!.target = HOSTILE;
    result.findings[0]!.message = HOSTILE;
    result.findings[0]!.code = HOSTILE;
    result.findings[0]!.resource = HOSTILE;
    const html = renderHtmlReport({ result, state, chains, title: HOSTILE, generatedFrom: HOSTILE });
    expect(tags(html, "script")).toBe(1);
    expect(tags(html, "img")).toBe(0);
    // Every tag is one of ours and well-formed: no attribute was broken out of, no event handler added.
    const names = new Set([...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()));
    expect([...names].filter((n) => !ALLOWED_TAGS.has(n))).toEqual([]);
    for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
      expect(tag).toMatch(/^<[a-zA-Z][\w-]*(\s+[a-zA-Z][\w:-]*(="[^"<>]*")?)*\s*\/?>$/);
      expect(tag.replace(/="[^"]*"/g, '=""')).not.toMatch(/\son\w+=/i);
    }
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;",
    );
  });
});
