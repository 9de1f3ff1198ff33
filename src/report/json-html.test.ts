import { describe, expect, it } from "vitest";
import { policyToHtml } from "./json-html.js";

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

const KEY = "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud";
const doc = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:role/A" }, Action: "sts:AssumeRole" },
    {
      Sid: "Web<script>",
      Effect: "Allow",
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [KEY.toUpperCase()]: "sts.amazonaws.com", "x:sub": ["a", "b"] } },
    },
  ],
};

describe("policyToHtml", () => {
  it("prints the same text as JSON.stringify(doc, null, 2), escaped", () => {
    const html = policyToHtml(doc);
    expect(text(html)).toBe(JSON.stringify(doc, null, 2));
    expect(html).not.toContain("<script>");
    expect(html).toContain("Web&lt;script&gt;");
  });

  it("marks the decided statement and its condition key (case-insensitively), and nothing else", () => {
    const html = policyToHtml(
      doc,
      new Map([[1, { id: "s1", title: "decided x", conditionKeys: new Set([KEY]) }]]),
    );
    expect(text(html)).toBe(JSON.stringify(doc, null, 2));
    expect(html.match(/<mark class="decided" id="s1"/g)).toHaveLength(1);
    const cond = html.match(/<mark class="decided-cond">(.*?)<\/mark>/s);
    expect(text(cond![1]!)).toBe(`"${KEY.toUpperCase()}": "sts.amazonaws.com"`);
    expect(html.match(/<mark/g)).toHaveLength(2);
    // The statement mark holds statement 1 only.
    const stmt = html.match(/<mark class="decided"[^>]*>(.*)<\/mark>/s)![1]!;
    expect(text(stmt)).toContain("Web<script>");
    expect(text(stmt)).not.toContain("arn:aws:iam::1:role/A");
  });

  it("marks a single-object Statement", () => {
    const single = { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*" } };
    const html = policyToHtml(
      single,
      new Map([[0, { id: "s0", title: "t", conditionKeys: new Set<string>() }]]),
    );
    expect(html).toContain('<mark class="decided" id="s0"');
    expect(text(html)).toBe(JSON.stringify(single, null, 2));
  });

  it("ignores highlights for statements that do not exist", () => {
    const html = policyToHtml(doc, new Map([[7, { id: "s7", title: "t", conditionKeys: new Set([KEY]) }]]));
    expect(html).not.toContain("<mark");
  });
});
