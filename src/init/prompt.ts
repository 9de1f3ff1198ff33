/**
 * Asking for missing values on a terminal. Each answer is checked with the field's schema at once and asked
 * again when wrong, so people fix one value at a time instead of rerunning.
 */
import { createInterface } from "node:readline";
import { InputError } from "../errors.js";
import { FIELDS, type Field, type FieldKey, type InitValues } from "./fields.js";
import { checkValue, crossFieldMessage } from "./values.js";

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

function tooMany(flag: string): InputError {
  return new InputError("init.prompt", `no valid value for ${flag} after ${ATTEMPTS} tries`, `pass ${flag}`);
}

/** A strict yes/no question: y, yes, n, no, or empty for the default (No); anything else is asked again. */
export async function askYesNo(prompter: Prompter, question: string, flag: string): Promise<boolean> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const a = (await prompter.ask(`${question} [y/N]: `)).trim().toLowerCase();
    if (a === "y" || a === "yes") return true;
    if (a === "" || a === "n" || a === "no") return false;
    prompter.say("  answer y or n");
  }
  throw tooMany(flag);
}

/** The value the config schema gives a field left out, shown in its question (an empty answer keeps it). */
function schemaDefault(field: Field): string | undefined {
  const r = field.schema.safeParse(undefined);
  return r.success && typeof r.data === "string" ? r.data : undefined;
}

/**
 * Asks for every value still missing, in the order of the file, offering `defaults` and the schema's own
 * defaults. Each answer is checked alone and then against the values already given (a target that is the
 * source cluster, an issuer of another region), so the question that caused a problem is the one asked again.
 * Required values must be answered; optional ones may be skipped with an empty answer. Fields in `skip` are
 * not asked.
 */
export async function askMissing(
  values: InitValues,
  prompter: Prompter,
  defaults: Partial<Record<FieldKey, string>> = {},
  skip: ReadonlySet<FieldKey> = new Set(),
): Promise<InitValues> {
  const out: InitValues = { ...values };
  for (const field of FIELDS) {
    if (out[field.key] !== undefined || skip.has(field.key)) continue;
    // The target usually shares the source's region; offer it.
    const def = defaults[field.key] ?? (field.key === "targetRegion" ? out.sourceRegion : undefined);
    const shown = def ?? schemaDefault(field);
    for (let attempt = 1; ; attempt++) {
      const answer = (await prompter.ask(`${field.question}${shown ? ` [${shown}]` : ""}: `)).trim();
      const value = answer || def;
      if (value === undefined) {
        if (!field.required) break;
        prompter.say(`  ${field.flag} is required`);
      } else {
        const msg = checkValue(field, value) ?? crossFieldMessage({ ...out, [field.key]: value }, field);
        if (!msg) {
          out[field.key] = value;
          break;
        }
        prompter.say(`  ${msg}`);
      }
      if (attempt >= ATTEMPTS) throw tooMany(field.flag);
    }
  }
  if (out.capsule === undefined) {
    out.capsule = await askYesNo(prompter, "Use Capsule tenancy in the target?", "--capsule");
  }
  return out;
}
