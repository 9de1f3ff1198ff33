import { describe, expect, it } from "vitest";
import {
  accountOfRootArn,
  compileArnPattern,
  isAccountId,
  parseArn,
  parseRoleArn,
  parseRoleSessionArn,
  roleArnOfSession,
  sessionBelongsToRole,
} from "./arn.js";

describe("parseArn", () => {
  it("splits the six parts, keeping colons in the resource", () => {
    expect(parseArn("arn:aws:logs:eu-west-1:111111111111:log-group:/aws/eks:*")).toEqual({
      partition: "aws",
      service: "logs",
      region: "eu-west-1",
      account: "111111111111",
      resource: "log-group:/aws/eks:*",
    });
  });
  it.each(["", "*", "aws:iam::1:role/x", "arn:aws:iam::1", "arn::iam::1:role/x", "arn:aws::::x"])(
    "refuses %j",
    (v) => {
      expect(parseArn(v)).toBeUndefined();
    },
  );
});

describe("accounts", () => {
  it("recognises 12-digit ids and root ARNs", () => {
    expect(isAccountId("111111111111")).toBe(true);
    expect(isAccountId("11111111111")).toBe(false);
    expect(accountOfRootArn("arn:aws:iam::111111111111:root")).toBe("111111111111");
    expect(accountOfRootArn("arn:aws-cn:iam::111111111111:root")).toBe("111111111111");
    expect(accountOfRootArn("arn:aws:iam::111111111111:user/root")).toBeUndefined();
    expect(accountOfRootArn("arn:aws:sts::111111111111:root")).toBeUndefined();
  });
});

describe("roles and sessions", () => {
  const session = "arn:aws:sts::111111111111:assumed-role/Deployer/ci-run-7";
  it("parses role session ARNs", () => {
    expect(parseRoleSessionArn(session)).toEqual({
      partition: "aws",
      account: "111111111111",
      roleName: "Deployer",
      sessionName: "ci-run-7",
    });
    expect(parseRoleSessionArn("arn:aws:sts::111111111111:assumed-role/Deployer")).toBeUndefined();
    expect(parseRoleSessionArn("arn:aws:iam::111111111111:role/Deployer")).toBeUndefined();
  });
  it("parses role ARNs with paths", () => {
    expect(parseRoleArn("arn:aws:iam::111111111111:role/platform/ci/Deployer")).toEqual({
      partition: "aws",
      account: "111111111111",
      name: "Deployer",
      path: "/platform/ci/",
    });
    expect(parseRoleArn("arn:aws:iam::111111111111:role/Deployer")?.path).toBe("/");
    expect(parseRoleArn("arn:aws:iam::111111111111:user/Deployer")).toBeUndefined();
  });
  it("a session belongs to its role, whatever the path and the case of the name", () => {
    expect(sessionBelongsToRole(session, "arn:aws:iam::111111111111:role/Deployer")).toBe(true);
    expect(sessionBelongsToRole(session, "arn:aws:iam::111111111111:role/platform/Deployer")).toBe(true);
    expect(sessionBelongsToRole(session, "arn:aws:iam::111111111111:role/deployer")).toBe(true);
    expect(sessionBelongsToRole(session, "arn:aws:iam::222222222222:role/Deployer")).toBe(false);
    expect(sessionBelongsToRole(session, "arn:aws-cn:iam::111111111111:role/Deployer")).toBe(false);
    expect(sessionBelongsToRole(session, "arn:aws:iam::111111111111:role/Deployer2")).toBe(false);
    expect(sessionBelongsToRole(session, "arn:aws:iam::111111111111:user/Deployer")).toBe(false);
  });
  it("derives the role ARN of a session", () => {
    expect(roleArnOfSession(session)).toBe("arn:aws:iam::111111111111:role/Deployer");
    expect(roleArnOfSession("arn:aws:iam::111111111111:user/x")).toBeUndefined();
  });
});

describe("compileArnPattern", () => {
  const role = "arn:aws:iam::111111111111:role/ops/Deploy";
  it.each([
    ["*", role, true],
    [role, role, true],
    ["arn:aws:iam::111111111111:role/ops/deploy", role, false],
    ["arn:aws:iam::111111111111:role/*", role, true],
    ["arn:aws:iam::*:role/ops/Deploy", role, true],
    ["arn:aws:iam::11111111111?:role/ops/Deploy", role, true],
    ["arn:aws:iam::1111111111?:role/ops/Deploy", role, false],
    ["arn:aws:iam::*", role, true],
    ["arn:aws:iam::111111111111:*", role, true],
    ["arn:aws:sts::*", role, false],
    ["arn:aws:iam::111111111111", role, false],
    ["arn:aws:*:111111111111:role/ops/Deploy", role, false],
    ["arn:aws:sns:*:123456789012:my-topic", "arn:aws:sns:eu-west-1:extra:123456789012:my-topic", false],
    ["arn:aws:logs:*:*:log-group:/aws/*", "arn:aws:logs:eu-west-1:1:log-group:/aws/eks:log-stream:x", true],
  ])("%j vs %j is %s", (pattern, value, want) => {
    expect(compileArnPattern(pattern)(value)).toBe(want);
  });
});
