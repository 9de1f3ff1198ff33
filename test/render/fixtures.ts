/** Configs for render tests beyond the examples: shapes the examples do not cover. */
import { parseConfig } from "../../src/config/load.js";
import type { Config, ConfigInput } from "../../src/config/schema.js";

export const ISSUER = "https://oidc.eks.eu-central-1.amazonaws.com/id/5C1E3F0A9B7D4E2A8F6C0B1D3E5A7C9F";

export function config(input: Partial<ConfigInput> & Pick<ConfigInput, "targets">): Config {
  return parseConfig({
    name: "edge",
    source: { accountId: "111111111111", region: "eu-central-1", cluster: "main", oidcIssuer: ISSUER },
    ...input,
  });
}

/**
 * Two targets in one account but different regions (an aliased provider), a target in the source account, a
 * cluster name used twice, an IAM path, a permissions boundary, profiles and contexts, tags with IAM's punctuation.
 */
export const edgeConfig: Config = config({
  path: "/xirsa/",
  permissionsBoundary: "arn:aws:iam::{account}:policy/boundary",
  tags: { "cost-center": "a/b = c@d: é", team: "ops+dev" },
  source: {
    accountId: "111111111111",
    region: "eu-central-1",
    cluster: "main",
    oidcIssuer: ISSUER,
    profile: "acct-a",
    kubeContext: "ctx-a",
  },
  targets: [
    {
      name: "west",
      accountId: "222222222222",
      region: "eu-west-1",
      cluster: "main",
      endpoint: "https://west.example.com",
      profile: "acct-b",
      kubeContext: "ctx-west",
      access: "namespaced",
      namespaces: "team-*",
    },
    {
      name: "east",
      accountId: "222222222222",
      region: "us-east-1",
      cluster: "apps",
      endpoint: "https://east.example.com",
      capsule: { tenant: "t1", group: "g1" },
    },
    {
      name: "same-account",
      accountId: "111111111111",
      region: "eu-central-1",
      cluster: "other",
      endpoint: "https://other.example.com",
    },
  ],
});
