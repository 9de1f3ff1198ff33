import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../errors.js";
import { main } from "./main.js";

async function run(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (d) => {
    stdout += d;
  });
  err.on("data", (d) => {
    stderr += d;
  });
  const code = await main(args, { stdout: out, stderr: err, stdin: new PassThrough(), env: {}, cwd: "/" });
  return { code, stdout, stderr };
}

describe("errors under --output json", () => {
  const missing = "/nonexistent/xirsa.yaml";

  it("prints the error as JSON on stdout, with its code, besides the one line on stderr", async () => {
    for (const flags of [["--output", "json"], ["--output=json"]]) {
      const r = await run(["plan", "--config", missing, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      const { error } = JSON.parse(r.stdout);
      expect(error).toMatchObject({ code: "config.read", exitCode: 2 });
      expect(r.stderr).toContain(error.message);
      expect(ERROR_CODES).toContain(error.code);
    }
  });

  it("prints nothing on stdout without --output json", async () => {
    const r = await run(["plan", "--config", missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^xirsa plan: .*\n$/);
  });
});

describe("ERROR_CODES", () => {
  it("lists each code once, as area.what", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    const legacy = ["IAM_POLICY_INVALID", "KUBECONFIG_ENV_FILE"];
    for (const c of ERROR_CODES.filter((c) => !legacy.includes(c))) expect(c).toMatch(/^[a-z]+\.[a-zA-Z-]+$/);
  });
});
