/**
 * The HTML report of a verify result: one self-contained page (no network: inline CSS, one static inline
 * script, inline SVG, a CSP that forbids loading anything) with, per target, each chain drawn hop by hop; the
 * findings; and the policies involved with the statements and conditions that decided a failed hop marked.
 * Pure: data in, a string out. Every value from the input is escaped.
 */

import { describeMismatch } from "../iam/index.js";
import type { ChainSpec, IamRole, JsonObject, State } from "../state/index.js";
import {
  type ChainResult,
  type DecidingStatement,
  describeEvidence,
  type Finding,
  HOP_IDS,
  type HopResult,
  iamDecisionsOf,
  type VerifyResult,
} from "../verify/index.js";
import { CLIENT_SCRIPT } from "./client.js";
import {
  chainSvg,
  type DrawnHop,
  type HopState,
  hopLabel,
  hopSubject,
  laneTitles,
  STATE_WORDS,
} from "./diagram.js";
import { esc, slug } from "./escape.js";
import { type PolicyHighlights, policyToHtml } from "./json-html.js";
import { reportCss } from "./styles.js";

export interface HtmlReportInput {
  result: VerifyResult;
  /** The State that was verified: its roles' policies are shown. */
  state?: State;
  /** The chain specs that were proven: they name the roles, service accounts and clusters of each hop. */
  chains?: ChainSpec[];
  title?: string;
  /** Where the State came from, e.g. `--config xirsa.yaml` or `--from bundle/`. */
  generatedFrom?: string;
  /** The stack (xirsa.yaml `name`). */
  stack?: string;
  /** When the report was made (ISO 8601); the caller passes it, so rendering stays pure. */
  generatedAt?: string;
  /** xirsa's version. */
  version?: string;
  /** Live: who read each account (GetCallerIdentity). */
  callers?: { accountId: string; arn: string }[];
}

/** From this many targets on, a target × chain × hop matrix opens the report. */
export const MATRIX_FROM_TARGETS = 3;

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

const KIND_LABELS: Record<string, string> = {
  "cd-pipeline-operator": "CD pipeline operator",
  argocd: "Argo CD",
};

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };
const SEVERITY_SYMBOL: Record<string, string> = { error: "✗", warning: "⚠", info: "ℹ" };

/** Which policy document of which role: `trust` or `inline:<name>`. */
type DocRef = { role: IamRole; doc: "trust" | `inline:${string}` };

interface HopLink {
  href: string;
  text: string;
  note?: string;
}

interface Highlight {
  statement: number;
  conditionKeys: Set<string>;
  /** The hops this statement decided, for the tooltip and the list under the policy. */
  by: { nodeId: string; panelId: string; what: string; note?: string }[];
}

/** Everything computed before writing HTML. */
interface Model {
  chains: {
    key: string;
    chain: ChainResult;
    spec?: ChainSpec;
    hops: DrawnHop[];
    links: Map<string, HopLink[]>;
  }[];
  roles: IamRole[];
  highlights: Map<string, Map<number, Highlight>>;
}

function docKey(arn: string, doc: string): string {
  return `${arn}|${doc}`;
}

function docId(role: IamRole, doc: string): string {
  return `pol-${slug(role.arn)}-${slug(doc)}`;
}

function docLabel(ref: DocRef): string {
  return ref.doc === "trust"
    ? `the trust policy of ${ref.role.name}`
    : `inline policy ${ref.doc.slice("inline:".length)} of ${ref.role.name}`;
}

function statementsOf(doc: JsonObject | undefined): unknown[] {
  const s = doc?.Statement;
  if (Array.isArray(s)) return s;
  return s && typeof s === "object" ? [s] : [];
}

function docOf(ref: DocRef): JsonObject | undefined {
  return ref.doc === "trust"
    ? ref.role.trustPolicy
    : ref.role.inlinePolicies[ref.doc.slice("inline:".length)];
}

/**
 * The document that holds a deciding statement: its role by ARN (the evidence names it), the trust policy for
 * `trust:` policies, the inline policy for `inline:<name>`. A boundary's document is not shown.
 */
function docOfStatement(s: DecidingStatement, state: State): DocRef | undefined {
  const role = state.roles.find((r) => r.arn === s.roleArn);
  if (!role) return undefined;
  if (s.policy.startsWith("trust:")) return { role, doc: "trust" };
  if (s.policy.startsWith("inline:")) {
    const name = s.policy.slice("inline:".length);
    return name in role.inlinePolicies ? { role, doc: `inline:${name}` } : undefined;
  }
  return undefined;
}

/** Why a statement decided, in words. */
function decidingNote(s: DecidingStatement): string {
  return s.mismatch ? describeMismatch(s.mismatch) : "an explicit Deny applied";
}

function hopState(hop: HopResult | undefined): HopState {
  if (!hop) return "unknown";
  return hop.ok ? "ok" : hop.blockedBy ? "blocked" : "broken";
}

function drawnHops(chain: ChainResult, spec: ChainSpec | undefined, key: string): DrawnHop[] {
  const byId = new Map(chain.hops.map((h) => [h.id as string, h]));
  const ids: string[] = [
    ...HOP_IDS,
    ...chain.hops.map((h) => h.id as string).filter((id) => !HOP_IDS.includes(id as never)),
  ];
  return ids.map((id, i) => {
    const hop = byId.get(id);
    const d: DrawnHop = {
      id,
      nodeId: `hop-${key}-${i}`,
      panelId: `panel-${key}-${i}`,
      state: hopState(hop),
      label: hopLabel(id),
      subject: hopSubject(id, spec, chain),
      reason: hop?.reason ?? "verify did not report this hop",
    };
    if (hop) d.hop = hop;
    if (hop?.fix) d.fix = hop.fix;
    if (hop?.blockedBy) d.blockedBy = hop.blockedBy;
    return d;
  });
}

function buildModel(input: HtmlReportInput): Model {
  const specs = new Map((input.chains ?? []).map((c) => [c.id, c]));
  const state = input.state;
  const highlights = new Map<string, Map<number, Highlight>>();
  const involved = new Set<string>();

  const chains = input.result.chains.map((chain, ci) => {
    const key = `c${ci}`;
    const spec = specs.get(chain.id);
    if (spec) {
      involved.add(spec.sourceRoleArn);
      involved.add(spec.targetRoleArn);
    }
    const hops = drawnHops(chain, spec, key);
    const links = new Map<string, HopLink[]>();
    for (const h of hops) {
      if (!state || !h.hop || h.hop.ok) continue;
      for (const { decision } of iamDecisionsOf(h.hop.detail)) {
        for (const st of decision.decidedBy) {
          const ref = docOfStatement(st, state);
          if (!ref || st.index >= statementsOf(docOf(ref)).length) continue;
          const index = st.index;
          const note = decidingNote(st);
          const dk = docKey(ref.role.arn, ref.doc);
          involved.add(ref.role.arn);
          const perDoc = highlights.get(dk) ?? new Map<number, Highlight>();
          highlights.set(dk, perDoc);
          const hl = perDoc.get(index) ?? { statement: index, conditionKeys: new Set<string>(), by: [] };
          perDoc.set(index, hl);
          for (const c of decision.failedConditions) {
            if (c.policy === st.policy && c.index === index) hl.conditionKeys.add(c.key.toLowerCase());
          }
          const list = links.get(h.nodeId) ?? [];
          // One statement may decide for several subjects (three Argo CD service accounts): listed once.
          const href = `#${docId(ref.role, ref.doc)}-s${index}`;
          if (list.some((l) => l.href === href && l.note === note)) continue;
          hl.by.push({ nodeId: h.nodeId, panelId: h.panelId, what: `${chain.id} · ${h.id}`, note });
          list.push({
            href,
            text: `Statement ${index} of ${docLabel(ref)}`,
            note,
          });
          links.set(h.nodeId, list);
        }
      }
    }
    return { key, chain, spec, hops, links };
  });

  const roles = state
    ? state.roles
        .filter((r) => (input.chains?.length ? involved.has(r.arn) : true))
        .sort((a, b) => a.accountId.localeCompare(b.accountId) || a.name.localeCompare(b.name))
    : [];
  return { chains, roles, highlights };
}

function stateBadge(ok: boolean): string {
  return ok
    ? `<span class="badge badge-ok">${STATE_WORDS.ok.symbol} proven</span>`
    : `<span class="badge badge-broken">${STATE_WORDS.broken.symbol} broken</span>`;
}

function chainSummary(chain: ChainResult, hops: DrawnHop[]): string {
  const broken = hops.filter((h) => h.state === "broken").map((h) => h.id);
  const blocked = hops.filter((h) => h.state === "blocked").map((h) => `${h.id} (by ${h.blockedBy})`);
  const missing = hops.filter((h) => h.state === "unknown").map((h) => h.id);
  const path = hops.map((h) => `${h.label} ${h.subject} ${STATE_WORDS[h.state].symbol}`).join(" → ");
  const verdict = chain.ok
    ? "every hop is proven"
    : broken.length
      ? `broken at ${broken.join(", ")}`
      : "not proven";
  const gap = missing.length ? `; not reported: ${missing.join(", ")}` : "";
  const after = blocked.length ? `; blocked: ${blocked.join(", ")}` : "";
  return `${KIND_LABELS[chain.kind] ?? chain.kind} chain ${chain.id}: ${verdict}${after}${gap}. ${path}.`;
}

function findingsFor(findings: Finding[], chainId: string, hopId: string): number[] {
  return findings.flatMap((f, i) => (f.chain === chainId && f.hop === hopId ? [i] : []));
}

function hopPanel(
  chain: ChainResult,
  hops: DrawnHop[],
  h: DrawnHop,
  links: HopLink[],
  findingIdx: number[],
  findings: Finding[],
): string {
  const st = STATE_WORDS[h.state];
  const parts = [
    `<section class="hop-panel state-${h.state}" id="${esc(h.panelId)}" data-chain-id="${esc(chain.id)}" data-hop="${esc(h.id)}" aria-labelledby="${esc(h.panelId)}-h">`,
    `<h4 id="${esc(h.panelId)}-h">${st.symbol} ${esc(h.label)} <span class="muted">(${esc(h.id)}: ${esc(h.subject)})</span> — ${esc(st.word)}</h4>`,
    `<p class="reason"><strong>Reason:</strong> ${esc(h.reason)}</p>`,
  ];
  const root = h.blockedBy ? hops.find((x) => x.id === h.blockedBy) : undefined;
  if (h.blockedBy) {
    const name = root
      ? `<a href="#${esc(root.panelId)}" data-select="${esc(root.nodeId)}">${esc(root.label)} (${esc(root.id)})</a>`
      : esc(h.blockedBy);
    parts.push(
      `<p class="blocked" data-blocked-by="${esc(h.blockedBy)}"><strong>Blocked by:</strong> ${name}, which fails first; fix it and this hop is checked again.</p>`,
    );
  } else if (h.fix) parts.push(`<p class="fix"><strong>Fix:</strong> ${esc(h.fix)}</p>`);
  if (h.state === "broken") {
    const after = hops.filter((x) => x.blockedBy === h.id);
    parts.push(
      `<p class="root-cause"><strong>Root cause</strong>${after.length ? `: ${after.map((x) => `<a href="#${esc(x.panelId)}" data-select="${esc(x.nodeId)}">${esc(x.label)} (${esc(x.id)})</a>`).join(", ")} ${after.length === 1 ? "fails" : "fail"} because of it.` : ": this hop fails on its own; fix it first."}</p>`,
    );
  }
  if (links.length) {
    parts.push(
      `<p><strong>Decided by:</strong></p><ul>${links
        .map((l) => `<li><a href="${esc(l.href)}">${esc(l.text)}</a>${l.note ? `: ${esc(l.note)}` : ""}</li>`)
        .join("")}</ul>`,
    );
  }
  if (findingIdx.length) {
    parts.push(
      `<p><strong>Findings:</strong> ${findingIdx
        .map((i) => `<a href="#finding-${i}">${esc(findings[i]!.code)}</a>`)
        .join(", ")}</p>`,
    );
  }
  if (h.hop) {
    const lines = describeEvidence(h.hop.detail);
    if (lines.length) {
      parts.push(
        `<p><strong>Evidence:</strong></p><ul class="evidence" data-kind="${esc(h.hop.detail.kind)}">${lines.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>`,
      );
    }
    parts.push(
      `<details class="evidence"><summary>Evidence (detail, ${esc(h.hop.detail.kind)})</summary><pre>${esc(JSON.stringify(h.hop.detail, null, 2))}</pre></details>`,
    );
  }
  parts.push("</section>");
  return parts.join("");
}

function chainSection(m: Model["chains"][number], findings: Finding[]): string {
  const { key, chain, spec, hops, links } = m;
  const summary = chainSummary(chain, hops);
  const title = `Trust chain ${chain.id} (${KIND_LABELS[chain.kind] ?? chain.kind})`;
  const where = spec
    ? `<p class="muted">${esc(spec.source.name)} (account ${esc(spec.source.accountId)}, ${esc(spec.source.region)}) → ${esc(spec.targetCluster.name)} (account ${esc(spec.targetCluster.accountId)}, ${esc(spec.targetCluster.region)})</p>`
    : "";
  return [
    `<article class="chain" id="chain-${key}" data-chain-id="${esc(chain.id)}" data-ok="${chain.ok}">`,
    `<h3>${esc(KIND_LABELS[chain.kind] ?? chain.kind)}: ${esc(chain.id)} ${stateBadge(chain.ok)}</h3>`,
    where,
    `<figure>${chainSvg({ chainKey: key, title, summary, hops, lanes: laneTitles(spec) })}<figcaption class="visually-hidden">${esc(summary)}</figcaption></figure>`,
    `<p class="hint">Select a hop (click it, or Tab to it and press Enter) to see why it holds or fails.</p>`,
    `<div class="panels" aria-live="polite">`,
    ...hops.map((h) =>
      hopPanel(chain, hops, h, links.get(h.nodeId) ?? [], findingsFor(findings, chain.id, h.id), findings),
    ),
    "</div></article>",
  ].join("");
}

function findingsSection(findings: Finding[], model: Model): string {
  const order = findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        (SEVERITY_ORDER[a.f.severity] ?? 9) - (SEVERITY_ORDER[b.f.severity] ?? 9) ||
        a.f.code.localeCompare(b.f.code) ||
        a.i - b.i,
    );
  const nodeOf = (f: Finding) => {
    const c = model.chains.find((x) => x.chain.id === f.chain);
    return c?.hops.find((h) => h.id === f.hop);
  };
  const rows = order.map(({ f, i }) => {
    const node = nodeOf(f);
    const where = f.chain
      ? `<br><span class="muted">${node ? `<a href="#${esc(node.panelId)}" data-select="${esc(node.nodeId)}">` : ""}${esc(f.chain)}${f.hop ? ` · ${esc(f.hop)}` : ""}${node ? "</a>" : ""}</span>`
      : "";
    const file = f.location?.file
      ? `<br><span class="muted">${esc(f.location.file)}${f.location.jsonPath ? ` ${esc(f.location.jsonPath)}` : ""}</span>`
      : "";
    return [
      `<tr id="finding-${i}" data-code="${esc(f.code)}" data-severity="${esc(f.severity)}">`,
      `<td><span class="badge sev-${esc(f.severity)}">${SEVERITY_SYMBOL[f.severity] ?? "•"} ${esc(f.severity)}</span></td>`,
      `<td><code>${esc(f.code)}</code></td>`,
      `<td class="resource"><code>${esc(f.resource)}</code>${where}${file}</td>`,
      `<td>${esc(f.message)}</td>`,
      `<td>${esc(f.remediation)}</td>`,
      "</tr>",
    ].join("");
  });
  const body = findings.length
    ? `<table id="findings-table"><caption class="muted">${findings.length} finding${findings.length === 1 ? "" : "s"}, errors first</caption><colgroup><col class="c-sev"><col class="c-code"><col class="c-res"><col class="c-msg"><col class="c-fix"></colgroup><thead><tr><th scope="col">Severity</th><th scope="col">Code</th><th scope="col">Resource</th><th scope="col">Message</th><th scope="col">Fix</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
    : `<p>No findings.</p>`;
  return `<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>${body}</section>`;
}

function policyBlock(ref: DocRef, model: Model): string {
  const perDoc = model.highlights.get(docKey(ref.role.arn, ref.doc));
  const id = docId(ref.role, ref.doc);
  const hls: PolicyHighlights = new Map();
  for (const [index, h] of perDoc ?? []) {
    hls.set(index, {
      id: `${id}-s${index}`,
      title: `decided ${h.by.map((b) => b.what).join(", ")}`,
      conditionKeys: h.conditionKeys,
    });
  }
  const heading = ref.doc === "trust" ? "Trust policy" : `Inline policy ${ref.doc.slice("inline:".length)}`;
  const notes = [...(perDoc?.values() ?? [])].flatMap((h) =>
    h.by.map(
      (b) =>
        `<li><a href="#${esc(id)}-s${h.statement}">Statement ${h.statement}</a> decided <a href="#${esc(b.panelId)}" data-select="${esc(b.nodeId)}">${esc(b.what)}</a>${b.note ? `: ${esc(b.note)}` : ""}</li>`,
    ),
  );
  return [
    `<h4 id="${esc(id)}">${esc(heading)}${notes.length ? ` <span class="badge badge-broken">${STATE_WORDS.broken.symbol} decided a broken hop</span>` : ""}</h4>`,
    `<pre class="policy" data-doc="${esc(ref.doc)}">${policyToHtml(docOf(ref), hls)}</pre>`,
    notes.length ? `<ul class="decided-list">${notes.join("")}</ul>` : "",
  ].join("");
}

function policiesSection(input: HtmlReportInput, model: Model): string {
  if (!input.state) {
    return `<section id="policies" aria-labelledby="policies-h"><h2 id="policies-h">Policies involved</h2><p class="muted">Not shown: the report was made without the verified State.</p></section>`;
  }
  const roles = model.roles.map((role) => {
    const docs: DocRef[] = [
      { role, doc: "trust" },
      ...Object.keys(role.inlinePolicies).map((n): DocRef => ({ role, doc: `inline:${n}` })),
    ];
    const attached = role.attachedPolicyArns.length
      ? `<p>Attached managed policies: ${role.attachedPolicyArns.map((a) => `<code>${esc(a)}</code>`).join(", ")}</p>`
      : "";
    const boundary = role.permissionsBoundary
      ? `<p>Permissions boundary: <code>${esc(role.permissionsBoundary)}</code></p>`
      : "";
    return [
      `<article class="role" id="role-${esc(slug(role.arn))}" data-role-arn="${esc(role.arn)}">`,
      `<h3>${esc(role.name)}</h3><p class="muted"><code>${esc(role.arn)}</code> · account ${esc(role.accountId)}</p>`,
      ...docs.map((d) => policyBlock(d, model)),
      attached,
      boundary,
      "</article>",
    ].join("");
  });
  return `<section id="policies" aria-labelledby="policies-h"><h2 id="policies-h">Policies involved</h2>${roles.length ? roles.join("") : `<p class="muted">No IAM roles of these chains are in the State.</p>`}</section>`;
}

/** The first root cause (a broken hop not blocked by another), for the header badge to link to. */
function firstBroken(model: Model): DrawnHop | undefined {
  for (const c of model.chains) {
    const h = c.hops.find((x) => x.state === "broken");
    if (h) return h;
  }
  return undefined;
}

const MATRIX_WORDS: Record<HopState, string> = { ok: "✓", broken: "✗", blocked: "⊘", unknown: "?" };
const SHORT_HOP: Record<string, string> = {
  "service-account": "SA",
  "web-identity": "A role",
  "assume-role": "B role",
  "cluster-access": "entry",
  "kubernetes-permissions": "perms",
  registration: "reg.",
};

/** Targets × chains × hops: one cell per hop, linking to its panel. */
function matrixSection(model: Model, targets: string[]): string {
  const kinds = [...new Set(model.chains.map((c) => c.chain.kind))];
  const cols = kinds.map((k) => ({
    kind: k,
    hops: [...HOP_IDS] as string[],
  }));
  const head1 = cols
    .map((c) => `<th scope="colgroup" colspan="${c.hops.length}">${esc(KIND_LABELS[c.kind] ?? c.kind)}</th>`)
    .join("");
  const head2 = cols
    .flatMap((c) => c.hops.map((h) => `<th scope="col" title="${esc(h)}">${esc(SHORT_HOP[h] ?? h)}</th>`))
    .join("");
  const rows = targets.map((t, ti) => {
    const cells = cols.flatMap((c) => {
      const m = model.chains.find((x) => x.chain.target === t && x.chain.kind === c.kind);
      return c.hops.map((id) => {
        const h = m?.hops.find((x) => x.id === id);
        if (!m || !h) return `<td class="cell cell-none">–</td>`;
        const label = `${m.chain.id} · ${h.id}: ${STATE_WORDS[h.state].word}${h.blockedBy ? ` by ${h.blockedBy}` : ""}`;
        return `<td class="cell cell-${h.state}"><a href="#${esc(h.panelId)}" data-select="${esc(h.nodeId)}" title="${esc(label)}" aria-label="${esc(label)}">${MATRIX_WORDS[h.state]}</a></td>`;
      });
    });
    const ok = model.chains.filter((x) => x.chain.target === t).every((x) => x.chain.ok);
    return `<tr data-target="${esc(t)}"><th scope="row"><a href="#target-t${ti}">${esc(t)}</a> ${ok ? "" : `<span class="badge badge-broken">${STATE_WORDS.broken.symbol}</span>`}</th>${cells.join("")}</tr>`;
  });
  return `<section id="matrix" aria-labelledby="matrix-h"><h2 id="matrix-h">All targets</h2><table class="matrix"><thead><tr><th scope="col" rowspan="2">Target</th>${head1}</tr><tr>${head2}</tr></thead><tbody>${rows.join("")}</tbody></table><p class="muted">✓ proven · ✗ broken (root cause) · ⊘ blocked by an earlier hop. Select a cell to open that hop.</p></section>`;
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const { result } = input;
  const model = buildModel(input);
  const total = result.chains.length;
  const broken = result.chains.filter((c) => !c.ok).length;
  const count = (sev: Finding["severity"]) =>
    result.findings.filter((f) => f.severity === sev && !f.accepted).length;
  const errors = count("error");
  const warnings = count("warning");
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const verdict = result.ok
    ? `${STATE_WORDS.ok.symbol} All ${total} chain${total === 1 ? "" : "s"} proven`
    : `${STATE_WORDS.broken.symbol} ${broken} of ${total} chain${total === 1 ? "" : "s"} broken`;
  const counts = `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  const title = input.title ?? `xirsa verify report${input.stack ? `: stack ${input.stack}` : ""}`;
  const first = firstBroken(model);
  const badgeClass = !result.ok ? "badge-broken" : warnings ? "sev-warning" : "badge-ok";
  const badgeHref = first ? `#${first.panelId}` : result.findings.length ? "#findings" : undefined;
  const badge = badgeHref
    ? `<a class="verdict badge ${badgeClass}" id="verdict-link" href="${esc(badgeHref)}"${first ? ` data-select="${esc(first.nodeId)}"` : ""}><span id="verdict">${esc(verdict)}</span> · <span id="counts">${esc(counts)}</span></a>`
    : `<span class="verdict badge ${badgeClass}" id="verdict-link"><span id="verdict">${esc(verdict)}</span> · <span id="counts">${esc(counts)}</span></span>`;

  const targets: string[] = [];
  for (const c of model.chains) if (!targets.includes(c.chain.target)) targets.push(c.chain.target);
  const targetSections = targets.map((t, ti) => {
    const chains = model.chains.filter((c) => c.chain.target === t);
    const ok = chains.every((c) => c.chain.ok);
    return [
      `<section class="target" id="target-t${ti}" data-target="${esc(t)}" aria-labelledby="target-t${ti}-h">`,
      `<h2 id="target-t${ti}-h">Target ${esc(t)} ${stateBadge(ok)}</h2>`,
      ...chains.map((c) => chainSection(c, result.findings)),
      "</section>",
    ].join("");
  });
  const meta: [string, string][] = [
    ...(input.stack ? ([["Stack", esc(input.stack)]] as [string, string][]) : []),
    ...(input.generatedAt
      ? ([["Generated", `<time datetime="${esc(input.generatedAt)}">${esc(input.generatedAt)}</time>`]] as [
          string,
          string,
        ][])
      : []),
    ...(input.generatedFrom
      ? ([["From", `<code>${esc(input.generatedFrom)}</code>`]] as [string, string][])
      : []),
    ...(input.version ? ([["xirsa", esc(input.version)]] as [string, string][]) : []),
    ...(input.callers?.length
      ? ([
          [
            "Caller",
            input.callers
              .map(
                (c) => `<code>${esc(c.arn)}</code> <span class="muted">(account ${esc(c.accountId)})</span>`,
              )
              .join("<br>"),
          ],
        ] as [string, string][])
      : []),
  ];
  const docTitle = `${result.ok ? "✓" : "✗"} ${title}${input.generatedAt ? ` — ${input.generatedAt}` : ""}${input.version ? ` (xirsa ${input.version})` : ""}`;

  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="xirsa${input.version ? ` ${esc(input.version)}` : ""}">`,
    `<title>${esc(docTitle)}</title>`,
    `<style>${reportCss()}</style></head><body>`,
    `<header><h1>${esc(title)}</h1>`,
    `<p class="verdict-line">${badge}</p>`,
    meta.length ? `<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>` : "",
    `<p class="muted">${result.findings.length} finding${result.findings.length === 1 ? "" : "s"} (${plural(errors, "error")}, ${plural(warnings, "warning")}, ${count("info")} info). This page is self-contained and loads nothing.</p>`,
    `<nav aria-label="Contents"><ul>${targets.length >= MATRIX_FROM_TARGETS ? `<li><a href="#matrix">All targets</a></li>` : ""}${targets
      .map((t, ti) => `<li><a href="#target-t${ti}">Target ${esc(t)}</a></li>`)
      .join(
        "",
      )}<li><a href="#findings">Findings</a></li><li><a href="#policies">Policies</a></li></ul></nav></header>`,
    `<main>${targets.length >= MATRIX_FROM_TARGETS ? matrixSection(model, targets) : ""}${targetSections.join("")}${findingsSection(result.findings, model)}${policiesSection(input, model)}</main>`,
    `<footer>Made by xirsa${input.version ? ` ${esc(input.version)}` : ""} verify. Hops: service accounts → A role (web identity) → B role (AssumeRole) → access entry → Kubernetes permissions → registration.</footer>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    "</body></html>",
    "",
  ].join("\n");
}
