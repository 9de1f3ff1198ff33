/** A config for the agent's unit tests (two targets: plain cluster-admin, and Capsule with namespaced access). */
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";

type Doc = { source: Record<string, unknown>; targets: Record<string, unknown>[] } & Record<string, unknown>;

export const CA_DATA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString(
  "base64",
);

export function testConfig(mutate?: (doc: Doc) => void): Config {
  const doc: Doc = {
    name: "dev",
    source: { accountId: "111111111111", region: "eu-central-1", cluster: "krci-main", profile: "admin-a" },
    targets: [
      {
        name: "prod",
        accountId: "222222222222",
        region: "eu-west-1",
        cluster: "workloads",
        endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
        caData: CA_DATA,
        profile: "admin-b",
      },
      {
        name: "tenants",
        accountId: "333333333333",
        region: "us-east-1",
        cluster: "shared",
        access: "namespaced",
        capsule: { tenant: "krci", group: "cd-pipeline-operator" },
      },
    ],
  };
  mutate?.(doc);
  return parseConfig(doc);
}
