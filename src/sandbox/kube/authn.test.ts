import { describe, expect, it } from "vitest";
import { generateSaSigningKey } from "../jwt.js";
import { type AuthnDeps, authenticate, StsCache } from "./authn.js";

const DATE = "20260101T120000Z";
const SIGNED_AT = Date.UTC(2026, 0, 1, 12, 0, 0);
const url = (sig: string) =>
  `https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA1%2F20260101%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=${DATE}&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=${sig}`;
const token = (sig: string) => `Bearer k8s-aws-v1.${Buffer.from(url(sig)).toString("base64url")}`;

function deps(clock: { t: number }) {
  const calls: string[] = [];
  const d: AuthnDeps = {
    opts: {
      cluster: { name: "c", accountId: "1", region: "eu-west-1", issuer: "https://oidc.example/id/X" },
      saSigningKey: generateSaSigningKey(),
      stsGetCallerIdentity: async (u) => {
        calls.push(u);
        return {
          ok: true,
          arn: "arn:aws:sts::111111111111:assumed-role/R/s",
          account: "111111111111",
          userId: "AROA1:s",
        };
      },
      resolveAccessEntry: () => ({ kubernetesGroups: [], accessPolicies: [] }),
    },
    now: () => new Date(clock.t),
    serviceAccountExists: () => true,
    stsCache: new StsCache(),
  };
  return { d, calls };
}

describe("EKS token authentication and the STS answer cache (controllable clock)", () => {
  it("accepts a token 10 minutes after X-Amz-Date although X-Amz-Expires is 60, refuses it after 15", async () => {
    const clock = { t: SIGNED_AT + 10 * 60_000 };
    const { d } = deps(clock);
    expect((await authenticate(token("a"), d)).kind).toBe("user");
    clock.t = SIGNED_AT + 15 * 60_000 + 1_000;
    expect(await authenticate(token("a"), d)).toEqual({
      kind: "unauthorized",
      reason: "X-Amz-Date parameter is expired (15 minute expiration) 2026-01-01T12:00:00.000Z",
    });
  });

  it("caches STS answers per token, never past the token's 15 minutes", async () => {
    const clock = { t: SIGNED_AT };
    const { d, calls } = deps(clock);
    await authenticate(token("a"), d);
    clock.t += 60_000;
    await authenticate(token("a"), d);
    expect(calls).toHaveLength(1);
    // Keyed on the token: another token of the same identity asks STS.
    await authenticate(token("b"), d);
    expect(calls).toHaveLength(2);
    // kube-apiserver's token-review cache lasts 2 minutes.
    clock.t = SIGNED_AT + 2 * 60_000 + 1;
    await authenticate(token("a"), d);
    expect(calls).toHaveLength(3);
    // Cached 30 s before expiry: the entry dies with the token, STS is not asked again.
    clock.t = SIGNED_AT + 14 * 60_000 + 30_000;
    await authenticate(token("a"), d);
    expect(calls).toHaveLength(4);
    const cache = d.stsCache!;
    expect(cache.get(token("a").slice(7), new Date(SIGNED_AT + 14 * 60_000 + 59_000))).toBeDefined();
    expect(cache.get(token("a").slice(7), new Date(SIGNED_AT + 15 * 60_000))).toBeUndefined();
    clock.t = SIGNED_AT + 15 * 60_000 + 1;
    expect((await authenticate(token("a"), d)).kind).toBe("unauthorized");
    expect(calls).toHaveLength(4);
  });
});
