import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBody } from "./body.js";

/** A server on 127.0.0.1 that answers with the body's length, or 413 past 1000 bytes. */
describe("readBody", () => {
  const server = createServer(async (req, res) => {
    const body = await readBody(req, 1000);
    res.writeHead(body ? 200 : 413).end(body ? String(body.length) : "too large");
  });
  let port: number;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = (chunks: Buffer[]) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/" }, (res) => {
        const got: Buffer[] = [];
        res.on("data", (c: Buffer) => got.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(got).toString() }));
      });
      req.on("error", reject);
      for (const c of chunks) req.write(c);
      req.end();
    });

  it("returns the body up to the limit, whole", async () => {
    expect(await post([Buffer.alloc(600), Buffer.alloc(400)])).toEqual({ status: 200, text: "1000" });
    expect(await post([])).toEqual({ status: 200, text: "0" });
  });

  it("past the limit: undefined, and the client still receives the 413", async () => {
    expect(await post([Buffer.alloc(999), Buffer.alloc(2)])).toEqual({ status: 413, text: "too large" });
    expect(await post(Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024)))).toEqual({
      status: 413,
      text: "too large",
    });
  });
});
