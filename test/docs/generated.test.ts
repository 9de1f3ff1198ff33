/** docs/hops-and-findings.md is generated from the code; the committed file must be what the code generates. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { generateHopsAndFindings, HOPS_AND_FINDINGS, readHopSources } from "../../src/docs/files.js";
import { escapeMarkdown, hopDocs, renderHopsAndFindings } from "../../src/docs/hopsAndFindings.js";
import { CATALOGUE } from "../../src/verify/catalogue.js";
import { HOP_IDS } from "../../src/verify/types.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

describe("docs/hops-and-findings.md", () => {
  const committed = readFileSync(join(ROOT, HOPS_AND_FINDINGS), "utf8");

  it("is what the code generates (run npm run docs)", () => {
    const generated = generateHopsAndFindings(ROOT);
    // A plain boolean first, so that the failure says what to do rather than only showing a long diff.
    expect(generated === committed, `${HOPS_AND_FINDINGS} is stale: run npm run docs and commit it`).toBe(
      true,
    );
  });

  it("has a section for every finding code and every hop, hops in verify's order", () => {
    for (const e of CATALOGUE) expect(committed).toContain(`\n### ${e.code}\n`);
    const positions = HOP_IDS.map((id, i) => committed.indexOf(`\n### ${i + 1}. ${id}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});

describe("the generator", () => {
  const sources = readHopSources(ROOT);

  it("takes each hop's meaning from its module's header", () => {
    const docs = hopDocs(sources);
    expect(docs.map((d) => d.id)).toEqual([...HOP_IDS]);
    const assume = docs.find((d) => d.id === "assume-role")!;
    expect(assume.meaning).toMatch(/^A session of the source role may call sts:AssumeRole/);
    // The registration header's list stays a list.
    expect(docs.find((d) => d.id === "registration")!.meaning).toMatch(/\n- argocd: /);
  });

  it("refuses when a hop module lost its header, or numbers it differently from verify", () => {
    const without = sources.filter((s) => !s.file.endsWith("clusterAccess.ts"));
    expect(() => renderHopsAndFindings(without)).toThrow(/Hop 4, `cluster-access`/);
    const renumbered = sources.map((s) =>
      s.file.endsWith("clusterAccess.ts") ? { ...s, text: s.text.replace("Hop 4,", "Hop 5,") } : s,
    );
    expect(() => renderHopsAndFindings(renumbered)).toThrow(/number 5, but verify runs it as number 4/);
  });

  it("escapes Markdown outside code spans only", () => {
    expect(escapeMarkdown("sub = system:serviceaccount:<ns>:<sa>")).toBe(
      "sub = system:serviceaccount:\\<ns>:\\<sa>",
    );
    expect(escapeMarkdown("Resource * and `krci-*` and AWS_ROLE_ARN")).toBe(
      "Resource \\* and `krci-*` and AWS_ROLE_ARN",
    );
    expect(escapeMarkdown("_emphasis_ [x] a|b")).toBe("\\_emphasis\\_ \\[x\\] a\\|b");
  });
});
