/**
 * The latency knob: `sandbox up --latency-ms N` is validated like the other knobs;
 * a sandbox with latency still answers every client correctly (no timing is asserted: tests never do).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_KNOBS } from "../../src/sandbox/services/context.js";
import { xirsa as cli, tempDir } from "../helpers.js";
import { requireTools } from "../tools.js";
import { A, aws, type Harness, startHarness } from "./helpers.js";

const skip = requireTools("test/sandbox-aws/latency.test.ts", "aws");

describe("sandbox up --latency-ms", () => {
  it("refuses a value that is not a whole number of ms, with exit 2 and nothing started", () => {
    const dir = tempDir("xirsa-latency-");
    const config = join(import.meta.dirname, "..", "..", "examples", "multi-target.yaml");
    const r = cli(["sandbox", "up", "--config", config, "--state-dir", dir, "--latency-ms", "fast"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "xirsa sandbox: --latency-ms must be a whole number from 0 to 60000, not 'fast'",
    );
  });
});

describe.skipIf(!!skip)("a sandbox with latency", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ knobs: { ...NO_KNOBS, latencyMs: 20 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers the aws CLI as without it", async () => {
    const [me, roles] = await Promise.all([
      aws(h.env, ["sts", "get-caller-identity", "--profile", `sandbox-${A}`]),
      aws(h.env, ["iam", "list-roles", "--profile", `sandbox-${A}`]),
    ]);
    expect(me.stderr).toBe("");
    expect(me.json().Account).toBe(A);
    expect(roles.json().Roles).toEqual([]);
  });
});
