import { describe, expect, it } from "vitest";
import {
  matchFields,
  matchLabelSelectorObject,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "./selectors.js";
import { KubeStatusError } from "./status.js";

const labels = { app: "web", tier: "front", "app.kubernetes.io/name": "x" };

describe("label selectors", () => {
  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (db, web)", true],
    ["app notin (db,web)", false],
    ["missing notin (a)", true],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["app=web,tier in (front),app.kubernetes.io/name", true],
    ["app=web,tier=back", false],
    ["", true],
  ])("%s -> %s", (sel, want) => {
    expect(matchLabels(parseLabelSelector(sel), labels)).toBe(want);
  });
  it("rejects a malformed selector with a BadRequest Status", () => {
    expect(() => parseLabelSelector("app=we b")).toThrow(KubeStatusError);
    expect(() => parseLabelSelector("-bad-=x")).toThrow(/invalid label key/);
  });
  it("matches structured selectors (matchLabels + matchExpressions)", () => {
    expect(
      matchLabelSelectorObject(
        {
          matchLabels: { app: "web" },
          matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }],
        },
        labels,
      ),
    ).toBe(true);
    expect(
      matchLabelSelectorObject({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels),
    ).toBe(false);
  });
});

describe("field selectors", () => {
  const pod = { metadata: { name: "p1", namespace: "n" }, status: { phase: "Running" } };
  it("supports metadata.name and metadata.namespace for every kind, = and !=", () => {
    expect(matchFields(parseFieldSelector("metadata.name=p1", "Pod"), pod)).toBe(true);
    expect(matchFields(parseFieldSelector("metadata.name!=p1", "Pod"), pod)).toBe(false);
    expect(matchFields(parseFieldSelector("metadata.namespace==n,status.phase=Running", "Pod"), pod)).toBe(
      true,
    );
  });
  it("refuses unsupported field labels as kube-apiserver does", () => {
    expect(() => parseFieldSelector("spec.foo=1", "ConfigMap")).toThrow(
      "field label not supported: spec.foo",
    );
  });
});
