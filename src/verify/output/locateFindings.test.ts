import { describe, expect, it } from "vitest";
import type { Finding } from "../types.js";
import { bundleLocator, configLocator } from "./locateFindings.js";

const finding = (over: Partial<Finding>): Finding => ({
  code: "XIRSA-TEST",
  severity: "error",
  message: "m",
  resource: "r",
  remediation: "fix",
  ...over,
});

const SECRETS = `apiVersion: v1
kind: Secret
metadata:
  name: other
stringData:
  server: https://a
---
apiVersion: v1
kind: Secret
metadata:
  name: prod
stringData:
  server: https://b
`;

describe("bundleLocator", () => {
  const files = new Map([
    ["k8s:krci-main/argocd/Secret/prod", "k8s/secrets.yaml"],
    ["eks:workloads-prod/access-entries", "aws/access-entries.json"],
    ["bundle:MANIFEST.json", "MANIFEST.json"],
  ]);
  const texts: Record<string, string> = {
    "k8s/secrets.yaml": SECRETS,
    "aws/access-entries.json": `[\n  {\n    "principalArn": "arn:aws:iam::2:role/A"\n  }\n]\n`,
  };
  const locate = bundleLocator({ files, text: (rel) => texts[rel], uri: (rel) => `bundle/${rel}` });

  it("points at the field of the document named by the resource (data. read as the bundle's stringData.)", () => {
    const f = finding({
      resource: "k8s:krci-main/argocd/Secret/prod",
      location: { resource: "k8s:krci-main/argocd/Secret/prod", jsonPath: "data.server" },
    });
    expect(locate(f)).toEqual({ uri: "bundle/k8s/secrets.yaml", startLine: 13 });
  });

  it("finds an access entry in its cluster's file by the principal, and falls back to the manifest", () => {
    expect(locate(finding({ resource: "eks:workloads-prod/access-entry/arn:aws:iam::2:role/A" }))).toEqual({
      uri: "bundle/aws/access-entries.json",
      startLine: 3,
    });
    // A file that could not be read is named without a line.
    expect(locate(finding({ resource: "iam:role/x" }))).toEqual({ uri: "bundle/MANIFEST.json" });
  });
});

describe("configLocator", () => {
  it("points a chain's finding at its target's name, others at the top", () => {
    const locate = configLocator("name: dev\ntargets:\n  - name: prod\n    accountId: '2'\n", "xirsa.yaml");
    expect(locate(finding({ chain: "prod/argocd" }))).toEqual({ uri: "xirsa.yaml", startLine: 3 });
    expect(locate(finding({}))).toEqual({ uri: "xirsa.yaml", startLine: 1 });
  });
});
