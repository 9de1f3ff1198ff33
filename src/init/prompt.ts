/**
 * Asking for missing values on a terminal. Each answer is checked with the field's schema at once and asked
 * again when wrong, so people fix one value at a time instead of rerunning.
 */
import { createInterface } from "node:readline";
import { InputError } from "../errors.js";
import { FIELDS, type FieldKey, type InitValues } from "./fields.js";
import { checkValue } from "./values.js";

export interface Prompter {
  /** Writes the question and resolves to the answer line (without the newline). */
  ask(question: string): Promise<string>;
  say(line: string): void;
  close(): void;
}

/** A prompter over streams. Lines typed (or piped) before a question is asked are kept, not lost. */
export function streamPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question) {
      output.write(question);
      const next = await lines.next();
      if (next.done) {
        throw new InputError(
          "init.prompt",
          "input ended before every value was given",
          "pass the values as flags",
        );
      }
      return String(next.value);
    },
    say(line) {
      output.write(`${line}\n`);
    },
    close() {
      rl.close();
    },
  };
}

const ATTEMPTS = 5;

/**
 * Asks for every value still missing, in the order of the file, offering `defaults`. Required values must be
 * answered; optional ones may be skipped with an empty answer.
 */
export async function askMissing(
  values: InitValues,
  prompter: Prompter,
  defaults: Partial<Record<FieldKey, string>> = {},
): Promise<InitValues> {
  const out: InitValues = { ...values };
  for (const field of FIELDS) {
    if (out[field.key] !== undefined) continue;
    // The target usually shares the source's region; offer it.
    const def = defaults[field.key] ?? (field.key === "targetRegion" ? out.sourceRegion : undefined);
    for (let attempt = 1; ; attempt++) {
      const answer = (await prompter.ask(`${field.question}${def ? ` [${def}]` : ""}: `)).trim();
      const value = answer || def;
      if (value === undefined) {
        if (!field.required) break;
        prompter.say(`  ${field.flag} is required`);
      } else {
        const msg = checkValue(field, value);
        if (!msg) {
          out[field.key] = value;
          break;
        }
        prompter.say(`  ${msg}`);
      }
      if (attempt >= ATTEMPTS) {
        throw new InputError(
          "init.prompt",
          `no valid value for ${field.flag} after ${ATTEMPTS} tries`,
          `pass ${field.flag}`,
        );
      }
    }
  }
  if (out.capsule === undefined) {
    const answer = (await prompter.ask("Use Capsule tenancy in the target? [y/N]: ")).trim().toLowerCase();
    out.capsule = answer === "y" || answer === "yes";
  }
  return out;
}
