import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../state/index.js";
import { parseClusterConfig, secretValue } from "./clusterSecret.js";

const secret = (body: Partial<KubeObject>): KubeObject =>
  ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, ...body }) as KubeObject;

describe("secretValue", () => {
  it("decodes data, prefers stringData, refuses what is not base64", () => {
    expect(secretValue(secret({ data: { a: Buffer.from("hi").toString("base64") } }), "a")).toEqual({
      ok: true,
      value: "hi",
    });
    expect(secretValue(secret({ data: { a: "aGk=" }, stringData: { a: "plain" } }), "a")).toEqual({
      ok: true,
      value: "plain",
    });
    expect(secretValue(secret({ data: { a: '{"awsAuthConfig":{}}' } }), "a")).toMatchObject({
      ok: false,
      problem: "not-base64",
    });
    expect(secretValue(secret({}), "a")).toEqual({ ok: false, problem: "missing" });
  });
});

describe("parseClusterConfig", () => {
  it("reads awsAuthConfig and tlsClientConfig; refuses non-JSON", () => {
    expect(
      parseClusterConfig(
        '{"awsAuthConfig":{"clusterName":"c","roleARN":"r"},"tlsClientConfig":{"insecure":false,"caData":"x"}}',
      ),
    ).toEqual({ clusterName: "c", roleARN: "r", insecure: false, caData: "x" });
    expect(parseClusterConfig("clusterName=c")).toBeUndefined();
    expect(parseClusterConfig("[]")).toBeUndefined();
  });
});
