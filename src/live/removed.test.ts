import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { desiredState } from "../topology/index.js";
import { inventoryRecord } from "./inventory.js";
import { planRemoved, removedTargets } from "./removed.js";

const full = loadConfig(join(import.meta.dirname, "..", "..", "examples", "multi-target.yaml"));
const prod = full.targets.find((t) => t.name === "prod")!;
const record = inventoryRecord(full, prod, desiredState(full).state);
const stagingOnly = { ...full, targets: full.targets.filter((t) => t.name === "staging") };

describe("removed targets", () => {
  it("are the inventory's targets the config no longer has; removed: gives their credentials", () => {
    expect(removedTargets(stagingOnly, [record]).map((t) => [t.record.name, t.from])).toEqual([
      ["prod", "inventory"],
    ]);
    const withProfile = {
      ...stagingOnly,
      removed: [
        {
          name: "prod",
          accountId: prod.accountId,
          region: prod.region,
          cluster: prod.cluster,
          profile: "prod-admin",
        },
      ],
    };
    const [t] = removedTargets(withProfile, [record]);
    expect(t!.from).toBe("inventory+config");
    expect(t!.record.profile).toBe("prod-admin");
    expect(t!.record.roles).toEqual(record.roles);
    // Not known to the inventory (applied before it existed): the names xirsa would have used.
    const [derived] = removedTargets(withProfile, []);
    expect(derived!.record.roles).toEqual([
      "arn:aws:iam::333333333333:role/AWSIRSA_platform_CDPipelineAgent",
      "arn:aws:iam::333333333333:role/AWSIRSA_platform_ArgoCDAgentAccess",
    ]);
    // A target still in the config is not removed.
    expect(removedTargets(full, [record])).toEqual([]);
  });

  it("without credentials, lists what the inventory says is left, blocked, with the commands", () => {
    const want = desiredState(stagingOnly).state;
    const { changes } = planRemoved(
      stagingOnly,
      {
        targets: [{ record, from: "inventory", problem: "no working credentials (profile p)" }],
        state: { roles: [], oidcProviders: [], clusters: [] },
      },
      want,
      { configFile: "x.yaml" },
    );
    expect(changes.map((c) => `${c.kind} ${c.id}`)).toEqual([
      "IamRole arn:aws:iam::333333333333:role/AWSIRSA_platform_CDPipelineAgent",
      "IamRole arn:aws:iam::333333333333:role/AWSIRSA_platform_ArgoCDAgentAccess",
      "AccessEntry arn:aws:iam::333333333333:role/AWSIRSA_platform_CDPipelineAgent",
      "AccessEntry arn:aws:iam::333333333333:role/AWSIRSA_platform_ArgoCDAgentAccess",
      "CapsuleConfiguration default",
      "Tenant krci",
    ]);
    expect(changes.every((c) => c.blocked?.unreachableAccount === "333333333333")).toBe(true);
    expect(changes[0]!.blocked!.fix).toContain("xirsa destroy --config x.yaml --target prod");
    expect(changes[0]!.blocked!.fix).toContain(
      "aws eks delete-access-entry --cluster-name workloads-prod --principal-arn arn:aws:iam::333333333333:role/AWSIRSA_platform_CDPipelineAgent --region us-east-1",
    );
  });
});
