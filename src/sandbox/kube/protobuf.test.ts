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
  it("decodes the reviews behind kubectl 1.33's auth can-i and whoami, a TokenRequest and a RoleBinding", () => {
    const attrs = Buffer.concat([
      bytes(1, "krci-dev"),
      bytes(2, "create"),
      bytes(3, "apps"),
      bytes(5, "deployments"),
    ]);
    const ssar = envelope(
      "authorization.k8s.io/v1",
      "SelfSubjectAccessReview",
      Buffer.concat([bytes(1, Buffer.alloc(0)), bytes(2, bytes(1, attrs))]),
    );
    expect(decodeProtobuf(ssar)).toEqual({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      metadata: {},
      spec: {
        resourceAttributes: { namespace: "krci-dev", verb: "create", group: "apps", resource: "deployments" },
      },
    });
    const nonResource = envelope(
      "authorization.k8s.io/v1",
      "SelfSubjectAccessReview",
      bytes(2, bytes(2, Buffer.concat([bytes(1, "/healthz"), bytes(2, "get")]))),
    );
    expect(decodeProtobuf(nonResource).spec).toEqual({
      nonResourceAttributes: { path: "/healthz", verb: "get" },
    });
    const rules = envelope("authorization.k8s.io/v1", "SelfSubjectRulesReview", bytes(2, bytes(1, "argocd")));
    expect(decodeProtobuf(rules).spec).toEqual({ namespace: "argocd" });
    expect(
      decodeProtobuf(envelope("authentication.k8s.io/v1", "SelfSubjectReview", bytes(1, Buffer.alloc(0)))),
    ).toEqual({
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
      metadata: {},
    });
    const token = envelope(
      "authentication.k8s.io/v1",
      "TokenRequest",
      bytes(2, Buffer.concat([bytes(1, "sts.amazonaws.com"), Buffer.from([0x20]), varint(3600)])),
    );
    expect(decodeProtobuf(token).spec).toEqual({ audiences: ["sts.amazonaws.com"], expirationSeconds: 3600 });
    const rb = envelope(
      "rbac.authorization.k8s.io/v1",
      "RoleBinding",
      Buffer.concat([
        bytes(1, Buffer.concat([bytes(1, "edit"), bytes(3, "krci-dev")])),
        bytes(
          2,
          Buffer.concat([bytes(1, "Group"), bytes(2, "rbac.authorization.k8s.io"), bytes(3, "developers")]),
        ),
        bytes(
          3,
          Buffer.concat([bytes(1, "rbac.authorization.k8s.io"), bytes(2, "ClusterRole"), bytes(3, "edit")]),
        ),
      ]),
    );
    expect(decodeProtobuf(rb)).toMatchObject({
      metadata: { name: "edit", namespace: "krci-dev" },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "developers" }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
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
