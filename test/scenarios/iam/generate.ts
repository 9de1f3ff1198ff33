// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is IAM policy-variable syntax, not a template
/**
 * Generated authorization cases for the differential test and the benchmark: small alphabets of callers,
 * actions, resources, wildcards and conditions, so that cases hit allow, implicit deny and explicit deny.
 * Only inputs that exist in AWS are generated (e.g. an OIDC provider lives in the role's account; a role
 * always has a trust policy).
 */
import fc from "fast-check";
import type { AuthorizeInput, ContextValue, RequestPrincipal } from "../../../src/iam/types.js";

export const A = "111111111111";
export const B = "222222222222";
export const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
export const PROVIDER = `arn:aws:iam::${A}:oidc-provider/${ISSUER}`;
const SUB = `${ISSUER}:sub`;
const AUD = `${ISSUER}:aud`;

const CALLERS: RequestPrincipal[] = [
  {
    kind: "aws",
    accountId: A,
    arn: `arn:aws:sts::${A}:assumed-role/RoleA/s1`,
    roleArn: `arn:aws:iam::${A}:role/RoleA`,
  },
  {
    kind: "aws",
    accountId: A,
    arn: `arn:aws:sts::${A}:assumed-role/RoleP/s2`,
    roleArn: `arn:aws:iam::${A}:role/team/RoleP`,
  },
  { kind: "aws", accountId: A, arn: `arn:aws:iam::${A}:user/alice` },
  {
    kind: "aws",
    accountId: B,
    arn: `arn:aws:sts::${B}:assumed-role/RoleB/s3`,
    roleArn: `arn:aws:iam::${B}:role/RoleB`,
  },
  { kind: "federated", provider: PROVIDER },
  { kind: "service", service: "ec2.amazonaws.com" },
];

const ACTIONS = [
  "sts:AssumeRole",
  "sts:AssumeRoleWithWebIdentity",
  "sts:TagSession",
  "ec2:StartInstances",
  "ec2:StopInstances",
];

const ROLE_RESOURCES = [
  `arn:aws:iam::${B}:role/Target`,
  `arn:aws:iam::${A}:role/Target`,
  `arn:aws:iam::${B}:role/ops/Deploy`,
];
const EC2_RESOURCES = [`arn:aws:ec2:eu-west-1:${B}:instance/i-1`, `arn:aws:ec2:eu-west-1:${A}:instance/i-2`];

const ACTION_PATTERNS = [
  "*",
  "sts:*",
  "sts:AssumeRole",
  "sts:assumerole",
  "sts:AssumeRole*",
  "sts:AssumeRoleWith*",
  "sts:TagSession",
  "sts:?agSession",
  "ec2:*",
  "ec2:Start*",
  "ec2:StopInstances",
  "ec2:*Instances",
  "iam:PassRole",
];

const RESOURCE_PATTERNS = [
  "*",
  // Policy variables in the resource part (AWS: "A policy variable can appear as the last part of the ARN").
  "arn:aws:iam::*:role/${aws:username}",
  `arn:aws:iam::${B}:role/ops/\${aws:SourceIdentity}`,
  `arn:aws:iam::${A}:role/\${aws:SourceIdentity, 'Target'}`,
  `arn:aws:ec2:eu-west-1:${B}:instance/i-\${aws:PrincipalTag/team}`,
  `arn:aws:iam::${B}:role/Tar\${?}et`,
  ...ROLE_RESOURCES,
  ...EC2_RESOURCES,
  `arn:aws:iam::${B}:role/*`,
  "arn:aws:iam::*:role/Target",
  `arn:aws:iam::${A}:role/Targ?t`,
  `arn:aws:iam::${B}:role/target`,
  `arn:aws:iam::${B}:role/ops/*`,
  `arn:aws:iam::${B}:*`,
  "arn:aws:ec2:*:*:instance/*",
  `arn:aws:ec2:eu-west-1:${B}:instance/i-?`,
  "arn:aws:iam::11111111111?:role/Target",
  "arn:aws:iam::*",
];

type PrincipalEntry = ["AWS" | "Federated" | "Service", string];
const PRINCIPAL_ENTRIES: PrincipalEntry[] = [
  ["AWS", "*"],
  ["AWS", `arn:aws:iam::${A}:role/RoleA`],
  ["AWS", `arn:aws:iam::${A}:role/team/RoleP`],
  ["AWS", `arn:aws:iam::${A}:role/rolea`],
  ["AWS", `arn:aws:sts::${A}:assumed-role/RoleA/s1`],
  ["AWS", `arn:aws:sts::${A}:assumed-role/RoleA/other`],
  ["AWS", A],
  ["AWS", `arn:aws:iam::${A}:root`],
  ["AWS", B],
  ["AWS", `arn:aws:iam::${B}:root`],
  ["AWS", `arn:aws:iam::${A}:user/alice`],
  ["AWS", `arn:aws:iam::${B}:role/RoleB`],
  ["Federated", PROVIDER],
  ["Federated", `arn:aws:iam::${A}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/OTHER`],
  ["Service", "ec2.amazonaws.com"],
  ["Service", "lambda.amazonaws.com"],
];

interface KeySpec {
  key: string;
  operators: string[];
  /** Set operators make sense for this key (it may be multivalued). */
  sets: boolean;
  policyValues: Array<string | number | boolean>;
  contextValues: ContextValue[];
}

const KEYS: KeySpec[] = [
  {
    key: SUB,
    operators: [
      "StringEquals",
      "StringLike",
      "StringNotEquals",
      "StringNotLike",
      "StringEqualsIgnoreCase",
      "StringNotEqualsIgnoreCase",
    ],
    sets: false,
    policyValues: [
      "system:serviceaccount:krci:edp-cd-pipeline-operator",
      "system:serviceaccount:argocd:*",
      "system:serviceaccount:krci:*",
      "system:serviceaccount:argocd:argocd-server",
      "SYSTEM:serviceaccount:krci:edp-cd-pipeline-operator",
      "system:serviceaccount:krci:edp-cd-pipeline-operato?",
      "",
      "system:serviceaccount:krci:${aws:username}",
      "system:serviceaccount:${aws:SourceIdentity, 'argocd'}:*",
      "system:serviceaccount:${aws:PrincipalTag/team}:*",
    ],
    contextValues: [
      "system:serviceaccount:krci:edp-cd-pipeline-operator",
      "system:serviceaccount:krci:other",
      "system:serviceaccount:argocd:argocd-server",
      "",
    ],
  },
  {
    key: AUD,
    operators: ["StringEquals", "StringLike", "StringNotEquals"],
    sets: false,
    policyValues: ["sts.amazonaws.com", "sts.amazon.com", "sts.*"],
    contextValues: ["sts.amazonaws.com", "sts.amazon.com"],
  },
  {
    key: "aws:PrincipalTag/team",
    operators: [
      "StringEquals",
      "StringEqualsIgnoreCase",
      "StringLike",
      "StringNotEquals",
      "StringNotLike",
      "StringNotEqualsIgnoreCase",
    ],
    sets: true,
    policyValues: [
      "blue",
      "Blue",
      "bl?e",
      "red",
      "${aws:username}",
      "${aws:SourceIdentity}",
      "${aws:userid, 'blue'}",
      "b${aws:username}*",
      "bl${?}e",
      "${aws:PrincipalAccount}",
    ],
    contextValues: ["blue", "Blue", "red", ["blue", "red"]],
  },
  {
    key: "aws:MultiFactorAuthPresent",
    operators: ["Bool"],
    sets: false,
    policyValues: ["true", "false", true, false, "TRUE"],
    contextValues: [true, false, "TRUE", "yes"],
  },
  {
    key: "aws:MultiFactorAuthAge",
    operators: [
      "NumericEquals",
      "NumericNotEquals",
      "NumericLessThan",
      "NumericLessThanEquals",
      "NumericGreaterThan",
      "NumericGreaterThanEquals",
    ],
    sets: false,
    policyValues: ["3600", "10", "0.5", 3600, "-1"],
    contextValues: [10, "3600", "7200", "abc", 0.5],
  },
  {
    key: "aws:CurrentTime",
    operators: [
      "DateEquals",
      "DateNotEquals",
      "DateLessThan",
      "DateLessThanEquals",
      "DateGreaterThan",
      "DateGreaterThanEquals",
    ],
    sets: false,
    policyValues: ["2025-01-01T00:00:00Z", "2024-06-01T12:00:00Z", "2025-01-01", "2025-01-01T02:00:00+02:00"],
    contextValues: [
      "2024-12-31T23:59:59Z",
      "2025-01-01T00:00:00Z",
      "2025-06-01T00:00:00Z",
      "2025-01-01T01:00:00.000+01:00",
      "tomorrow",
    ],
  },
  {
    key: "aws:SourceIp",
    operators: ["IpAddress", "NotIpAddress"],
    sets: false,
    policyValues: ["10.0.0.0/8", "192.168.1.1", "10.1.0.0/16", "2001:db8::/32"],
    contextValues: ["10.1.2.3", "192.168.1.1", "172.16.0.1", "2001:db8::1", "2001:db9::1"],
  },
  {
    key: "aws:TagKeys",
    operators: ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike"],
    sets: true,
    policyValues: ["env", "team", "cost*", "${aws:username}", "${aws:PrincipalTag/team, 'env'}", "cost${*}"],
    contextValues: [["env"], ["env", "team"], ["cost-center", "env"], [], "env"],
  },
  {
    key: "aws:SourceArn",
    operators: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    sets: true,
    policyValues: [
      `arn:aws:iam::${A}:role/*`,
      "arn:aws:iam::*:role/RoleA",
      `arn:aws:ec2:*:${B}:instance/i-?`,
      `arn:aws:iam::${A}:user/\${aws:username}`,
      `arn:aws:iam::${A}:role/\${aws:SourceIdentity, 'RoleA'}`,
      `arn:aws:ec2:*:${B}:instance/i-\${aws:userid}`,
    ],
    contextValues: [
      `arn:aws:iam::${A}:role/RoleA`,
      `arn:aws:ec2:eu-west-1:${B}:instance/i-1`,
      "not-an-arn",
      `arn:aws:iam::${A}:user/alice`,
    ],
  },
  // Keys that policy variables name (their values never empty: an empty value is not generated, see
  // DISAGREEMENTS.md).
  {
    key: "aws:username",
    operators: ["StringEquals", "StringNotEquals", "StringLike"],
    sets: false,
    policyValues: ["alice", "${aws:SourceIdentity}", "${aws:username}"],
    contextValues: ["alice", "Target", "blue"],
  },
  {
    key: "aws:SourceIdentity",
    operators: ["StringEquals", "StringNotLike", "StringNotEqualsIgnoreCase"],
    sets: false,
    policyValues: ["Deploy", "${aws:username}", "${aws:PrincipalTag/team, 'admin'}"],
    contextValues: ["Deploy", "admin", "alice", "RoleA", "krci"],
  },
  {
    key: "aws:userid",
    operators: ["StringLike", "StringNotEquals"],
    sets: false,
    policyValues: ["AIDA*", "${aws:username}"],
    contextValues: ["1", "blue", "AIDAEXAMPLE"],
  },
  {
    key: "aws:PrincipalAccount",
    operators: ["StringEquals", "StringNotEquals"],
    sets: false,
    policyValues: [A, "${aws:PrincipalAccount}"],
    contextValues: [A, B],
  },
  {
    key: "aws:RequestTag/blob",
    operators: ["BinaryEquals"],
    sets: false,
    policyValues: ["QmluYXJ5", "b3RoZXI="],
    contextValues: ["QmluYXJ5", "b3RoZXI="],
  },
];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

/** A string or (sometimes) an array of 1–2 strings. */
function oneOrMany<T>(pool: readonly T[]): fc.Arbitrary<T | T[]> {
  return fc.oneof(pick(pool), fc.uniqueArray(pick(pool), { minLength: 1, maxLength: 2 }));
}

const casedKey = (key: string) => fc.constantFrom(key, key.toLowerCase(), key.toUpperCase());

interface GeneratedCondition {
  operator: string;
  key: string;
  values: unknown;
}

const valueConditionArb: fc.Arbitrary<GeneratedCondition> = pick(KEYS).chain((spec) =>
  fc
    .record({
      key: casedKey(spec.key),
      base: pick(spec.operators),
      set: spec.sets ? fc.constantFrom("", "", "ForAnyValue:", "ForAllValues:") : fc.constant(""),
      ifExists: fc.boolean(),
      values: oneOrMany(spec.policyValues),
    })
    .map((c) => ({
      operator: `${c.set}${c.base}${c.ifExists ? "IfExists" : ""}`,
      key: c.key,
      values: c.values,
    })),
);

const nullConditionArb: fc.Arbitrary<GeneratedCondition> = fc.record({
  operator: fc.constant("Null"),
  key: pick(KEYS).chain((spec) => casedKey(spec.key)),
  values: fc.constantFrom<unknown>("true", "false", true, false, ["true", "false"]),
});

const conditionArb = fc.oneof(
  { weight: 8, arbitrary: valueConditionArb },
  { weight: 1, arbitrary: nullConditionArb },
);

const conditionBlockArb = fc
  .oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.array(conditionArb, { minLength: 1, maxLength: 2 }) },
  )
  .map((conds) => {
    const block: Record<string, Record<string, unknown>> = {};
    for (const c of conds) {
      block[c.operator] ??= {};
      (block[c.operator] as Record<string, unknown>)[c.key] = c.values;
    }
    return block;
  });

/** What makes a statement likely to apply to this case's request, to hit allows as often as denies. */
interface Bias {
  actions: string[];
  resources: string[];
  principals: PrincipalEntry[];
}

function biased<T>(pool: readonly T[], favourites: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: pick(pool) }, { weight: 2, arbitrary: pick(favourites) });
}

function oneOrManyBiased<T>(pool: readonly T[], favourites: readonly T[]): fc.Arbitrary<T | T[]> {
  const one = biased(pool, favourites);
  return fc.oneof(one, fc.uniqueArray(one, { minLength: 1, maxLength: 2 }));
}

function principalArb(bias: Bias): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant("*") },
    {
      weight: 6,
      arbitrary: fc
        .uniqueArray(biased(PRINCIPAL_ENTRIES, bias.principals), { minLength: 1, maxLength: 3 })
        .chain((entries) =>
          fc.boolean().map((asArray) => {
            const out: Record<string, string | string[]> = {};
            for (const [type, value] of entries) {
              const prev = out[type];
              out[type] = prev === undefined ? (asArray ? [value] : value) : [...[prev].flat(), value];
            }
            return out;
          }),
        ),
    },
  );
}

function statementArb(kind: "identity" | "resource", bias: Bias): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      effect: fc.constantFrom("Allow", "Allow", "Allow", "Deny"),
      notAction: fc.constantFrom(false, false, false, false, true),
      actions: oneOrManyBiased(ACTION_PATTERNS, bias.actions),
      resourceMode:
        kind === "identity"
          ? fc.constantFrom("Resource", "Resource", "Resource", "NotResource")
          : fc.constantFrom("none", "none", "Resource", "NotResource"),
      resources: oneOrManyBiased(RESOURCE_PATTERNS, bias.resources),
      notPrincipal: fc.constantFrom(false, false, false, false, false, true),
      principal: principalArb(bias),
      condition: conditionBlockArb,
      sid: fc.constantFrom(undefined, "Stmt1", ""),
    })
    .map((s) => {
      const out: Record<string, unknown> = {};
      if (s.sid !== undefined) out.Sid = s.sid;
      out.Effect = s.effect;
      if (kind === "resource") out[s.notPrincipal ? "NotPrincipal" : "Principal"] = s.principal;
      out[s.notAction ? "NotAction" : "Action"] = s.actions;
      if (s.resourceMode !== "none") out[s.resourceMode] = s.resources;
      if (Object.keys(s.condition).length > 0) out.Condition = s.condition;
      return out;
    });
}

function policyArb(kind: "identity" | "resource", bias: Bias): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(statementArb(kind, bias), { minLength: 1, maxLength: 3 }).chain((statements) =>
    fc.boolean().map((single) => ({
      Version: "2012-10-17",
      Statement: single && statements.length === 1 ? statements[0] : statements,
    })),
  );
}

const contextArb: fc.Arbitrary<Record<string, ContextValue>> = fc
  .tuple(...KEYS.map((k) => fc.option(pick(k.contextValues), { freq: 3 })))
  .map((values) => {
    const out: Record<string, ContextValue> = {};
    values.forEach((v, i) => {
      if (v !== null) out[i % 3 === 0 ? KEYS[i]!.key.toLowerCase() : KEYS[i]!.key] = v;
    });
    return out;
  });

function accountOf(arn: string): string {
  return arn.split(":")[4] ?? "";
}

function favouritePrincipals(caller: RequestPrincipal): PrincipalEntry[] {
  switch (caller.kind) {
    case "aws":
      return [
        ["AWS", caller.roleArn ?? caller.arn],
        ["AWS", caller.accountId],
        ["AWS", "*"],
      ];
    case "federated":
      return [["Federated", caller.provider]];
    case "service":
      return [["Service", caller.service]];
  }
}

/** One generated authorization case. */
export const caseArb: fc.Arbitrary<AuthorizeInput> = fc
  .record({
    caller: pick(CALLERS),
    action: pick(ACTIONS),
    roleResource: pick(ROLE_RESOURCES),
    ec2Resource: pick(EC2_RESOURCES),
  })
  .chain(({ caller, action, roleResource, ec2Resource }) => {
    const sts = action.startsWith("sts:");
    let resource = sts ? roleResource : ec2Resource;
    // An OIDC provider and the roles that trust it live in one account.
    if (caller.kind === "federated") resource = sts ? `arn:aws:iam::${A}:role/Target` : EC2_RESOURCES[1]!;
    const bias: Bias = {
      actions: [action, `${action.split(":")[0]}:*`, "*"],
      resources: [resource, "*"],
      principals: favouritePrincipals(caller),
    };
    return fc
      .record({
        identity: fc.array(policyArb("identity", bias), { maxLength: 2 }),
        resourcePolicy: fc.option(policyArb("resource", bias), { freq: 5 }),
        trust: policyArb("resource", bias),
        context: contextArb,
      })
      .map((c) => {
        // A role always has a trust policy.
        const resourcePolicy = sts ? c.trust : (c.resourcePolicy ?? undefined);
        const input: AuthorizeInput = {
          request: { principal: caller, action, resource, context: c.context },
          identityPolicies:
            caller.kind === "aws"
              ? c.identity.map((document, i) => ({ name: `inline:p${i}`, document }))
              : [],
          resourceAccount: accountOf(resource),
        };
        if (resourcePolicy) input.resourcePolicy = { name: `trust:${resource}`, document: resourcePolicy };
        return input;
      });
  });
