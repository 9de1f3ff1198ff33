import { describe, expect, it } from "vitest";
import { decodeProtobuf } from "./protobuf.js";
import type { KubeStatusError } from "./status.js";

// A minimal protobuf encoder, enough to build what kubectl sends.
const varint = (n: number): Buffer => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
};
const bytes = (no: number, b: Buffer | string): Buffer => {
  const buf = typeof b === "string" ? Buffer.from(b) : b;
  return Buffer.concat([varint((no << 3) | 2), varint(buf.length), buf]);
};
const entry = (no: number, k: string, v: string) => bytes(no, Buffer.concat([bytes(1, k), bytes(2, v)]));
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([
    Buffer.from("k8s\0", "binary"),
    bytes(1, Buffer.concat([bytes(1, apiVersion), bytes(2, kind)])),
    bytes(2, raw),
    bytes(3, ""),
    bytes(4, ""),
  ]);

describe("protobuf envelope", () => {
  it("decodes a Namespace as kubectl create namespace sends it", () => {
    const metaBuf = Buffer.concat([bytes(1, "team-a"), entry(11, "env", "dev"), entry(12, "note", "hi")]);
    const body = envelope(
      "v1",
      "Namespace",
      Buffer.concat([bytes(1, metaBuf), bytes(2, Buffer.alloc(0)), bytes(3, Buffer.alloc(0))]),
    );
    expect(decodeProtobuf(body)).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-a", labels: { env: "dev" }, annotations: { note: "hi" } },
    });
  });
  it("decodes ConfigMap data and Secret data (bytes -> base64)", () => {
    const cm = envelope(
      "v1",
      "ConfigMap",
      Buffer.concat([bytes(1, Buffer.concat([bytes(1, "c"), bytes(3, "ns")])), entry(2, "k", "v")]),
    );
    expect(decodeProtobuf(cm)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "ns" },
      data: { k: "v" },
    });
    const secret = envelope(
      "v1",
      "Secret",
      Buffer.concat([bytes(1, bytes(1, "s")), entry(2, "p", "q"), bytes(3, "Opaque")]),
    );
    expect(decodeProtobuf(secret)).toMatchObject({
      data: { p: Buffer.from("q").toString("base64") },
      type: "Opaque",
    });
  });
  it("refuses bodies without the magic, truncated ones and unknown kinds", () => {
    expect(() => decodeProtobuf(Buffer.from("{}"))).toThrow(/magic/);
    expect(() =>
      decodeProtobuf(Buffer.concat([Buffer.from("k8s\0", "binary"), Buffer.from([0x0a, 0x50])])),
    ).toThrow(/truncated/);
    try {
      decodeProtobuf(envelope("apps/v1", "Deployment", Buffer.alloc(0)));
      expect.unreachable();
    } catch (e) {
      expect((e as KubeStatusError).code).toBe(415);
    }
  });
});
