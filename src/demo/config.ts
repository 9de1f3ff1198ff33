/**
 * The demo's config: an example xirsa.yaml pointed at the sandbox. The values the sandbox decides (the source
 * issuer, the targets' endpoints and CAs) are dropped so that xirsa discovers them with DescribeCluster, as it
 * would on AWS, and every account uses the sandbox's admin profile `sandbox-<account>`.
 */
import { parseDocument } from "yaml";
import { ConfigError } from "../errors.js";

export function sandboxConfigText(exampleText: string, exampleName: string): string {
  const doc = parseDocument(exampleText);
  if (doc.errors.length) {
    throw new ConfigError(
      "demo.example",
      `${exampleName}: invalid YAML: ${doc.errors[0]!.message.split("\n")[0]}`,
    );
  }
  const source = doc.get("source") as
    | { delete(k: string): void; set(k: string, v: unknown): void; get(k: string): unknown }
    | undefined;
  const targets = doc.get("targets") as
    | { items?: { delete(k: string): void; set(k: string, v: unknown): void; get(k: string): unknown }[] }
    | undefined;
  if (!source || !targets?.items) {
    throw new ConfigError(
      "demo.example",
      `${exampleName}: expected source and targets`,
      "pass an example like examples/multi-target.yaml",
    );
  }
  source.delete("oidcIssuer");
  source.set("profile", `sandbox-${String(source.get("accountId"))}`);
  for (const t of targets.items) {
    t.delete("endpoint");
    t.delete("caData");
    t.set("profile", `sandbox-${String(t.get("accountId"))}`);
  }
  doc.commentBefore = ` ${exampleName} pointed at the xirsa sandbox: issuer, endpoints and CAs are discovered\n with DescribeCluster; each account uses the sandbox admin profile sandbox-<account>.`;
  return doc.toString();
}
