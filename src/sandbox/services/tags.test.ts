import { describe, expect, it } from "vitest";
import { AwsApiError } from "../protocol/errors.js";
import { checkTags, type TagRefusals, type TagRule } from "./tags.js";

/** Refusals that name the rule, so each case can say which rule fired. */
const refused = (rule: TagRule) => () => new AwsApiError("Refused", rule);
const byRule: TagRefusals = {
  count: refused("count"),
  key: refused("key"),
  value: refused("value"),
  reserved: refused("reserved"),
  duplicate: refused("duplicate"),
};

const ruleOf = (tags: { Key: string; Value: string }[]): TagRule | "ok" => {
  try {
    checkTags(tags, byRule);
    return "ok";
  } catch (e) {
    return (e as AwsApiError).message as TagRule;
  }
};

describe("checkTags", () => {
  it("accepts IAM's tag characters and returns the lower-cased keys", () => {
    expect([...checkTags([{ Key: "Team", Value: "a b:c/d=e+f-g@h_" }], byRule)]).toEqual(["team"]);
  });
  it("refuses each broken rule with the service's refusal for that rule", () => {
    expect(ruleOf(Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "" })))).toBe("count");
    expect(ruleOf([{ Key: "bad*key", Value: "" }])).toBe("key");
    expect(ruleOf([{ Key: "", Value: "" }])).toBe("key");
    expect(ruleOf([{ Key: "k", Value: "bad#value" }])).toBe("value");
    expect(ruleOf([{ Key: "AWS:x", Value: "" }])).toBe("reserved");
    expect(
      ruleOf([
        { Key: "Team", Value: "a" },
        { Key: "team", Value: "b" },
      ]),
    ).toBe("duplicate");
    expect(ruleOf(Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "" })))).toBe("ok");
  });
});
