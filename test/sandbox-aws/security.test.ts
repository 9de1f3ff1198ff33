/**
 * Attacks the sandbox must refuse: forged, expired, wrong-audience, wrong-issuer, `alg: none`, HS256 and
 * tampered web identity tokens; tampered SigV4 signatures; replay of an expired session; cross-account IAM
 * reads; EKS tokens replayed for another cluster or after they expire.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import {
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  GetRoleCommand,
  ListRolesCommand,
} from "@aws-sdk/client-iam";
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
} from "@aws-sdk/client-sts";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyIdOf, mintServiceAccountToken } from "../../src/sandbox/jwt.js";
import type { ClusterRec } from "../../src/sandbox/model.js";
import {
  A,
  adminCredentials,
  allow,
  B,
  CLUSTER_A,
  CLUSTER_B,
  clients,
  type Harness,
  REGION_A,
  startHarness,
  webIdentityTrust,
} from "./helpers.js";

async function error(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error("expected a refusal");
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("sandbox security", () => {
  let h: Harness;
  let cluster: ClusterRec;
  let web: (token: string) => Promise<unknown>;
  const role = `arn:aws:iam::${A}:role/Op`;
  beforeAll(async () => {
    h = await startHarness();
    cluster = h.sandbox.store.state.clusters.find((c) => c.name === CLUSTER_A)!;
    const a = clients(h, adminCredentials(h, A), REGION_A);
    await a.iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: cluster.issuer, ClientIDList: ["sts.amazonaws.com"] }),
    );
    await a.iam.send(
      new CreateRoleCommand({
        RoleName: "Op",
        AssumeRolePolicyDocument: webIdentityTrust(cluster.issuer, A, "system:serviceaccount:krci:op"),
      }),
    );
    const anon = clients(h, { accessKeyId: "x", secretAccessKey: "x" }, REGION_A);
    web = (token) =>
      anon.sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: role,
          RoleSessionName: "sess",
          WebIdentityToken: token,
        }),
      );
  });
  afterAll(async () => {
    await h?.close();
  });

  const mint = (over: Partial<Parameters<typeof mintServiceAccountToken>[0]> = {}) =>
    mintServiceAccountToken({
      cluster,
      key: cluster.saKey,
      namespace: "krci",
      serviceAccount: "op",
      audience: "sts.amazonaws.com",
      ttlSeconds: 600,
      now: new Date(),
      ...over,
    });

  it("accepts the genuine token (control)", async () => {
    await expect(web(await mint())).resolves.toMatchObject({
      SubjectFromWebIdentityToken: "system:serviceaccount:krci:op",
    });
  });

  it("refuses forged, expired, wrong-audience, wrong-issuer, alg none, HS256 and tampered JWTs", async () => {
    const genuine = await mint();
    const [h64, p64] = genuine.split(".");
    const payload = JSON.parse(Buffer.from(p64!, "base64url").toString());

    // Forged: same header and kid, signed with another key.
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = await mintServiceAccountToken({
      cluster,
      key: {
        privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        publicJwk: { ...publicKey.export({ format: "jwk" }), kid: cluster.saKey.publicJwk.kid },
      },
      namespace: "krci",
      serviceAccount: "op",
      audience: "sts.amazonaws.com",
      ttlSeconds: 600,
      now: new Date(),
    });
    const validation = /could not be validated by AWS/;
    expect(await error(web(forged))).toMatchObject({
      name: "InvalidIdentityTokenException",
      message: expect.stringMatching(validation),
    });

    const expired = await mint({ now: new Date(Date.now() - 2 * 3600_000), ttlSeconds: 600 });
    expect(await error(web(expired))).toMatchObject({
      name: "ExpiredTokenException",
      message: expect.stringMatching(
        /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/,
      ),
    });

    expect(await error(web(await mint({ audience: "sts.amazon.com" })))).toMatchObject({
      name: "InvalidIdentityTokenException",
      message: "Incorrect token audience",
    });

    const otherIssuer = await mint({
      cluster: { issuer: "https://oidc.eks.eu-central-1.amazonaws.com/id/0000000000000000000000000000DEAD" },
    });
    expect(await error(web(otherIssuer))).toMatchObject({
      message:
        "No OpenIDConnect provider found in your account for https://oidc.eks.eu-central-1.amazonaws.com/id/0000000000000000000000000000DEAD",
    });
    // Cluster B's issuer is real, but A has no provider for it.
    const b = h.sandbox.store.state.clusters.find((c) => c.name === CLUSTER_B)!;
    const fromB = await mintServiceAccountToken({
      cluster: b,
      key: b.saKey,
      namespace: "krci",
      serviceAccount: "op",
      audience: "sts.amazonaws.com",
      ttlSeconds: 600,
      now: new Date(),
    });
    expect((await error(web(fromB))).message).toBe(
      `No OpenIDConnect provider found in your account for ${b.issuer}`,
    );

    const none = `${b64url({ alg: "none", typ: "JWT" })}.${p64}.`;
    expect(await error(web(none))).toMatchObject({
      name: "InvalidIdentityTokenException",
      message: expect.stringMatching(validation),
    });

    // HS256 "signed" with the public key as the HMAC secret (the classic algorithm confusion).
    const pem = createPublicKey({ key: cluster.saKey.publicJwk as never, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    });
    const hs = await new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256", kid: cluster.saKey.publicJwk.kid })
      .sign(Buffer.from(pem));
    expect(await error(web(hs))).toMatchObject({ name: "InvalidIdentityTokenException" });

    // Tampered payload: another subject under the original signature.
    const tampered = `${h64}.${b64url({ ...payload, sub: "system:serviceaccount:krci:op2" })}.${genuine.split(".")[2]}`;
    expect(await error(web(tampered))).toMatchObject({
      name: "InvalidIdentityTokenException",
      message: expect.stringMatching(validation),
    });
    // A different subject, genuinely signed, fails the trust policy.
    expect(await error(web(await mint({ serviceAccount: "intruder" })))).toMatchObject({
      name: "AccessDenied",
      message: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    });
    expect(keyIdOf(pem.toString())).toBe(cluster.saKey.publicJwk.kid);
  });

  it("refuses tampered SigV4 signatures and replayed expired sessions", async () => {
    const creds = adminCredentials(h, A);
    const signer = new SignatureV4({ credentials: creds, region: REGION_A, service: "sts", sha256: Sha256 });
    const url = new URL(h.sandbox.awsUrl);
    const req = new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    const signed = (await signer.sign(req)) as HttpRequest;
    const send = (headers: Record<string, string>, body: string) =>
      fetch(h.sandbox.awsUrl, { method: "POST", headers, body }).then(async (r) => ({
        status: r.status,
        text: await r.text(),
      }));
    const ok = await send(signed.headers, signed.body as string);
    expect(ok.status).toBe(200);
    const bad = {
      ...signed.headers,
      authorization: signed.headers.authorization!.replace(
        /Signature=([0-9a-f])/,
        (_, c) => `Signature=${c === "a" ? "b" : "a"}`,
      ),
    };
    const r = await send(bad, signed.body as string);
    expect(r.status).toBe(403);
    expect(r.text).toContain("<Code>SignatureDoesNotMatch</Code>");
    const r2 = await send(signed.headers, "Action=AssumeRole&Version=2011-06-15");
    expect(r2.text).toContain("<Code>SignatureDoesNotMatch</Code>");

    const a = clients(h, creds, REGION_A);
    await a.iam.send(
      new CreateRoleCommand({
        RoleName: "Short",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    const s = await a.sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${A}:role/Short`,
        RoleSessionName: "short",
        DurationSeconds: 900,
      }),
    );
    const sc = {
      accessKeyId: s.Credentials!.AccessKeyId!,
      secretAccessKey: s.Credentials!.SecretAccessKey!,
      sessionToken: s.Credentials!.SessionToken!,
    };
    await expect(clients(h, sc, REGION_A).sts.send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    h.clock.offsetMs = 900_000;
    try {
      const late = clients(h, sc, REGION_A, { systemClockOffset: 900_000 });
      expect(await error(late.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: "ExpiredToken",
      });
      // Without the session token, or with another one, the key is unknown.
      const noToken = clients(h, { ...sc, sessionToken: undefined }, REGION_A, {
        systemClockOffset: 900_000,
      });
      expect(await error(noToken.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: "InvalidClientTokenId",
      });
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("refuses cross-account IAM reads and writes", async () => {
    const a = clients(h, adminCredentials(h, A), REGION_A);
    const b = clients(h, adminCredentials(h, B), "eu-west-1");
    const policyArn = (
      await a.iam.send(
        new CreatePolicyCommand({ PolicyName: "secret", PolicyDocument: allow("s3:GetObject", "*") }),
      )
    ).Policy!.Arn!;
    expect(await error(b.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })))).toMatchObject({
      name: "AccessDenied",
      message: `User: arn:aws:iam::${B}:user/sandbox-admin is not authorized to perform: iam:GetPolicy on resource: ${policyArn} because no resource-based policy allows the iam:GetPolicy action`,
    });
    // Names resolve in the caller's own account: B sees no role Op and lists none of A's.
    expect(await error(b.iam.send(new GetRoleCommand({ RoleName: "Op" })))).toMatchObject({
      name: "NoSuchEntityException",
    });
    expect((await b.iam.send(new ListRolesCommand({}))).Roles?.some((r) => r.Arn?.includes(A))).toBe(false);
    // A web-identity session without EKS permissions is refused by EKS with its own error shape.
    const c = (await web(await mint())) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    };
    const op = clients(
      h,
      {
        accessKeyId: c.Credentials.AccessKeyId,
        secretAccessKey: c.Credentials.SecretAccessKey,
        sessionToken: c.Credentials.SessionToken,
      },
      REGION_A,
    );
    expect(await error(op.eks.send(new DescribeClusterCommand({ name: CLUSTER_A })))).toMatchObject({
      name: "AccessDeniedException",
      message: `User: arn:aws:sts::${A}:assumed-role/Op/sess is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:${REGION_A}:${A}:cluster/${CLUSTER_A} because no identity-based policy allows the eks:DescribeCluster action`,
    });
  });

  it("refuses EKS tokens for another cluster, expired, or signed for another service", async () => {
    const creds = adminCredentials(h, A);
    const presign = async (cluster: string, service = "sts", date = new Date()) => {
      const signer = new SignatureV4({ credentials: creds, region: REGION_A, service, sha256: Sha256 });
      const req = new HttpRequest({
        method: "GET",
        protocol: "https:",
        hostname: "sts.eu-central-1.amazonaws.com",
        path: "/",
        query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
        headers: { host: "sts.eu-central-1.amazonaws.com", "x-k8s-aws-id": cluster },
      });
      const p = (await signer.presign(req, { expiresIn: 60, signingDate: date })) as HttpRequest;
      const qs = new URLSearchParams(p.query as Record<string, string>).toString();
      return `https://${p.hostname}${p.path}?${qs}`;
    };
    const url = await presign(CLUSTER_A);
    await expect(h.sandbox.stsGetCallerIdentity(url, { "x-k8s-aws-id": CLUSTER_A })).resolves.toMatchObject({
      ok: true,
      account: A,
    });
    await expect(h.sandbox.stsGetCallerIdentity(url, { "x-k8s-aws-id": CLUSTER_B })).resolves.toMatchObject({
      ok: false,
    });
    // STS ignores X-Amz-Expires (60) on a presigned GetCallerIdentity: good 15 minutes after X-Amz-Date.
    const fiveMin = await presign(CLUSTER_A, "sts", new Date(Date.now() - 5 * 60_000));
    await expect(
      h.sandbox.stsGetCallerIdentity(fiveMin, { "x-k8s-aws-id": CLUSTER_A }),
    ).resolves.toMatchObject({ ok: true, account: A });
    const old = await presign(CLUSTER_A, "sts", new Date(Date.now() - 16 * 60_000));
    await expect(h.sandbox.stsGetCallerIdentity(old, { "x-k8s-aws-id": CLUSTER_A })).resolves.toMatchObject({
      ok: false,
      error: expect.stringContaining("expired"),
    });
    const eks = await presign(CLUSTER_A, "eks");
    await expect(h.sandbox.stsGetCallerIdentity(eks, { "x-k8s-aws-id": CLUSTER_A })).resolves.toMatchObject({
      ok: false,
    });
    await expect(h.sandbox.stsGetCallerIdentity("k8s-aws-v1.garbage", {})).resolves.toMatchObject({
      ok: false,
    });
  });
});
