import { describe, expect, it } from "vitest";
import type { PrincipalEntry } from "./policy.js";
import { compilePrincipal, describeCaller, describeEntry } from "./principal.js";
import type { RequestPrincipal } from "./types.js";

const A = "111111111111";
const session: RequestPrincipal = {
  kind: "aws",
  accountId: A,
  arn: `arn:aws:sts::${A}:assumed-role/Deployer/ci`,
  roleArn: `arn:aws:iam::${A}:role/platform/Deployer`,
};
const user: RequestPrincipal = { kind: "aws", accountId: A, arn: `arn:aws:iam::${A}:user/alice` };
const web: RequestPrincipal = {
  kind: "federated",
  provider: `arn:aws:iam::${A}:oidc-provider/oidc.example/id/X`,
};
const svc: RequestPrincipal = { kind: "service", service: "ec2.amazonaws.com" };

const aws = (value: string): PrincipalEntry => ({ type: "AWS", value });

describe("compilePrincipal", () => {
  it.each([
    [[{ type: "*", value: "*" }], session, "direct"],
    [[aws("*")], web, "direct"],
    [[aws("*")], svc, "direct"],
    [[aws(A)], session, "account"],
    [[aws(`arn:aws:iam::${A}:root`)], user, "account"],
    [[aws("222222222222")], session, "none"],
    [[aws(A)], web, "unsettled"],
    [[aws(`arn:aws:iam::${A}:root`)], web, "unsettled"],
    [[aws("222222222222")], web, "none"],
    [[aws(A), { type: "Federated", value: web.kind === "federated" ? web.provider : "" }], web, "direct"],
    [[aws(`arn:aws:iam::${A}:role/platform/Deployer`)], session, "direct"],
    [[aws(`arn:aws:iam::${A}:role/Deployer`)], session, "direct"],
    [[aws(`arn:aws:iam::${A}:role/Other`)], session, "none"],
    [[aws(`arn:aws:sts::${A}:assumed-role/Deployer/ci`)], session, "direct"],
    [[aws(`arn:aws:sts::${A}:assumed-role/Deployer/other`)], session, "none"],
    [[aws(`arn:aws:iam::${A}:user/alice`)], user, "direct"],
    [[aws(`arn:aws:iam::${A}:user/alice`)], session, "none"],
    [[aws("AROAEXAMPLEID12345678")], session, "none"],
    [[aws(A), aws(`arn:aws:iam::${A}:role/Deployer`)], session, "direct"],
    [[{ type: "Federated", value: web.kind === "federated" ? web.provider : "" }], web, "direct"],
    [[{ type: "Federated", value: "accounts.google.com" }], web, "none"],
    [[{ type: "Service", value: "ec2.amazonaws.com" }], svc, "direct"],
    [[{ type: "Service", value: "ec2.amazonaws.com" }], session, "none"],
    [[{ type: "CanonicalUser", value: "79a59df900b949e55d96a1e698fbaced" }], user, "none"],
  ] as Array<[PrincipalEntry[], RequestPrincipal, string]>)("%j vs %j → %s", (entries, caller, want) => {
    expect(compilePrincipal(entries, false)(caller)).toBe(want);
  });

  it("NotPrincipal applies to everyone it does not name, account-level naming included", () => {
    expect(compilePrincipal([aws(`arn:aws:iam::${A}:role/Deployer`)], true)(session)).toBe("none");
    expect(compilePrincipal([aws(`arn:aws:iam::${A}:role/Deployer`)], true)(user)).toBe("direct");
    expect(compilePrincipal([aws(A)], true)(user)).toBe("none");
    expect(compilePrincipal([aws(A)], true)(svc)).toBe("direct");
  });

  it("NotPrincipal naming a web identity's account leaves the match unsettled", () => {
    expect(compilePrincipal([aws(A)], true)(web)).toBe("unsettled");
    expect(compilePrincipal([aws("222222222222")], true)(web)).toBe("direct");
  });

  it("describes callers and entries for explanations", () => {
    expect(describeCaller(session)).toBe(`arn:aws:sts::${A}:assumed-role/Deployer/ci`);
    expect(describeCaller(web)).toBe(`arn:aws:iam::${A}:oidc-provider/oidc.example/id/X`);
    expect(describeCaller(svc)).toBe("ec2.amazonaws.com");
    expect(describeEntry(aws(A))).toBe(A);
    expect(describeEntry({ type: "Service", value: "ec2.amazonaws.com" })).toBe("Service:ec2.amazonaws.com");
  });
});
