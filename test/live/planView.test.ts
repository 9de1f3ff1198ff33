/**
 * What plan shows for long values: policies as a semantic diff (statements added, removed, changed, and the keys
 * that changed), a CA bundle as the SHA-256 fingerprint of each certificate.
 */
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { policyDiff } from "../../src/live/policyDiff.js";
import { caFingerprint, readable } from "../../src/live/readable.js";
import { createCa } from "../../src/sandbox/ca.js";
import type { JsonObject } from "../../src/state/types.js";

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F";
const trust = (sub: string | string[], aud = "sts.amazonaws.com") => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${ISSUER}` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [`${ISSUER}:aud`]: aud, [`${ISSUER}:sub`]: sub } },
    },
  ],
});

describe("policyDiff", () => {
  it("a changed condition: the statement, then only the values that changed", () => {
    const d = policyDiff(
      trust(["system:serviceaccount:a:x", "system:serviceaccount:a:y"], "sts.amazon.com"),
      trust(["system:serviceaccount:a:y", "system:serviceaccount:a:z"]),
    );
    expect(d.split("\n")).toEqual([
      `~ statement 0: Allow sts:AssumeRoleWithWebIdentity by Federated arn:aws:iam::111111111111:oidc-provider/${ISSUER}`,
      `-     Condition.StringEquals["${ISSUER}:aud"]: sts.amazon.com`,
      `+     Condition.StringEquals["${ISSUER}:aud"]: sts.amazonaws.com`,
      `-     Condition.StringEquals["${ISSUER}:sub"]: system:serviceaccount:a:x`,
      `+     Condition.StringEquals["${ISSUER}:sub"]: system:serviceaccount:a:z`,
    ]);
  });

  it("statements added and removed by what they allow; equal ones (in any form or order) are no change", () => {
    const keep = { Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "arn:aws:iam::2:role/A" };
    const before: JsonObject = {
      Version: "2012-10-17",
      Statement: [keep, { Sid: "Old", Effect: "Deny", Action: "s3:*", Resource: "*" }],
    };
    const after: JsonObject = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "New", Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" },
        { ...keep, Action: "sts:AssumeRole" },
      ],
    };
    expect(policyDiff(before, after).split("\n")).toEqual([
      "- statement 1 (Old): Deny s3:* on *",
      "+ statement 0 (New): Allow eks:DescribeCluster on *",
      "  (1 statement unchanged)",
    ]);
    expect(
      policyDiff(before, { ...before, Statement: [...(before.Statement as JsonObject[])].reverse() }),
    ).toBe("");
  });

  it("a qualified condition operator reads as the others", () => {
    const doc: JsonObject = {
      Statement: [
        {
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { "ForAnyValue:StringLike": { "aws:TagKeys": ["a*"] } },
        },
      ],
    };
    expect(policyDiff(undefined, doc)).toBe(
      "+ statement 0: Deny * on *\n+     when ForAnyValue:StringLike aws:TagKeys = a*",
    );
  });

  it("a new document lists its statements with their conditions", () => {
    expect(policyDiff(undefined, trust("system:serviceaccount:krci:op")).split("\n")).toEqual([
      `+ statement 0: Allow sts:AssumeRoleWithWebIdentity by Federated arn:aws:iam::111111111111:oidc-provider/${ISSUER}`,
      `+     when StringEquals ${ISSUER}:aud = sts.amazonaws.com`,
      `+     when StringEquals ${ISSUER}:sub = system:serviceaccount:krci:op`,
    ]);
  });
});

describe("a CA bundle in the plan", () => {
  const ports = { now: new Date(), random: randomBytes };
  const pems = [createCa(ports).certPem, createCa(ports).certPem];
  /** What `openssl x509 -noout -fingerprint -sha256` prints: the SHA-256 of the DER, hex pairs joined by colons. */
  const openssl = (pem: string) =>
    createHash("sha256")
      .update(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"))
      .digest("hex")
      .toUpperCase()
      .match(/../g)!
      .join(":");

  it("is the fingerprint of each certificate", () => {
    const b64 = Buffer.from(pems.join("")).toString("base64");
    expect(caFingerprint(b64)).toBe(
      `(CA bundle of 2 certificates, SHA-256 ${openssl(pems[0]!)}, ${openssl(pems[1]!)})`,
    );
    // Not a PEM: the digest of the bytes, never the value.
    expect(caFingerprint(Buffer.from("not a cert").toString("base64"))).toBe(
      `(10 bytes, SHA-256 ${createHash("sha256").update("not a cert").digest("hex")})`,
    );
  });

  it("shortened inside a cluster Secret's config (itself JSON), and in full with full", () => {
    const caData = Buffer.from(pems[0]!).toString("base64");
    const secret = { data: { config: JSON.stringify({ tlsClientConfig: { caData, insecure: false } }) } };
    const short = JSON.stringify(readable(secret, false));
    expect(short).toContain(`"caData":"(CA bundle of 1 certificate, SHA-256 ${openssl(pems[0]!)})"`);
    expect(short).not.toContain(caData.slice(0, 40));
    expect(readable(secret, true)).toEqual({
      data: { config: { tlsClientConfig: { caData, insecure: false } } },
    });
  });
});
