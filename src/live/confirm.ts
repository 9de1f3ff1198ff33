/**
 * The confirmation of apply/destroy: asked on a terminal, refused (bad input, exit 2) when there is no terminal
 * and no --yes, so that a pipeline never changes two AWS accounts by accident.
 */
import { createInterface } from "node:readline";
import { InputError } from "../errors.js";
import type { Change } from "./changes.js";

export interface PromptIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
}

export function confirmer(
  command: "apply" | "destroy",
  yes: boolean,
  io: PromptIo,
): (changes: Change[]) => Promise<boolean> {
  return async (changes) => {
    if (yes) return true;
    if (!io.stdin.isTTY) {
      throw new InputError(
        "cli.confirm",
        `refusing to make ${changes.length} change${changes.length > 1 ? "s" : ""} without confirmation (no terminal to ask on)`,
        `review the plan (xirsa plan), then rerun with --yes`,
      );
    }
    const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: true });
    try {
      const answer = await new Promise<string>((resolve) =>
        rl.question(
          `\n${command === "apply" ? "Apply" : "Destroy"} ${changes.length} change(s)? Only 'yes' is accepted: `,
          resolve,
        ),
      );
      return answer.trim() === "yes";
    } finally {
      rl.close();
    }
  };
}
