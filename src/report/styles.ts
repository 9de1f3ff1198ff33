/** The report's stylesheet, generated from the palette (inline: the page loads nothing). */
import { SVG_WIDTH } from "./diagram.js";
import { PALETTE as P } from "./palette.js";

export function reportCss(): string {
  return `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: ${P.text}; background: ${P.background}; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 20px; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 1px solid ${P.border}; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: .8rem 0 .3rem; }
a { color: ${P.link}; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.muted { color: ${P.muted}; }
.badge { display: inline-block; padding: 0 .5em; border-radius: 4px; font-size: .85rem; font-weight: 600;
  border: 1px solid currentColor; vertical-align: middle; white-space: nowrap; }
.badge-ok { color: ${P.okText}; background: ${P.okFill}; }
.badge-broken, .sev-error { color: ${P.brokenText}; background: ${P.brokenFill}; }
.sev-warning { color: ${P.warningText}; background: ${P.warningFill}; }
.sev-info { color: ${P.infoText}; background: ${P.infoFill}; }
.verdict { font-size: 1.1rem; margin: .4rem 0; }
nav ul { list-style: none; padding: 0; margin: .4rem 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
figure { margin: .4rem 0; }
figcaption { color: ${P.muted}; font-size: .9rem; }
.chain-svg { width: 100%; height: auto; max-width: ${SVG_WIDTH}px; display: block; }
.edge { fill: none; stroke: ${P.muted}; stroke-width: 2; }
.arrow-head { fill: ${P.muted}; }
.hop { cursor: pointer; outline: none; }
.hop-box { stroke-width: 2; }
.hop-ok .hop-box { fill: ${P.okFill}; stroke: ${P.okStroke}; }
.hop-ok text { fill: ${P.okText}; }
.hop-broken .hop-box { fill: ${P.brokenFill}; stroke: ${P.brokenStroke}; stroke-dasharray: 7 4; }
.hop-broken text { fill: ${P.brokenText}; }
.hop-unknown .hop-box { fill: ${P.unknownFill}; stroke: ${P.unknownStroke}; stroke-dasharray: 2 3; }
.hop-unknown text { fill: ${P.unknownText}; }
.hop-broken .hop-box { stroke-width: 3; }
.hop-blocked .hop-box { fill: ${P.unknownFill}; stroke: ${P.unknownStroke}; stroke-dasharray: 2 3; }
.hop-blocked text { fill: ${P.unknownText}; }
.hop-cause { font-size: 12px; font-weight: 700; }
.lane-box { fill: ${P.background}; stroke: ${P.border}; stroke-width: 1; }
.lane-title { font-weight: 700; font-size: 14px; fill: ${P.text}; }
.lane-sub { font-size: 12px; fill: ${P.muted}; }
.edge-cross { stroke-dasharray: none; }
.hop-title { font-weight: 700; font-size: 16px; }
.hop-subject { font-size: 14px; }
.hop-state { font-size: 14px; font-weight: 600; }
.hop-id { font-size: 11px; }
.hop.selected .hop-box { stroke-width: 4; }
.hop:focus-visible .hop-box, .hop:focus .hop-box { stroke: ${P.focus}; stroke-width: 4; }
.hint { color: ${P.muted}; font-size: .9rem; margin: .2rem 0; }
.hop-panel { background: ${P.panel}; border: 1px solid ${P.border}; border-left-width: 6px; border-radius: 6px;
  padding: .4rem .9rem .6rem; margin: .5rem 0; }
.hop-panel.state-ok { border-left-color: ${P.okStroke}; }
.hop-panel.state-broken { border-left-color: ${P.brokenStroke}; }
.hop-panel.state-unknown { border-left-color: ${P.unknownStroke}; }
.hop-panel.state-blocked { border-left-color: ${P.unknownStroke}; }
.hop-panel h4 { margin-top: .3rem; }
.hop-panel p { margin: .3rem 0; }
pre { background: ${P.panel}; border: 1px solid ${P.border}; border-radius: 6px; padding: .6rem .8rem;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.verdict-line { margin: .4rem 0; }
a.verdict { text-decoration: none; }
a.verdict:hover, a.verdict:focus { text-decoration: underline; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .4rem 0; font-size: .92rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
.root-cause { color: ${P.brokenText}; }
table.matrix { width: auto; table-layout: auto; font-size: .9rem; }
table.matrix th, table.matrix td { padding: .15rem .4rem; text-align: center; }
table.matrix th[scope="row"] { text-align: left; white-space: nowrap; }
table.matrix td a { text-decoration: none; display: block; font-weight: 700; }
.cell-ok { background: ${P.okFill}; } .cell-ok a { color: ${P.okText}; }
.cell-broken { background: ${P.brokenFill}; } .cell-broken a { color: ${P.brokenText}; }
.cell-blocked, .cell-unknown { background: ${P.unknownFill}; } .cell-blocked a, .cell-unknown a { color: ${P.unknownText}; }
.hop-panel pre { background: ${P.background}; }
mark.decided { background: ${P.markFill}; color: ${P.text}; border-left: 3px solid ${P.brokenStroke};
  -webkit-box-decoration-break: clone; box-decoration-break: clone; }
mark.decided-cond { background: ${P.condFill}; color: ${P.text}; text-decoration: underline wavy ${P.brokenStroke}; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; table-layout: fixed; }
col.c-sev { width: 10%; } col.c-code { width: 18%; } col.c-res { width: 22%; } col.c-msg { width: 27%; }
td code { overflow-wrap: anywhere; }
th, td { border: 1px solid ${P.border}; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: ${P.panel}; }
td { overflow-wrap: anywhere; }
.decided-list { margin: .2rem 0 1rem; }
footer { margin: 2.5rem auto 1.5rem; color: ${P.muted}; font-size: .85rem; }
@media print {
  body { font-size: 11pt; }
  nav, .hint { display: none; }
  .hop-panel, .hop-panel[hidden] { display: block !important; break-inside: avoid; }
  details::details-content { content-visibility: visible; height: auto; display: block; }
  pre { white-space: pre-wrap; word-break: break-all; }
  .chain-svg { max-width: 100%; break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: ${P.text}; }
}
`;
}
