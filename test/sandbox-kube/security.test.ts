/**
 * Issue #11 (sandbox items): nesting bombs and oversized bodies. A body nested past the limit is refused at
 * decode with kube-apiserver's text and nothing is stored, so later writes and reads (also after a restart)
 * keep working; an oversized body is answered 413 before the connection closes.
 */
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, startTestCluster, type TestCluster } from "./harness.js";

let tc: TestCluster;
let token: string;

beforeAll(async () => {
  tc = await startTestCluster();
  token = await tc.token(ADMIN);
});
afterAll(async () => tc?.stop());

const PROJECTS = "/apis/argoproj.io/v1alpha1/namespaces/default/appprojects";
const nested = (depth: number) => {
  let s = '"x"';
  for (let i = 0; i < depth; i++) s = `{"a":${s}}`;
  return s;
};
const project = (name: string, depth: number) =>
  `{"apiVersion":"argoproj.io/v1alpha1","kind":"AppProject","metadata":{"name":"${name}"},"spec":${nested(depth)}}`;

describe("nesting bombs", () => {
  it("a 20,000-deep object is refused at decode (400) and later writes still work", async () => {
    const r = await call(tc, "POST", PROJECTS, { token, body: project("bomb", 20_000) });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      message: "exceeded max depth of 1000",
    });
    const after = await call(tc, "POST", "/api/v1/namespaces/default/configmaps", {
      token,
      body: { metadata: { name: "after-bomb" } },
    });
    expect(after.status).toBe(201);
  });

  it("a 3,000-deep object is not stored: LIST works, also after a restart", async () => {
    const r = await call(tc, "POST", PROJECTS, { token, body: project("deep", 3_000) });
    expect(r.status).toBe(400);
    await tc.restart();
    const list = await call(tc, "GET", PROJECTS, { token });
    expect(list.status).toBe(200);
    expect(list.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).not.toContain("deep");
  });

  it("an object within the limit is stored and listed", async () => {
    const r = await call(tc, "POST", PROJECTS, { token, body: project("fine", 900) });
    expect(r.status, r.text.slice(0, 200)).toBe(201);
    const list = await call(tc, "GET", PROJECTS, { token });
    expect(list.status).toBe(200);
  });

  it("deep YAML bodies and deep patches are refused the same way", async () => {
    let yaml = "x";
    for (let i = 0; i < 2_000; i++) yaml = `[${yaml}]`;
    const y = await call(tc, "POST", PROJECTS, {
      token,
      body: `apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: y}\nspec: {a: ${yaml}}\n`,
      contentType: "application/yaml",
    });
    expect(y.status).toBe(400);
    expect(y.json.message).toContain("exceeded max depth of 1000");
    const p = await call(tc, "PATCH", `${PROJECTS}/fine`, {
      token,
      body: `{"spec":${nested(5_000)}}`,
      contentType: "application/merge-patch+json",
    });
    expect(p.status).toBe(400);
    expect(p.json.message).toBe("exceeded max depth of 1000");
  });
});

describe("oversized bodies", () => {
  it("a body over 3 MiB gets 413 with kube-apiserver's text before the connection closes", async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const u = new URL("/api/v1/namespaces/default/configmaps", tc.url);
    const reply = await new Promise<{ status: number; text: string; connection?: string }>(
      (resolve, reject) => {
        const req = request(
          {
            method: "POST",
            hostname: u.hostname,
            port: u.port,
            path: u.pathname,
            ca: tc.caPem,
            headers: {
              authorization: `Bearer ${token}`,
              "content-type": "application/json",
              "content-length": body.length,
            },
          },
          (res) => {
            let text = "";
            res.on("data", (c: Buffer) => {
              text += c.toString();
            });
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }),
            );
          },
        );
        req.on("error", reject);
        req.end(body);
      },
    );
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.text)).toMatchObject({
      reason: "RequestEntityTooLarge",
      message: "Request entity too large: limit is 3145728",
    });
    expect(reply.connection).toBe("close");
  });
});
