/**
 * Fidelity to the seed: for a one-target config without Capsule, the four roles' policies are semantically the
 * seed's JSON with its placeholders substituted (same effects, principals, actions, resources, condition
 * operators, keys and values; a single value and a one-element list are the same thing to IAM).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { INLINE_POLICY_NAME, type RoleKind, roleArn, roleName } from "../../src/names/index.js";
import { renderBundle } from "../../src/render/bundle.js";
import { desiredState } from "../../src/topology/desired.js";

const root = join(import.meta.dirname, "../..");
// The seed's text is what seedCompat renders; by default the Argo CD trust says StringEquals (checked below).
const config: Config = { ...loadConfig(join(root, "examples/xirsa.yaml")), seedCompat: true };

type Doc = Record<string, unknown>;

function list(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String).sort();
}

/** IAM's view of a policy: order and single-vs-list do not matter; an empty Sid is no Sid. */
function semantics(doc: Doc): unknown {
  const raw = doc.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]) as Doc[];
  const norm = statements.map((s) => {
    const principal: Record<string, string[]> = {};
    if (s.Principal && typeof s.Principal === "object") {
      for (const [k, v] of Object.entries(s.Principal as Doc).sort()) principal[k] = list(v);
    }
    const condition: Record<string, Record<string, string[]>> = {};
    for (const [op, keys] of Object.entries((s.Condition ?? {}) as Record<string, Doc>).sort()) {
      condition[op] = {};
      for (const [k, v] of Object.entries(keys).sort()) condition[op]![k] = list(v);
    }
    return {
      sid: s.Sid || undefined,
      effect: s.Effect,
      principal,
      action: list(s.Action),
      resource: list(s.Resource),
      condition,
    };
  });
  return {
    version: doc.Version,
    statements: norm.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  };
}

function seedDoc(file: string, cfg: Config): Doc {
  const issuer = cfg.source.oidcIssuer!;
  const oidcId = issuer.slice(issuer.lastIndexOf("/") + 1);
  const text = readFileSync(join(root, "test/golden/seed", file), "utf8")
    .replaceAll("<AWS_ACCOUNT_A_ID>", cfg.source.accountId)
    .replaceAll("<AWS_ACCOUNT_B_ID>", cfg.targets[0]!.accountId)
    .replaceAll("<AWS_REGION>", cfg.source.region)
    .replaceAll("<OIDC_ID>", oidcId)
    .replaceAll("{cluster_name}", cfg.name);
  expect(text).not.toMatch(/<[A-Z_]+>|\{cluster_name\}/);
  return JSON.parse(text) as Doc;
}

const CASES: { kind: RoleKind; account: "source" | "target"; trust: string; permissions?: string }[] = [
  {
    kind: "CDPipelineOperator",
    account: "source",
    trust: "cd-pipeline-operator.trust-policy.json",
    permissions: "cd-pipeline-operator.permissions-policy.json",
  },
  {
    kind: "ArgoCDMaster",
    account: "source",
    trust: "argocd-master.trust-policy.json",
    permissions: "argocd-master.permissions-policy.json",
  },
  { kind: "CDPipelineAgent", account: "target", trust: "cd-pipeline-agent.trust-policy.json" },
  { kind: "ArgoCDAgentAccess", account: "target", trust: "argocd-agent-access.trust-policy.json" },
];

describe("fidelity to the seed's IAM documents (examples/xirsa.yaml)", () => {
  const { state } = desiredState(config);
  const bundle = renderBundle(config);

  it("the example is the seed's set-up: one target, no Capsule, cluster-admin, issuer of the oidc.eks form", () => {
    expect(config.targets).toHaveLength(1);
    expect(config.targets[0]!.capsule).toBeUndefined();
    expect(config.source.oidcIssuer).toMatch(
      /^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-F0-9]+$/,
    );
  });

  for (const c of CASES) {
    const account = c.account === "source" ? config.source.accountId : config.targets[0]!.accountId;
    const name = roleName(config, c.kind);
    const arn = roleArn("aws", account, "/", name);

    it(`${c.kind}: trust policy = seed (desired State and rendered file)`, () => {
      const role = state.roles.find((r) => r.arn === arn);
      expect(role, `role ${arn}`).toBeDefined();
      const seed = semantics(seedDoc(c.trust, config));
      expect(semantics(role!.trustPolicy)).toEqual(seed);
      const file = bundle.get(`aws/${account}/roles/${name}/trust-policy.json`);
      expect(semantics(JSON.parse(file!))).toEqual(seed);
    });

    it(`${c.kind}: permissions policy = seed${c.permissions ? "" : " (none)"}`, () => {
      const role = state.roles.find((r) => r.arn === arn)!;
      const file = bundle.get(`aws/${account}/roles/${name}/permissions-policy.json`);
      if (!c.permissions) {
        expect(role.inlinePolicies).toEqual({});
        expect(file).toBeUndefined();
        return;
      }
      const seed = semantics(seedDoc(c.permissions, config));
      expect(semantics(role.inlinePolicies[INLINE_POLICY_NAME] as Doc)).toEqual(seed);
      expect(semantics(JSON.parse(file!))).toEqual(seed);
    });
  }

  it("without seedCompat, the Argo CD trust is the seed's with StringLike written as StringEquals", () => {
    const plain = desiredState({ ...config, seedCompat: false }).state;
    const arn = roleArn("aws", config.source.accountId, "/", roleName(config, "ArgoCDMaster"));
    const seed = seedDoc("argocd-master.trust-policy.json", config) as {
      Statement: Array<{ Condition: Record<string, unknown> }>;
    };
    for (const s of seed.Statement) {
      s.Condition = { StringEquals: s.Condition.StringLike };
    }
    const role = plain.roles.find((r) => r.arn === arn)!;
    expect(semantics(role.trustPolicy)).toEqual(semantics(seed as Doc));
  });

  it("the comparison notices a change of operator, subject, audience, principal or resource", () => {
    const seed = seedDoc("argocd-master.trust-policy.json", config);
    /** The seed's Argo CD trust statement, typed as far as these edits need. */
    interface TrustStatement {
      Effect: string;
      Action: string | string[];
      Principal: { Federated: string };
      Condition: Record<string, Record<string, string | string[]>>;
    }
    const mutate = (f: (s: TrustStatement, like: Record<string, string | string[]>) => void): unknown => {
      const d = structuredClone(seed) as { Statement: TrustStatement[] };
      const st = d.Statement[0]!;
      f(st, st.Condition.StringLike!);
      return semantics(d as Doc);
    };
    const base = semantics(seed);
    const key = (like: Record<string, unknown>, suffix: string) =>
      Object.keys(like).find((k) => k.endsWith(suffix))!;
    const variants = [
      mutate((st, like) => {
        st.Condition = { StringEquals: like };
      }),
      mutate((_, like) => {
        (like[key(like, ":sub")] as string[]).pop();
      }),
      mutate((_, like) => {
        like[key(like, ":aud")] = "sts.amazon.com";
      }),
      mutate((st) => {
        st.Principal.Federated = st.Principal.Federated.replace("oidc.eks.", "oidc.");
      }),
      mutate((st) => {
        st.Effect = "Deny";
      }),
      mutate((st) => {
        st.Action = "sts:AssumeRole";
      }),
    ];
    for (const v of variants) expect(v).not.toEqual(base);
    // …and ignores what IAM ignores: a one-element list vs a string, key order.
    expect(
      mutate((st) => {
        st.Action = [st.Action as string];
      }),
    ).toEqual(base);
  });
});
