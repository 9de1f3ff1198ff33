/**
 * Issue 18: a trust policy with both sub and aud wrong. The hop's reason names the sub condition (the
 * evaluator's refusal), so its fix must begin with sub, and name aud too: fixing one only uncovers the other.
 */
import { afterAll, describe, expect, it } from "vitest";
import { editJson, removeDir, renderExample, writeFiles, xirsaAsync } from "./fixtures.js";

const MASTER_TRUST = /aws\/111111111111\/roles\/AWSIRSA_dev_ArgoCDMaster\/trust-policy\.json$/;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

interface Hop {
  id: string;
  ok: boolean;
  reason: string;
  fix?: string;
  codes?: string[];
}

describe("a refusal with several trust mistakes", () => {
  it("sub names another chain's service account and aud is wrong: the fix names both, sub first", async () => {
    const files = renderExample("xirsa");
    editJson(files, MASTER_TRUST, (d) => {
      const eq = d.Statement[0].Condition.StringEquals as Record<string, unknown>;
      for (const k of Object.keys(eq)) {
        if (k.endsWith(":sub")) eq[k] = ["system:serviceaccount:krci:edp-cd-pipeline-operator"];
        if (k.endsWith(":aud")) eq[k] = "sts.amazonaws.com.cn";
      }
    });
    const dir = writeFiles(files);
    dirs.push(dir);
    const r = await xirsaAsync(["verify", "--from", dir, "--output", "json"]);
    expect(r.code).toBe(1);
    const chain = (JSON.parse(r.stdout) as { chains: { id: string; hops: Hop[] }[] }).chains.find(
      (c) => c.id === "prod/argocd",
    )!;
    const hop = chain.hops.find((h) => h.id === "web-identity")!;
    expect(hop.ok).toBe(false);
    expect(hop.reason).toMatch(/:sub in \[system:serviceaccount:krci:edp-cd-pipeline-operator\]/);
    expect(hop.codes).toEqual(["XIRSA-TRUST-SUB-MISMATCH", "XIRSA-TRUST-AUD-VALUE"]);
    const [subFix, audFix] = hop.fix!.split("; also: ");
    expect(subFix).toContain(":sub to [");
    expect(subFix).toContain('"system:serviceaccount:argocd:argocd-server"');
    expect(audFix).toMatch(/:aud to sts\.amazonaws\.com /);
  });
});
