import { describe, expect, it } from "vitest";
import * as render from "../render/ids.js";
import {
  accessEntryResourceId,
  finding,
  inlinePolicyId,
  kubeResourceId,
  normaliseFindings,
  trustPolicyId,
} from "./findings.js";

const ref = { accountId: "222222222222", region: "eu-west-1", name: "b" };

describe("resource ids", () => {
  it("are the keys of loadBundle's files map (render/ids.ts)", () => {
    const arn = "arn:aws:iam::1:role/R";
    expect(trustPolicyId(arn)).toBe(render.trustPolicyId(arn));
    expect(inlinePolicyId(arn, "p")).toBe(render.inlinePolicyId(arn, "p"));
    expect(accessEntryResourceId(ref, arn)).toBe(render.accessEntryId("b", arn));
    const sa = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "s", namespace: "n" } };
    const cr = { apiVersion: "v1", kind: "ClusterRole", metadata: { name: "c" } };
    expect(kubeResourceId(ref, sa)).toBe(render.kubeObjectId("b", sa));
    expect(kubeResourceId(ref, cr)).toBe(render.kubeObjectId("b", cr));
    expect(kubeResourceId("b", "ServiceAccount", "s", "n")).toBe(render.kubeObjectId("b", sa));
  });
});

describe("normaliseFindings", () => {
  it("drops repeats and chain-less duplicates of chain-bound findings; errors first", () => {
    const a = finding("XIRSA-TRUST-NO-AUD", "m", "r");
    const b = finding("XIRSA-TRUST-AUD-VALUE", "m", "r");
    const bBound = { ...b, chain: "t/argocd" };
    const out = normaliseFindings([a, a, b, bBound]);
    expect(out.map((f) => [f.code, f.chain])).toEqual([
      ["XIRSA-TRUST-AUD-VALUE", "t/argocd"],
      ["XIRSA-TRUST-NO-AUD", undefined],
    ]);
  });
});
