/**
 * `--token-file` must hold a JWT (issue 11 item 13): probe, env and deploy refuse anything else with exit 2
 * before a single request is sent (every AWS endpoint points at a local server that counts connections).
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers.js";
import { xirsaAsync } from "../verify/fixtures.js";

let requests = 0;
const server = createServer((_req, res) => {
  requests++;
  res.statusCode = 500;
  res.end();
});
let endpoint = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("--token-file that is not a JWT", () => {
  const dir = tempDir("xirsa-tokenfile-");
  const files: [string, string][] = [
    ["a kubeconfig", "apiVersion: v1\nkind: Config\n"],
    ["two parts", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0\n"],
    ["a header that is not JSON", "bm90IGpzb24.eyJzdWIiOiJ4In0.c2ln\n"],
    ["empty", ""],
  ];
  for (const [what, text] of files) {
    it(what, async () => {
      const file = join(dir, `${what.replaceAll(" ", "-")}.token`);
      writeFileSync(file, text);
      const env = {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "x",
      };
      const runs = await Promise.all([
        xirsaAsync(
          [
            "probe",
            "--config",
            "examples/xirsa.yaml",
            "--chain",
            "argocd",
            "--target",
            "prod",
            "--token-file",
            file,
          ],
          env,
        ),
        xirsaAsync(
          ["env", "list", "--config", "examples/xirsa.yaml", "--target", "prod", "--token-file", file],
          env,
        ),
      ]);
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/token file .* does not hold a JWT \(three base64url parts/);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
      }
      expect(requests).toBe(0);
    });
  }
});
