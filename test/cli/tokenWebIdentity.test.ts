import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenUrl } from "../../src/aws/eksToken.js";
import { withClientEnv } from "../../src/sandbox/clientEnv.js";
import { readClientEnv } from "../../src/sandbox/clientFiles.js";
import { tempDir, xirsa } from "../helpers.js";
import { requireTools } from "../tools.js";

const skip = requireTools("test/cli/tokenWebIdentity.test.ts", "aws");

/**
 * `xirsa token` as a pod would run it (IRSA: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), against the sandbox,
 * with a token file written by `xirsa sandbox token --out` and the IAM side set up with the real aws CLI.
 */
describe.skipIf(!!skip)("xirsa token under web identity (sandbox)", () => {
  const dir = tempDir("xirsa-webid-");
  const state = join(dir, "state");
  const tokenFile = join(dir, "token");
  let env: NodeJS.ProcessEnv = {};

  function aws(args: string[]) {
    const r = spawnSync("aws", [...args, "--profile", "sandbox-111111111111", "--output", "json"], {
      env,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout || "{}");
  }

  beforeAll(() => {
    const up = xirsa(["sandbox", "up", "--config", "examples/xirsa.yaml", "--state-dir", state, "--detach"]);
    expect(up.code, up.stderr).toBe(0);
    env = withClientEnv(
      { PATH: process.env.PATH, HOME: dir, XIRSA_CACHE_DIR: join(dir, "cache") },
      readClientEnv(state),
    );
  });
  afterAll(() => {
    xirsa(["sandbox", "down", "--state-dir", state]);
  });

  it("assumes the role from the token file, presigns against the sandbox and re-mints when the file changes", () => {
    const issuer = aws(["eks", "describe-cluster", "--name", "krci-main"]).cluster.identity.oidc
      .issuer as string;
    const key = issuer.replace("https://", "");
    aws(["iam", "create-open-id-connect-provider", "--url", issuer, "--client-id-list", "sts.amazonaws.com"]);
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${key}` },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${key}:sub`]: "system:serviceaccount:krci:op",
              [`${key}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    };
    const role = aws([
      "iam",
      "create-role",
      "--role-name",
      "op",
      "--assume-role-policy-document",
      JSON.stringify(trust),
    ]).Role.Arn as string;

    const minted = xirsa(
      [
        "sandbox",
        "token",
        "--state-dir",
        state,
        "--cluster",
        "krci-main",
        "--namespace",
        "krci",
        "--service-account",
        "op",
        "--out",
        tokenFile,
        "--force",
      ],
      { env },
    );
    expect(minted.code, minted.stderr).toBe(0);
    expect(minted.stdout).toBe("");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, "utf8")).not.toMatch(/\s$/);

    const podEnv = {
      ...env,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: role,
      AWS_ROLE_SESSION_NAME: "pod",
    };
    const first = xirsa(["token", "--cluster-name", "workloads-prod", "--region", "eu-west-1"], {
      env: podEnv,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe("");
    const url = tokenUrl(JSON.parse(first.stdout).status.token);
    expect(url.host).toBe(new URL(env.AWS_ENDPOINT_URL!).host);
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^ASIA/);
    expect(url.searchParams.has("X-Amz-Security-Token")).toBe(true);

    const cached = xirsa(["token", "--cluster-name", "workloads-prod", "--region", "eu-west-1"], {
      env: podEnv,
    });
    expect(JSON.parse(cached.stdout).status.token).toBe(JSON.parse(first.stdout).status.token);

    // Another role for the same token file is another identity: never served from the first one's cache.
    const otherRole = xirsa(["token", "--cluster-name", "workloads-prod", "--region", "eu-west-1"], {
      env: { ...podEnv, AWS_ROLE_ARN: "arn:aws:iam::111111111111:role/not-trusting-op" },
    });
    expect(otherRole.code).toBe(1);
    expect(otherRole.stdout).toBe("");

    // A rotated token file (as the kubelet does) is a new identity for the cache.
    xirsa(
      [
        "sandbox",
        "token",
        "--state-dir",
        state,
        "--cluster",
        "krci-main",
        "--namespace",
        "krci",
        "--service-account",
        "op",
        "--ttl",
        "7200",
        "--out",
        tokenFile,
        "--force",
      ],
      { env },
    );
    const rotated = xirsa(["token", "--cluster-name", "workloads-prod", "--region", "eu-west-1"], {
      env: podEnv,
    });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout).status.token).not.toBe(JSON.parse(first.stdout).status.token);

    // A token for a service account the trust policy does not name: one line, AWS's error code, no secret.
    xirsa(
      [
        "sandbox",
        "token",
        "--state-dir",
        state,
        "--cluster",
        "krci-main",
        "--namespace",
        "krci",
        "--service-account",
        "other",
        "--out",
        tokenFile,
        "--force",
      ],
      { env },
    );
    const denied = xirsa(
      ["token", "--cluster-name", "workloads-prod", "--region", "eu-west-1", "--no-cache"],
      {
        env: podEnv,
      },
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim().split("\n")).toHaveLength(1);
    expect(denied.stderr).toMatch(/AccessDenied/);
    expect(denied.stderr).not.toContain(readFileSync(tokenFile, "utf8"));
  });
});
