/**
 * Crash safety (issue 6 §3): apply and destroy stopped right after each of their steps (the injected failure
 * XIRSA_FAIL_AFTER_STEP uses) and run again converge to the same end state: every chain proven, then a no-op
 * apply with zero mutating calls; destroy leaves nothing of the stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { APPLY_STEPS, DESTROY_STEPS } from "../../src/live/changes.js";
import { applyLive, destroyLive, planLive } from "../../src/live/service.js";
import { CallLog } from "../../src/transport/calls.js";
import { requireTools } from "../tools.js";
import { type E2ESandbox, sandboxConfigText, startPlatformSandbox } from "./sandbox.js";

const skip = requireTools("test/live/crash.test.ts", "aws", "kubectl");

describe.skipIf(!!skip)("apply and destroy converge after a crash after any step", () => {
  let sb: E2ESandbox;

  beforeAll(() => {
    sb = startPlatformSandbox(sandboxConfigText(), ["krci-main"]);
    Object.assign(process.env, sb.env);
  }, 120_000);

  afterAll(() => sb?.stop());

  const yes = async () => true;

  it.each(APPLY_STEPS.map((step, i) => [i + 1, step] as const))(
    "apply killed after step %i (%s), then rerun",
    async (n) => {
      const config = loadConfig(sb.configFile);
      const opts = { env: sb.env };
      await expect(
        applyLive(config, { createOidcProvider: true, failAfterStep: n, confirm: yes, pollMs: 20 }, opts),
      ).rejects.toThrow(`injected failure after step ${n} (${APPLY_STEPS[n - 1]})`);

      const rerun = await applyLive(config, { createOidcProvider: true, confirm: yes, pollMs: 20 }, opts);
      expect(rerun.verify.chains.filter((c) => !c.ok).map((c) => c.id)).toEqual([]);
      const log = new CallLog();
      const noop = await applyLive(config, { createOidcProvider: true }, { ...opts, log });
      expect(noop.changes).toEqual([]);
      expect(log.mutating()).toEqual([]);

      // Destroy, killed after the same step number (when it has one), converges too.
      if (n <= DESTROY_STEPS.length) {
        await expect(
          destroyLive(config, { failAfterStep: n, confirm: yes, pollMs: 20 }, opts),
        ).rejects.toThrow(`injected failure after step ${n} (${DESTROY_STEPS[n - 1]})`);
      }
      const destroyed = await destroyLive(config, { confirm: yes, pollMs: 20 }, opts);
      expect(destroyed.declined).toBe(false);
      const left = await destroyLive(
        config,
        { confirm: async () => Promise.reject(new Error("nothing to ask")) },
        opts,
      );
      expect(left.changes).toEqual([]);
      // Back to the start: the next case begins from a pristine pair of accounts.
      const fresh = await planLive(config, { createOidcProvider: true }, opts);
      expect(fresh.snapshot.live.roles).toEqual([]);
    },
    60_000,
  );
});
