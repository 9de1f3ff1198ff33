/** requireTools: a missing tool skips with a printed reason locally and fails the file under CI. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";
import { inCI } from "./tools.js";

/** Runs requireTools("demo", "aws") in a fresh process whose PATH holds no aws. */
function requireAwsWith(env: NodeJS.ProcessEnv) {
  const code = `import { requireTools } from ${JSON.stringify(join(ROOT, "test/tools.ts"))};
console.log(JSON.stringify(requireTools("demo.test.ts", "aws") ?? null));`;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: ROOT,
    env: { PATH: join(ROOT, "test", "no-such-dir"), HOME: process.env.HOME, ...env },
    encoding: "utf8",
  });
}

describe("requireTools", () => {
  it("locally: returns the reason, prints it, and the caller skips", () => {
    const r = requireAwsWith({});
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBe("demo.test.ts: aws not found (install the AWS CLI v2)");
    expect(r.stderr).toContain("skipped demo.test.ts: aws not found");
  });

  it("under CI: throws, naming the tool", () => {
    const r = requireAwsWith({ CI: "true" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      "demo.test.ts: aws not found (install the AWS CLI v2); CI requires every tool",
    );
  });

  it("reads CI as the CI services set it", () => {
    expect(inCI({ CI: "true" })).toBe(true);
    expect(inCI({ CI: "1" })).toBe(true);
    expect(inCI({})).toBe(false);
    expect(inCI({ CI: "false" })).toBe(false);
    expect(inCI({ CI: "0" })).toBe(false);
  });
});
