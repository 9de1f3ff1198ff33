/**
 * The sandbox through AWS SDK v3 clients: IAM operations and their validation, managed policies and
 * versions, paging, STS chains and expiry, EKS access entries (stale after a role is re-created), the OIDC
 * issuer documents over HTTPS, persistence across restarts, concurrency and the realism knobs.
 */
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { request } from "node:https";
import { promisify } from "node:util";
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  DisassociateAccessPolicyCommand,
  ListAccessPoliciesCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccessEntryCommand,
} from "@aws-sdk/client-eks";
import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProviderTagsCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  TagPolicyCommand,
  TagRoleCommand,
  UntagPolicyCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
} from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintServiceAccountToken } from "../../src/sandbox/jwt.js";
import { files } from "../../src/sandbox/server.js";
import {
  A,
  adminCredentials,
  allow,
  awsTrust,
  B,
  CLUSTER_A,
  CLUSTER_B,
  clients,
  type Harness,
  REGION_A,
  REGION_B,
  startHarness,
  webIdentityTrust,
} from "./helpers.js";

const execFileAsync = promisify(execFile);

async function fails(
  p: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number; requestId?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as {
      name: string;
      message: string;
      $metadata?: { httpStatusCode?: number; requestId?: string };
    };
    return {
      name: err.name,
      message: err.message,
      status: err.$metadata?.httpStatusCode,
      requestId: err.$metadata?.requestId,
    };
  }
  throw new Error("expected the call to fail");
}

describe("sandbox through AWS SDK v3", () => {
  let h: Harness;
  let a: ReturnType<typeof clients>;
  let b: ReturnType<typeof clients>;
  beforeAll(async () => {
    h = await startHarness();
    a = clients(h, adminCredentials(h, A), REGION_A);
    b = clients(h, adminCredentials(h, B), REGION_B);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("manages roles, tags, inline and attached policies with IAM's validation", async () => {
    const created = await a.iam.send(
      new CreateRoleCommand({
        RoleName: "Svc",
        Path: "/xirsa/",
        AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:root`),
        Tags: [{ Key: "team", Value: "p" }],
      }),
    );
    expect(created.Role).toMatchObject({
      Arn: `arn:aws:iam::${A}:role/xirsa/Svc`,
      Path: "/xirsa/",
      MaxSessionDuration: 3600,
    });
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // SDK v3 does not decode policy documents: IAM's are URL-encoded.
    expect(JSON.parse(decodeURIComponent(created.Role!.AssumeRolePolicyDocument!))).toEqual(
      JSON.parse(awsTrust(`arn:aws:iam::${A}:root`)),
    );
    await a.iam.send(new UpdateRoleCommand({ RoleName: "Svc", MaxSessionDuration: 7200, Description: "d" }));
    await a.iam.send(new TagRoleCommand({ RoleName: "Svc", Tags: [{ Key: "env", Value: "dev" }] }));
    await a.iam.send(new UntagRoleCommand({ RoleName: "Svc", TagKeys: ["team"] }));
    expect((await a.iam.send(new ListRoleTagsCommand({ RoleName: "svc" }))).Tags).toEqual([
      { Key: "env", Value: "dev" },
    ]);
    const got = await a.iam.send(new GetRoleCommand({ RoleName: "Svc" }));
    expect(got.Role).toMatchObject({ MaxSessionDuration: 7200, Description: "d" });

    await a.iam.send(
      new PutRolePolicyCommand({
        RoleName: "Svc",
        PolicyName: "read",
        PolicyDocument: allow("iam:GetRole", "*"),
      }),
    );
    expect((await a.iam.send(new ListRolePoliciesCommand({ RoleName: "Svc" }))).PolicyNames).toEqual([
      "read",
    ]);
    await a.iam.send(
      new AttachRolePolicyCommand({ RoleName: "Svc", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
    );
    expect(
      (await a.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "Svc" }))).AttachedPolicies,
    ).toEqual([{ PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }]);
    expect(await fails(a.iam.send(new DeleteRoleCommand({ RoleName: "Svc" })))).toMatchObject({
      name: "DeleteConflictException",
      status: 409,
    });
    await a.iam.send(new DeleteRolePolicyCommand({ RoleName: "Svc", PolicyName: "read" }));
    await a.iam.send(
      new DetachRolePolicyCommand({ RoleName: "Svc", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
    );
    await a.iam.send(new DeleteRoleCommand({ RoleName: "Svc" }));
    expect(await fails(a.iam.send(new GetRoleCommand({ RoleName: "Svc" })))).toMatchObject({
      name: "NoSuchEntityException",
      message: "The role with name Svc cannot be found.",
      status: 404,
    });

    const bad = (doc: string) =>
      fails(a.iam.send(new CreateRoleCommand({ RoleName: "X", AssumeRolePolicyDocument: doc })));
    expect(await bad("[]")).toMatchObject({
      name: "MalformedPolicyDocumentException",
      message: "Syntax errors in policy.",
    });
    expect(
      await bad(
        JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }] }),
      ),
    ).toMatchObject({
      message: "Missing required field Principal",
    });
    expect(
      await bad(
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Resource: "*" }],
        }),
      ),
    ).toMatchObject({ message: "Has prohibited field Resource" });
    expect(
      await fails(
        a.iam.send(new CreateRoleCommand({ RoleName: "bad name!", AssumeRolePolicyDocument: awsTrust("*") })),
      ),
    ).toMatchObject({
      name: "ValidationError",
    });
    expect(
      await fails(
        a.iam.send(
          new PutRolePolicyCommand({
            RoleName: "Nobody",
            PolicyName: "p",
            PolicyDocument: allow("iam:GetRole", "*"),
          }),
        ),
      ),
    ).toMatchObject({ name: "NoSuchEntityException" });
  });

  it("manages customer policies and versions, lists AWS managed ones, pages with Marker", async () => {
    const p = await a.iam.send(
      new CreatePolicyCommand({ PolicyName: "assume", PolicyDocument: allow("sts:AssumeRole", "*") }),
    );
    const arn = p.Policy!.Arn!;
    expect(p.Policy).toMatchObject({
      DefaultVersionId: "v1",
      PolicyId: expect.stringMatching(/^ANPA/),
      AttachmentCount: 0,
    });
    await a.iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: arn,
        PolicyDocument: allow("sts:AssumeRole", `arn:aws:iam::${B}:role/*`),
        SetAsDefault: true,
      }),
    );
    expect((await a.iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe("v2");
    await a.iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: "team", Value: "p" }] }));
    await a.iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: "TEAM", Value: "q" }] }));
    expect((await a.iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([
      { Key: "TEAM", Value: "q" },
    ]);
    await a.iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ["TEAM"] }));
    expect((await a.iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([]);
    // An AWS managed policy's tags can be read, not changed.
    const managed = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    expect((await a.iam.send(new ListPolicyTagsCommand({ PolicyArn: managed }))).Tags).toEqual([]);
    expect(
      await fails(a.iam.send(new TagPolicyCommand({ PolicyArn: managed, Tags: [{ Key: "k", Value: "v" }] }))),
    ).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(await fails(a.iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [] })))).toMatchObject({
      name: "ValidationError",
    });
    const v2 = await a.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v2" }));
    expect(JSON.parse(decodeURIComponent(v2.PolicyVersion!.Document!)).Statement[0].Resource).toBe(
      `arn:aws:iam::${B}:role/*`,
    );
    expect(await fails(a.iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).toMatchObject({
      name: "DeleteConflictException",
    });
    for (let i = 3; i <= 5; i++)
      await a.iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allow("sts:AssumeRole", "*") }),
      );
    expect(
      await fails(
        a.iam.send(
          new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allow("sts:AssumeRole", "*") }),
        ),
      ),
    ).toMatchObject({
      name: "LimitExceededException",
    });
    const aws = await a.iam.send(new ListPoliciesCommand({ Scope: "AWS" }));
    expect(aws.Policies?.map((x) => x.Arn)).toEqual([
      "arn:aws:iam::aws:policy/AdministratorAccess",
      "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
      "arn:aws:iam::aws:policy/PowerUserAccess",
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]);
    // B cannot read A's customer policy.
    expect(await fails(b.iam.send(new GetPolicyCommand({ PolicyArn: arn })))).toMatchObject({
      name: "AccessDenied",
      status: 403,
    });

    for (let i = 0; i < 5; i++)
      await a.iam.send(
        new CreateRoleCommand({ RoleName: `Page${i}`, AssumeRolePolicyDocument: awsTrust("*") }),
      );
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const pg = await a.iam.send(new ListRolesCommand({ MaxItems: 2, Marker: marker, PathPrefix: "/" }));
      names.push(...(pg.Roles ?? []).map((r) => r.RoleName!));
      marker = pg.IsTruncated ? pg.Marker : undefined;
    } while (marker);
    expect(names.filter((n) => n.startsWith("Page"))).toEqual(["Page0", "Page1", "Page2", "Page3", "Page4"]);
  });

  it("serves OIDC provider operations, issuer documents over HTTPS (Node and Python) and web identity", async () => {
    const cluster = h.sandbox.store.state.clusters.find((c) => c.name === CLUSTER_A)!;
    const providerArn = (
      await a.iam.send(new CreateOpenIDConnectProviderCommand({ Url: cluster.issuer, ClientIDList: ["x"] }))
    ).OpenIDConnectProviderArn!;
    expect(
      await fails(
        a.iam.send(new CreateOpenIDConnectProviderCommand({ Url: cluster.issuer, ClientIDList: ["x"] })),
      ),
    ).toMatchObject({
      name: "EntityAlreadyExistsException",
    });
    await a.iam.send(
      new AddClientIDToOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: providerArn,
        ClientID: "sts.amazonaws.com",
      }),
    );
    await a.iam.send(
      new RemoveClientIDFromOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: providerArn,
        ClientID: "x",
      }),
    );
    await a.iam.send(
      new TagOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: providerArn,
        Tags: [{ Key: "xirsa.io/stack", Value: "dev" }],
      }),
    );
    expect(
      (await a.iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: providerArn })))
        .Tags,
    ).toEqual([{ Key: "xirsa.io/stack", Value: "dev" }]);
    const got = await a.iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }),
    );
    expect(got).toMatchObject({ Url: cluster.issuer.slice(8), ClientIDList: ["sts.amazonaws.com"] });

    const path = `/id/${cluster.issuerId}/.well-known/openid-configuration`;
    const doc = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(`${h.sandbox.oidcUrl}${path}`, { ca: readFileSync(files(h.dir).ca) }, (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve(JSON.parse(body)));
      });
      req.on("error", reject);
      req.end();
    });
    expect(doc).toMatchObject({ issuer: cluster.issuer, id_token_signing_alg_values_supported: ["RS256"] });
    const py = await execFileAsync("python3", [
      "-c",
      "import json,ssl,sys,urllib.request as u; c=ssl.create_default_context(cafile=sys.argv[2]); print(json.load(u.urlopen(sys.argv[1], context=c))['keys'][0]['kid'])",
      String(doc.jwks_uri),
      files(h.dir).ca,
    ]);
    expect(py.stdout.trim()).toBe(cluster.saKey.publicJwk.kid);

    await a.iam.send(
      new CreateRoleCommand({
        RoleName: "Web",
        AssumeRolePolicyDocument: webIdentityTrust(
          cluster.issuer,
          A,
          "system:serviceaccount:krci:*",
          "StringLike",
        ),
      }),
    );
    const token = await mintServiceAccountToken({
      cluster,
      key: cluster.saKey,
      namespace: "krci",
      serviceAccount: "op",
      audience: "sts.amazonaws.com",
      ttlSeconds: 600,
      now: new Date(),
    });
    const anon = clients(h, { accessKeyId: "unused", secretAccessKey: "unused" }, REGION_A);
    const web = await anon.sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${A}:role/Web`,
        RoleSessionName: "web",
        WebIdentityToken: token,
        DurationSeconds: 900,
      }),
    );
    expect(web.Audience).toBe("sts.amazonaws.com");
    const expiresIn = web.Credentials!.Expiration!.getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(880_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);
  });

  it("enforces AssumeRole on both sides, caps chains at one hour, and expires sessions", async () => {
    await a.iam.send(
      new CreateRoleCommand({
        RoleName: "Hop",
        AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:root`),
      }),
    );
    await b.iam.send(
      new CreateRoleCommand({
        RoleName: "Target",
        AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:role/Hop`),
      }),
    );
    // Same account: the trust names the account root, and the admin's identity policy allows: accepted.
    const hop = await a.sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${A}:role/Hop`,
        RoleSessionName: "hop",
        DurationSeconds: 900,
      }),
    );
    const asHop = clients(
      h,
      {
        accessKeyId: hop.Credentials!.AccessKeyId!,
        secretAccessKey: hop.Credentials!.SecretAccessKey!,
        sessionToken: hop.Credentials!.SessionToken!,
      },
      REGION_A,
    );
    // Cross-account: B trusts Hop, but Hop has no identity policy allowing sts:AssumeRole.
    const denied = await fails(
      asHop.sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${B}:role/Target`, RoleSessionName: "tgt" }),
      ),
    );
    expect(denied).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(denied.message).toBe(
      `User: arn:aws:sts::${A}:assumed-role/Hop/hop is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${B}:role/Target`,
    );
    await a.iam.send(
      new PutRolePolicyCommand({
        RoleName: "Hop",
        PolicyName: "p",
        PolicyDocument: allow("sts:AssumeRole", `arn:aws:iam::${B}:role/Target`),
      }),
    );
    const target = await asHop.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${B}:role/Target`, RoleSessionName: "tgt" }),
    );
    expect(target.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${B}:assumed-role/Target/tgt`);
    expect(
      await fails(
        asHop.sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${B}:role/Target`,
            RoleSessionName: "tgt",
            DurationSeconds: 3601,
          }),
        ),
      ),
    ).toMatchObject({
      name: "ValidationError",
      message:
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    });
    expect(
      await fails(
        a.sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${A}:role/Hop`,
            RoleSessionName: "xx",
            DurationSeconds: 7200,
          }),
        ),
      ),
    ).toMatchObject({
      message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    });
    // The role session's own identity: IAM reads need a policy it lacks.
    expect((await fails(asHop.iam.send(new GetRoleCommand({ RoleName: "Hop" })))).message).toBe(
      `User: arn:aws:sts::${A}:assumed-role/Hop/hop is not authorized to perform: iam:GetRole on resource: arn:aws:iam::${A}:role/Hop because no identity-based policy allows the iam:GetRole action`,
    );
    // 15 minutes later the Hop session has expired (the client's clock moves with the server's).
    h.clock.offsetMs = 901_000;
    try {
      const late = clients(
        h,
        {
          accessKeyId: hop.Credentials!.AccessKeyId!,
          secretAccessKey: hop.Credentials!.SecretAccessKey!,
          sessionToken: hop.Credentials!.SessionToken!,
        },
        REGION_A,
        { systemClockOffset: 901_000 },
      );
      expect(await fails(late.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: "ExpiredToken",
        message: "The security token included in the request is expired",
        status: 403,
      });
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("limits a session by its session policy", async () => {
    await a.iam.send(
      new CreateRoleCommand({
        RoleName: "Wide",
        AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:root`),
      }),
    );
    await a.iam.send(
      new AttachRolePolicyCommand({
        RoleName: "Wide",
        PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      }),
    );
    const asSession = async (Policy?: string) => {
      const c = (
        await a.sts.send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/Wide`, RoleSessionName: "wide", Policy }),
        )
      ).Credentials!;
      return clients(
        h,
        { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
        REGION_A,
      );
    };
    const full = await asSession();
    expect((await full.iam.send(new ListRolesCommand({}))).Roles?.length).toBeGreaterThan(0);
    const narrow = await asSession(allow("iam:GetRole", "*"));
    expect((await narrow.iam.send(new GetRoleCommand({ RoleName: "Wide" }))).Role?.RoleName).toBe("Wide");
    expect((await fails(narrow.iam.send(new ListRolesCommand({})))).message).toBe(
      `User: arn:aws:sts::${A}:assumed-role/Wide/wide is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${A}:role/ because no session policy allows the iam:ListRoles action`,
    );
  });

  it("binds access entries to the principal's unique id: a re-created role leaves its entry stale", async () => {
    const arn = `arn:aws:iam::${B}:role/Agent2`;
    const role1 = (
      await b.iam.send(
        new CreateRoleCommand({
          RoleName: "Agent2",
          AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:root`),
        }),
      )
    ).Role!;
    await b.eks.send(
      new CreateAccessEntryCommand({ clusterName: CLUSTER_B, principalArn: arn, kubernetesGroups: ["g1"] }),
    );
    await b.eks.send(
      new UpdateAccessEntryCommand({
        clusterName: CLUSTER_B,
        principalArn: arn,
        kubernetesGroups: ["g2"],
        username: "agent",
      }),
    );
    await b.eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: CLUSTER_B,
        principalArn: arn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        accessScope: { type: "cluster" },
      }),
    );
    const d = await b.eks.send(new DescribeAccessEntryCommand({ clusterName: CLUSTER_B, principalArn: arn }));
    expect(d.accessEntry).toMatchObject({ kubernetesGroups: ["g2"], username: "agent" });
    expect(d.accessEntry?.createdAt).toBeInstanceOf(Date);
    const { resolveAccessEntry } = await import("../../src/sandbox/eksToken.js");
    const resolve = resolveAccessEntry(() =>
      h.sandbox.store.state.clusters.find((c) => c.name === CLUSTER_B),
    );
    expect(resolve(arn, role1.RoleId!)).toEqual({
      username: "agent",
      kubernetesGroups: ["g2"],
      accessPolicies: [
        {
          policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
          accessScope: { type: "cluster" },
        },
      ],
    });
    await b.iam.send(new DeleteRoleCommand({ RoleName: "Agent2" }));
    const role2 = (
      await b.iam.send(
        new CreateRoleCommand({
          RoleName: "Agent2",
          AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:root`),
        }),
      )
    ).Role!;
    expect(role2.RoleId).not.toBe(role1.RoleId);
    expect(resolve(arn, role2.RoleId!)).toBeUndefined();
    // A trust policy naming a deleted-and-re-created role shows the old unique id and no longer matches.
    await a.iam.send(new CreateRoleCommand({ RoleName: "Trusts", AssumeRolePolicyDocument: awsTrust(arn) }));
    await b.iam.send(new DeleteRoleCommand({ RoleName: "Agent2" }));
    await b.iam.send(
      new CreateRoleCommand({
        RoleName: "Agent2",
        AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:root`),
      }),
    );
    const trusts = await a.iam.send(new GetRoleCommand({ RoleName: "Trusts" }));
    expect(
      JSON.parse(decodeURIComponent(trusts.Role!.AssumeRolePolicyDocument!)).Statement[0].Principal.AWS,
    ).toBe(role2.RoleId);

    const entryArn = d.accessEntry!.accessEntryArn!;
    await b.eks.send(
      new TagResourceCommand({ resourceArn: entryArn, tags: { "xirsa.io/stack": "dev", x: "1" } }),
    );
    await b.eks.send(new UntagResourceCommand({ resourceArn: entryArn, tagKeys: ["x"] }));
    expect((await b.eks.send(new ListTagsForResourceCommand({ resourceArn: entryArn }))).tags).toEqual({
      "xirsa.io/stack": "dev",
    });
    const clusterArn = `arn:aws:eks:${REGION_B}:${B}:cluster/${CLUSTER_B}`;
    await b.eks.send(new TagResourceCommand({ resourceArn: clusterArn, tags: { team: "p" } }));
    expect((await b.eks.send(new DescribeClusterCommand({ name: CLUSTER_B }))).cluster?.tags).toEqual({
      team: "p",
    });
    expect(
      await fails(b.eks.send(new ListTagsForResourceCommand({ resourceArn: `${clusterArn}-nope` }))),
    ).toMatchObject({
      name: "NotFoundException",
      status: 404,
    });
    await b.eks.send(
      new DisassociateAccessPolicyCommand({
        clusterName: CLUSTER_B,
        principalArn: arn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      }),
    );
    expect(
      (await b.eks.send(new ListAccessPoliciesCommand({}))).accessPolicies?.map((p) => p.name),
    ).toContain("AmazonEKSClusterAdminPolicy");
    expect((await b.eks.send(new ListClustersCommand({}))).clusters).toEqual([CLUSTER_B]);
    // A's admin sees no cluster of B's; A's IAM principals are not B's.
    expect(
      (await clients(h, adminCredentials(h, A), REGION_B).eks.send(new ListClustersCommand({}))).clusters,
    ).toEqual([]);
    const scope = await fails(
      b.eks.send(
        new AssociateAccessPolicyCommand({
          clusterName: CLUSTER_B,
          principalArn: arn,
          policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
          accessScope: { type: "namespace" },
        }),
      ),
    );
    expect(scope).toMatchObject({ name: "InvalidParameterException", status: 400 });
  });

  it("persists state atomically across restarts and keeps its ports; concurrent writes are all kept", async () => {
    const results = await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, i) =>
        a.iam.send(new CreateRoleCommand({ RoleName: `C${i}`, AssumeRolePolicyDocument: awsTrust("*") })),
      ),
      ...Array.from({ length: 10 }, () =>
        a.iam.send(new CreateRoleCommand({ RoleName: "Same", AssumeRolePolicyDocument: awsTrust("*") })),
      ),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(31);
    expect(statSync(files(h.dir).aws).mode & 0o777).toBe(0o600);
    expect(statSync(files(h.dir).awsCredentials).mode & 0o777).toBe(0o600);
    const env = readFileSync(files(h.dir).env, "utf8");
    expect(env).not.toContain(adminCredentials(h, A).secretAccessKey);
    const before = { aws: h.sandbox.awsUrl, roles: h.sandbox.store.state.roles.length };
    const dir = h.dir;
    await h.sandbox.close();
    const again = await startHarness({ dir });
    try {
      expect(again.sandbox.awsUrl).toBe(before.aws);
      expect(again.sandbox.store.state.roles.length).toBe(before.roles);
      const c = clients(again, adminCredentials(again, A), REGION_A);
      expect((await c.iam.send(new GetRoleCommand({ RoleName: "C29" }))).Role?.RoleName).toBe("C29");
    } finally {
      await again.sandbox.close();
      h = { ...h, sandbox: { ...h.sandbox, close: async () => {} } };
    }
  });
});

describe("realism knobs", () => {
  it("delays IAM propagation, throttles and fails as configured", async () => {
    const h = await startHarness({ knobs: { propagationDelayMs: 60_000, throttleRate: 0, errorRate: 0 } });
    // The server's clock moves instead of the test sleeping (well within the 15 min signature skew).
    const advance = (ms: number) => {
      h.clock.offsetMs += ms;
    };
    try {
      const a = clients(h, adminCredentials(h, A), REGION_A);
      await a.iam.send(
        new CreateRoleCommand({
          RoleName: "New",
          AssumeRolePolicyDocument: awsTrust(`arn:aws:iam::${A}:root`),
        }),
      );
      expect(
        await fails(
          a.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/New`, RoleSessionName: "s1" })),
        ),
      ).toMatchObject({ name: "AccessDenied" });
      advance(61_000);
      await a.sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/New`, RoleSessionName: "s1" }),
      );
      // A changed trust is not seen at once either: the old one (which allowed) still applies for a while.
      await a.iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: "New",
          PolicyDocument: awsTrust(`arn:aws:iam::${B}:root`),
        }),
      );
      await a.sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/New`, RoleSessionName: "s2" }),
      );
      advance(61_000);
      expect(
        await fails(
          a.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/New`, RoleSessionName: "s3" })),
        ),
      ).toMatchObject({ name: "AccessDenied" });
    } finally {
      await h.close();
    }
    const t = await startHarness({ knobs: { propagationDelayMs: 0, throttleRate: 1, errorRate: 0 } });
    try {
      const a = clients(t, adminCredentials(t, A), REGION_A);
      expect(await fails(a.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: "Throttling",
        message: "Rate exceeded",
      });
      expect(await fails(a.eks.send(new ListClustersCommand({})))).toMatchObject({
        name: "ThrottlingException",
        status: 429,
      });
    } finally {
      await t.close();
    }
    const e = await startHarness({ knobs: { propagationDelayMs: 0, throttleRate: 0, errorRate: 1 } });
    try {
      const a = clients(e, adminCredentials(e, A), REGION_A);
      expect(await fails(a.iam.send(new ListRolesCommand({})))).toMatchObject({
        name: "ServiceFailureException",
        status: 500,
      });
      expect(await fails(a.eks.send(new ListClustersCommand({})))).toMatchObject({
        name: "ServerException",
        status: 500,
      });
    } finally {
      await e.close();
    }
  });
});
