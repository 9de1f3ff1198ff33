/**
 * `sandbox status` and `down` check the identity of the process a pid file names (issue 11 item 10): after a
 * crash and pid reuse, the pid names an unrelated process, which must be neither reported as the sandbox nor
 * signalled.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { processStart } from "../../src/sandbox/lifecycle.js";
import { tempDir, xirsa } from "../helpers.js";

const bystander = spawn("sleep", ["600"], { stdio: "ignore" });
afterAll(() => {
  bystander.kill("SIGKILL");
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a pid file that names another process", () => {
  for (const [what, record] of [
    ["the pid alone (a pid file of a crashed sandbox)", (pid: number) => `${pid}\n`],
    ["another start time (the pid reused)", (pid: number) => `${pid} 1\n`],
  ] as const) {
    it(what, () => {
      const dir = tempDir("xirsa-pid-");
      const pid = bystander.pid!;
      writeFileSync(join(dir, "sandbox.pid"), record(pid));
      const st = xirsa(["sandbox", "status", "--state-dir", dir]);
      expect(st.code).toBe(1);
      expect(st.stdout).toContain("stopped");
      const down = xirsa(["sandbox", "down", "--state-dir", dir]);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stdout).toContain("is not running");
      expect(alive(pid)).toBe(true);
    });
  }

  it("the pid file of a live process records its start time, which names it", () => {
    const start = processStart(bystander.pid!);
    expect(start).toMatch(/^\d+$/);
    const dir = tempDir("xirsa-pid-");
    writeFileSync(join(dir, "sandbox.pid"), `${bystander.pid} ${start}\n`);
    expect(xirsa(["sandbox", "status", "--state-dir", dir]).stdout).toContain(
      `running (pid ${bystander.pid})`,
    );
    expect(readFileSync(join(dir, "sandbox.pid"), "utf8")).toBe(`${bystander.pid} ${start}\n`);
  });
});
