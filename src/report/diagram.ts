/**
 * One chain drawn as an inline SVG in three lanes, where each hop happens: account A (the service accounts in
 * cluster A, the A role, and the registration objects cluster A keeps), account B (the B role) and cluster B
 * (its access entry and Kubernetes permissions). A hop per row, in chain order, each node focusable and
 * labelled with its state in words and symbols (never colour alone); a broken hop is marked the root cause,
 * a hop blocked by it names it. The page script turns a click or Enter on a node into its panel.
 */
import { roleNameOf } from "../names/index.js";
import type { ChainSpec } from "../state/index.js";
import type { ChainResult, HopResult } from "../verify/index.js";
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

export type Lane = "account-a" | "account-b" | "cluster-b";
export const LANES: readonly Lane[] = ["account-a", "account-b", "cluster-b"];

/** Where each hop is checked. Registration objects (cluster Secrets, AppProject) live in cluster A. */
const HOP_LANE: Record<string, Lane> = {
  "service-account": "account-a",
  "web-identity": "account-a",
  "assume-role": "account-b",
  "cluster-access": "cluster-b",
  "kubernetes-permissions": "cluster-b",
  registration: "account-a",
};

export function laneOf(hopId: string): Lane {
  return HOP_LANE[hopId] ?? "account-a";
}

/** The lane headings: what and where, from the chain spec when there is one. */
export function laneTitles(spec: ChainSpec | undefined): Record<Lane, [string, string]> {
  return {
    "account-a": [
      `Account A${spec ? ` · ${spec.source.accountId}` : ""}`,
      spec ? `cluster ${spec.source.name}` : "source",
    ],
    "account-b": [`Account B${spec ? ` · ${spec.targetCluster.accountId}` : ""}`, "IAM"],
    "cluster-b": [
      `Cluster B${spec ? ` · ${spec.targetCluster.name}` : ""}`,
      spec ? `EKS, ${spec.targetCluster.region}` : "EKS",
    ],
  };
}

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

const LANE_W = 336;
const LANE_GAP = 12;
const HEAD = 50;
const W = LANE_W - 24;
const H = 72;
const GAP_Y = 22;
const MARGIN = 8;
/** Subject characters that fit the node at 14px; longer ones are condensed (textLength), never overflow. */
const FIT_SUBJECT = 36;
const MAX_SUBJECT = 48;

/** The drawing's natural width, for the stylesheet. */
export const SVG_WIDTH = MARGIN * 2 + LANES.length * LANE_W + (LANES.length - 1) * LANE_GAP;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** One line for screen readers and the hover title. */
export function hopSentence(h: DrawnHop): string {
  const st = STATE_WORDS[h.state];
  const fix = h.blockedBy ? "" : h.fix ? ` Fix: ${h.fix}` : "";
  const by = h.blockedBy ? ` by ${h.blockedBy}` : h.state === "broken" ? " (root cause)" : "";
  return `${h.label} (${h.id}, ${h.subject}): ${st.word}${by}. ${h.reason}${fix}`;
}

/** The small tag at a node's bottom right: root cause, or the hop it is blocked by. */
function causeTag(h: DrawnHop): string {
  if (h.state === "broken") return "root cause";
  if (h.state === "blocked" && h.blockedBy) return `after ${h.blockedBy}`;
  return "";
}

export function chainSvg(args: {
  chainKey: string;
  title: string;
  summary: string;
  hops: DrawnHop[];
  lanes: Record<Lane, [string, string]>;
}): string {
  const { chainKey, hops } = args;
  const width = SVG_WIDTH;
  const height = MARGIN * 2 + HEAD + hops.length * H + Math.max(0, hops.length - 1) * GAP_Y + 8;
  const laneX = (l: Lane) => MARGIN + LANES.indexOf(l) * (LANE_W + LANE_GAP);
  const pos = (i: number) => ({
    x: laneX(laneOf(hops[i]!.id)) + (LANE_W - W) / 2,
    y: MARGIN + HEAD + i * (H + GAP_Y),
  });
  const arrowId = `arrow-${chainKey}`;

  const lanes = LANES.map((l) => {
    const x = laneX(l);
    const [title, sub] = args.lanes[l];
    return [
      `<g class="lane" data-lane="${l}">`,
      `<rect x="${x}" y="${MARGIN}" width="${LANE_W}" height="${height - MARGIN * 2}" rx="8" class="lane-box"/>`,
      `<text x="${x + 12}" y="${MARGIN + 20}" class="lane-title">${esc(clip(title, 34))}</text>`,
      `<text x="${x + 12}" y="${MARGIN + 38}" class="lane-sub">${esc(clip(sub, 40))}</text>`,
      "</g>",
    ].join("");
  });

  const edges: string[] = [];
  for (let i = 0; i + 1 < hops.length; i++) {
    const a = pos(i);
    const b = pos(i + 1);
    const ax = a.x + W / 2;
    const bx = b.x + W / 2;
    const midY = a.y + H + GAP_Y / 2;
    edges.push(
      ax === bx
        ? `<path d="M${ax} ${a.y + H} V${b.y - 3}" marker-end="url(#${arrowId})" class="edge"/>`
        : `<path d="M${ax} ${a.y + H} V${midY} H${bx} V${b.y - 3}" marker-end="url(#${arrowId})" class="edge edge-cross"/>`,
    );
  }

  const nodes = hops.map((h, i) => {
    const { x, y } = pos(i);
    const st = STATE_WORDS[h.state];
    const sentence = hopSentence(h);
    const subject = clip(h.subject, MAX_SUBJECT);
    const fit = subject.length > FIT_SUBJECT ? ` textLength="${W - 28}" lengthAdjust="spacingAndGlyphs"` : "";
    const tag = causeTag(h);
    return [
      `<g class="hop hop-${h.state}" id="${esc(h.nodeId)}" data-chain="${esc(chainKey)}" data-hop="${esc(h.id)}"`,
      ` data-state="${h.state}" data-lane="${laneOf(h.id)}" tabindex="0" role="button" aria-expanded="false" aria-controls="${esc(h.panelId)}"`,
      ` aria-label="${esc(sentence)}">`,
      `<title>${esc(sentence)}</title>`,
      `<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="10" class="hop-box"/>`,
      `<text x="${x + 14}" y="${y + 22}" class="hop-title">${esc(h.label)}</text>`,
      // The hop id beside the title only where both fit (a bold 16px glyph ≈ 10px, an 11px one ≈ 6.5px).
      h.label.length * 10 + h.id.length * 6.5 + 40 <= W
        ? `<text x="${x + W - 12}" y="${y + 22}" class="hop-id" text-anchor="end">${esc(h.id)}</text>`
        : "",
      `<text x="${x + 14}" y="${y + 44}" class="hop-subject"${fit}>${esc(subject)}</text>`,
      `<text x="${x + 14}" y="${y + 63}" class="hop-state">${st.symbol} ${esc(st.word)}</text>`,
      tag
        ? `<text x="${x + W - 12}" y="${y + 63}" class="hop-cause" text-anchor="end">${esc(clip(tag, 28))}</text>`
        : "",
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
    ...lanes,
    ...edges,
    ...nodes,
    "</svg>",
  ].join("");
}
