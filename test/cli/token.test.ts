import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, xirsa } from "../helpers.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function env(cache: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: cache,
    XIRSA_CACHE_DIR: cache,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

describe("xirsa token", () => {
  it("prints an ExecCredential, caches it 0600 and reuses it", () => {
    const cache = tempDir();
    const first = xirsa(["token", "--cluster-name", "prod", "--region", "eu-west-1"], { env: env(cache) });
    expect(first.code, first.stderr).toBe(0);
    const cred = JSON.parse(first.stdout);
    expect(cred.kind).toBe("ExecCredential");
    expect(cred.status.token).toMatch(/^k8s-aws-v1\./);
    const files = readdirSync(join(cache, "tokens"));
    expect(files).toHaveLength(1);
    expect(statSync(join(cache, "tokens", files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(cache, "tokens")).mode & 0o777).toBe(0o700);

    const second = xirsa(["token", "--cluster-name", "prod", "--region", "eu-west-1"], { env: env(cache) });
    expect(JSON.parse(second.stdout).status.token).toBe(cred.status.token);

    const other = xirsa(["token", "--cluster-name", "staging", "--region", "eu-west-1"], { env: env(cache) });
    expect(JSON.parse(other.stdout).status.token).not.toBe(cred.status.token);
    expect(first.stderr + second.stderr + other.stderr).toBe("");
    expect(first.stdout).not.toContain(SECRET);
  });

  it("refuses bad input with one line and exit 2", () => {
    const cache = tempDir();
    const noCluster = xirsa(["token", "--region", "eu-west-1"], { env: env(cache) });
    expect(noCluster.code).toBe(2);
    expect(noCluster.stderr.trim().split("\n")).toHaveLength(1);
    expect(noCluster.stderr).toContain("--cluster-name is required");

    const badRole = xirsa(
      ["token", "--cluster-name", "c", "--region", "eu-west-1", "--role-arn", "arn:aws:iam::1:user/x"],
      {
        env: env(cache),
      },
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("is not an IAM role ARN");

    const badRegion = xirsa(["token", "--cluster-name", "c", "--region", "evil.example/x?"], {
      env: env(cache),
    });
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toContain("is not an AWS region");

    const unknown = xirsa(["token", "--cluster-name", "c", "--bogus"], { env: env(cache) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'/);
  });
});
