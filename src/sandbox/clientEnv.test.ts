import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLIENT_UNSET, clientEnv, parseEnvSh, renderEnvSh, withClientEnv } from "./clientEnv.js";

const vars = clientEnv(
  { awsConfig: "/tmp/it's here/aws-config", awsCredentials: "/tmp/d/aws-credentials", ca: "/tmp/d/ca.pem" },
  { awsUrl: "http://127.0.0.1:4566", oidcUrl: "https://127.0.0.1:4567" },
);

describe("the sandbox client environment", () => {
  it("parseEnvSh reads back exactly what renderEnvSh wrote, quotes included", () => {
    expect(parseEnvSh(renderEnvSh(vars))).toEqual(vars);
  });

  it("sourcing env.sh in sh gives the same environment as withClientEnv", () => {
    const base = { PATH: process.env.PATH, AWS_PROFILE: "prod", AWS_ACCESS_KEY_ID: "AKIAREAL", KEEP: "1" };
    const script = `${renderEnvSh(vars)}\nenv -0`;
    const out = execFileSync("sh", ["-c", script], { env: base, encoding: "utf8" });
    const shell = Object.fromEntries(
      out
        .split("\0")
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const ours = withClientEnv(base, vars);
    for (const k of [...Object.keys(vars), ...CLIENT_UNSET, "KEEP"])
      expect([k, shell[k]]).toEqual([k, ours[k]]);
    expect(ours.AWS_PROFILE).toBeUndefined();
    expect(ours.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(ours.AWS_STS_REGIONAL_ENDPOINTS).toBe("regional");
  });
});
