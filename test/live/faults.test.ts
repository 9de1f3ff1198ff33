/**
 * Throttling and transient 5xx (issue 6 §3): with the sandbox answering a share of AWS requests with Throttling
 * or a 500, apply still converges, because every call is retried with bounded backoff; the retries show in the
 * call log as more attempts than the minimum.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { applyLive } from "../../src/live/service.js";
import { CallLog } from "../../src/transport/calls.js";
import { requireTools } from "../tools.js";
import { type E2ESandbox, FIXTURE_A, sandboxConfigText, startE2ESandbox } from "./sandbox.js";

const skip = requireTools("test/live/faults.test.ts", "aws", "kubectl");

describe.skipIf(!!skip)("apply through throttling and transient errors", () => {
  let sb: E2ESandbox;

  beforeAll(() => {
    sb = startE2ESandbox(
      sandboxConfigText(),
      ["krci-main"],
      ["--throttle-rate", "0.2", "--error-rate", "0.1"],
    );
    expect(sb.kubectl("krci-main", ["apply", "-f", FIXTURE_A]).code).toBe(0);
    Object.assign(process.env, sb.env);
  }, 120_000);

  afterAll(() => sb?.stop());

  it("converges, retrying the failed attempts", async () => {
    const config = loadConfig(sb.configFile);
    // 30% of attempts fail: 12 attempts make a call fail for good with probability 0.3^12 (about 5e-7).
    const opts = { env: sb.env, retry: { maxAttempts: 12, baseMs: 1, capMs: 5 } };
    const log = new CallLog();
    const applied = await applyLive(
      config,
      { createOidcProvider: true, confirm: async () => true, pollMs: 20 },
      { ...opts, log },
    );
    expect(applied.verify.chains.filter((c) => !c.ok).map((c) => c.id)).toEqual([]);
    const awsMutating = log.mutating().filter((c) => c.api !== "kube").length;
    const needed = applied.changes
      .flatMap((c) => c.ops)
      .filter((op) => /^(oidc|role|inline|entry|assoc)\./.test(op.type)).length;
    // Every failed attempt was a real request: at least as many attempts as operations, and failed attempts
    // (30% of ~60 AWS requests; none failing has a probability of about 1e-9) that were retried.
    expect(awsMutating).toBeGreaterThanOrEqual(needed);
    const injected = /^(Throttling|ThrottlingException|ServiceFailure|InternalFailure|ServerException)$/;
    const retried = log.calls.filter((c) => c.api !== "kube" && injected.test(c.failed ?? ""));
    expect(retried.length).toBeGreaterThan(0);
    const noop = await applyLive(config, { createOidcProvider: true }, opts);
    expect(noop.changes).toEqual([]);
  });
});
