/**
 * ANSI colours for the reports people read (verify table, plan, demo): one palette, and a painter that is the
 * identity when colour is off, so callers never branch. Whether to colour is the CLI's decision (cli/color.ts).
 */
const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Style = keyof typeof CODES;
export type Paint = (style: Style, text: string) => string;

export function painter(color: boolean): Paint {
  return color ? (style, text) => `\u001b[${CODES[style]}m${text}\u001b[0m` : (_style, text) => text;
}
