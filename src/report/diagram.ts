/**
 * One chain drawn as an inline SVG: a node per hop (service accounts → A role → B role → access entry →
 * Kubernetes permissions → registration), in rows of three, each node focusable and labelled with its state in
 * words and symbols (never colour alone). The page script turns a click or Enter on a node into its panel.
 */
import { roleNameOf } from "../names/index.js";
import type { ChainSpec } from "../state/types.js";
import type { ChainResult, HopResult } from "../verify/types.js";
import { esc } from "./escape.js";

/** `blocked`: failed because an earlier hop (the root cause, `blockedBy`) failed. */
export type HopState = "ok" | "broken" | "blocked" | "unknown";

/** A hop as drawn: the verify result's hop, or a placeholder when verify did not report it. */
export interface DrawnHop {
  id: string;
  /** Element ids: the node and its panel. */
  nodeId: string;
  panelId: string;
  state: HopState;
  label: string;
  subject: string;
  reason: string;
  fix?: string;
  /** The root-cause hop, for a blocked hop. */
  blockedBy?: string;
  hop?: HopResult;
}

const LABELS: Record<string, string> = {
  "service-account": "Service accounts",
  "web-identity": "A role",
  "assume-role": "B role",
  "cluster-access": "Access entry",
  "kubernetes-permissions": "Kubernetes permissions",
  registration: "Registration",
};

export function hopLabel(hopId: string): string {
  return LABELS[hopId] ?? hopId;
}

/** What a hop's node names: the service accounts, the role, the cluster, the namespaces, the Secret. */
export function hopSubject(hopId: string, spec: ChainSpec | undefined, chain: ChainResult): string {
  if (!spec) return hopId;
  switch (hopId) {
    case "service-account":
      return spec.serviceAccounts.length === 1
        ? `${spec.serviceAccounts[0]!.namespace}/${spec.serviceAccounts[0]!.name}`
        : `${spec.serviceAccounts.length} in ${[...new Set(spec.serviceAccounts.map((s) => s.namespace))].join(", ")}`;
    case "web-identity":
      return roleNameOf(spec.sourceRoleArn) ?? spec.sourceRoleArn;
    case "assume-role":
      return roleNameOf(spec.targetRoleArn) ?? spec.targetRoleArn;
    case "cluster-access":
      return `cluster ${spec.targetCluster.name}`;
    case "kubernetes-permissions":
      return `namespaces ${spec.namespacePattern}`;
    case "registration":
      return chain.kind === "argocd" ? "Argo CD cluster Secret" : "KubeRocketCI cluster Secret";
    default:
      return hopId;
  }
}

export const STATE_WORDS: Record<HopState, { symbol: string; word: string }> = {
  ok: { symbol: "✓", word: "ok" },
  broken: { symbol: "✗", word: "broken" },
  blocked: { symbol: "⊘", word: "blocked" },
  unknown: { symbol: "?", word: "not reported" },
};

const W = 270;
const H = 96;
const GAP_X = 56;
const GAP_Y = 52;
const MARGIN = 12;
const COLS = 3;
const MAX_SUBJECT = 40;
/** Subjects longer than this are condensed to the node's width (textLength) rather than overflowing. */
const FIT_SUBJECT = 28;

/** The drawing's natural width, for the stylesheet. */
export const SVG_WIDTH = MARGIN * 2 + COLS * W + (COLS - 1) * GAP_X;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** One line for screen readers and the hover title. */
export function hopSentence(h: DrawnHop): string {
  const st = STATE_WORDS[h.state];
  const fix = h.blockedBy ? "" : h.fix ? ` Fix: ${h.fix}` : "";
  const by = h.blockedBy ? ` by ${h.blockedBy}` : "";
  return `${h.label} (${h.id}, ${h.subject}): ${st.word}${by}. ${h.reason}${fix}`;
}

export function chainSvg(args: {
  chainKey: string;
  title: string;
  summary: string;
  hops: DrawnHop[];
}): string {
  const { chainKey, hops } = args;
  const rows = Math.max(1, Math.ceil(hops.length / COLS));
  const width = MARGIN * 2 + COLS * W + (COLS - 1) * GAP_X;
  const height = MARGIN * 2 + rows * H + (rows - 1) * GAP_Y;
  const pos = (i: number) => ({
    x: MARGIN + (i % COLS) * (W + GAP_X),
    y: MARGIN + Math.floor(i / COLS) * (H + GAP_Y),
  });
  const arrowId = `arrow-${chainKey}`;

  const edges: string[] = [];
  for (let i = 0; i + 1 < hops.length; i++) {
    const a = pos(i);
    const b = pos(i + 1);
    if (a.y === b.y) {
      edges.push(
        `<path d="M${a.x + W} ${a.y + H / 2} H${b.x - 4}" marker-end="url(#${arrowId})" class="edge"/>`,
      );
    } else {
      const midY = a.y + H + GAP_Y / 2;
      edges.push(
        `<path d="M${a.x + W / 2} ${a.y + H} V${midY} H${b.x + W / 2} V${b.y - 4}" marker-end="url(#${arrowId})" class="edge"/>`,
      );
    }
  }

  const nodes = hops.map((h, i) => {
    const { x, y } = pos(i);
    const st = STATE_WORDS[h.state];
    const sentence = hopSentence(h);
    const subject = clip(h.subject, MAX_SUBJECT);
    const fit = subject.length > FIT_SUBJECT ? ` textLength="${W - 28}" lengthAdjust="spacingAndGlyphs"` : "";
    return [
      `<g class="hop hop-${h.state}" id="${esc(h.nodeId)}" data-chain="${esc(chainKey)}" data-hop="${esc(h.id)}"`,
      ` data-state="${h.state}" tabindex="0" role="button" aria-expanded="false" aria-controls="${esc(h.panelId)}"`,
      ` aria-label="${esc(sentence)}">`,
      `<title>${esc(sentence)}</title>`,
      `<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="10" class="hop-box"/>`,
      `<text x="${x + 14}" y="${y + 26}" class="hop-title">${esc(h.label)}</text>`,
      `<text x="${x + 14}" y="${y + 52}" class="hop-subject"${fit}>${esc(subject)}</text>`,
      `<text x="${x + 14}" y="${y + 80}" class="hop-state">${st.symbol} ${esc(st.word)}</text>`,
      `<text x="${x + W - 12}" y="${y + 80}" class="hop-id" text-anchor="end">${esc(clip(h.id, 24))}</text>`,
      "</g>",
    ].join("");
  });

  return [
    `<svg class="chain-svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group"`,
    ` aria-labelledby="svgt-${chainKey} svgd-${chainKey}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="svgt-${chainKey}">${esc(args.title)}</title>`,
    `<desc id="svgd-${chainKey}">${esc(args.summary)}</desc>`,
    `<defs><marker id="${arrowId}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">`,
    `<path d="M0 0 L10 5 L0 10 z" class="arrow-head"/></marker></defs>`,
    ...edges,
    ...nodes,
    "</svg>",
  ].join("");
}
