/**
 * One runner for the scenario files in this folder (*.json). A file holds either evaluation cases
 * (`input` → `expect`) or parse cases (`document` → `error`); strings like "@name" are replaced by the file's
 * `refs`. Every evaluation case is also run through the oracle (iam-simulate), on the case with the documented
 * differences rewritten away (disagreements.ts): it must agree. A case that says `"oracle": "differs:<name>"`
 * shows the difference <name> (DISAGREEMENTS.md): the rewrite must apply, and the oracle must decide
 * otherwise on the case as written (so a fixed oracle makes the runner say "drop the disagreement").
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { authorize, explainDecision, PolicyError, parsePolicy } from "../../../src/iam/index.js";
import type { AuthorizeInput, Decision, StatementRef } from "../../../src/iam/types.js";
import { oracleInput } from "./disagreements.js";
import { oracleDecide } from "./oracle.js";

const here = dirname(fileURLToPath(import.meta.url));

interface Expect {
  decision: Decision["decision"];
  allowedBy?: StatementRef[];
  deniedBy?: StatementRef;
  missing?: string[];
  explain?: string;
  explainContains?: string[];
  /** Mismatch of one statement of the trace, compared as a subset. */
  mismatch?: { statement: { policy: string; index: number } } & Record<string, unknown>;
}

interface EvalCase {
  name: string;
  source?: string;
  input?: AuthorizeInput;
  /** Shorthand: one identity-policy Allow of sqs:SendMessage on a queue, with this Condition, same account. */
  condition?: Record<string, unknown>;
  context?: AuthorizeInput["request"]["context"];
  expect: Expect;
  oracle?: string;
}

interface ParseCase {
  name: string;
  source?: string;
  kind?: "identity" | "resource";
  document: unknown;
  /** The exact message, or its start when the rest comes from the JSON parser of the runtime. */
  error?: string;
  errorPrefix?: string;
}

interface ScenarioFile {
  description: string;
  refs?: Record<string, unknown>;
  cases: Array<EvalCase | ParseCase>;
}

function resolve(value: unknown, refs: Record<string, unknown>): unknown {
  if (typeof value === "string" && value.startsWith("@")) {
    if (!(value in refs)) throw new Error(`unknown ref ${value}`);
    return resolve(refs[value], refs);
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, refs));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, refs)]));
  }
  return value;
}

const QUEUE = "arn:aws:sqs:eu-west-1:111111111111:orders";

function conditionInput(c: EvalCase): AuthorizeInput {
  return {
    request: {
      principal: { kind: "aws", accountId: "111111111111", arn: "arn:aws:iam::111111111111:user/alice" },
      action: "sqs:SendMessage",
      resource: QUEUE,
      context: c.context ?? {},
    },
    identityPolicies: [
      {
        name: "inline:condition",
        document: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE, Condition: c.condition },
          ],
        },
      },
    ],
    resourceAccount: "111111111111",
  };
}

const refOnly = (r: StatementRef) => ({ policy: r.policy, index: r.index });

function checkEval(c: EvalCase): void {
  const input = c.input ?? conditionInput(c);
  const d = authorize(input);
  const e = c.expect;
  expect(d.decision).toBe(e.decision);
  if (e.allowedBy) {
    expect(d.decision === "Allowed" ? d.allowedBy.map(refOnly) : undefined).toEqual(e.allowedBy.map(refOnly));
  }
  if (e.deniedBy)
    expect(d.decision === "ExplicitlyDenied" ? refOnly(d.deniedBy) : undefined).toEqual(refOnly(e.deniedBy));
  if (e.missing) expect(d.decision === "ImplicitlyDenied" ? d.missing : undefined).toEqual(e.missing);
  const sentence = explainDecision(d);
  if (e.explain !== undefined) expect(sentence).toBe(e.explain);
  for (const part of e.explainContains ?? []) expect(sentence).toContain(part);
  if (e.mismatch) {
    const { statement, ...rest } = e.mismatch;
    const t = d.trace.find(
      (x) => x.statement.policy === statement.policy && x.statement.index === statement.index,
    );
    expect(t?.mismatch).toMatchObject(rest);
  }

  const rewritten = oracleInput(input);
  expect(
    oracleDecide(rewritten.input),
    `oracle on the rewritten case (${rewritten.rewritten.join(", ")})`,
  ).toBe(d.decision);
  if (c.oracle?.startsWith("differs:")) {
    const name = c.oracle.slice("differs:".length);
    expect(rewritten.rewritten).toContain(name);
    expect(oracleDecide(input), "the oracle now agrees: drop the disagreement").not.toBe(d.decision);
  }
}

function checkParse(c: ParseCase): void {
  let caught: unknown;
  try {
    parsePolicy(c.document, undefined, c.kind);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PolicyError);
  const message = (caught as PolicyError).message;
  if (c.error !== undefined) expect(message).toBe(c.error);
  else expect(message.startsWith(c.errorPrefix ?? "\u0000"), message).toBe(true);
  expect((caught as PolicyError).exitCode).toBe(2);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("iam scenarios", () => {
  it("has scenario files", () => {
    expect(files.length).toBeGreaterThan(3);
  });
  for (const file of files) {
    const data = JSON.parse(readFileSync(join(here, file), "utf8")) as ScenarioFile;
    describe(`${file}: ${data.description}`, () => {
      for (const raw of data.cases) {
        const c = resolve(raw, data.refs ?? {}) as EvalCase | ParseCase;
        it(c.name, () => ("document" in c ? checkParse(c) : checkEval(c)));
      }
    });
  }
});
