/**
 * The report's colours. Every text/background pair used on the page is listed in CONTRAST_PAIRS so that a test
 * can hold it to WCAG AA (4.5:1); the CSS is generated from these values, so the two cannot drift.
 */

export const PALETTE = {
  text: "#1f2328",
  muted: "#4d5560",
  background: "#ffffff",
  panel: "#f6f8fa",
  border: "#8c959f",
  link: "#0b57d0",
  focus: "#1d4ed8",
  okFill: "#e7f5ec",
  okStroke: "#1e7b3a",
  okText: "#14532d",
  brokenFill: "#fdecec",
  brokenStroke: "#b42318",
  brokenText: "#7f1d1d",
  unknownFill: "#f0f0f0",
  unknownStroke: "#6b6b6b",
  unknownText: "#333333",
  markFill: "#fff1a8",
  condFill: "#ffd27a",
  warningFill: "#fff4d6",
  warningText: "#6b4300",
  infoFill: "#e8eefc",
  infoText: "#1e3a8a",
} as const;

export type Colour = keyof typeof PALETTE;

/** [foreground, background, where] for every piece of text on the page. */
export const CONTRAST_PAIRS: ReadonlyArray<readonly [Colour, Colour, string]> = [
  ["text", "background", "body text"],
  ["muted", "background", "secondary text"],
  ["text", "panel", "hop panels and policy blocks"],
  ["muted", "panel", "secondary text in panels"],
  ["link", "background", "links"],
  ["link", "panel", "links in panels"],
  ["okText", "okFill", "proven hop node and badge"],
  ["brokenText", "brokenFill", "broken hop node and badge"],
  ["unknownText", "unknownFill", "hop not reported"],
  ["brokenText", "unknownFill", "hop blocked by an earlier one"],
  ["text", "markFill", "highlighted statement"],
  ["text", "condFill", "highlighted condition"],
  ["warningText", "warningFill", "warning badge"],
  ["infoText", "infoFill", "info badge"],
];

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => channel(Number.parseInt(h, 16)));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio, 1..21. */
export function contrastRatio(fg: string, bg: string): number {
  const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  return (a! + 0.05) / (b! + 0.05);
}
