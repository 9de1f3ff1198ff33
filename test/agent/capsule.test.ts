/**
 * issue 15 §9 on the sandbox: Capsule >= 0.12 lists its users in CapsuleConfiguration `spec.users` (the sandbox
 * honours it and the deprecated `userGroups`), `xirsa apply` adds the operator's group in the form the installed
 * object uses, and Capsule binds the tenant owners in a new namespace only after a while
 * (`sandbox up --capsule-bind-delay-ms`): `env create` waits for it, saying so on stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { E2ESandbox } from "../live/sandbox.js";
import { sandboxConfigText } from "../live/sandbox.js";
import { requireTools } from "../tools.js";
import { flowToken, inProcess, startFlowSandbox } from "./config.js";

const skip = requireTools("test/agent/capsule.test.ts", "aws", "kubectl");

const CLUSTERS = ["krci-main", "workloads-staging", "workloads-prod"];

/** A Capsule >= 0.12 installation as its chart leaves it: its default group and one user of someone else. */
const INSTALLED = `apiVersion: capsule.clastix.io/v1beta2
kind: CapsuleConfiguration
metadata:
  name: default
spec:
  users:
    - kind: Group
      name: projectcapsule.dev
    - kind: User
      name: alice
`;

describe.skipIf(!!skip)("Capsule >= 0.12 and its bind delay on the sandbox", () => {
  let sb: E2ESandbox;
  let opToken: string;

  beforeAll(async () => {
    sb = await startFlowSandbox(
      sandboxConfigText(),
      CLUSTERS,
      (s) => {
        const r = s.kubectl("workloads-prod", ["apply", "-f", "-"], INSTALLED);
        expect(r.code, r.stderr).toBe(0);
      },
      ["--capsule-bind-delay-ms", "1500"],
    );
    opToken = flowToken(sb, "krci", "edp-cd-pipeline-operator");
  }, 180_000);

  afterAll(() => sb?.stop());

  it("apply adds the operator's group to spec.users and leaves the other entries and userGroups alone", () => {
    const r = sb.kubectl("workloads-prod", ["get", "capsuleconfiguration", "default", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const spec = JSON.parse(r.stdout).spec;
    expect(spec.users).toEqual([
      { kind: "Group", name: "projectcapsule.dev" },
      { kind: "User", name: "alice" },
      { kind: "Group", name: "cd-pipeline-operator" },
    ]);
    expect(spec.userGroups).toBeUndefined();
  });

  it("verify --live proves the operator a Capsule user through spec.users", async () => {
    const r = await inProcess(["verify", "--config", sb.configFile, "--live", "--output", "json"], sb.env);
    const out = JSON.parse(r.stdout) as { findings: { code: string }[] };
    expect(out.findings.map((f) => f.code)).not.toContain("XIRSA-CAPSULE-NOT-USER");
  });

  it("env create waits while Capsule has not yet bound the tenant owners, then makes the environment", async () => {
    const r = await inProcess(
      [
        "env",
        "create",
        "--config",
        sb.configFile,
        "--target",
        "prod",
        "--token-file",
        opToken,
        "--pipeline",
        "shop",
        "--stage",
        "dev",
      ],
      sb.env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/waiting for Capsule to bind tenant krci's owners/);
    expect(r.stdout).toContain("(Capsule tenant krci)");
    const rb = sb.kubectl("workloads-prod", ["-n", "krci-shop-dev", "get", "rolebinding", "tenant-admin"]);
    expect(rb.code, rb.stderr).toBe(0);
  });
});
