/**
 * Conformance through the real aws CLI: the whole cross-account chain as a user would drive it, then every
 * error path with the code the CLI prints. Calls are batched (each `aws` costs ~0.4 s) and run in parallel
 * where they are independent.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { files } from "../../src/sandbox/server.js";
import { requireTools } from "../tools.js";
import {
  A,
  allow,
  aws,
  awsTrust,
  B,
  CLUSTER_A,
  CLUSTER_B,
  type Harness,
  REGION_A,
  startHarness,
  webIdentityTrust,
  xirsa,
} from "./helpers.js";

const skip = requireTools("test/sandbox-aws/awsCli.test.ts", "aws");

const pA = ["--profile", `sandbox-${A}`];
const pB = ["--profile", `sandbox-${B}`];
const code = (stderr: string) => /An error occurred \(([^)]+)\)/.exec(stderr)?.[1];

describe.skipIf(!!skip)("aws CLI against the sandbox", () => {
  let h: Harness;
  let issuer: string;
  beforeAll(async () => {
    h = await startHarness({ kube: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("runs the cross-account chain: OIDC provider, roles, web identity, AssumeRole, access entries, get-token", async () => {
    const env = h.env;
    // Identity and the cluster as describe-cluster shows it.
    const [me, cluster] = await Promise.all([
      aws(env, ["sts", "get-caller-identity", ...pA]),
      aws(env, ["eks", "describe-cluster", "--name", CLUSTER_A, ...pA]),
    ]);
    expect(me.stderr).toBe("");
    expect(me.json()).toEqual({
      UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
      Account: A,
      Arn: `arn:aws:iam::${A}:user/sandbox-admin`,
    });
    const c = cluster.json().cluster;
    issuer = c.identity.oidc.issuer;
    expect(issuer).toMatch(/^https:\/\/oidc\.eks\.eu-central-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    expect(c.status).toBe("ACTIVE");
    expect(c.endpoint).toBe(h.sandbox.kube[CLUSTER_A]);
    expect(Buffer.from(c.certificateAuthority.data, "base64").toString()).toBe(
      readFileSync(files(h.dir).ca, "utf8"),
    );

    // IAM in account A: provider, web-identity role with an inline policy; in B: the agent role.
    const provider = await aws(env, [
      "iam",
      "create-open-id-connect-provider",
      "--url",
      issuer,
      "--client-id-list",
      "sts.amazonaws.com",
      ...pA,
    ]);
    expect(provider.json().OpenIDConnectProviderArn).toBe(
      `arn:aws:iam::${A}:oidc-provider/${issuer.slice(8)}`,
    );
    const roleA = await aws(env, [
      "iam",
      "create-role",
      "--role-name",
      "Operator",
      "--assume-role-policy-document",
      webIdentityTrust(issuer, A, "system:serviceaccount:krci:op"),
      ...pA,
    ]);
    expect(roleA.json().Role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    const [put, roleB] = await Promise.all([
      aws(env, [
        "iam",
        "put-role-policy",
        "--role-name",
        "Operator",
        "--policy-name",
        "assume-agent",
        "--policy-document",
        allow("sts:AssumeRole", `arn:aws:iam::${B}:role/Agent`),
        ...pA,
      ]),
      aws(env, [
        "iam",
        "create-role",
        "--role-name",
        "Agent",
        "--assume-role-policy-document",
        awsTrust(`arn:aws:iam::${A}:role/Operator`),
        ...pB,
      ]),
    ]);
    expect(put.code).toBe(0);
    expect(roleB.code).toBe(0);
    const got = await aws(env, ["iam", "get-role", "--role-name", "Operator", ...pA]);
    // The CLI decodes the URL-encoded document: it must round-trip to what was sent.
    expect(got.json().Role.AssumeRolePolicyDocument).toEqual(
      JSON.parse(webIdentityTrust(issuer, A, "system:serviceaccount:krci:op")),
    );

    // Web identity with a token from `xirsa sandbox token`, then the cross-account hop.
    const tok = await xirsa([
      "sandbox",
      "token",
      "--state-dir",
      h.dir,
      "--cluster",
      CLUSTER_A,
      "--namespace",
      "krci",
      "--service-account",
      "op",
    ]);
    expect(tok.code).toBe(0);
    const jwt = tok.stdout.trim();
    const web = await aws(env, [
      "sts",
      "assume-role-with-web-identity",
      "--role-arn",
      `arn:aws:iam::${A}:role/Operator`,
      "--role-session-name",
      "op",
      "--web-identity-token",
      jwt,
      "--region",
      REGION_A,
    ]);
    expect(web.stderr).toBe("");
    expect(web.json().AssumedRoleUser.Arn).toBe(`arn:aws:sts::${A}:assumed-role/Operator/op`);
    expect(web.json().SubjectFromWebIdentityToken).toBe("system:serviceaccount:krci:op");
    const cA = web.json().Credentials;
    const asA = {
      AWS_ACCESS_KEY_ID: cA.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: cA.SecretAccessKey,
      AWS_SESSION_TOKEN: cA.SessionToken,
      AWS_DEFAULT_REGION: REGION_A,
    };
    const hop = await aws(
      env,
      ["sts", "assume-role", "--role-arn", `arn:aws:iam::${B}:role/Agent`, "--role-session-name", "agent"],
      asA,
    );
    expect(hop.stderr).toBe("");
    expect(hop.json().AssumedRoleUser.Arn).toBe(`arn:aws:sts::${B}:assumed-role/Agent/agent`);
    const cB = hop.json().Credentials;
    const asB = {
      AWS_ACCESS_KEY_ID: cB.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: cB.SecretAccessKey,
      AWS_SESSION_TOKEN: cB.SessionToken,
      AWS_DEFAULT_REGION: "eu-west-1",
    };

    // Cluster B: access entry for the agent role with a namespaced policy.
    const agentArn = `arn:aws:iam::${B}:role/Agent`;
    const entry = await aws(env, [
      "eks",
      "create-access-entry",
      "--cluster-name",
      CLUSTER_B,
      "--principal-arn",
      agentArn,
      "--kubernetes-groups",
      "cd-pipeline-operator",
      ...pB,
    ]);
    expect(entry.json().accessEntry).toMatchObject({
      principalArn: agentArn,
      type: "STANDARD",
      username: `arn:aws:sts::${B}:assumed-role/Agent/{{SessionName}}`,
    });
    const assoc = await aws(env, [
      "eks",
      "associate-access-policy",
      "--cluster-name",
      CLUSTER_B,
      "--principal-arn",
      agentArn,
      "--policy-arn",
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
      "--access-scope",
      "type=namespace,namespaces=krci-*",
      ...pB,
    ]);
    expect(assoc.json().associatedAccessPolicy.accessScope).toEqual({
      type: "namespace",
      namespaces: ["krci-*"],
    });
    const [entries, policies, token] = await Promise.all([
      aws(env, ["eks", "list-access-entries", "--cluster-name", CLUSTER_B, ...pB]),
      aws(env, [
        "eks",
        "list-associated-access-policies",
        "--cluster-name",
        CLUSTER_B,
        "--principal-arn",
        agentArn,
        ...pB,
      ]),
      aws(env, ["eks", "get-token", "--cluster-name", CLUSTER_B], asB),
    ]);
    expect(entries.json().accessEntries).toEqual([`arn:aws:iam::${B}:user/sandbox-admin`, agentArn]);
    expect(policies.json().associatedAccessPolicies).toHaveLength(1);

    // The EKS token presigns GetCallerIdentity against the sandbox endpoint; the sandbox verifies it.
    const t = token.json().status.token as string;
    expect(t.startsWith("k8s-aws-v1.")).toBe(true);
    const url = Buffer.from(t.slice("k8s-aws-v1.".length), "base64url").toString();
    expect(url.startsWith(`${h.sandbox.awsUrl}/?`)).toBe(true);
    const who = await h.sandbox.stsGetCallerIdentity(url, { "x-k8s-aws-id": CLUSTER_B });
    expect(who).toMatchObject({ ok: true, arn: `arn:aws:sts::${B}:assumed-role/Agent/agent`, account: B });
    const wrongCluster = await h.sandbox.stsGetCallerIdentity(url, { "x-k8s-aws-id": CLUSTER_A });
    expect(wrongCluster).toMatchObject({
      ok: false,
      error: expect.stringContaining("SignatureDoesNotMatch"),
    });
  });

  it("returns the AWS error code the CLI prints for each error path", async () => {
    const env = h.env;
    const jwt = async (sa: string, aud?: string) =>
      (
        await xirsa([
          "sandbox",
          "token",
          "--state-dir",
          h.dir,
          "--cluster",
          CLUSTER_A,
          "--namespace",
          "krci",
          "--service-account",
          sa,
          ...(aud ? ["--audience", aud] : []),
        ])
      ).stdout.trim();
    await aws(env, [
      "iam",
      "create-role",
      "--role-name",
      "NoProvider",
      "--assume-role-policy-document",
      webIdentityTrust(issuer, B, "x"),
      ...pB,
    ]);
    const web = async (role: string, token: string) =>
      aws(env, [
        "sts",
        "assume-role-with-web-identity",
        "--role-arn",
        role,
        "--role-session-name",
        "sess",
        "--web-identity-token",
        token,
        "--region",
        REGION_A,
      ]);
    const badKey = {
      AWS_ACCESS_KEY_ID: "AKIAAAAAAAAAAAAAAAAA",
      AWS_SECRET_ACCESS_KEY: "x",
      AWS_DEFAULT_REGION: REGION_A,
    };
    const admin = readFileSync(files(h.dir).awsCredentials, "utf8");
    const keyA = /aws_access_key_id = (\S+)/.exec(admin)![1]!;
    const wrongSecret = {
      AWS_ACCESS_KEY_ID: keyA,
      AWS_SECRET_ACCESS_KEY: "wrong-secret",
      AWS_DEFAULT_REGION: REGION_A,
    };
    const results = await Promise.all([
      aws(env, [
        "iam",
        "create-role",
        "--role-name",
        "Bad",
        "--assume-role-policy-document",
        awsTrust(`arn:aws:iam::${A}:role/DoesNotExist`),
        ...pB,
      ]),
      aws(env, [
        "iam",
        "put-role-policy",
        "--role-name",
        "Operator",
        "--policy-name",
        "p",
        "--policy-document",
        "{not json",
        ...pA,
      ]),
      aws(env, ["iam", "get-role", "--role-name", "Nobody", ...pA]),
      aws(env, [
        "iam",
        "create-role",
        "--role-name",
        "Operator",
        "--assume-role-policy-document",
        awsTrust(`arn:aws:iam::${A}:root`),
        ...pA,
      ]),
      web(`arn:aws:iam::${A}:role/Operator`, await jwt("op", "sts.amazon.com")),
      web(`arn:aws:iam::${B}:role/NoProvider`, await jwt("op")),
      web(`arn:aws:iam::${A}:role/Operator`, await jwt("someone-else")),
      web(`arn:aws:iam::${A}:role/Operator`, "not-a-jwt"),
      aws(env, [
        "sts",
        "assume-role",
        "--role-arn",
        `arn:aws:iam::${B}:role/Agent`,
        "--role-session-name",
        "admin",
        ...pA,
      ]),
      aws(env, ["sts", "get-caller-identity"], badKey),
      aws(env, ["sts", "get-caller-identity"], wrongSecret),
      aws(env, ["eks", "describe-cluster", "--name", "nope", ...pA]),
      aws(env, ["eks", "list-clusters"], badKey),
      aws(env, [
        "eks",
        "create-access-entry",
        "--cluster-name",
        CLUSTER_B,
        "--principal-arn",
        `arn:aws:iam::${B}:role/Ghost`,
        ...pB,
      ]),
      aws(env, [
        "iam",
        "get-open-id-connect-provider",
        "--open-id-connect-provider-arn",
        `arn:aws:iam::${A}:oidc-provider/${issuer.slice(8)}`,
        ...pB,
      ]),
    ]);
    const seen = results.map((r) => [code(r.stderr), r.stderr.split(": ").slice(1).join(": ").trim()]);
    expect(seen.map(([c]) => c)).toEqual([
      "MalformedPolicyDocument",
      "MalformedPolicyDocument",
      "NoSuchEntity",
      "EntityAlreadyExists",
      "InvalidIdentityToken",
      "InvalidIdentityToken",
      "AccessDenied",
      "InvalidIdentityToken",
      "AccessDenied",
      "InvalidClientTokenId",
      "SignatureDoesNotMatch",
      "ResourceNotFoundException",
      "UnrecognizedClientException",
      "InvalidParameterException",
      "AccessDenied",
    ]);
    expect(seen[0]![1]).toBe(`Invalid principal in policy: "AWS":"arn:aws:iam::${A}:role/DoesNotExist"`);
    expect(seen[4]![1]).toBe("Incorrect token audience");
    expect(seen[5]![1]).toBe(`No OpenIDConnect provider found in your account for ${issuer}`);
    expect(seen[6]![1]).toBe("Not authorized to perform sts:AssumeRoleWithWebIdentity");
    expect(seen[8]![1]).toBe(
      `User: arn:aws:iam::${A}:user/sandbox-admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${B}:role/Agent`,
    );
    expect(seen[11]![1]).toBe(`No cluster found for name: nope.`);
    expect(seen[14]![1]).toBe(
      `User: arn:aws:iam::${B}:user/sandbox-admin is not authorized to perform: iam:GetOpenIDConnectProvider on resource: arn:aws:iam::${A}:oidc-provider/${issuer.slice(8)} because no resource-based policy allows the iam:GetOpenIDConnectProvider action`,
    );
    for (const r of results) expect(r.code).not.toBe(0);
  });
});
