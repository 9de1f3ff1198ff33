import type { Io } from "./command.js";

/** Colour on a terminal unless NO_COLOR is set to anything (https://no-color.org); --no-color sets it (main.ts). */
export function useColor(io: Io): boolean {
  const noColor = io.env.NO_COLOR;
  return !!io.stdout.isTTY && (noColor === undefined || noColor === "");
}
