import { describe, expect, it } from "vitest";
import {
  eksDefaultUsername,
  issuerHostPath,
  oidcProviderArn,
  partitionOf,
  REGION,
  roleArn,
  roleNameOf,
} from "./index.js";

describe("issuerHostPath", () => {
  it("drops the scheme and trailing slashes, keeps the path", () => {
    expect(issuerHostPath("https://oidc.eks.eu-central-1.amazonaws.com/id/ABC")).toBe(
      "oidc.eks.eu-central-1.amazonaws.com/id/ABC",
    );
    expect(issuerHostPath("https://oidc.eks.eu-central-1.amazonaws.com/id/ABC/")).toBe(
      "oidc.eks.eu-central-1.amazonaws.com/id/ABC",
    );
    expect(issuerHostPath("https://127.0.0.1:8443/issuer//")).toBe("127.0.0.1:8443/issuer");
  });

  it("keeps an issuer given without its scheme, and a scheme other than https", () => {
    expect(issuerHostPath("oidc.example.com/id/X")).toBe("oidc.example.com/id/X");
    expect(issuerHostPath("http://oidc.example.com")).toBe("http://oidc.example.com");
  });

  it("the provider ARN uses it", () => {
    expect(oidcProviderArn("aws-cn", "111111111111", "https://oidc.example.com/id/X/")).toBe(
      "arn:aws-cn:iam::111111111111:oidc-provider/oidc.example.com/id/X",
    );
  });
});

describe("roleNameOf", () => {
  it("the name of a role ARN, its path dropped, in any partition", () => {
    expect(roleNameOf("arn:aws:iam::111111111111:role/Agent")).toBe("Agent");
    expect(roleNameOf("arn:aws-us-gov:iam::111111111111:role/team/ci/Agent")).toBe("Agent");
    expect(roleNameOf(roleArn("aws", "111111111111", "/x/", "Agent"))).toBe("Agent");
  });

  it("nothing for what is not a role ARN", () => {
    expect(roleNameOf("arn:aws:iam::111111111111:user/alice")).toBeUndefined();
    expect(roleNameOf("arn:aws:sts::111111111111:assumed-role/Agent/s")).toBeUndefined();
    expect(roleNameOf("arn:aws:iam::111111111111:role/")).toBeUndefined();
    expect(roleNameOf("Agent")).toBeUndefined();
  });
});

describe("eksDefaultUsername", () => {
  it("a role: its session ARN template, path dropped, partition kept", () => {
    expect(eksDefaultUsername("arn:aws:iam::222222222222:role/Agent")).toBe(
      "arn:aws:sts::222222222222:assumed-role/Agent/{{SessionName}}",
    );
    expect(eksDefaultUsername("arn:aws:iam::222222222222:role/team/Agent")).toBe(
      "arn:aws:sts::222222222222:assumed-role/Agent/{{SessionName}}",
    );
    expect(eksDefaultUsername("arn:aws-cn:iam::222222222222:role/Agent")).toBe(
      "arn:aws-cn:sts::222222222222:assumed-role/Agent/{{SessionName}}",
    );
  });

  it("a user (or anything else) keeps its ARN; node entries are named after the node", () => {
    expect(eksDefaultUsername("arn:aws:iam::222222222222:user/alice")).toBe(
      "arn:aws:iam::222222222222:user/alice",
    );
    expect(eksDefaultUsername("arn:aws:iam::bad:role/Agent")).toBe("arn:aws:iam::bad:role/Agent");
    expect(eksDefaultUsername("arn:aws:iam::222222222222:role/Node", "EC2_LINUX")).toBe(
      "system:node:{{EC2PrivateDNSName}}",
    );
    expect(eksDefaultUsername("arn:aws:iam::222222222222:role/Node", "EC2_WINDOWS")).toBe(
      "system:node:{{EC2PrivateDNSName}}",
    );
    expect(eksDefaultUsername("arn:aws:iam::222222222222:role/Agent", "STANDARD")).toBe(
      "arn:aws:sts::222222222222:assumed-role/Agent/{{SessionName}}",
    );
  });
});

describe("partitions", () => {
  it("each partition's regions", () => {
    expect(
      ["us-east-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1"].map(partitionOf),
    ).toEqual(["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"]);
    for (const r of ["eu-central-1", "cn-northwest-1", "us-gov-east-1", "us-isob-east-1"])
      expect(r).toMatch(REGION);
    for (const r of ["eu-central", "EU-central-1", "eu-central-1a"]) expect(r).not.toMatch(REGION);
  });
});
